"""Grassroots security teams (Law 30/2023/QH15): teams, their areas, members, and the yearly rating."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.community import rules
from binhan.community.models import (
    Education,
    MemberRating,
    Position,
    SecurityTeam,
    TeamArea,
    TeamGrade,
    TeamMember,
    TeamRating,
)
from binhan.community.services._common import check_manager, clean_text
from binhan.core import audit, events, paths
from binhan.core.exceptions import ServiceError
from binhan.core.services import apply_changes
from binhan.geo.models import AdministrativeUnit, Household, Level

MEMBER_FIELDS = ("full_name", "date_of_birth", "education", "remote_area", "resident_since", "phone", "address",
                 "position", "chairman_consent", "joined_on", "decision_number", "decision_date", "decided_by",
                 "allowance")


def _publish_team(team: SecurityTeam, name: str, **payload) -> None:
    events.publish(f"community.team.{name}", unit_path=team.unit_path, team_id=team.pk, **payload)


def _check_groups(unit: AdministrativeUnit, extra: list[AdministrativeUnit], actor) -> list[AdministrativeUnit]:
    groups = [unit, *[g for g in extra if g.pk != unit.pk]]
    for group in groups:
        if group.level != Level.GROUP:
            raise ServiceError(_("A security team covers residential groups or villages."), field="unit")
        if group.parent_id != unit.parent_id:
            raise ServiceError(_("A team covers groups of one commune only."), field="areas")
        check_manager(actor, group.path)
    taken = TeamArea.objects.filter(unit__in=groups, team__status=SecurityTeam.Status.ACTIVE).select_related("unit")
    for area in taken:
        raise ServiceError(_("%(group)s already has a security team.") % {"group": area.unit.display_name},
                           field="areas")
    return groups


@transaction.atomic
def team_create(
    *, actor, unit: AdministrativeUnit, name: str = "", established_on: date, decision_number: str = "",
    decision_date: date | None = None, extra_units: list[AdministrativeUnit] | tuple = (),
) -> SecurityTeam:
    """The commune chairman sets up a team for a residential group (or several) on the police's proposal."""
    if unit.level != Level.GROUP:
        raise ServiceError(_("A security team covers residential groups or villages."), field="unit")
    check_manager(actor, unit.path)
    groups = _check_groups(unit, list(extra_units), actor)
    if established_on > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="established_on")
    name = clean_text(name, field="name", limit=200) or _("Security team of %(group)s") % {"group": unit.name}
    team = SecurityTeam(unit=unit, unit_path=unit.path, commune_id=unit.parent_id, name=name,
                        established_on=established_on,
                        decision_number=clean_text(decision_number, field="decision_number", limit=60),
                        decision_date=decision_date)
    team.full_clean(exclude=["unit", "commune", "unit_path"])
    team.save()
    TeamArea.objects.bulk_create(TeamArea(team=team, unit=group) for group in groups)
    audit.record(actor=actor, action="community.team.create", obj=team,
                 changes={"name": [None, name], "areas": [None, [g.code for g in groups]]})
    _publish_team(team, "created")
    return team


@transaction.atomic
def team_update(*, actor, team: SecurityTeam, **fields) -> SecurityTeam:
    """Correct the team's name or its founding decision."""
    check_manager(actor, team.unit_path)
    if "name" in fields:
        fields["name"] = clean_text(fields["name"], field="name", limit=200, required=_("Give the team a name."))
    if apply_changes(actor=actor, obj=team, fields=fields, action="community.team.update",
                     allowed={"name", "decision_number", "decision_date", "established_on"}):
        _publish_team(team, "updated")
    return team


