"""Fire-safety indicators for the statistics (docs/statistics.md, docs/firesafety.md#indicators).

Flows (inspections, drills, participants) count on their day. Levels (teams, households, equipped
households, overdue items, points, open findings) are stocks: +1 on the day a thing starts, −1 on
the day it ends, as the community teams and members are. What is new here is that an equipment
item's end is often known in advance (its due date): that −1 (or the +1 of an overdue item) is
written on its future day, so the figure for any day, today included, is right when the day comes
without an event; "as of today" equals the app's own selectors (`readiness`, the overdue
register, a point's state). The readiness score is two such stocks (points earned, points
possible) whose ratio is the household-weighted mean of the teams' scores; its drill part also
changes on days known in advance (12 and 24 months after the last drill). The history is the one
the rows tell now: an item checked today was in date from that check on, what came before it is
not kept. A period's stock is its level on the period's last day, or today for a period that runs
past today (stats.selectors: the figures and the trend read a stock no later than today).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from binhan.firesafety import rules
from binhan.firesafety.models import (
    REQUIRED,
    Condition,
    Drill,
    Equipment,
    Finding,
    FirePoint,
    FireTeam,
    Inspection,
    TeamHousehold,
)
from binhan.firesafety.selectors.points import POINT_REQUIRED
from binhan.stats.registry import Contribution, Indicator, Source, local_day, register


def _owner_labels() -> dict[str, str]:
    return {"household": str(_("Household")), "team": str(_("Team")), "point": str(_("Public point"))}


def _subject_labels() -> dict[str, str]:
    return {"household": str(_("Household")), "point": str(_("Public point"))}


def _drill_kinds() -> dict[str, str]:
    return dict(Drill.Kind.choices)


register(Indicator(
    code="firesafety.teams", name=_("Fire-safety teams"), unit=_("teams"), domain="firesafety", order=10,
    aggregation="stock", public=True, higher_is_better=True,
    definition=_("Inter-family fire-safety teams established and not dissolved at the end of the period."),
))
register(Indicator(
    code="firesafety.households", name=_("Households in fire-safety teams"), unit=_("households"),
    domain="firesafety", order=20, aggregation="stock", public=True, higher_is_better=True,
    definition=_("Households that belong to a fire-safety team at the end of the period."),
))
register(Indicator(
    code="firesafety.households_equipped", name=_("Team households equipped and in date"), unit=_("households"),
    domain="firesafety", order=30, aggregation="stock", higher_is_better=True,
    definition=_("Team households that keep, in date and not broken, an extinguisher, a demolition tool and an "
                 "alarm at the end of the period (the readiness rule; an item is in date from its last check or "
                 "purchase until its due date)."),
))
register(Indicator(
    code="firesafety.equipped_share", name=_("Households equipped and in date"), unit="%", domain="firesafety",
    order=40, aggregation="ratio", numerator="firesafety.households_equipped", denominator="firesafety.households",
    higher_is_better=True,
    definition=_("Team households equipped and in date among the households in teams, at the end of the period."),
))
register(Indicator(
    code="firesafety.equipment_overdue", name=_("Equipment items overdue"), unit=_("items"), domain="firesafety",
    order=50, aggregation="stock", breakdown=_("kept by"), key_labels=_owner_labels, higher_is_better=False,
    definition=_("Items of households, teams and public points past their inspection or refill date and not "
                 "removed at the end of the period, as the overdue register counts them."),
))
register(Indicator(
    code="firesafety.points", name=_("Public firefighting points"), unit=_("public points"), domain="firesafety",
    order=60, aggregation="stock", public=True, higher_is_better=True,
    definition=_("Public firefighting points registered by the end of the period."),
))
register(Indicator(
    code="firesafety.points_complete", name=_("Public firefighting points complete"), unit=_("public points"),
    domain="firesafety", order=70, aggregation="stock", higher_is_better=True,
    definition=_("Points with an in-date extinguisher and demolition tool, a sign and a shelter, and no overdue "
                 "item at the end of the period (sign and shelter as they are now)."),
))
register(Indicator(
    code="firesafety.inspections", name=_("Fire-safety inspections"), unit=_("inspections"), domain="firesafety",
    order=80, breakdown=_("what was inspected"), key_labels=_subject_labels, public=True,
    definition=_("Inspections of households and public points, on the day they were made."),
))
register(Indicator(
    code="firesafety.findings_open", name=_("Inspection findings open"), unit=_("findings"), domain="firesafety",
    order=90, aggregation="stock", higher_is_better=False,
    definition=_("Failed checklist items not yet fixed at the end of the period (from the day of the inspection "
                 "to the day fixed)."),
))
register(Indicator(
    code="firesafety.drills", name=_("Fire drills and trainings"), unit=_("drills"), domain="firesafety", order=100,
    breakdown=_("kind"), key_labels=_drill_kinds, public=True, higher_is_better=True,
    definition=_("Drills and trainings held by teams, on the day they were held."),
))
register(Indicator(
    code="firesafety.drill_participants", name=_("Drill participants"), unit=_("participants"), domain="firesafety",
    order=110, aggregation="sum", public=True, higher_is_better=True,
    definition=_("People who took part in the drills and trainings held in the period."),
))

register(Indicator(
    code="firesafety.readiness_points", name=_("Readiness points earned"), unit=_("tenths of a point"),
    domain="firesafety", order=120, aggregation="stock", higher_is_better=True,
    definition=_("Each team household carries its team's readiness score in tenths of a point (0 to 1,000), at "
                 "the end of the period; summed over the households of the area's active teams."),
))
register(Indicator(
    code="firesafety.readiness_possible", name=_("Readiness points possible"), unit=_("tenths of a point"),
    domain="firesafety", order=130, aggregation="stock",
    definition=_("1,000 tenths of a point (a score of 100) for each household of an active team, at the end of "
                 "the period."),
))
register(Indicator(
    code="firesafety.readiness", name=_("Fire-safety readiness score"), unit=_("points"), domain="firesafety",
    order=140, aggregation="ratio", numerator="firesafety.readiness_points",
    denominator="firesafety.readiness_possible", higher_is_better=True,
    definition=_("The teams' readiness score (0 to 100: 60 for the share of households equipped and in date, 20 "
                 "for a drill in the last 12 months or 10 within 24, 20 less the share of open findings), "
                 "averaged over the area's active teams weighted by their households, as on the fire-safety "
                 "pages, at the end of the period."),
))


Span = tuple[dt.date, dt.date | None]  # [first day, stop day); stop None: open


def _inside(span: Span, day: dt.date) -> bool:
    return span[0] <= day and (span[1] is None or day < span[1])


def _level(holds: Callable[[dt.date], bool], days: Iterable[dt.date | None]) -> Iterator[tuple[dt.date, int]]:
    """+1 on each day the condition starts to hold, −1 on each day it stops. It can only change on one of
    `days` (every start and stop of the spans it reads), and holds on none before the first."""
    state = False
    for day in sorted({d for d in days if d is not None}):
        now = holds(day)
        if now != state:
            yield day, 1 if now else -1
            state = now


@dataclass(frozen=True)
class _Item:
    """The fields of an equipment row the rules read, with the requirement its type counts as."""

    requirement: str
    last_checked_on: dt.date | None
    bought_on: dt.date | None
    next_due_on: dt.date | None
    retired_on: dt.date | None
    condition: str


def _in_date(item: _Item) -> Span | None:
    span = rules.in_date_span(last_checked_on=item.last_checked_on, bought_on=item.bought_on,
                              next_due_on=item.next_due_on, retired_on=item.retired_on,
                              broken=item.condition == Condition.BROKEN)
    return (span[0], span[1] + dt.timedelta(days=1)) if span else None


def _overdue(item) -> Span | None:
    return rules.overdue_span(next_due_on=item.next_due_on, retired_on=item.retired_on)


def _kinds_covered(items: list[_Item], kinds) -> tuple[Callable[[dt.date], bool], list]:
    """Whether an in-date item of every kind is kept on a day, and the days that can change it."""
    spans = {kind: [s for s in (_in_date(i) for i in items if i.requirement == kind) if s] for kind in kinds}
    days = [d for kind_spans in spans.values() for span in kind_spans for d in span]
    return (lambda day: all(any(_inside(s, day) for s in spans[kind]) for kind in kinds)), days


class TeamSource(Source):
    """A team and the households that joined it: every firesafety.team.* event names the team."""

    name = "firesafety.team"
    events = ("firesafety.team.",)
    payload_id = "team_id"
    batch_size = 1000

    def queryset(self):
        return FireTeam.objects.only("id", "unit_path", "status", "established_on", "created_at",
                                     "updated_at").prefetch_related("memberships")

    def contributions(self, team):
        yield Contribution("firesafety.teams", team.unit_path, team.established_on or local_day(team.created_at),
                           "", 1)
        if team.status == FireTeam.Status.DISSOLVED:
            yield Contribution("firesafety.teams", team.unit_path, local_day(team.updated_at), "", -1)
        for member in team.memberships.all():
            yield Contribution("firesafety.households", member.unit_path, member.joined_on, "", 1)
            if member.left_on is not None:
                yield Contribution("firesafety.households", member.unit_path, member.left_on, "", -1)


@dataclass
class HouseholdFacts:
    """What decides whether a household is equipped: its times in teams and its required items."""

    id: int
    memberships: list = field(default_factory=list)
    items: list = field(default_factory=list)


class HouseholdSource(Source):
    """A team household's equipped days: moved by its equipment and by its joining or leaving a team."""

    name = "firesafety.household"
    events = ("firesafety.team.", "firesafety.equipment.")
    payload_id = "household_id"
    batch_size = 1000

    def ids_from_event(self, name, payload):
        # A dissolved team names all the households that left with it.
        return super().ids_from_event(name, payload) + [int(pk) for pk in payload.get("household_ids") or ()]

    def objects(self, ids):
        ids = list(ids)
        found: dict[int, HouseholdFacts] = {}
        for member in (TeamHousehold.objects.filter(household_id__in=ids)
                       .values_list("household_id", "unit_path", "joined_on", "left_on", named=True).order_by("id")):
            found.setdefault(member.household_id, HouseholdFacts(member.household_id)).memberships.append(member)
        for household_id, *fields in (
                Equipment.objects.filter(household_id__in=list(found), type__requirement__in=REQUIRED)
                .values_list("household_id", "type__requirement", "last_checked_on", "bought_on", "next_due_on",
                             "retired_on", "condition").order_by("id")):
            found[household_id].items.append(_Item(*fields))
        return found

    def all_objects(self):
        ids = list(TeamHousehold.objects.values_list("household_id", flat=True).distinct().order_by("household_id"))
        for start in range(0, len(ids), self.batch_size):
            yield from self.objects(ids[start:start + self.batch_size]).values()

    def contributions(self, household):
        equipped, item_days = _kinds_covered(household.items, REQUIRED)
        for member in household.memberships:
            stint = (member.joined_on, member.left_on)
            days = [d for d in item_days if _inside(stint, d)] + [member.joined_on, member.left_on]
            for day, value in _level(lambda d, stint=stint: _inside(stint, d) and equipped(d), days):
                yield Contribution("firesafety.households_equipped", member.unit_path, day, "", value)


