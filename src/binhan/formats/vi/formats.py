# Django's Vietnamese formats leave numbers ungrouped; officials write 1.234.567.
from django.conf.locale.vi.formats import *  # noqa: F403

NUMBER_GROUPING = 3
