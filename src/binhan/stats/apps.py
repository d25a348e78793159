from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "binhan.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from binhan.stats import follower, tasks  # noqa: F401  (the subscriber, the periodic follow)
        from binhan.stats.builtin import alerts, assessments, community, manual, reports  # noqa: F401

        # Every other domain declares its indicators and sources in <app>/indicators.py.
        autodiscover_modules("indicators")
