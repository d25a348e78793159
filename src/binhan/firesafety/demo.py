"""Demo fire safety: about one inter-family team per residential group (5–15 adjacent households),
their equipment with realistic ages (about a third past its check or refill date), public
firefighting points (about one for three groups, as 500 points for 1,600 teams in the documents),
inspections with some findings, drills over two years, and a competition in each commune last year.
Nine team households in ten are placed on the map, along a lane near their group's centre.

Everything is written in bulk (COPY on PostgreSQL): a large demo has a million households, and
this step then writes some 50,000 team households and 150,000 items.
"""

from __future__ import annotations

import json
import math
import random
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.demo import names
from binhan.demo.bulk import BulkWriter
from binhan.demo.registry import DemoContext, register, step_rng
from binhan.firesafety import rules
from binhan.firesafety.models import (
    Competition,
    Drill,
    Equipment,
    EquipmentType,
    Finding,
    FirePoint,
    FireTeam,
    Inspection,
    Reminder,
    Score,
    TeamHousehold,
)
from binhan.geo.models import Household

SCENARIOS = ["Cháy nhà dân do chập điện, cứu người mắc kẹt tầng 2.", "Cháy bếp gas trong ngõ hẹp.",
             "Cháy kho hàng tạp hóa, dùng bình bột và vòi nước.", "Cháy xe máy trong nhà để xe chung.",
             "Tập huấn sử dụng bình chữa cháy và thoát nạn."]
ALLEYS = ["Ngõ", "Ngách", "Hẻm", "Kiệt"]
NOTES = {"extinguisher": "Bình bột đã quá hạn kiểm tra.", "alarm": "Chuông báo cháy không kêu.",
         "escape_route": "Lối thoát nạn bị chắn bởi xe máy.", "electrical": "Dây điện cũ, ổ cắm quá tải.",
         "gas": "Bình gas đặt sát bếp than.", "demolition": "Chưa có xà beng."}


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


def _reset_sequences(*models) -> None:
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(sql)


def _day(value: date) -> str:
    return value.isoformat()


class _Ids:
    """Explicit ids for bulk rows (COPY returns none)."""

    def __init__(self, model):
        self.value = _next_id(model)

    def take(self) -> int:
        self.value += 1
        return self.value - 1


def _household_ids(groups) -> dict[int, list[int]]:
    """Each group's household ids, in address order (adjacent houses), from one grouped query.

    The households step writes a group's households together, so their ids are one range; a group
    where they are not is read on its own."""
    ranges = (Household.objects.filter(unit__in=groups).values("unit_id")
              .annotate(lo=Min("id"), hi=Max("id"), n=Count("id")).order_by())
    found = {}
    for row in ranges:
        if row["hi"] - row["lo"] + 1 == row["n"]:
            found[row["unit_id"]] = list(range(row["lo"], row["hi"] + 1))
        else:
            found[row["unit_id"]] = list(Household.objects.filter(unit_id=row["unit_id"]).order_by("id")
                                         .values_list("id", flat=True))
    return found


