"""Demo reports: two years of incidents with the seasons, hours and hot spots of a real province.

What the numbers follow, roughly as the commune police of a northern province see them:
thefts climb in the weeks before Tết (late January or February) and gambling with them;
fires come in the dry season (November to April) and around Tết's incense and fireworks;
traffic accidents come at rush hour and on weekend evenings; disputes and noise are spread
through the year, mostly in the evening. A few residential groups are hot spots (a market,
a main road). Old reports are nearly all closed; recent ones are still open. Every row is
written in bulk (COPY on PostgreSQL), as the households are: a large demo has a million.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.demo import names
from binhan.demo.bulk import BulkWriter
from binhan.demo.registry import DemoContext, register
from binhan.reports import tally
from binhan.reports.models import Category, Priority, Report, Source, Status, Update

REPORTS = {"tiny": 200, "small": 20_000, "medium": 200_000, "large": 1_000_000}
DAYS = 730
INSERT_BATCH = 20_000
# First day of the lunar new year (Tết Nguyên Đán).
TET = {2022: date(2022, 2, 1), 2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
       2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
       2030: date(2030, 2, 3), 2031: date(2031, 1, 23), 2032: date(2032, 2, 11)}
DRY_MONTHS = {11, 12, 1, 2, 3, 4}
# How common each default category is, before the seasons.
BASE_WEIGHT = {"theft": 22, "dispute-noise": 18, "traffic-accident": 12, "environment-order": 10, "suspicious": 8,
               "lost-found": 7, "fire": 5, "gambling": 5, "drugs": 4, "crime-tip": 3, "domestic-violence": 3,
               "other": 3}
HOT_SPOT_CODES = {"theft", "drugs", "gambling", "suspicious", "crime-tip"}
PRIORITIES = [Priority.URGENT.value, Priority.HIGH.value, Priority.NORMAL.value, Priority.LOW.value]
SPREAD = 0.004  # degrees (about 400 m): how far from its group's centre a report lies
HOURS = {  # relative frequency by hour of day, 0..23
    "traffic-accident": [1, 1, 1, 1, 1, 2, 5, 8, 6, 3, 3, 4, 4, 3, 3, 4, 6, 9, 9, 8, 7, 5, 3, 2],
    "theft": [6, 7, 7, 6, 4, 2, 2, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 6, 6],
    "fire": [1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 8, 8, 8, 8, 7, 7, 8, 8, 6, 4, 3, 2, 1],
    "dispute-noise": [3, 2, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 2, 2, 2, 3, 4, 6, 8, 9, 9, 8, 5],
    "gambling": [4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 5, 6, 7, 7, 6, 5],
}
DAYTIME = [1, 1, 1, 1, 1, 1, 3, 5, 6, 6, 6, 6, 5, 5, 6, 6, 6, 6, 5, 4, 3, 2, 2, 1]
WEEKEND_EVENING = {18, 19, 20, 21, 22, 23}  # traffic accidents double there on Friday to Sunday
DESCRIPTIONS = {
    "theft": ["Mất xe máy dựng trước cửa nhà.", "Bị giật điện thoại khi đi bộ ngoài đường.",
              "Nhà bị kẻ gian đột nhập lấy tiền và vàng.", "Mất trộm gà, vịt trong chuồng ban đêm.",
              "Bị móc túi ở chợ."],
    "dispute-noise": ["Hàng xóm hát karaoke to quá 22 giờ.", "Hai gia đình cãi nhau về ranh giới đất.",
                      "Nhóm thanh niên tụ tập gây ồn ào.", "Tranh chấp lối đi chung trong ngõ."],
    "traffic-accident": ["Va chạm giữa xe máy và ô tô ở ngã tư.", "Xe máy tự ngã, người lái bị thương nhẹ.",
                         "Tai nạn liên hoàn trên quốc lộ.", "Xe tải đâm vào cột điện."],
    "environment-order": ["Đổ rác thải bừa bãi ra lòng đường.", "Lấn chiếm vỉa hè để bán hàng.",
                          "Đốt rác gây khói cả khu dân cư."],
    "suspicious": ["Người lạ đi lại dò xét các nhà trong ngõ.", "Xe không biển số đỗ lâu đầu ngõ.",
                   "Có người lạ hỏi thăm nhà vắng chủ."],
    "lost-found": ["Nhặt được ví có giấy tờ tùy thân.", "Đánh rơi điện thoại trên đường đi chợ.",
                   "Tìm thấy xe đạp trẻ em bỏ lại ở sân đình."],
    "fire": ["Cháy đống rơm sau nhà.", "Chập điện gây cháy ở quán ăn.", "Cháy rừng keo trên đồi.",
             "Khói bốc lên từ nhà kho."],
    "gambling": ["Có nhóm người đánh bạc trong nhà dân.", "Tổ chức lô đề ở quán nước.",
                 "Đánh bài ăn tiền ở khu trọ."],
    "drugs": ["Nghi có người sử dụng ma túy ở bãi đất trống.", "Phát hiện bơm kim tiêm vứt ở ngõ."],
    "crime-tip": ["Tin báo về một nhóm cho vay nặng lãi.", "Nghi có người cất giấu hàng cấm."],
    "domestic-violence": ["Nghe tiếng đánh nhau và kêu cứu trong nhà bên cạnh.",
                          "Chồng say rượu đánh vợ con."],
}
OTHER_DESCRIPTIONS = ["Đề nghị công an xã kiểm tra giúp.", "Báo để công an nắm tình hình."]
REJECT_REASONS = ["Không đủ thông tin để xác minh.", "Không thuộc thẩm quyền, đã hướng dẫn người báo."]
REFERRALS = ["Đội Cảnh sát PCCC và CNCH", "Công an tỉnh", "UBND xã", "Đội Cảnh sát giao thông"]
# (age limit in days, [(status, weight)]): what became of a report, by how old it is.
FATE = [
    (2, [(Status.NEW, 45), (Status.ACKNOWLEDGED, 30), (Status.IN_PROGRESS, 20), (Status.RESOLVED, 5)]),
    (14, [(Status.NEW, 5), (Status.ACKNOWLEDGED, 10), (Status.IN_PROGRESS, 35), (Status.RESOLVED, 40),
          (Status.REFERRED, 5), (Status.REJECTED, 5)]),
    (60, [(Status.IN_PROGRESS, 10), (Status.RESOLVED, 75), (Status.REFERRED, 7), (Status.REJECTED, 8)]),
    (None, [(Status.IN_PROGRESS, 1), (Status.RESOLVED, 84), (Status.REFERRED, 7), (Status.REJECTED, 8)]),
]
DUPLICATE_SHARE = 0.03
COLUMNS = ("id", "category", "unit", "unit_path", "description", "answers", "lat", "lon", "address", "status",
           "priority", "source", "created_at", "updated_at", "due_at", "acknowledged_at", "closed_at", "assigned_to",
           "assigned_team", "duplicate_of", "referred_to", "close_reason", "is_anonymous", "reporter",
           "reporter_name", "reporter_phone", "reporter_email", "followup_hash")
UPDATE_COLUMNS = ("report", "kind", "author", "text", "status_from", "status_to", "created_at")
MAX_UPDATES = 60


def anchor() -> datetime:
    """The demo's "now", to the hour, naive UTC: the same seed gives the same reports within the hour."""
    return timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)


