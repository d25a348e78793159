from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "binhan.core"
    label = "core"
    verbose_name = _("System")

    def ready(self) -> None:
        from binhan.core import checks, signals  # noqa: F401