@register("firesafety", order=400)
def generate_firesafety(ctx: DemoContext) -> None:
    if not ctx.groups:
        return
    rng = ctx.rng
    today = timezone.localdate()
    now = timezone.now()
    types = {t.code: t for t in EquipmentType.objects.all()}
    leader = (ctx.users.get(str(Role.FIRE_TEAM_LEADER)) or [None])[0]
    households = _household_ids(ctx.groups)

    team_ids, member_ids = _Ids(FireTeam), _Ids(TeamHousehold)
    team_writer = BulkWriter(FireTeam, ("id", "unit", "unit_path", "name", "leader_name", "deputy_name",
                                        "leader_user", "alarm", "established_on", "status", "created_at",
                                        "updated_at"))
    member_writer = BulkWriter(TeamHousehold, ("id", "team", "household", "unit_path", "joined_on", "lat", "lon"))
    # Places come from their own generator, so that placing houses changes none of the step's other data.
    places = step_rng(ctx.seed, "firesafety-places")
    teams: list[tuple[int, object, list[int]]] = []  # (team id, group, household ids)
    for group in ctx.groups:
        ids = households.get(group.pk, [])
        wanted = 2 if rng.random() < 0.1 and len(ids) >= 2 * rules.TEAM_MAX else 1
        cursor = rng.randint(0, max(0, len(ids) - wanted * rules.TEAM_MAX))
        for number in range(1, wanted + 1):
            chosen = ids[cursor:cursor + rng.randint(rules.TEAM_MIN, rules.TEAM_MAX)]
            if len(chosen) < rules.TEAM_MIN:
                break
            cursor += len(chosen)
            team_id = team_ids.take()
            established = today - timedelta(days=rng.randint(200, 3000))
            team_writer.add((team_id, group.pk, group.path, f"Tổ liên gia an toàn PCCC số {number} - {group.name}",
                             names.full_name(rng), names.full_name(rng),
                             leader.pk if leader and not teams else None,
                             "Chuông điện liên gia đặt tại nhà tổ trưởng, nút ấn ở mỗi nhà", _day(established),
                             FireTeam.Status.ACTIVE, now, now))
            for household_id, (lat, lon) in zip(chosen, _street(places, group, len(chosen)), strict=True):
                member_writer.add((member_ids.take(), team_id, household_id, group.path, _day(established), lat, lon))
            teams.append((team_id, group, chosen))
    team_writer.flush()
    member_writer.flush()

    reminders = _Reminders(today, now)
    items = _equipment(rng, today, now, types, teams, reminders)
    points = _points(rng, today, now, types, ctx, teams, reminders)
    reminders.writer.flush()
    inspections, findings = _inspections(rng, today, now, teams, leader)
    drills = _drills(rng, today, now, teams)
    competitions = _competitions(rng, today, now, ctx, teams)
    _reset_sequences(FireTeam, TeamHousehold, Equipment, FirePoint, Inspection, Finding, Drill, Drill.teams.through,
                     Competition, Score, Reminder)
    for kind, number in [("fire-safety teams", len(teams)), ("team households", sum(len(t[2]) for t in teams)),
                         ("fire-safety equipment", items), ("firefighting points", points),
                         ("fire-safety inspections", inspections), ("fire-safety findings", findings),
                         ("drills", drills), ("fire-safety competitions", competitions),
                         ("fire-safety reminders", reminders.count)]:
        ctx.count(kind, number)
    ctx.log(_("%(teams)s fire-safety teams, %(items)s items of equipment, %(points)s public points.")
            % {"teams": f"{len(teams):,}", "items": f"{items:,}", "points": f"{points:,}"})