class EquipmentSource(Source):
    """An item's overdue days: every firesafety.equipment.* event names it."""

    name = "firesafety.equipment"
    events = ("firesafety.equipment.",)
    payload_id = "equipment_id"

    def queryset(self):
        return Equipment.objects.values_list("id", "unit_path", "household_id", "team_id", "next_due_on",
                                             "retired_on", named=True)

    def contributions(self, item):
        span = _overdue(item)
        if span is None:
            return
        owner = "household" if item.household_id else "team" if item.team_id else "point"
        yield Contribution("firesafety.equipment_overdue", item.unit_path, span[0], owner, 1)
        if span[1] is not None:
            yield Contribution("firesafety.equipment_overdue", item.unit_path, span[1], owner, -1)


class PointSource(Source):
    """A public point and its state, moved by its own changes and by its equipment's."""

    name = "firesafety.point"
    events = ("firesafety.point.", "firesafety.equipment.")
    payload_id = "point_id"
    batch_size = 1000

    def queryset(self):
        items = Equipment.objects.select_related("type").only(
            "id", "point_id", "type__requirement", "last_checked_on", "bought_on", "next_due_on", "retired_on",
            "condition")
        return FirePoint.objects.only("id", "unit_path", "has_sign", "has_shelter", "created_at").prefetch_related(
            Prefetch("equipment", queryset=items))

    def contributions(self, point):
        created = local_day(point.created_at)
        yield Contribution("firesafety.points", point.unit_path, created, "", 1)
        if not (point.has_sign and point.has_shelter):
            return
        items = [_Item(i.type.requirement, i.last_checked_on, i.bought_on, i.next_due_on, i.retired_on, i.condition)
                 for i in point.equipment.all()]
        kept, days = _kinds_covered(items, POINT_REQUIRED)
        late = [span for span in map(_overdue, items) if span]
        days += [d for span in late for d in span] + [created]

        def complete(day):
            return day >= created and kept(day) and not any(_inside(span, day) for span in late)

        for day, value in _level(complete, days):
            yield Contribution("firesafety.points_complete", point.unit_path, day, "", value)


