from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiresafetyConfig(AppConfig):
    name = "binhan.firesafety"
    label = "firesafety"
    verbose_name = _("Fire safety")

    def ready(self) -> None:
        from binhan.firesafety import panels, tasks  # noqa: F401 - the periodic task and the report panel
        from binhan.reports import panels as report_panels

        report_panels.register("firesafety", template="firesafety/_report_panel.html", context=panels.report_panel,
                               order=50)