@transaction.atomic
def team_dissolve(*, actor, team: SecurityTeam, reason: str) -> SecurityTeam:
    """The chairman dissolves the team; its groups may get a new one."""
    check_manager(actor, team.unit_path)
    reason = clean_text(reason, field="reason", limit=500, required=_("Say why the team is dissolved."))
    if team.status == SecurityTeam.Status.DISSOLVED:
        raise ServiceError(_("This team is already dissolved."), field="status")
    team.status = SecurityTeam.Status.DISSOLVED
    team.save(update_fields=["status", "updated_at"])
    TeamArea.objects.filter(team=team).delete()
    audit.record(actor=actor, action="community.team.dissolve", obj=team,
                 changes={"status": [SecurityTeam.Status.ACTIVE, team.status]}, purpose=reason)
    _publish_team(team, "updated")
    return team


def _check_member_data(data: dict, *, team: SecurityTeam, exclude_pk: int | None = None) -> None:
    if data["education"] not in Education.values:
        raise ServiceError(_("Choose an education level."), field="education")
    if data["position"] not in Position.values:
        raise ServiceError(_("Choose a position."), field="position")
    if data["joined_on"] > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="joined_on")
    rules.check_eligibility(date_of_birth=data["date_of_birth"], resident_since=data["resident_since"],
                            education=data["education"], remote_area=data["remote_area"],
                            chairman_consent=data["chairman_consent"], on=data["joined_on"])
    if data["position"] == Position.LEADER:
        leaders = team.members.filter(position=Position.LEADER, status=TeamMember.Status.ACTIVE)
        if exclude_pk:
            leaders = leaders.exclude(pk=exclude_pk)
        if leaders.exists():
            raise ServiceError(_("This team already has a leader. Change the leader's position first."),
                               field="position")


@transaction.atomic
def member_add(
    *, actor, team: SecurityTeam, full_name: str, date_of_birth: date, education: str, resident_since: date,
    joined_on: date | None = None, position: str = Position.MEMBER, phone: str = "", address: str = "",
    remote_area: bool = False, chairman_consent: str = "", decision_number: str = "",
    decision_date: date | None = None, decided_by: str = "", allowance: int | None = None, user=None,
    household: Household | None = None,
) -> TeamMember:
    """A person joins the team; eligibility is checked on the day they join (Law 30/2023, art. 14)."""
    check_manager(actor, team.unit_path)
    if team.status != SecurityTeam.Status.ACTIVE:
        raise ServiceError(_("This team is dissolved."), field="team")
    team = SecurityTeam.objects.select_for_update().get(pk=team.pk)
    data = {
        "full_name": clean_text(full_name, field="full_name", limit=150, required=_("Give the person's full name.")),
        "date_of_birth": date_of_birth, "education": education, "remote_area": bool(remote_area),
        "resident_since": resident_since, "phone": clean_text(phone, field="phone", limit=20),
        "address": clean_text(address, field="address", limit=255), "position": position,
        "chairman_consent": clean_text(chairman_consent, field="chairman_consent", limit=200),
        "joined_on": joined_on or timezone.localdate(),
        "decision_number": clean_text(decision_number, field="decision_number", limit=60),
        "decision_date": decision_date, "decided_by": clean_text(decided_by, field="decided_by", limit=150),
    }
    _check_member_data(data, team=team)
    if household is not None and not household.unit_path.startswith(paths.truncate(team.unit_path, 3)):
        raise ServiceError(_("The household must be in the team's commune."), field="household")
    data["allowance"] = allowance if allowance is not None else rules.allowance_for(rules.rule_for(team.unit_path),
                                                                                     position)
    if data["allowance"] < 0 or data["allowance"] > 100_000_000:
        raise ServiceError(_("Give a monthly allowance from 0 to 100,000,000 đồng."), field="allowance")
    member = TeamMember(team=team, unit_path=team.unit_path, user=user, household=household, **data)
    member.full_clean(exclude=["team", "unit_path", "user", "household"])
    member.save()
    audit.record(actor=actor, action="community.member.add", obj=member,
                 changes={key: [None, value] for key, value in audit.snapshot(member, MEMBER_FIELDS).items()
                          if value not in ("", None, False)})
    _publish_team(team, "member_changed", member_id=member.pk)
    return member


