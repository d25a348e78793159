"""Demo handovers over five years, at the scale the documents report for one province
(185 guns, 306 support tools, 2,028 rudimentary weapons, 124 rounds, 6 grenades, 8.1 kg of
firecrackers), scaled by the share of the province's groups the demo covers; a province exchange
programme (weapons for fire extinguishers); most older items moved to the province store and
many destroyed there, so the chain of custody and the stock have something to show."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.demo import names
from binhan.demo.bulk import BulkWriter
from binhan.demo.registry import DemoContext, register
from binhan.handovers.models import Exchange, Handover, Item, Movement, Programme, ReceiptCounter, measure_of
from binhan.residence.demo import next_id, reset_sequences

YEARS = 5
LARGE_GROUPS = 5000  # the large demo's groups: the documents' whole province
# category: (total over five years for a whole province, largest quantity in one handover)
TARGETS = {
    "gun_homemade": (110, 2), "gun_hunting": (45, 2), "gun_military": (20, 1), "gun_air": (10, 1),
    "support_tool": (306, 6), "rudimentary": (2028, 25), "ammunition": (124, 30), "grenade": (6, 1),
    "fireworks_kg": (Decimal("8.1"), Decimal("1.5")), "explosive": (Decimal("3.2"), Decimal("0.8")),
    "detonator": (40, 10), "fuse": (Decimal("25"), Decimal("6")), "part": (30, 3),
}
PLACES = ["Trụ sở Công an xã", "Nhà văn hóa thôn", "Hội nghị tuyên truyền", "Tại nhà người giao nộp"]


def _pieces(rng: random.Random, total, largest) -> list:
    """Split a total into handover-sized pieces (whole numbers, or tenths of kg and metres)."""
    parts, left = [], total
    while left > 0:
        if isinstance(total, Decimal):
            piece = min(left, Decimal(rng.randint(1, int(largest * 10))) / 10)
        else:
            piece = min(left, rng.randint(1, largest))
        parts.append(piece)
        left -= piece
    return parts


@register("handovers", order=550)
def generate_handovers(ctx: DemoContext) -> None:
    if not ctx.groups or not ctx.communes:
        return
    rng = ctx.rng
    today = timezone.localdate()
    officers = ctx.users.get(str(Role.COMMUNE_POLICE), [])
    if not officers:
        return
    scale = min(1.0, max(0.05, len(ctx.groups) / LARGE_GROUPS))
    programme = Programme.objects.create(
        unit=ctx.province, unit_path=ctx.province.path, name="Đổi vũ khí, vật liệu nổ lấy bình chữa cháy",
        reward=Programme.Reward.FIRE_EXTINGUISHER, reward_description="Bình chữa cháy bột 4 kg",
        starts_on=today - timedelta(days=540), ends_on=today - timedelta(days=180))
    items_by_handover: dict[int, list] = defaultdict(list)
    pieces = []
    for category, (total, largest) in TARGETS.items():
        scaled = (total * Decimal(str(scale))).quantize(Decimal("0.1")) if isinstance(total, Decimal) \
            else max(1, round(total * scale))
        pieces += [(category, piece) for piece in _pieces(rng, scaled, largest)]
    rng.shuffle(pieces)
    # one to three pieces make a handover
    handover_id, item_id, movement_id = next_id(Handover), next_id(Item), next_id(Movement)
    first_day = today - timedelta(days=365 * YEARS)
    counters: dict[tuple[str, int], int] = defaultdict(int)
    handovers = []
    index = 0
    while index < len(pieces):
        take = rng.choice((1, 1, 2, 3))
        commune = rng.choice(ctx.communes)
        day = first_day + timedelta(days=rng.randint(0, 365 * YEARS))
        counters[(commune.path, day.year)] += 1
        anonymous = rng.random() < 0.2
        handovers.append(Handover(
            id=handover_id, unit=commune, unit_path=commune.path,
            number=f"GN-{commune.code}-{day.year}-{counters[(commune.path, day.year)]:05d}", received_on=day,
            place=rng.choice(PLACES), anonymous=anonymous, donor_name="" if anonymous else names.full_name(rng),
            officer=officers[0] if commune == ctx.communes[0] or len(officers) == 1 else rng.choice(officers)))
        for category, quantity in pieces[index:index + take]:
            items_by_handover[handover_id].append((item_id, commune.path, day, category, quantity))
            item_id += 1
        handover_id += 1
        index += take
    Handover.objects.bulk_create(handovers, batch_size=2000)
    item_writer = BulkWriter(Item, ("id", "handover", "unit_path", "received_on", "category", "measure", "quantity",
                                    "condition", "description"))
    move_writer = BulkWriter(Movement, ("id", "item", "unit_path", "from_place", "to_place", "quantity", "moved_on",
                                        "document_number", "officer", "created_at"))
    now = timezone.now()
    moved = 0
    for handover in handovers:
        for pk, path, day, category, quantity in items_by_handover[handover.pk]:
            item_writer.add((pk, handover.pk, path, day, category, measure_of(category), quantity,
                             rng.choices(("usable", "damaged", "unusable"), weights=(50, 35, 15))[0], ""))
            age = (today - day).days
            if age > 180 and rng.random() < 0.8:
                sent = day + timedelta(days=rng.randint(30, 150))
                move_writer.add((movement_id, pk, path, "commune", "province_store", quantity, sent,
                                 f"{rng.randint(1, 400)}/BB-CAX", handover.officer_id, now))
                movement_id += 1
                moved += 1
                if age > 365 and rng.random() < 0.7:
                    move_writer.add((movement_id, pk, path, "province_store", "destroyed", quantity,
                                     min(today, sent + timedelta(days=rng.randint(60, 200))),
                                     f"{rng.randint(1, 90)}/QĐ-CAT", handover.officer_id, now))
                    movement_id += 1
    item_writer.flush()
    move_writer.flush()
    ReceiptCounter.objects.bulk_create([ReceiptCounter(unit_path=path, year=year, last=last)
                                        for (path, year), last in counters.items()])
    reset_sequences(Handover, Item, Movement)
    exchanges = Exchange.objects.bulk_create([
        Exchange(handover=handover, programme=programme, unit_path=handover.unit_path, reward=programme.reward)
        for handover in handovers
        if programme.starts_on <= handover.received_on <= programme.ends_on and not handover.anonymous
        and rng.random() < 0.4])
    ctx.count("handovers", len(handovers))
    ctx.count("handed-over items", len(pieces))
    ctx.count("handover exchanges", len(exchanges))
    ctx.log(_("%(handovers)s handovers with %(items)s items over five years (%(moved)s moved on).")
            % {"handovers": f"{len(handovers):,}", "items": f"{len(pieces):,}", "moved": f"{moved:,}"})
