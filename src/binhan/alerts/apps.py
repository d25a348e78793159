from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "binhan.alerts"
    label = "alerts"
    verbose_name = _("Alerts and messages")

    def ready(self) -> None:
        from binhan.alerts import tasks  # noqa: F401  (register the periodic tasks)
        from binhan.alerts.selectors import alert_for_report_origin
        from binhan.reports import origins

        origins.register("alert", alert_for_report_origin)
