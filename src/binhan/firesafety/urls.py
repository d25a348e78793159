app_name = "firesafety"

urlpatterns: list = []
