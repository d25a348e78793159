"""Inter-family fire-safety teams: 5–15 adjacent households of one residential group, a leader, a
deputy and a shared alarm. Households join and leave; each move is audited. A size outside 5–15 is
a warning on the team's page, not a refusal (a team forms one household at a time)."""

from __future__ import annotations

import math
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core import audit
from binhan.core.exceptions import ServiceError
from binhan.core.services import apply_changes
from binhan.firesafety import rules
from binhan.firesafety.models import FireTeam, TeamHousehold
from binhan.firesafety.services._common import check_keeper, check_past, clean_text, publish
from binhan.geo.models import AdministrativeUnit, Household, Level
from binhan.reports.locate import boundary_contains, distance_m

TEXT_LIMITS = {"name": 200, "leader_name": 150, "deputy_name": 150, "alarm": 300}


def _publish(team: FireTeam, action: str, **ids) -> None:
    publish("team.changed", unit_path=team.unit_path, team_id=team.pk, action=action, **ids)


def _clean(fields: dict) -> dict:
    for name, limit in TEXT_LIMITS.items():
        if name in fields:
            fields[name] = clean_text(fields[name], field=name, limit=limit,
                                      required=_("Give the team a name.") if name == "name" else "")
    return fields


@transaction.atomic
def team_create(*, actor, unit: AdministrativeUnit, name: str, leader_name: str = "", deputy_name: str = "",
                alarm: str = "", established_on: date | None = None, leader_user=None,
                households: list[Household] | tuple = ()) -> FireTeam:
    """A residential group sets up a team of adjacent households, with a leader and a deputy."""
    if unit.level != Level.GROUP:
        raise ServiceError(_("A fire-safety team belongs to a residential group or village."), field="unit")
    check_keeper(actor, unit.path)
    check_past(established_on, field="established_on")
    fields = _clean({"name": name, "leader_name": leader_name, "deputy_name": deputy_name, "alarm": alarm})
    team = FireTeam(unit=unit, unit_path=unit.path, established_on=established_on or timezone.localdate(),
                    leader_user=leader_user, **fields)
    team.full_clean(exclude=["unit", "leader_user"])
    team.save()
    audit.record(actor=actor, action="firesafety.team.create", obj=team,
                 changes={"name": [None, team.name], "unit": [None, unit.code]})
    _publish(team, "created")
    for household in households:
        team_add_household(actor=actor, team=team, household=household)
    return team


@transaction.atomic
def team_update(*, actor, team: FireTeam, **fields) -> FireTeam:
    """Correct the team's name, leader, deputy or shared alarm."""
    check_keeper(actor, team.unit_path)
    if "established_on" in fields:
        check_past(fields["established_on"], field="established_on")
    if apply_changes(actor=actor, obj=team, fields=_clean(fields), action="firesafety.team.update",
                     allowed={"name", "leader_name", "deputy_name", "alarm", "established_on", "leader_user"}):
        _publish(team, "updated")
    return team


@transaction.atomic
def team_add_household(*, actor, team: FireTeam, household: Household, on: date | None = None) -> TeamHousehold:
    """A household of the group joins the team (a household is in one team at a time)."""
    check_keeper(actor, team.unit_path)
    if team.status != FireTeam.Status.ACTIVE:
        raise ServiceError(_("This team is dissolved."), field="team")
    if household.unit_id != team.unit_id:
        raise ServiceError(_("A team joins households of its own residential group."), field="household")
    on = on or timezone.localdate()
    check_past(on, field="joined_on")
    current = TeamHousehold.objects.select_for_update().filter(household=household, left_on__isnull=True).first()
    if current is not None:
        message = (_("This household is already in the team.") if current.team_id == team.pk
                   else _("This household is already in another team."))
        raise ServiceError(message, field="household")
    member = TeamHousehold.objects.create(team=team, household=household, unit_path=team.unit_path, joined_on=on)
    audit.record(actor=actor, action="firesafety.team.join", obj=team, changes={"household": [None, household.pk]})
    _publish(team, "household_joined", household_id=household.pk)
    return member


