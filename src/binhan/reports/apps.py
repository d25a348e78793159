from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "binhan.reports"
    label = "reports"
    verbose_name = _("Incident reports")

    def ready(self) -> None:
        from binhan.reports import subscribers, tasks  # noqa: F401  (register subscribers and periodic tasks)
