"""The mediation demo step: a team per group, mediators by the law (mostly), two years of cases with outcomes."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from binhan.accounts.models import User
from binhan.geo.models import AdministrativeUnit, Level
from binhan.mediation.models import CaseStatus, MediationCase, MediationTeam, Mediator, Party
from binhan.mediation.selectors import cases as case_selectors
from binhan.mediation.selectors import summary
from tests.demo_data import remove_mediation_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", "--size", "tiny", "--seed", "5", stdout=io.StringIO())


def test_teams_mediators_and_cases(demo):
    groups = AdministrativeUnit.objects.filter(level=Level.GROUP).count()
    assert MediationTeam.objects.count() == groups
    for team in MediationTeam.objects.all():
        assert team.mediators.filter(position="leader").count() == 1
    cases = MediationCase.objects.all()
    assert cases.count() >= groups * 2
    assert (timezone.localdate() - cases.order_by("received_on").first().received_on).days >= 365
    assert Party.objects.values("case").distinct().count() == cases.count()
    for case in cases.filter(status__in=[CaseStatus.SUCCESSFUL, CaseStatus.UNSUCCESSFUL]):
        assert case.sessions.exists() and case.assignments.exists() and case.closed_on >= case.received_on
    for case in cases.filter(status=CaseStatus.REFERRED):
        assert case.exclusions and case.referral_reason
    province_leader = User.objects.get(username="demo-province-leader")
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE)
    year = timezone.localdate().year
    result = summary.yearly_summary(viewer=province_leader, unit=province, year=year)
    assert result.received == cases.filter(received_on__year=year).count()


def test_demo_mediator_leads_a_team_and_sees_its_cases(demo):
    mediator = User.objects.get(username="demo-mediator")
    team = Mediator.objects.get(user=mediator).team
    assert case_selectors.visible_cases(mediator).count() == team.cases.count()


def test_demo_mediation_data_can_be_removed(demo):
    remove_mediation_data()
    assert (MediationTeam.objects.count(), MediationCase.objects.count(), Mediator.objects.count()) == (0, 0, 0)