class InspectionSource(Source):
    """An inspection and its findings: recorded, and each finding closed (the event names the inspection)."""

    name = "firesafety.inspection"
    events = ("firesafety.inspection.", "firesafety.finding.")
    payload_id = "inspection_id"

    def queryset(self):
        return Inspection.objects.only("id", "unit_path", "inspected_on", "point_id").prefetch_related("findings")

    def contributions(self, inspection):
        subject = "point" if inspection.point_id else "household"
        yield Contribution("firesafety.inspections", inspection.unit_path, inspection.inspected_on, subject, 1)
        opened: dict[dt.date, int] = defaultdict(int)
        for finding in inspection.findings.all():
            opened[inspection.inspected_on] += 1
            if finding.closed_on is not None:
                opened[finding.closed_on] -= 1
        for day, value in sorted(opened.items()):
            yield Contribution("firesafety.findings_open", inspection.unit_path, day, "", value)


class DrillSource(Source):
    name = "firesafety.drill"
    events = ("firesafety.drill.",)
    payload_id = "drill_id"

    def queryset(self):
        return Drill.objects.values_list("id", "unit_path", "held_on", "kind", "participants", named=True)

    def contributions(self, drill):
        yield Contribution("firesafety.drills", drill.unit_path, drill.held_on, drill.kind, 1)
        yield Contribution("firesafety.drill_participants", drill.unit_path, drill.held_on, "", drill.participants)


