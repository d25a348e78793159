"""Handover indicators for the statistics (docs/statistics.md, docs/handovers.md#indicators).

Quantities are never added across measures: a gun, a round, a kilogram of explosive and a metre of
fuse each have their own indicator, broken down by category. Facts are whole numbers, so weights are
kept in grams and lengths in millimetres (the app takes quantities to the thousandth: exact). The
movements of the chain of custody count on their day, one per movement. Only the number of handovers
is public: a quantity can single out a donor who asked to stay anonymous.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from binhan.handovers.models import Category, Handover, Measure, Place, Programme
from binhan.stats.registry import Contribution, Indicator, Source, register

# measure → (indicator, factor to whole numbers)
BY_MEASURE = {
    Measure.PIECE: ("handovers.pieces", 1),
    Measure.ROUND: ("handovers.rounds", 1),
    Measure.KG: ("handovers.grams", 1000),
    Measure.METRE: ("handovers.millimetres", 1000),
}


def _categories() -> dict[str, str]:
    return dict(Category.choices)


def _rewards() -> dict[str, str]:
    return dict(Programme.Reward.choices)


register(Indicator(
    code="handovers.received", name=_("Voluntary handovers"), unit=_("handovers"), domain="handovers", order=10,
    public=True, higher_is_better=True,
    definition=_("Handovers of weapons, explosives and support tools received by the commune police, on the day "
                 "received (one receipt each)."),
))
register(Indicator(
    code="handovers.pieces", name=_("Weapons and tools handed over"), unit=_("pieces"), domain="handovers",
    order=20, aggregation="sum", breakdown=_("category"), key_labels=_categories, higher_is_better=True,
    definition=_("Guns, grenades, detonators, support tools, rudimentary weapons, parts and fireworks counted by "
                 "the piece, on the day handed over."),
))
register(Indicator(
    code="handovers.rounds", name=_("Ammunition handed over"), unit=_("rounds"), domain="handovers", order=30,
    aggregation="sum", breakdown=_("category"), key_labels=_categories, higher_is_better=True,
    definition=_("Rounds of ammunition, on the day handed over."),
))
register(Indicator(
    code="handovers.grams", name=_("Explosives and fireworks handed over by weight"), unit=_("grams"),
    domain="handovers", order=40, aggregation="sum", breakdown=_("category"), key_labels=_categories,
    higher_is_better=True,
    definition=_("Explosives and fireworks weighed in kilograms, counted here in grams, on the day handed over."),
))
register(Indicator(
    code="handovers.millimetres", name=_("Fuse handed over"), unit=_("millimetres"), domain="handovers", order=50,
    aggregation="sum", breakdown=_("category"), key_labels=_categories, higher_is_better=True,
    definition=_("Fuse measured in metres, counted here in millimetres, on the day handed over."),
))
register(Indicator(
    code="handovers.exchanges", name=_("Exchanges granted"), unit=_("exchanges"), domain="handovers", order=60,
    breakdown=_("reward"), key_labels=_rewards,
    definition=_("Handovers that earned a reward under an exchange programme, on the day of the handover."),
))
register(Indicator(
    code="handovers.transferred", name=_("Items transferred to the province store"), unit=_("movements"),
    domain="handovers", order=70, breakdown=_("category"), key_labels=_categories,
    definition=_("Handed-over items (or parts of one) sent from the commune to the province store, on the day "
                 "moved; one per movement."),
))
register(Indicator(
    code="handovers.destroyed", name=_("Items destroyed"), unit=_("movements"), domain="handovers", order=80,
    breakdown=_("category"), key_labels=_categories,
    definition=_("Handed-over items (or parts of one) destroyed, on the day destroyed; one per movement."),
))


def whole(quantity: Decimal, factor: int) -> int:
    """A quantity (to the thousandth) as a whole number of its indicator's unit."""
    return int((Decimal(quantity) * factor).to_integral_value())


class HandoverSource(Source):
    """A handover with its items, their movements and its exchange: every event names the handover."""

    name = "handovers.handover"
    events = ("handovers.handover.", "handovers.item.")
    payload_id = "handover_id"
    batch_size = 1000

    def queryset(self):
        return (Handover.objects.only("id", "unit_path", "received_on")
                .prefetch_related("items__movements", "exchange"))

    def contributions(self, handover):
        path, day = handover.unit_path, handover.received_on
        yield Contribution("handovers.received", path, day, "", 1)
        exchange = getattr(handover, "exchange", None)
        if exchange is not None:
            yield Contribution("handovers.exchanges", path, day, exchange.reward, 1)
        for item in handover.items.all():
            indicator, factor = BY_MEASURE[item.measure]
            yield Contribution(indicator, path, day, item.category, whole(item.quantity, factor))
            for movement in item.movements.all():
                if movement.to_place == Place.PROVINCE_STORE:
                    yield Contribution("handovers.transferred", path, movement.moved_on, item.category, 1)
                elif movement.to_place == Place.DESTROYED:
                    yield Contribution("handovers.destroyed", path, movement.moved_on, item.category, 1)


register(HandoverSource())