@transaction.atomic
def team_remove_household(*, actor, team: FireTeam, household: Household, on: date | None = None) -> TeamHousehold:
    """A household leaves the team (moved away, or joined a team closer by)."""
    check_keeper(actor, team.unit_path)
    member = (TeamHousehold.objects.select_for_update()
              .filter(team=team, household=household, left_on__isnull=True).first())
    if member is None:
        raise ServiceError(_("This household is not in the team."), field="household")
    on = on or timezone.localdate()
    check_past(on, field="left_on")
    member.left_on = max(on, member.joined_on)
    member.save(update_fields=["left_on"])
    audit.record(actor=actor, action="firesafety.team.leave", obj=team, changes={"household": [household.pk, None]})
    _publish(team, "household_left", household_id=household.pk)
    return member


@transaction.atomic
def team_dissolve(*, actor, team: FireTeam) -> FireTeam:
    """The team stops; its households are free to join another."""
    check_keeper(actor, team.unit_path)
    if team.status == FireTeam.Status.DISSOLVED:
        raise ServiceError(_("This team is dissolved."), field="team")
    team.status = FireTeam.Status.DISSOLVED
    team.save(update_fields=["status", "updated_at"])
    staying = TeamHousehold.objects.filter(team=team, left_on__isnull=True)
    household_ids = sorted(staying.values_list("household_id", flat=True))
    staying.update(left_on=timezone.localdate())
    audit.record(actor=actor, action="firesafety.team.dissolve", obj=team,
                 changes={"status": [FireTeam.Status.ACTIVE, team.status]})
    _publish(team, "dissolved", household_ids=household_ids)  # each household's figures move (statistics)
    return team


def _area_of(boundary) -> bool:
    """Whether a group's boundary is a polygon we can test a point against (else the centre decides)."""
    if not isinstance(boundary, dict):
        return False
    geometry = boundary.get("geometry", boundary) if boundary.get("type") == "Feature" else boundary
    return isinstance(geometry, dict) and geometry.get("type") in ("Polygon", "MultiPolygon")


def _checked_place(group: AdministrativeUnit, lat, lon) -> tuple[float | None, float | None]:
    """A valid place inside the group (its boundary, else near its centre), or both empty to clear it."""
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise ServiceError(_("Give both the latitude and the longitude, or neither."), field="lat")
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        lat = lon = math.nan
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ServiceError(_("The place is not valid: the latitude runs from -90 to 90 and the longitude from "
                             "-180 to 180."), field="lat")
    if _area_of(group.boundary):
        if not boundary_contains(group.boundary, lat, lon):
            raise ServiceError(_("This place lies outside the residential group. Place the house within it."),
                               field="lat")
    elif group.centre_lat is not None and group.centre_lon is not None and (
            distance_m(lat, lon, group.centre_lat, group.centre_lon) > rules.HOUSEHOLD_FROM_CENTRE_M):
        raise ServiceError(_("This place is more than %(metres)s m from the residential group's centre. Place "
                             "the house within the group.") % {"metres": f"{rules.HOUSEHOLD_FROM_CENTRE_M:,}"},
                           field="lat")
    return round(lat, 6), round(lon, 6)  # about 10 cm: a tap on a phone is no finer


@transaction.atomic
def team_household_locate(*, actor, team: FireTeam, household: Household, lat: float | None,
                          lon: float | None) -> TeamHousehold:
    """The team leader or the police place a team household on the map (a tap on a phone), or clear its
    place; the team's map and the distance from a reported fire use it."""
    check_keeper(actor, team.unit_path)
    if team.status != FireTeam.Status.ACTIVE:
        raise ServiceError(_("This team is dissolved."), field="team")
    member = (TeamHousehold.objects.select_for_update()
              .filter(team=team, household=household, left_on__isnull=True).first())
    if member is None:
        raise ServiceError(_("This household is not in the team."), field="household")
    lat, lon = _checked_place(team.unit, lat, lon)
    before = [member.lat, member.lon]
    if before == [lat, lon]:
        return member
    member.lat, member.lon = lat, lon
    member.save(update_fields=["lat", "lon"])
    audit.record(actor=actor, action="firesafety.team.locate", obj=team,
                 changes={"household": [household.pk, household.pk], "place": [before, [lat, lon]]})
    _publish(team, "household_located", household_id=household.pk)
    return member