@dataclass
class TeamFacts:
    """What a team's readiness is made of, day by day: its households' stints and their required items,
    its findings (open from the inspection's day to the day fixed) and the days it drilled."""

    id: int
    unit_path: str
    stop: dt.date | None  # the day it was dissolved
    memberships: list = field(default_factory=list)
    items: dict[int, list[_Item]] = field(default_factory=lambda: defaultdict(list))  # household id → items
    findings: list[Span] = field(default_factory=list)
    drills: list[dt.date] = field(default_factory=list)


def _aging_days(held_on: dt.date) -> Iterator[dt.date]:
    """The days a drill's factor can drop (12 and 24 months on; a drill on 29 February drops a day later)."""
    for months in (12, 24):
        day = rules.add_months(held_on, months)
        yield day
        yield day + dt.timedelta(days=1)


class ReadinessSource(Source):
    """A team's readiness score on every day, as two stocks whose ratio is the score (docs/firesafety.md).

    Σ(score in tenths × households) over an area's teams and 1,000 × its households, so that the ratio is
    the household-weighted mean the app's readiness selectors give (`rules.combine`). The score's parts
    change without an event (an item falls due, a drill ages past 12 or 24 months): each change is
    written on its day, future days included, from the rows as they are now."""

    name = "firesafety.readiness"
    events = ("firesafety.team.", "firesafety.equipment.", "firesafety.inspection.", "firesafety.finding.",
              "firesafety.drill.")
    payload_id = "team_id"
    batch_size = 500

    def ids_from_event(self, name, payload):
        if name.startswith("firesafety.equipment."):
            # A household's item moves every team it ever belonged to (its past stints too); a team's or a
            # point's own items do not count in readiness.
            household_id = payload.get("household_id")
            if household_id is None:
                return []
            return list(TeamHousehold.objects.filter(household_id=household_id)
                        .values_list("team_id", flat=True).distinct().order_by())
        # A drill names its teams; inspections and findings name the team (or none).
        return super().ids_from_event(name, payload) + [int(pk) for pk in payload.get("team_ids") or ()]

    def objects(self, ids):
        ids = list(ids)
        teams = {
            team.id: TeamFacts(team.id, team.unit_path,
                               local_day(team.updated_at) if team.status == FireTeam.Status.DISSOLVED else None)
            for team in FireTeam.objects.filter(pk__in=ids).values_list("id", "unit_path", "status", "updated_at",
                                                                        named=True)}
        members = TeamHousehold.objects.filter(team_id__in=ids)
        for member in members.values_list("team_id", "household_id", "joined_on", "left_on", named=True).order_by("id"):
            teams[member.team_id].memberships.append(member)
        items: dict[int, list[_Item]] = defaultdict(list)
        for household_id, *fields in (
                Equipment.objects.filter(household_id__in=members.values("household_id"),
                                         type__requirement__in=REQUIRED)
                .values_list("household_id", "type__requirement", "last_checked_on", "bought_on", "next_due_on",
                             "retired_on", "condition").order_by("id")):
            items[household_id].append(_Item(*fields))
        for team in teams.values():
            for member in team.memberships:
                team.items[member.household_id] = items.get(member.household_id, [])
        for team_id, opened, status, closed_on in (
                Finding.objects.filter(team_id__in=ids)
                .values_list("team_id", "inspection__inspected_on", "status", "closed_on").order_by("id")):
            # A finding marked fixed without its day (not written by the services) counts as never open.
            closed = closed_on if closed_on is not None or status == Finding.Status.OPEN else opened
            if closed is None or opened < closed:
                teams[team_id].findings.append((opened, closed))
        for team_id, held_on in (Drill.teams.through.objects.filter(fireteam_id__in=ids)
                                 .values_list("fireteam_id", "drill__held_on").order_by("id")):
            teams[team_id].drills.append(held_on)
        return teams

    def all_objects(self):
        ids = list(FireTeam.objects.values_list("id", flat=True).order_by("id"))
        for start in range(0, len(ids), self.batch_size):
            yield from self.objects(ids[start:start + self.batch_size]).values()

    def contributions(self, team):
        households: dict[dt.date, int] = defaultdict(int)
        equipped: dict[dt.date, int] = defaultdict(int)
        findings: dict[dt.date, int] = defaultdict(int)
        covered = {pk: _kinds_covered(items, REQUIRED) for pk, items in team.items.items()}
        for member in team.memberships:
            stops = [d for d in (member.left_on, team.stop) if d is not None]
            stint = (member.joined_on, min(stops) if stops else None)
            if stint[1] is not None and stint[1] <= stint[0]:
                continue
            households[stint[0]] += 1
            if stint[1] is not None:
                households[stint[1]] -= 1
            holds, item_days = covered[member.household_id]
            days = [d for d in item_days if d is not None and _inside(stint, d)] + list(stint)
            for day, value in _level(lambda d, stint=stint, holds=holds: _inside(stint, d) and holds(d), days):
                equipped[day] += value
        for opened, closed in team.findings:
            findings[opened] += 1
            if closed is not None:
                findings[closed] -= 1
        drills = sorted(set(team.drills))
        days = {*households, *equipped, *findings, *drills, *(d for held in drills for d in _aging_days(held))}
        size = ready = late = 0
        earned = possible = 0
        for day in sorted(days):
            size += households.get(day, 0)
            ready += equipped.get(day, 0)
            late += findings.get(day, 0)
            last = drills[bisect_right(drills, day) - 1] if drills and drills[0] <= day else None
            score = rules.team_score(households=size, equipped=ready, open_findings=late, last_drill=last, on=day)
            now_earned, now_possible = rules.tenths(score) * size, 1000 * size
            if now_earned != earned:
                yield Contribution("firesafety.readiness_points", team.unit_path, day, "", now_earned - earned)
            if now_possible != possible:
                yield Contribution("firesafety.readiness_possible", team.unit_path, day, "", now_possible - possible)
            earned, possible = now_earned, now_possible


register(TeamSource())
register(HouseholdSource())
register(EquipmentSource())
register(PointSource())
register(InspectionSource())
register(DrillSource())
register(ReadinessSource())