def tet(year: int) -> date:
    return TET.get(year, date(year, 2, 5))


def season(code: str, day: date) -> float:
    """How much more (or less) often than usual a category is reported on `day`."""
    to_tet = min(abs((day - tet(year)).days) for year in (day.year - 1, day.year, day.year + 1))
    before_tet = any(-25 <= (day - tet(year)).days <= 7 for year in (day.year, day.year + 1))
    if code in ("theft", "gambling"):
        return 3.0 if before_tet else 1.0
    if code == "fire":
        return (2.5 if day.month in DRY_MONTHS else 0.8) * (1.5 if to_tet <= 3 else 1.0)
    if code == "traffic-accident":
        return (1.6 if to_tet <= 10 else 1.0) * (1.6 if day.weekday() >= 4 else 1.0)
    return 1.0


@register("reports", order=200)
def generate_reports(ctx: DemoContext) -> None:
    """Reports over the past two years in the demo's groups, written in bulk; a few updates for recent ones."""
    total = REPORTS.get(ctx.size.name, REPORTS["small"])
    rng = ctx.rng
    now = anchor()
    categories = list(Category.objects.filter(is_active=True, province__isnull=True).order_by("order", "code"))
    if ctx.province is not None:
        categories += list(Category.objects.filter(is_active=True, province=ctx.province).order_by("order", "code"))
    if not categories or not ctx.groups:
        return
    places = _places(ctx, rng)
    officers = {user.memberships.get().unit_id: user.pk for user in ctx.users.get(str(Role.COMMUNE_POLICE), [])}
    resident = ctx.users.get(str(Role.RESIDENT), [None])[0]
    setting = _Setting(
        now=now, officers=officers, resident=resident.pk if resident is not None else None,
        resident_group=ctx.groups[0].pk if resident is not None else None, when=_db_time(),
        targets={(c.id, p): timedelta(minutes=c.target_for(p)) for c in categories for p in PRIORITIES},
    )
    zone = timezone.get_default_timezone()
    today = now.replace(tzinfo=UTC).astimezone(zone).date()
    days = [today - timedelta(days=DAYS - 1 - offset) for offset in range(DAYS)]
    # Day by day, oldest first, so the ids follow the time of report as a real database's would.
    day_weights = [_day_weight(categories, day, offset) for offset, day in enumerate(days)]
    day_weights[-1] *= (now - _utc_midnight(today)) / timedelta(days=1)  # today is not over
    per_day = _split(total, day_weights, rng)
    next_id = (Report.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    writer = BulkWriter(Report, COLUMNS, batch=INSERT_BATCH)
    updates: list[tuple] = []
    written = 0
    with tally.rebuilt_after(), _indexes_built_after(Report):  # the tally counted once, after the load
        for day, count in zip(days, per_day, strict=True):
            rows = _day_rows(rng, categories, places, day, count, next_id, setting)
            next_id += len(rows)
            written += len(rows)
            if day >= (now - timedelta(days=3)).date():
                updates.extend(_updates_for(rows, rng))
            writer.extend(rows)
        writer.flush()
    BulkWriter(Update, UPDATE_COLUMNS, batch=INSERT_BATCH).extend(updates[-MAX_UPDATES:]).flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Report, Update]):
                cursor.execute(sql)
    ctx.count("reports", written)
    ctx.log(_("%(count)s reports over two years.") % {"count": f"{written:,}"})


