from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "binhan.mediation"
    label = "mediation"
    verbose_name = _("Grassroots mediation")

    def ready(self) -> None:
        from binhan.mediation import panels

        panels.register()
