# Django's Persian formats leave numbers ungrouped; group by thousands as Persian text does.
from django.conf.locale.fa.formats import *  # noqa: F403

NUMBER_GROUPING = 3