def _utc_midnight(day: date) -> datetime:
    """The start of a local day, as naive UTC: the hours of HOURS are local hours."""
    local = datetime(day.year, day.month, day.day, tzinfo=timezone.get_default_timezone())
    return local.astimezone(UTC).replace(tzinfo=None)


def _day_weight(categories: list[Category], day: date, offset: int) -> float:
    growth = 0.7 + 0.6 * offset / DAYS  # more residents use the service as time goes on
    return growth * sum(BASE_WEIGHT.get(c.code, 2) * season(c.code, day) for c in categories)


def _split(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """`total` shared out in proportion to `weights`, the remainder one by one at random: exact."""
    scale = total / sum(weights)
    shares = [int(weight * scale) for weight in weights]
    for index in rng.sample(range(len(weights)), total - sum(shares)):
        shares[index] += 1
    return shares


class _Places:
    """Where reports happen: each group's centre and weight, per category (hot spots weigh more)."""

    def __init__(self, groups, centres, cumulative):
        self.groups = groups
        self.centres = centres
        self.cumulative = cumulative  # category code (or "") -> cumulative weights over the groups

    def pick(self, rng: random.Random, code: str):
        weights = self.cumulative.get(code) or self.cumulative[""]
        index = bisect(weights, rng.random() * weights[-1])
        return self.groups[min(index, len(self.groups) - 1)], self.centres[min(index, len(self.groups) - 1)]


def _places(ctx: DemoContext, rng: random.Random) -> _Places:
    groups = ctx.groups
    urban = {commune.pk: commune.kind == "phường" for commune in ctx.communes}
    base = [1.5 if urban.get(group.parent_id) else 1.0 for group in groups]
    hot = set(rng.sample(range(len(groups)), max(1, len(groups) // 30)))
    roads = set(rng.sample(range(len(groups)), max(1, len(groups) // 30)))
    cumulative = {
        "": list(accumulate(base)),
        "traffic-accident": list(accumulate(w * (4 if i in roads else 1) for i, w in enumerate(base))),
        "fire": list(accumulate(w * (1 if urban.get(g.parent_id) else 1.8) for g, w in zip(groups, base, strict=True))),
    }
    for code in HOT_SPOT_CODES:
        cumulative[code] = list(accumulate(w * (6 if i in hot else 1) for i, w in enumerate(base)))
    centres = [(group.centre_lat, group.centre_lon) for group in groups]
    return _Places(groups, centres, cumulative)


def _hour_weights() -> dict[tuple[str, bool], list[float]]:
    table = {}
    for code in {*HOURS, ""}:
        hours = HOURS.get(code, DAYTIME)
        table[(code, False)] = list(accumulate(hours))
        weekend = [w * 2 if code == "traffic-accident" and h in WEEKEND_EVENING else w for h, w in enumerate(hours)]
        table[(code, True)] = list(accumulate(weekend))
    return table


HOUR_CUMULATIVE = _hour_weights()


def _day_rows(rng, categories, places, day, count, first_id, setting) -> list[tuple]:
    if count == 0:
        return []
    weekend = day.weekday() >= 4
    weights = [BASE_WEIGHT.get(c.code, 2) * season(c.code, day) for c in categories]
    chosen = rng.choices(categories, weights=weights, k=count)
    random_ = rng.random
    gauss = rng.gauss
    midnight = _utc_midnight(day)
    now = setting.now
    slots = []
    for category in chosen:
        code = category.code
        hours = HOUR_CUMULATIVE.get((code, weekend)) or HOUR_CUMULATIVE[("", weekend)]
        hour = bisect(hours, random_() * hours[-1])
        created = midnight + timedelta(hours=min(hour, 23), seconds=int(random_() * 3600))
        if created >= now:  # today, later than now: some time earlier today instead
            created = midnight + timedelta(seconds=int(random_() * (now - midnight).total_seconds()))
        group, (lat, lon) = places.pick(rng, code)
        if lat is not None:
            lat, lon = round(lat + gauss(0, SPREAD), 6), round(lon + gauss(0, SPREAD), 6)
        slots.append([created, category, group, lat, lon, None])
    slots.sort(key=lambda slot: slot[0])
    ids = list(range(first_id, first_id + count))
    for index in range(1, count):
        if random_() < DUPLICATE_SHARE:  # someone else reports the same incident a little later
            original = rng.randrange(max(0, index - 20), index)
            _created, category, group, lat, lon, _dup = slots[original]
            if lat is not None:
                lat, lon = round(lat + gauss(0, 0.0003), 6), round(lon + gauss(0, 0.0003), 6)
            slots[index][1:] = [category, group, lat, lon, ids[original]]
    return [_row(rng, report_id, slot, setting) for report_id, slot in zip(ids, slots, strict=True)]


_FATE_TABLE = [(limit, [status.value for status, _w in choices], list(accumulate(w for _s, w in choices)))
               for limit, choices in FATE]


def _fate(age_days: float, draw: float) -> str:
    for limit, statuses, cumulative in _FATE_TABLE:
        if limit is None or age_days < limit:
            return statuses[bisect(cumulative, draw * cumulative[-1])]
    raise AssertionError("unreachable")


_MALE = (names.MALE_MIDDLE, names.MALE_GIVEN)
_FEMALE = (names.FEMALE_MIDDLE, names.FEMALE_GIVEN)
_FAMILY_NAMES = [name for name, _w in names.FAMILY_NAMES]
_FAMILY_CUM = list(accumulate(weight for _n, weight in names.FAMILY_NAMES))


def _person(random_) -> str:
    """An invented full name, as names.person draws it, for a reporter who gave one."""
    family = _FAMILY_NAMES[bisect(_FAMILY_CUM, random_() * _FAMILY_CUM[-1])]
    middles, givens = _MALE if random_() < 0.55 else _FEMALE
    middle = middles[int(random_() * len(middles))]
    given = givens[int(random_() * len(givens))]
    return f"{family} {middle} {given}" if given != middle else f"{family} {given}"


def _row(rng, report_id, slot, setting: _Setting) -> tuple:
    created, category, group, lat, lon, duplicate_of = slot
    now = setting.now
    random_ = rng.random
    age = (now - created).total_seconds() / 86400
    priority = category.default_priority
    roll = random_()
    if roll < 0.05 or roll > 0.95:  # the police re-grade one report in ten
        rank = PRIORITIES.index(priority) + (-1 if roll < 0.05 else 1)
        priority = PRIORITIES[min(max(rank, 0), len(PRIORITIES) - 1)]
    status = DUPLICATE if duplicate_of else _fate(age, random_())
    acknowledged = closed = None
    if status != NEW:
        acknowledged = min(created + timedelta(minutes=5 + int(random_() * 360)), now)
    if status in CLOSED:
        hours = 0.5 + random_() * (12 if status == DUPLICATE else 240)
        closed = min(acknowledged + timedelta(hours=hours), now)
    team = ""
    officer = None
    if status in ASSIGNED and random_() < 0.7:
        team = category.team_type
        if random_() < 0.5:
            officer = setting.officers.get(group.parent_id)
    source = SOURCES[bisect(SOURCE_CUM, random_())]
    anonymous = random_() < 0.25
    own = setting.resident_group == group.id and not anonymous and random_() < 0.2
    reporter = setting.resident if own else None
    reporter_name = reporter_phone = ""
    if not anonymous and reporter is None:
        reporter_name, reporter_phone = _person(random_), f"09{int(random_() * 100_000_000):08d}"
    followup = "" if reporter else f"{rng.getrandbits(256):064x}"
    texts = DESCRIPTIONS.get(category.code, OTHER_DESCRIPTIONS)
    if group.kind == "tổ dân phố":
        address = f"Ngõ {1 + int(random_() * 120)}, đường {names.STREETS[int(random_() * len(names.STREETS))]}"
    else:
        address = f"Xóm {names.HAMLETS[int(random_() * len(names.HAMLETS))]}, {group.name}"
    when = setting.when
    return (
        report_id, category.id, group.id, group.path, texts[int(random_() * len(texts))], "{}", lat, lon, address,
        status, priority, source, when(created), when(closed or acknowledged or created),
        when(created + setting.targets[(category.id, priority)]), acknowledged and when(acknowledged),
        closed and when(closed), officer, team, duplicate_of,
        REFERRALS[int(random_() * len(REFERRALS))] if status == REFERRED else "",
        REJECT_REASONS[int(random_() * len(REJECT_REASONS))] if status == REJECTED else "",
        anonymous, reporter, reporter_name, reporter_phone, "", followup,
    )


# Plain strings, not the enum members: a million hashes and comparisons of an Enum add seconds.
NEW, DUPLICATE, REFERRED, REJECTED = (Status.NEW.value, Status.DUPLICATE.value, Status.REFERRED.value,
                                      Status.REJECTED.value)
CLOSED = frozenset(s.value for s in (Status.RESOLVED, Status.REFERRED, Status.REJECTED, Status.DUPLICATE))
ASSIGNED = frozenset(s.value for s in (Status.IN_PROGRESS, Status.RESOLVED, Status.REFERRED))
SOURCES = tuple(s.value for s in (Source.WEB, Source.STAFF, Source.OPEN311, Source.API))
SOURCE_CUM = (0.6, 0.85, 0.95)
@dataclass(frozen=True)
class _Setting:
    now: datetime  # naive UTC
    officers: dict[int, int]  # commune id -> its demo police officer's id
    resident: int | None  # the demo resident, who reports some incidents of their own group
    resident_group: int | None
    when: Callable[[datetime], object]  # a naive UTC datetime as the database takes it in bulk
    targets: dict[tuple[int, str], timedelta]  # (category id, priority) -> response-time target


def _db_time() -> Callable[[datetime], object]:
    if connection.vendor == "sqlite":
        return str  # what Django itself writes for a UTC datetime
    if connection.vendor == "postgresql":
        return lambda moment: moment.replace(tzinfo=UTC)
    return lambda moment: connection.ops.adapt_datetimefield_value(moment.replace(tzinfo=UTC))


def _updates_for(rows: list[tuple], rng: random.Random) -> list[tuple]:
    """What the police wrote on recent reports: that they took them on, and for some a note to the reporter."""
    updates = []
    status_at, ack_at, officer_at = COLUMNS.index("status"), COLUMNS.index("acknowledged_at"), \
        COLUMNS.index("assigned_to")
    for row in rows:
        if row[status_at] in (Status.NEW, Status.DUPLICATE) or rng.random() < 0.5:
            continue
        updates.append((row[0], Update.Kind.STATUS, row[officer_at], "", Status.NEW, Status.ACKNOWLEDGED,
                        row[ack_at]))
        if rng.random() < 0.3:
            updates.append((row[0], Update.Kind.PUBLIC, row[officer_at],
                            "Công an xã đã tiếp nhận và đang xác minh.", "", "", row[ack_at]))
    return updates


@contextmanager
def _indexes_built_after(model):
    """Into an empty table, drop the secondary indexes and build them again once the rows are in:
    one sort per index instead of a million scattered inserts into each (several times faster)."""
    table = model._meta.db_table
    if model.objects.exists() or connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                           "AND sql IS NOT NULL", [table])
        else:  # not the indexes behind a primary key or unique constraint
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                           "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", [table, table])
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows' deferred foreign-key checks must run first: PostgreSQL builds no index over pending ones.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in indexes:
            cursor.execute(definition)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
