from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiresafetyConfig(AppConfig):
    name = "binhan.firesafety"
    label = "firesafety"
    verbose_name = _("Fire safety")