@transaction.atomic
def member_update(*, actor, member: TeamMember, **fields) -> TeamMember:
    """Correct a member's record: position, appointment, allowance, contact; eligibility is checked again."""
    check_manager(actor, member.unit_path)
    member = TeamMember.objects.select_for_update().select_related("team").get(pk=member.pk)
    allowed = set(MEMBER_FIELDS) | {"user"}
    data = {key: getattr(member, key) for key in MEMBER_FIELDS}
    data.update({key: value for key, value in fields.items() if key in data})
    if set(fields) & {"date_of_birth", "resident_since", "education", "remote_area", "chairman_consent",
                      "joined_on", "position"}:
        _check_member_data(data, team=member.team, exclude_pk=member.pk)
    if apply_changes(actor=actor, obj=member, fields=fields, allowed=allowed, action="community.member.update"):
        _publish_team(member.team, "member_changed", member_id=member.pk)
    return member


@transaction.atomic
def member_set_status(*, actor, member: TeamMember, status: str, reason: str = "",
                      on: date | None = None) -> TeamMember:
    """Suspend a member, take them back, or record that they left."""
    check_manager(actor, member.unit_path)
    member = TeamMember.objects.select_for_update().select_related("team").get(pk=member.pk)
    if status not in TeamMember.Status.values:
        raise ServiceError(_("Unknown status."), field="status")
    if member.status == TeamMember.Status.LEFT:
        raise ServiceError(_("This member has left the team; add them again if they come back."), field="status")
    if status == member.status:
        raise ServiceError(_("The member already has this status."), field="status")
    reason = clean_text(reason, field="reason", limit=500)
    if status != TeamMember.Status.ACTIVE and not reason:
        raise ServiceError(_("Say why."), field="reason")
    before = member.status
    member.status = status
    fields = ["status", "updated_at"]
    if status == TeamMember.Status.LEFT:
        member.left_on = on or timezone.localdate()
        fields.append("left_on")
    member.save(update_fields=fields)
    audit.record(actor=actor, action="community.member.status", obj=member, changes={"status": [before, status]},
                 purpose=reason)
    _publish_team(member.team, "member_changed", member_id=member.pk)
    return member


def member_read_personal(*, actor, member: TeamMember, purpose: str) -> TeamMember:
    """Reading a member's date of birth, phone and address is audited with the reason given."""
    check_manager(actor, member.unit_path)
    purpose = clean_text(purpose, field="purpose", limit=500,
                         required=_("Please say why you need this person's details."))
    audit.record(actor=actor, action="community.member.read_personal", obj=member, purpose=purpose)
    return member


