"""The community demo step: a team per group, rosters and patrols over two years, ratings within the rules."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from binhan.community import rules
from binhan.community.models import (
    PatrolLog,
    SecurityTeam,
    SelfManagementModel,
    TeamArea,
    TeamMember,
    TeamRating,
)
from binhan.community.selectors import selfmanagement as model_selectors
from binhan.geo.models import AdministrativeUnit, Level
from tests.demo_data import remove_community_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", "--size", "tiny", "--seed", "5", stdout=io.StringIO())


def test_every_group_has_exactly_one_team(demo):
    groups = AdministrativeUnit.objects.filter(level=Level.GROUP).count()
    assert TeamArea.objects.count() == groups
    assert TeamArea.objects.values("unit").distinct().count() == groups
    leaders = Counter(TeamMember.objects.filter(position="leader").values_list("team", flat=True))
    assert set(leaders.values()) == {1}
    assert len(leaders) == SecurityTeam.objects.count()


def test_members_meet_the_law(demo):
    for member in TeamMember.objects.all():
        age = rules.age_on(member.date_of_birth, member.joined_on)
        assert age >= 18
        assert age <= 70 or member.chairman_consent
        assert rules.years_between(member.resident_since, member.joined_on) >= 1


def test_two_years_of_patrols_and_ratings_within_the_rules(demo):
    first = PatrolLog.objects.order_by("started_at").first().started_at
    assert (timezone.now() - first).days >= 600
    assert PatrolLog.objects.filter(ended_at__isnull=True).count() == 0
    assert PatrolLog.objects.count() >= 100 * SecurityTeam.objects.count() // 2
    for row in TeamRating.objects.values("commune", "year").annotate(n=Count("id")):
        teams = SecurityTeam.objects.filter(commune=row["commune"]).count()
        excellent = TeamRating.objects.filter(commune=row["commune"], year=row["year"], grade="excellent").count()
        assert excellent <= teams * 20 // 100
    for rating in TeamRating.objects.filter(grade="excellent"):
        assert rating.tasks_done * 100 > 95 * rating.tasks_assigned


def test_models_answer_the_register(demo):
    from binhan.accounts.models import User

    leader = User.objects.get(username="demo-province-leader")
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE, memberships__user=leader)
    register = model_selectors.register(viewer=leader, unit=province)
    assert register.total.models == SelfManagementModel.objects.count() >= 2
    assert register.total.sites >= 1
    for model in SelfManagementModel.objects.filter(status="ended"):
        assert model.end_reason


def test_demo_community_data_can_be_removed(demo):
    remove_community_data()
    assert (SecurityTeam.objects.count(), TeamArea.objects.count(), SelfManagementModel.objects.count()) == (0, 0, 0)
