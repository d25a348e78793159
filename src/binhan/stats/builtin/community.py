"""Indicators fed by the community forces: teams and members (levels), models by status, commendations."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from binhan.stats.registry import Contribution, Indicator, Source, local_day, register


def _model_statuses() -> dict[str, str]:
    from binhan.community.models import ModelStatus

    return dict(ModelStatus.choices)


def _commendation_levels() -> dict[str, str]:
    from binhan.community.models import CommendationLevel

    return dict(CommendationLevel.choices)


register(Indicator(
    code="community.teams", name=_("Grassroots security teams"), unit=_("teams"), domain="community", order=10,
    aggregation="stock", public=True, higher_is_better=True,
    definition=_("Teams established and not dissolved at the end of the period."),
))
register(Indicator(
    code="community.members", name=_("Security team members"), unit=_("members"), domain="community", order=20,
    aggregation="stock", public=True, higher_is_better=True,
    definition=_("Members who had joined and not left at the end of the period."),
))
register(Indicator(
    code="community.models", name=_("Self-management models"), unit=_("models"), domain="community", order=30,
    aggregation="stock", breakdown=_("status"), key_labels=_model_statuses, public=True,
    definition=_("Models started by the end of the period, by their status now."),
))
register(Indicator(
    code="community.commendations", name=_("Commendations"), unit=_("commendations"), domain="community",
    order=40, breakdown=_("level"), key_labels=_commendation_levels, public=True, higher_is_better=True,
    definition=_("Commendations by the date of their decision."),
))


class TeamSource(Source):
    """A team and its members: every community.team.* event names the team."""

    name = "community.team"
    events = ("community.team.",)
    payload_id = "team_id"
    batch_size = 1000

    def queryset(self):
        from binhan.community.models import SecurityTeam

        return SecurityTeam.objects.only("id", "unit_path", "status", "established_on", "updated_at").prefetch_related(
            "members")

    def contributions(self, team):
        from binhan.community.models import SecurityTeam, TeamMember

        yield Contribution("community.teams", team.unit_path, team.established_on, "", 1)
        if team.status == SecurityTeam.Status.DISSOLVED:
            yield Contribution("community.teams", team.unit_path, local_day(team.updated_at), "", -1)
        for member in team.members.all():
            yield Contribution("community.members", member.unit_path, member.joined_on, "", 1)
            if member.status == TeamMember.Status.LEFT:
                left = member.left_on or local_day(member.updated_at)
                yield Contribution("community.members", member.unit_path, left, "", -1)


class ModelSource(Source):
    name = "community.model"
    events = ("community.model.",)
    payload_id = "model_id"

    def queryset(self):
        from binhan.community.models import SelfManagementModel

        return SelfManagementModel.objects.only("id", "unit_path", "status", "started_on", "created_at")

    def contributions(self, model):
        yield Contribution("community.models", model.unit_path, model.started_on or local_day(model.created_at),
                           model.status, 1)


class CommendationSource(Source):
    name = "community.commendation"
    events = ("community.commendation.",)
    payload_id = "commendation_id"

    def queryset(self):
        from binhan.community.models import Commendation

        return Commendation.objects.only("id", "unit_path", "level", "decision_date")

    def contributions(self, commendation):
        yield Contribution("community.commendations", commendation.unit_path, commendation.decision_date,
                           commendation.level, 1)


register(TeamSource())
register(ModelSource())
register(CommendationSource())