def _street(rng: random.Random, group, count: int) -> list[tuple[float | None, float | None]]:
    """Adjacent houses along a lane near the group's centre (within about 300 m), about 12 m apart,
    with nine houses in ten placed (the leader has not walked to every house yet); none without a centre."""
    if group.centre_lat is None or group.centre_lon is None:
        return [(None, None)] * count
    lat = group.centre_lat + rng.uniform(-0.0025, 0.0025)
    lon = group.centre_lon + rng.uniform(-0.0025, 0.0025)
    heading = rng.uniform(0, math.pi)
    step = 0.00011  # about 12 m
    houses = []
    for number in range(count):
        side = 0.00006 * (1 if number % 2 else -1)  # both sides of the lane
        along = step * (number // 2)
        placed = rng.random() < 0.9
        houses.append((round(lat + along * math.sin(heading) + side * math.cos(heading), 6),
                       round(lon + along * math.cos(heading) - side * math.sin(heading), 6)) if placed
                      else (None, None))
    return houses


class _Reminders:
    """Today's reminders of the items written: due within REMIND_DAYS, or overdue (as the periodic task adds)."""

    def __init__(self, today: date, now):
        self.today, self.now, self.count = today, now, 0
        self.horizon = today + timedelta(days=rules.REMIND_DAYS)
        self.writer = BulkWriter(Reminder, ("equipment", "team", "unit_path", "kind", "due_on", "created_at"))

    def add(self, row: tuple, team_id: int | None) -> None:
        due = date.fromisoformat(row[10])
        if due <= self.horizon:
            kind = "overdue" if due < self.today else "due_soon"
            self.writer.add((row[0], team_id, row[5], kind, row[10], self.now))
            self.count += 1


EQUIPMENT_COLUMNS = ("id", "type", "household", "team", "point", "unit_path", "quantity", "capacity_kg", "bought_on",
                     "last_checked_on", "next_due_on", "condition", "source", "serial", "created_at", "updated_at")


def _item(ids, rng, today, now, kind, *, household=None, team=None, point=None, unit_path: str,
          quantity: int = 1) -> tuple:
    bought = today - timedelta(days=rng.randint(30, 6 * 365))
    # Most were checked within their interval; about a third were let slip.
    slip = rng.random() < 0.33
    months = kind.interval_months + (rng.randint(1, 12) if slip else -rng.randint(0, kind.interval_months - 1))
    checked = max(bought, rules.add_months(today, -months) - timedelta(days=rng.randint(0, 20)))
    due = rules.next_due(interval_months=kind.interval_months, last_checked_on=checked, bought_on=bought)
    capacity = rng.choice(["4.0", "8.0", "2.0"]) if kind.has_capacity else None
    condition = "needs_repair" if rng.random() < 0.04 else "good"
    return (ids.take(), kind.pk, household, team, point, unit_path, quantity, capacity, _day(bought), _day(checked),
            _day(due), condition, "demo", "", now, now)


def _equipment(rng, today, now, types, teams, reminders: _Reminders) -> int:
    ids = _Ids(Equipment)
    writer = BulkWriter(Equipment, EQUIPMENT_COLUMNS)
    count = 0
    for team_id, group, chosen in teams:
        for household_id in chosen:
            wanted = []
            if rng.random() < 0.9:
                wanted.append(types["co2-extinguisher" if rng.random() < 0.15 else "powder-extinguisher"])
            if rng.random() < 0.82:
                wanted.append(types[rng.choice(["crowbar", "hammer", "axe", "crowbar"])])
            if rng.random() < 0.78:
                wanted.append(types[rng.choice(["alarm-bell", "push-button", "smoke-detector", "push-button"])])
            if rng.random() < 0.1:
                wanted.append(types["fire-blanket"])
            for kind in wanted:
                row = _item(ids, rng, today, now, kind, household=household_id, unit_path=group.path)
                writer.add(row)
                reminders.add(row, team_id)
                count += 1
        if rng.random() < 0.5:
            row = _item(ids, rng, today, now, types["ladder"], team=team_id, unit_path=group.path)
            writer.add(row)
            reminders.add(row, team_id)
            count += 1
    writer.flush()
    return count


def _points(rng, today, now, types, ctx, teams, reminders: _Reminders) -> int:
    ids, item_ids = _Ids(FirePoint), _Ids(Equipment)
    writer = BulkWriter(FirePoint, ("id", "unit", "unit_path", "name", "alley", "alley_length_m", "lat", "lon",
                                    "has_sign", "has_shelter", "team", "responsible", "created_at", "updated_at"))
    items = BulkWriter(Equipment, EQUIPMENT_COLUMNS)
    team_of_group = {}
    for team_id, group, _chosen in teams:
        team_of_group.setdefault(group.pk, team_id)
    count = 0
    for group in ctx.groups:
        if rng.random() > 0.33:
            continue
        point_id = ids.take()
        alley = f"{rng.choice(ALLEYS)} {rng.randint(1, 200)}"
        lat = group.centre_lat + rng.uniform(-0.003, 0.003) if group.centre_lat is not None else None
        lon = group.centre_lon + rng.uniform(-0.003, 0.003) if group.centre_lon is not None else None
        writer.add((point_id, group.pk, group.path, f"Điểm chữa cháy công cộng {alley}", alley, rng.randint(50, 400),
                    lat, lon, rng.random() < 0.93, rng.random() < 0.9, team_of_group.get(group.pk),
                    names.full_name(rng), now, now))
        for code in ("powder-extinguisher", "crowbar", "hammer", "hydraulic-pliers"):
            if rng.random() < 0.95:
                row = _item(item_ids, rng, today, now, types[code], point=point_id, unit_path=group.path,
                            quantity=2 if code == "powder-extinguisher" else 1)
                items.add(row)
                reminders.add(row, team_of_group.get(group.pk))
        count += 1
    writer.flush()
    items.flush()
    return count


def _inspections(rng, today, now, teams, leader) -> tuple[int, int]:
    ids, finding_ids = _Ids(Inspection), _Ids(Finding)
    writer = BulkWriter(Inspection, ("id", "household", "team", "unit_path", "inspected_on", "inspector", "items",
                                     "passed", "note", "created_at"))
    findings = BulkWriter(Finding, ("id", "inspection", "team", "unit_path", "item", "note", "assignee",
                                    "follow_up_on", "status", "closed_on"))
    count = found = 0
    for team_id, group, chosen in teams:
        for household_id in rng.sample(chosen, k=min(len(chosen), rng.randint(1, 3))):
            day = today - timedelta(days=rng.randint(0, 180))
            results = {code: True for code in ("extinguisher", "demolition", "alarm", "escape_route", "electrical",
                                               "gas")}
            if rng.random() < 0.22:
                results[rng.choice(list(NOTES))] = False
            inspection_id = ids.take()
            writer.add((inspection_id, household_id, team_id, group.path, _day(day), leader.pk if leader else None,
                        json.dumps(results), all(results.values()), "", now))
            count += 1
            for code, ok in results.items():
                if ok:
                    continue
                follow = day + timedelta(days=rules.FOLLOW_UP_DAYS)
                closed = follow < today and rng.random() < 0.6
                findings.add((finding_ids.take(), inspection_id, team_id, group.path, code, NOTES[code],
                              "leader" if code in rules.LEADER_ITEMS else "household", _day(follow),
                              "closed" if closed else "open", _day(follow) if closed else None))
                found += 1
    writer.flush()
    findings.flush()
    return count, found


def _drills(rng, today, now, teams) -> int:
    ids = _Ids(Drill)
    writer = BulkWriter(Drill, ("id", "unit", "unit_path", "kind", "held_on", "participants", "scenario",
                                "duration_minutes", "result", "note", "created_at"))
    links = BulkWriter(Drill.teams.through, ("drill", "fireteam"))
    count = 0
    for team_id, group, chosen in teams:
        for _year in range(2):
            if rng.random() > 0.7:
                continue
            drill_id = ids.take()
            kind = "training" if rng.random() < 0.25 else "drill"
            writer.add((drill_id, group.pk, group.path, kind, _day(today - timedelta(days=rng.randint(0, 700))),
                        len(chosen) * rng.randint(1, 3), rng.choice(SCENARIOS), rng.choice([30, 45, 60, 90, 120]),
                        rng.choices(["good", "fair", "poor"], weights=[6, 3, 1])[0], "", now))
            links.add((drill_id, team_id))
            count += 1
    writer.flush()
    links.flush()
    return count


def _competitions(rng, today, now, ctx, teams) -> int:
    ids = _Ids(Competition)
    writer = BulkWriter(Competition, ("id", "unit", "unit_path", "year", "name", "created_at"))
    scores = BulkWriter(Score, ("competition", "team", "round", "points"))
    by_commune: dict[int, list[int]] = {}
    for team_id, group, _chosen in teams:
        by_commune.setdefault(group.parent_id, []).append(team_id)
    year = today.year - 1
    count = 0
    for commune in ctx.communes:
        entrants = by_commune.get(commune.pk, [])[:12]
        if len(entrants) < 2:
            continue
        competition_id = ids.take()
        writer.add((competition_id, commune.pk, commune.path, year, f"Hội thi tổ liên gia an toàn PCCC năm {year}",
                    now))
        for team_id in entrants:
            for round_name in ("Lý thuyết", "Thực hành"):
                scores.add((competition_id, team_id, round_name, f"{rng.uniform(50, 100):.2f}"))
        count += 1
    writer.flush()
    scores.flush()
    return count