@transaction.atomic
def team_rate(
    *, actor, team: SecurityTeam, year: int, grade: str, tasks_assigned: int | None = None,
    tasks_done: int | None = None, note: str = "",
) -> TeamRating:
    """The yearly rating (15 Nov – 14 Nov). Excellent needs over 95% of tasks done and is capped at 20% of
    the commune's teams; teams with under 9 months in the period are not rated."""
    from binhan.community.selectors.teams import rateable_team_count, team_period_figures

    check_manager(actor, team.unit_path)
    if grade not in TeamGrade.values:
        raise ServiceError(_("Choose a grade."), field="grade")
    if not (2000 <= year <= rules.period_of(timezone.localdate()).year):
        raise ServiceError(_("Rate a period that has started."), field="year")
    # One commune's ratings at a time, so two officers cannot both take the last excellent place.
    AdministrativeUnit.objects.select_for_update().filter(pk=team.commune_id).first()
    rule = rules.rule_for(team.unit_path)
    rating_period = rules.period(year)
    rules.check_rateable(rule=rule, established_on=team.established_on, rating_period=rating_period,
                         today=timezone.localdate())
    if TeamRating.objects.filter(team=team, year=year).exists():
        raise ServiceError(_("This team is already rated for this period."), field="year")
    figures = team_period_figures(team=team, rating_period=rating_period)
    assigned = figures.tasks_assigned if tasks_assigned is None else tasks_assigned
    done = figures.tasks_done if tasks_done is None else tasks_done
    if assigned < 0 or done < 0 or done > assigned:
        raise ServiceError(_("Tasks done must be between 0 and the tasks assigned."), field="tasks_done")
    if grade == TeamGrade.EXCELLENT:
        given = TeamRating.objects.filter(commune_id=team.commune_id, year=year, grade=TeamGrade.EXCELLENT).count()
        rules.check_excellent(rule=rule, tasks_assigned=assigned, tasks_done=done, excellent_so_far=given,
                              teams_in_commune=rateable_team_count(commune_id=team.commune_id,
                                                                   rating_period=rating_period, rule=rule))
    rating = TeamRating(team=team, unit_path=team.unit_path, commune_id=team.commune_id, year=year, grade=grade,
                        tasks_assigned=assigned, tasks_done=done, patrols=figures.patrols,
                        reports_handled=figures.reports_handled, rated_by=actor,
                        note=clean_text(note, field="note", limit=500))
    rating.save()
    audit.record(actor=actor, action="community.team.rate", obj=team,
                 changes={"year": [None, year], "grade": [None, grade], "tasks": [None, [done, assigned]]})
    _publish_team(team, "rated", year=year, grade=grade)
    return rating


@transaction.atomic
def member_rate(
    *, actor, member: TeamMember, year: int, grade: str, tasks_assigned: int | None = None,
    tasks_done: int | None = None, note: str = "",
) -> MemberRating:
    """A member's yearly rating: the same period and grades as the team's; members with under 9 months in
    the period are not rated, and excellent needs more than 95% of their shifts done."""
    from binhan.community.selectors.teams import member_period_figures

    check_manager(actor, member.unit_path)
    if grade not in TeamGrade.values:
        raise ServiceError(_("Choose a grade."), field="grade")
    if not (2000 <= year <= rules.period_of(timezone.localdate()).year):
        raise ServiceError(_("Rate a period that has started."), field="year")
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    rule = rules.rule_for(member.unit_path)
    rating_period = rules.period(year)
    try:
        rules.check_rateable(rule=rule, established_on=member.joined_on, rating_period=rating_period,
                             today=timezone.localdate())
    except ServiceError:
        raise ServiceError(_("Members with under %(minimum)s months in the period are not rated.")
                           % {"minimum": rule.min_months_rated}, field="year") from None
    if MemberRating.objects.filter(member=member, year=year).exists():
        raise ServiceError(_("This member is already rated for this period."), field="year")
    figures = member_period_figures(member=member, rating_period=rating_period)
    assigned = figures[0] if tasks_assigned is None else tasks_assigned
    done = figures[1] if tasks_done is None else tasks_done
    if assigned < 0 or done < 0 or done > assigned:
        raise ServiceError(_("Tasks done must be between 0 and the tasks assigned."), field="tasks_done")
    if grade == TeamGrade.EXCELLENT and (assigned == 0 or done * 100 <= rule.excellent_min_percent * assigned):
        raise ServiceError(_("“Excellent” needs more than %(minimum)s%% of tasks done.")
                           % {"minimum": rule.excellent_min_percent}, field="grade")
    rating = MemberRating.objects.create(member=member, unit_path=member.unit_path, year=year, grade=grade,
                                         tasks_assigned=assigned, tasks_done=done, rated_by=actor,
                                         note=clean_text(note, field="note", limit=500))
    audit.record(actor=actor, action="community.member.rate", obj=member,
                 changes={"year": [None, year], "grade": [None, grade], "tasks": [None, [done, assigned]]})
    events.publish("community.team.member_changed", unit_path=member.unit_path, team_id=member.team_id,
                   member_id=member.pk)
    return rating
