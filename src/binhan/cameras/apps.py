from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CamerasConfig(AppConfig):
    name = "binhan.cameras"
    label = "cameras"
    verbose_name = _("Security cameras")

    def ready(self) -> None:
        from binhan.cameras import panel, tasks  # noqa: F401 - periodic tasks register on import
        from binhan.reports import panels

        panels.register("cameras", template="cameras/_report_panel.html", context=panel.report_panel, order=300)
