"""Demo stays: lodgings in every commune (about one per five groups), two years of guests.

Boarding houses, hotels, hostels and hospitals take guests most days (hotels the most, with the
most foreigners); households declare a visiting relative now and then. About one declaration in
twelve comes late. Only the stays still inside the retention period are written (older ones would
have been deleted), but the monthly and daily counts cover both years, as they would after deletion. Rows go
in through demo.bulk.BulkWriter (COPY on PostgreSQL): a large demo writes a few hundred thousand.
"""

from __future__ import annotations

import random
from bisect import bisect
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.demo import names
from binhan.demo.bulk import BulkWriter
from binhan.demo.registry import DemoContext, register
from binhan.geo.models import Household
from binhan.residence import rules, tasks
from binhan.residence.models import Declaration, Lodging, Stay, StayCount, StayDayCount

DAYS = 730
KINDS = {  # kind: (weight, arrivals a day, share of foreigners, names)
    "boarding_house": (50, 0.15, 0.02, "Nhà trọ"),
    "hotel": (20, 1.6, 0.15, "Khách sạn"),
    "hostel": (25, 0.7, 0.05, "Nhà nghỉ"),
    "hospital": (5, 1.2, 0.01, "Bệnh viện"),
}
FLOWERS = ["Hoa Sen", "Hoa Mai", "Bình Minh", "Hướng Dương", "Biển Xanh", "Phương Đông", "Hạ Long", "Thành Công",
           "An Bình", "Hòa Bình", "Sao Mai", "Ngọc Lan"]
COUNTRIES = ["CN", "KR", "US", "FR", "JP", "RU", "DE", "GB", "AU", "TH", "LA", "KH"]
REASONS = ["Du lịch", "Công tác", "Thăm người thân", "Khám chữa bệnh", "Học tập", "Làm việc thời vụ"]
RELATIONS_LODGING = ["customer"] * 9 + ["other"]
RELATIONS_HOME = ["close_relative", "close_relative", "relative", "friend"]
LENGTHS = (1, 2, 3, 5, 7, 14, 28)  # nights, with their cumulative shares
LENGTH_WEIGHTS = (0.30, 0.55, 0.70, 0.82, 0.92, 0.97)
CHANNELS = ("web", "api", "import", "phone", "in_person")
CHANNEL_WEIGHTS = (0.50, 0.75, 0.85, 0.95)


def next_id(model) -> int:
    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


def reset_sequences(*models) -> None:
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(sql)


def _citizen_id(rng: random.Random) -> str:
    return f"0{rng.randint(1, 96):02d}{rng.choice('0123')}{rng.randint(50, 99):02d}{rng.randint(0, 999_999):06d}"


def _passport(rng: random.Random) -> str:
    return f"{rng.choice('ABCEGKMNPX')}{rng.randint(1_000_000, 9_999_999)}"


