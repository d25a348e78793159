"""Mediation indicators for the statistics (docs/statistics.md): cases by the day they were received,
their outcome, and the teams and mediators in office. The same numbers as `selectors.summary`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from binhan.stats.registry import Contribution, Indicator, Source, local_day, register


def _dispute_types() -> dict[str, str]:
    from binhan.mediation.models import DisputeType

    return dict(DisputeType.choices)


register(Indicator(
    code="mediation.cases", name=_("Mediation cases received"), unit=_("cases"), domain="mediation", order=10,
    breakdown=_("type of dispute"), key_labels=_dispute_types, public=True,
    definition=_("Cases entered in a team's case log book, on the day they were received, by type of dispute."),
))
register(Indicator(
    code="mediation.mediated", name=_("Mediation cases concluded"), unit=_("cases"), domain="mediation", order=20,
    public=True, definition=_("Cases received in the period whose mediation ended, successful or not."),
))
register(Indicator(
    code="mediation.successful", name=_("Mediation cases settled"), unit=_("cases"), domain="mediation", order=30,
    public=True, higher_is_better=True,
    definition=_("Cases received in the period whose mediation succeeded."),
))
register(Indicator(
    code="mediation.referred", name=_("Mediation cases referred"), unit=_("cases"), domain="mediation", order=40,
    definition=_("Cases received in the period that the law excludes from mediation, referred to another body."),
))
register(Indicator(
    code="mediation.success_rate", name=_("Mediation success rate"), unit="%", domain="mediation", order=50,
    aggregation="ratio", numerator="mediation.successful", denominator="mediation.mediated", public=True,
    higher_is_better=True, definition=_("Cases settled among the cases whose mediation ended."),
))
register(Indicator(
    code="mediation.teams", name=_("Mediation teams"), unit=_("teams"), domain="mediation", order=60,
    aggregation="stock", public=True, definition=_("Teams established and not dissolved at the end of the period."),
))
register(Indicator(
    code="mediation.mediators", name=_("Mediators"), unit=_("mediators"), domain="mediation", order=70,
    aggregation="stock", public=True,
    definition=_("Mediators appointed and not gone at the end of the period."),
))


class CaseSource(Source):
    """A case: every mediation_case.* event names it."""

    name = "mediation.case"
    events = ("mediation_case.",)
    payload_id = "case_id"

    def queryset(self):
        from binhan.mediation.models import MediationCase

        return MediationCase.objects.only("id", "unit_path", "received_on", "dispute_type", "status")

    def contributions(self, case):
        from binhan.mediation.models import CaseStatus

        yield Contribution("mediation.cases", case.unit_path, case.received_on, case.dispute_type, 1)
        if case.status in (CaseStatus.SUCCESSFUL, CaseStatus.UNSUCCESSFUL):
            yield Contribution("mediation.mediated", case.unit_path, case.received_on, "", 1)
        if case.status == CaseStatus.SUCCESSFUL:
            yield Contribution("mediation.successful", case.unit_path, case.received_on, "", 1)
        if case.status == CaseStatus.REFERRED:
            yield Contribution("mediation.referred", case.unit_path, case.received_on, "", 1)


class TeamSource(Source):
    """A team and its mediators: every mediation_team.* event names the team."""

    name = "mediation.team"
    events = ("mediation_team.",)
    payload_id = "team_id"
    batch_size = 1000

    def queryset(self):
        from binhan.mediation.models import MediationTeam

        return MediationTeam.objects.only("id", "unit_path", "status", "established_on", "updated_at").prefetch_related(
            "mediators")

    def contributions(self, team):
        from binhan.mediation.models import MediationTeam, Mediator

        yield Contribution("mediation.teams", team.unit_path, team.established_on, "", 1)
        if team.status == MediationTeam.Status.DISSOLVED:
            yield Contribution("mediation.teams", team.unit_path, local_day(team.updated_at), "", -1)
        for mediator in team.mediators.all():
            yield Contribution("mediation.mediators", mediator.unit_path, mediator.appointed_on, "", 1)
            if mediator.status == Mediator.Status.LEFT:
                yield Contribution("mediation.mediators", mediator.unit_path, local_day(mediator.updated_at), "", -1)


register(CaseSource())
register(TeamSource())
