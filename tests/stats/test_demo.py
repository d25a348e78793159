"""The stats demo step: a year of approved manual figures per commune, and every fact rebuilt last."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from binhan.community.models import SecurityTeam
from binhan.geo.models import AdministrativeUnit, Level
from binhan.reports.models import Report
from binhan.stats import engine, selectors
from binhan.stats.models import ManualEntry
from binhan.stats.periods import Period

pytestmark = pytest.mark.django_db


def test_demo_figures_match_the_raw_tables():
    call_command("demo", "--size", "tiny", "--seed", "5", stdout=io.StringIO())
    communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE, children__isnull=False).distinct().count()
    assert ManualEntry.objects.filter(status="approved").count() == communes * 12 * 4
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE)
    everything = Period("range", dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    figures = {f.indicator.code: f.value for f in selectors.figures(
        unit=province, codes=["reports.received", "community.teams"], period=everything)}
    assert figures == {"reports.received": Report.objects.count(),
                       "community.teams": SecurityTeam.objects.filter(status="active").count()}
    # Nothing is waiting for the follower, and the stats-rebuild command gives the same facts.
    assert engine.follow_all() == 0
    out = io.StringIO()
    call_command("stats-rebuild", stdout=out)
    assert "Rebuilt from" in out.getvalue()
