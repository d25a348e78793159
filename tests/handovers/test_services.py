"""Recording handovers, receipt numbers, exchanges, the chain of custody, totals and stock."""

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404

from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent
from binhan.handovers import selectors
from binhan.handovers.models import Exchange, Handover, Item, Movement, Programme
from binhan.handovers.services import handovers as services
from tests.handovers.conftest import DAY, record

pytestmark = pytest.mark.django_db


def test_record_numbers_audits_and_publishes(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = record(world)
        second = record(world, anonymous=True)
    assert (first.number, second.number) == ("GN-7090-2026-00001", "GN-7090-2026-00002")
    assert [(i.category, i.measure, i.quantity) for i in first.items.order_by("id")] == [
        ("gun_homemade", "piece", Decimal("2.000")), ("ammunition", "round", Decimal("30.000")),
        ("explosive", "kg", Decimal("1.500"))]
    assert (second.donor_name, second.donor_id_number) == ("", "")
    audit = AuditEvent.objects.filter(action="handovers.handover.record").order_by("id").first()
    assert audit.changes["donor_name"] == ["[personal data]", "[personal data]"]
    event = OutboxEvent.objects.filter(name="handovers.handover.recorded").order_by("id").first()
    assert (event.unit_path, set(event.payload)) == (world.commune_a.path, {"handover_id", "item_ids", "exchange_id"})


@pytest.mark.parametrize(("items", "field"), [
    ([], "items"),
    ([{"category": "laser", "quantity": 1}], "items[0].category"),
    ([{"category": "gun_military", "quantity": "1.5"}], "items[0].quantity"),
    ([{"category": "ammunition", "quantity": 0}], "items[0].quantity"),
    ([{"category": "fuse", "quantity": "abc"}], "items[0].quantity"),
])
def test_bad_items_store_nothing(world, items, field):
    with pytest.raises(ServiceError) as refused:
        record(world, items=items)
    assert refused.value.field == field
    assert (Handover.objects.count(), Item.objects.count()) == (0, 0)


def test_fractional_kg_and_metres_are_fine(world):
    handover = record(world, items=[{"category": "fuse", "quantity": "12.5"},
                                    {"category": "fireworks_kg", "quantity": "8.1"}])
    assert sorted(handover.items.values_list("measure", flat=True)) == ["kg", "metre"]


@pytest.mark.parametrize("actor", ["police_b", "group_leader_a", "leader_a", "resident_a"])
def test_only_the_police_of_the_commune_record(world, actor):
    with pytest.raises(PermissionDeniedError):
        record(world, actor=getattr(world, actor))
    assert Handover.objects.count() == 0


def test_a_named_handover_needs_a_name(world):
    with pytest.raises(ServiceError) as refused:
        record(world, donor_name=" ")
    assert refused.value.field == "donor_name"


def test_exchange_is_recorded_and_credit_waits_for_fire_safety(world, monkeypatch):
    programme = services.programme_create(actor=world.police_a, unit=world.commune_a, name="Đổi vũ khí lấy bình",
                                          reward="fire_extinguisher", starts_on=date(2026, 1, 1),
                                          ends_on=date(2026, 12, 31))
    credited = []
    monkeypatch.setattr(services, "_credit_extinguisher", lambda **kw: credited.append(kw) or True)
    handover = record(world, household=world.household_a, programme=programme, reward_quantity=2)
    exchange = Exchange.objects.get(handover=handover)
    assert (exchange.reward, exchange.quantity, exchange.credited) == ("fire_extinguisher", 2, True)
    assert [{key: value for key, value in call.items() if key != "received_on"} for call in credited] == [
        {"actor": world.police_a, "household": world.household_a, "quantity": 2}]


def test_exchange_outside_the_programme_dates_is_refused(world):
    programme = Programme.objects.create(unit=world.province, unit_path=world.province.path, name="P",
                                         reward="other", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    with pytest.raises(ServiceError) as refused:
        record(world, programme=programme)
    assert (refused.value.field, Handover.objects.count()) == ("programme", 0)


def _item(handover, category):
    return handover.items.get(category=category)


def test_chain_of_custody_keeps_the_stock(world, django_capture_on_commit_callbacks):
    handover = record(world)
    guns = _item(handover, "gun_homemade")
    services.item_move(actor=world.police_a, item=guns, from_place="commune", to_place="province_store",
                       quantity=2, moved_on=DAY)
    services.item_move(actor=world.province_leader if False else world.police_a, item=guns,
                       from_place="province_store", to_place="destroyed", quantity=1, moved_on=DAY)
    explosive = _item(handover, "explosive")
    services.item_move(actor=world.police_a, item=explosive, from_place="commune", to_place="destroyed",
                       quantity="0.5", moved_on=DAY)
    stock = {row.category: row for row in selectors.stock(viewer=world.police_a)}
    assert (stock["gun_homemade"].at_commune, stock["gun_homemade"].at_province_store,
            stock["gun_homemade"].destroyed) == (0, 1, 1)
    assert (stock["explosive"].at_commune, stock["explosive"].destroyed) == (Decimal("1.000"), Decimal("0.500"))
    for row in stock.values():
        assert row.at_commune + row.at_province_store + row.destroyed == row.received
    assert OutboxEvent.objects.filter(name="handovers.item.moved").count() == 3


@pytest.mark.parametrize(("source", "target", "quantity", "field"), [
    ("commune", "province_store", 3, "quantity"),  # only 2 there
    ("province_store", "destroyed", 1, "quantity"),  # nothing there yet
    ("province_store", "commune", 1, "to_place"),
    ("commune", "province_store", "0.5", "quantity"),  # guns are whole
])
def test_bad_movements_are_refused(world, source, target, quantity, field):
    guns = _item(record(world), "gun_homemade")
    with pytest.raises(ServiceError) as refused:
        services.item_move(actor=world.police_a, item=guns, from_place=source, to_place=target, quantity=quantity,
                           moved_on=DAY)
    assert (refused.value.field, Movement.objects.count()) == (field, 0)


def test_movement_elsewhere_is_refused(world):
    guns = _item(record(world), "gun_homemade")
    with pytest.raises(PermissionDeniedError):
        services.item_move(actor=world.police_b, item=guns, from_place="commune", to_place="destroyed", quantity=1,
                           moved_on=DAY)


def test_totals_per_category_period_and_unit(world):
    record(world)
    record(world, received_on=date(2025, 6, 1), items=[{"category": "gun_homemade", "quantity": 1}])
    record(world, actor=world.police_b, commune=world.commune_b, items=[{"category": "rudimentary", "quantity": 7}])
    rows = selectors.handover_totals(viewer=world.province_leader, period="year", by_unit=True)
    assert [(r.period.year, r.unit_path, r.category, r.measure, r.quantity) for r in rows] == [
        (2025, world.commune_a.path, "gun_homemade", "piece", Decimal("1.000")),
        (2026, world.commune_a.path, "gun_homemade", "piece", Decimal("2.000")),
        (2026, world.commune_a.path, "ammunition", "round", Decimal("30.000")),
        (2026, world.commune_a.path, "explosive", "kg", Decimal("1.500")),
        (2026, world.commune_b.path, "rudimentary", "piece", Decimal("7.000")),
    ]
    mine = selectors.handover_totals(viewer=world.leader_a, since=date(2026, 1, 1))
    assert [(r.category, r.quantity, r.items) for r in mine] == [
        ("gun_homemade", Decimal("2.000"), 1), ("ammunition", Decimal("30.000"), 1), ("explosive", Decimal("1.500"), 1)]


def test_cross_commune_handover_is_404_and_audited(world):
    handover = record(world)
    with pytest.raises(Http404):
        selectors.handover_get(viewer=world.police_b, pk=handover.pk)
    denied = AuditEvent.objects.get(action="access.denied")
    assert (denied.actor, denied.object_type) == (world.police_b, "handovers.handover")


def test_exchanged_extinguisher_is_credited_to_the_household_equipment(world):
    from binhan.firesafety.models import Equipment, EquipmentType

    EquipmentType.objects.get_or_create(code=services.EXTINGUISHER_TYPE, defaults={
        "name": "Bình chữa cháy bột", "requirement": "extinguisher", "interval_months": 12, "has_capacity": True})
    programme = services.programme_create(actor=world.police_a, unit=world.commune_a, name="Đổi vũ khí lấy bình",
                                          reward="fire_extinguisher", starts_on=date(2026, 1, 1),
                                          ends_on=date(2026, 12, 31))
    handover = record(world, household=world.household_a, programme=programme, reward_quantity=1)
    equipment = Equipment.objects.get(household=world.household_a)
    assert (equipment.type.code, equipment.quantity, equipment.source, handover.exchange.credited) == (
        services.EXTINGUISHER_TYPE, 1, "handover_exchange", True)
    # New on the day of the exchange: in date, its first check a year on.
    assert (equipment.bought_on, equipment.next_due_on) == (
        handover.received_on, handover.received_on.replace(year=handover.received_on.year + 1))


def test_exchange_stays_recorded_when_the_credit_is_refused(world):
    programme = services.programme_create(actor=world.police_a, unit=world.commune_a, name="P",
                                          reward="fire_extinguisher", starts_on=date(2026, 1, 1),
                                          ends_on=date(2026, 12, 31))
    from binhan.firesafety.models import EquipmentType

    EquipmentType.objects.filter(code=services.EXTINGUISHER_TYPE).update(is_active=False)
    handover = record(world, household=world.household_a, programme=programme)
    assert (Handover.objects.count(), handover.exchange.credited) == (1, False)
