from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidenceConfig(AppConfig):
    name = "binhan.residence"
    label = "residence"
    verbose_name = _("Temporary stays")

    def ready(self) -> None:
        from binhan.residence import tasks  # noqa: F401 - registers the retention task