def _lodgings(ctx: DemoContext, rng: random.Random) -> list[Lodging]:
    manager = ctx.users.get(str(Role.RESIDENT), [None])[0]
    lodgings = []
    for commune in ctx.communes:
        groups = ctx.groups_of(commune)
        if not groups:
            continue
        for number in range(max(2, len(groups) // 5)):
            kind = rng.choices(list(KINDS), weights=[k[0] for k in KINDS.values()])[0]
            group = rng.choice(groups)
            lodgings.append(Lodging(
                unit=group, unit_path=group.path, kind=kind, name=f"{KINDS[kind][3]} {rng.choice(FLOWERS)} {number + 1}",
                address=f"Số {rng.randint(1, 300)} {group.name}", rooms=rng.randint(4, 60)))
    # the demo resident manages the first lodging, moved to their own group, so the host pages have something
    if lodgings and manager is not None:
        first = ctx.groups[0]
        lodgings[0].unit, lodgings[0].unit_path, lodgings[0].manager = first, first.path, manager
    created = Lodging.objects.bulk_create(lodgings, batch_size=2000)
    if any(lodging.pk is None for lodging in created):
        created = list(Lodging.objects.order_by("id"))
    return created


def _households(ctx: DemoContext) -> dict[int, tuple[int, int, int]]:
    """Per group: (first household id, last id, count), so a household is picked without loading them all."""
    rows = (Household.objects.filter(unit__in=ctx.groups).values("unit").annotate(low=Min("id"), high=Max("id"),
                                                                                   n=Count("id")))
    return {row["unit"]: (row["low"], row["high"], row["n"]) for row in rows}


@register("residence", order=500)
def generate_residence(ctx: DemoContext) -> None:
    if not ctx.groups:
        return
    rng = ctx.rng
    now = timezone.now()
    today = timezone.localdate()
    keep_from = tasks.months_before(today, tasks.retention_months())
    zone = rules.local_zone()
    lodgings = _lodgings(ctx, rng)
    households = _households(ctx)
    officer = ctx.users.get(str(Role.COMMUNE_POLICE), [None])[0]
    declarations = BulkWriter(Declaration, ("id", "unit", "unit_path", "lodging", "household", "declared_by",
                                            "channel", "declared_at"))
    stays = BulkWriter(Stay, ("id", "declaration", "unit_path", "lodging", "household", "full_name", "id_kind",
                              "id_number", "nationality", "reason", "arrival_at", "departs_on", "room", "relation",
                              "recurring", "deadline_at", "declared_at", "is_late", "checked_out_at"))
    declaration_id, stay_id = next_id(Declaration), next_id(Stay)
    counts: dict[tuple[str, date], list[int]] = {}  # per group and arrival day: total, late, foreign, lodged
    written = 0
    cutoff, next_morning = time(rules.deadline_hour()), time(rules.late_arrival_hour())

    def declare(*, unit_id, unit_path, lodging_id, household_id, day, guests, foreign_share, relations):
        nonlocal declaration_id, stay_id, written
        departs = day + timedelta(days=LENGTHS[bisect(LENGTH_WEIGHTS, rng.random())])
        late = rng.random() < 0.08
        foreigners = [rng.random() < foreign_share for _guest in range(guests)]
        counter = counts.get((unit_path, day))
        if counter is None:
            counter = counts[(unit_path, day)] = [0, 0, 0, 0]
        counter[0] += guests
        counter[1] += guests if late else 0
        counter[2] += sum(foreigners)
        counter[3] += guests if lodging_id is not None else 0
        if departs < keep_from:  # deleted by retention by now: only counted
            return
        draw = rng.random()
        hour = 22 if draw < 0.06 else 23 if draw < 0.10 else rng.randint(7, 21)
        arrival = datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=zone)
        deadline = (datetime.combine(day, cutoff, tzinfo=zone) if arrival.time() < cutoff
                    else datetime.combine(day + timedelta(days=1), next_morning, tzinfo=zone))
        declared = (deadline + timedelta(minutes=rng.randint(5, 600)) if late
                    else arrival + (deadline - arrival) * rng.uniform(0.05, 0.95))
        if declared > now:  # today's guests not declared yet
            counter[0] -= guests
            counter[1] -= guests if late else 0
            counter[2] -= sum(foreigners)
            counter[3] -= guests if lodging_id is not None else 0
            return
        declarations.add((declaration_id, unit_id, unit_path, lodging_id, household_id,
                          officer.pk if officer and draw < 0.01 else None, CHANNELS[bisect(CHANNEL_WEIGHTS, draw)],
                          declared))
        for foreign in foreigners:
            left = datetime.combine(departs, time(rng.randint(8, 12), rng.randint(0, 59)), tzinfo=zone)
            stays.add((stay_id, declaration_id, unit_path, lodging_id, household_id,
                       " ".join(names.person(rng)) if not foreign else f"GUEST {stay_id}",
                       "passport" if foreign else "citizen_id", _passport(rng) if foreign else _citizen_id(rng),
                       rng.choice(COUNTRIES) if foreign else "VN", rng.choice(REASONS), arrival, departs,
                       str(rng.randint(101, 520)) if lodging_id else "", rng.choice(relations), False, deadline,
                       declared, late, left if left < now else None))
            stay_id += 1
            written += 1
        declaration_id += 1

    first_day = today - timedelta(days=DAYS)
    for lodging in lodgings:
        _weight, rate, foreign_share, _name = KINDS[lodging.kind]
        for offset in range(DAYS + 1):
            arrivals = int(rate) + (rng.random() < rate - int(rate))
            if arrivals:
                declare(unit_id=lodging.unit_id, unit_path=lodging.unit_path, lodging_id=lodging.pk, household_id=None,
                        day=first_day + timedelta(days=offset), guests=arrivals, foreign_share=foreign_share,
                        relations=RELATIONS_LODGING)
    for group in ctx.groups:
        low, high, count = households.get(group.pk, (None, None, 0))
        if not count:
            continue
        for _visit in range(rng.randint(6, 14)):  # a few visits a year in each group
            household_id = rng.randint(low, high) if high - low + 1 == count else low
            declare(unit_id=group.pk, unit_path=group.path, lodging_id=None, household_id=household_id,
                    day=first_day + timedelta(days=rng.randint(0, DAYS)), guests=rng.choice((1, 1, 2, 3)),
                    foreign_share=0.01, relations=RELATIONS_HOME)
    declarations.flush()
    stays.flush()
    StayDayCount.objects.bulk_create([
        StayDayCount(unit_path=path, day=day, total=total, late=late, foreigners=foreign, in_lodgings=lodged)
        for (path, day), (total, late, foreign, lodged) in counts.items() if total], batch_size=5000)
    months: dict[tuple[str, date], list[int]] = {}
    for (path, day), counter in counts.items():
        month = months.setdefault((path, day.replace(day=1)), [0, 0, 0, 0])
        for i, value in enumerate(counter):
            month[i] += value
    StayCount.objects.bulk_create([
        StayCount(unit_path=path, month=month, total=total, late=late, foreigners=foreign, in_lodgings=lodged)
        for (path, month), (total, late, foreign, lodged) in months.items() if total], batch_size=5000)
    reset_sequences(Declaration, Stay)
    total = sum(counter[0] for counter in counts.values())
    ctx.count("lodgings", len(lodgings))
    ctx.count("stays", written)
    ctx.log(_("%(lodgings)s lodgings, %(stays)s stays kept (%(total)s counted over two years).")
            % {"lodgings": f"{len(lodgings):,}", "stays": f"{written:,}", "total": f"{total:,}"})
