from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "binhan.alerts"
    label = "alerts"
    verbose_name = _("Alerts and messages")

    def ready(self) -> None:
        from binhan.alerts import tasks  # noqa: F401  (register the periodic tasks)
