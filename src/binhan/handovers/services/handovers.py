"""Recording a handover (items, receipt number, exchange) and moving items along the chain of custody."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core import audit, events, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo.models import AdministrativeUnit, Household, Level
from binhan.handovers.models import (
    WHOLE,
    Category,
    Exchange,
    Handover,
    Item,
    Movement,
    Photo,
    Place,
    Programme,
    ReceiptCounter,
    measure_of,
)
from binhan.handovers.roles import POLICE_ROLES

logger = logging.getLogger(__name__)
MAX_ITEMS = 50
# The fire-safety equipment type an exchanged extinguisher is credited as.
EXTINGUISHER_TYPE = "powder-extinguisher"
MAX_QUANTITY = Decimal("1000000")
ROUTES = {(Place.COMMUNE, Place.PROVINCE_STORE), (Place.COMMUNE, Place.DESTROYED),
          (Place.PROVINCE_STORE, Place.DESTROYED)}


def police_only_message() -> str:
    return _("Only the police of this commune or province record handovers.")


def check_police(actor, unit_path: str) -> None:
    if not scoping.can_see_path(actor, unit_path, roles=POLICE_ROLES):
        raise PermissionDeniedError(police_only_message())


def _text(value, *, field: str, limit: int, required: str = "") -> str:
    value = str(value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError(required, field=field)
    if len(value) > limit:
        raise ServiceError(_("Please keep it under %(limit)s characters.") % {"limit": limit}, field=field)
    return value


def clean_quantity(value, *, measure: str, field: str = "quantity") -> Decimal:
    try:
        quantity = Decimal(str(value)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Give the quantity as a number."), field=field) from None
    if quantity <= 0 or quantity > MAX_QUANTITY:
        raise ServiceError(_("The quantity must be more than 0 and at most 1,000,000."), field=field)
    if measure in WHOLE and quantity != quantity.to_integral_value():
        raise ServiceError(_("Pieces and rounds are counted whole."), field=field)
    return quantity


@dataclass(frozen=True)
class ItemIn:
    category: str
    quantity: Decimal | int | str
    condition: str = Item.Condition.USABLE
    description: str = ""


def _items(handover: Handover, items: list) -> list[Item]:
    if not items:
        raise ServiceError(_("List at least one item."), field="items")
    if len(items) > MAX_ITEMS:
        raise ServiceError(_("At most %(count)s items per handover.") % {"count": MAX_ITEMS}, field="items")
    built = []
    for index, raw in enumerate(items):
        raw = raw if isinstance(raw, dict) else raw.__dict__
        category = raw.get("category")
        if category not in Category.values:
            raise ServiceError(_("Item %(number)s: choose a category.") % {"number": index + 1},
                               field=f"items[{index}].category")
        measure = measure_of(category)
        try:
            quantity = clean_quantity(raw.get("quantity"), measure=measure, field=f"items[{index}].quantity")
        except ServiceError as error:
            raise ServiceError(_("Item %(number)s: %(message)s") % {"number": index + 1, "message": error.message},
                               field=error.field) from None
        condition = raw.get("condition") or Item.Condition.USABLE
        if condition not in Item.Condition.values:
            raise ServiceError(_("Item %(number)s: choose a condition.") % {"number": index + 1},
                               field=f"items[{index}].condition")
        built.append(Item(handover=handover, unit_path=handover.unit_path, received_on=handover.received_on,
                          category=category, measure=measure, quantity=quantity, condition=condition,
                          description=_text(raw.get("description"), field=f"items[{index}].description", limit=200)))
    return built


def _next_number(commune: AdministrativeUnit, year: int) -> str:
    updated = ReceiptCounter.objects.filter(unit_path=commune.path, year=year).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                ReceiptCounter.objects.create(unit_path=commune.path, year=year, last=1)
        except IntegrityError:
            ReceiptCounter.objects.filter(unit_path=commune.path, year=year).update(last=F("last") + 1)
    last = ReceiptCounter.objects.get(unit_path=commune.path, year=year).last
    return f"GN-{commune.code}-{year}-{last:05d}"


@transaction.atomic
def handover_record(*, actor, commune: AdministrativeUnit, received_on: date, place: str, items: list,
                    anonymous: bool = False, donor_name: str = "", donor_id_number: str = "",
                    donor_address: str = "", household: Household | None = None, note: str = "",
                    programme: Programme | None = None, reward_quantity: int = 1) -> Handover:
    """The commune police receive weapons, explosives or support tools, and give a numbered receipt."""
    if commune.level != Level.COMMUNE:
        raise ServiceError(_("Handovers are received by the police of a commune or ward."), field="unit")
    check_police(actor, commune.path)
    if received_on > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="received_on")
    if household is not None and not household.unit_path.startswith(commune.path):
        raise ServiceError(_("The household must live in this commune."), field="household")
    donor_name = _text(donor_name, field="donor_name", limit=120)
    if anonymous:
        donor_name, donor_id_number, donor_address, household = "", "", "", None
    elif not donor_name:
        raise ServiceError(_("Give the name of the person handing over, or mark the handover anonymous."),
                           field="donor_name")
    handover = Handover(
        unit=commune, unit_path=commune.path, received_on=received_on, officer=actor, anonymous=anonymous,
        place=_text(place, field="place", limit=200, required=_("Say where the handover took place.")),
        donor_name=donor_name, donor_id_number=_text(donor_id_number, field="donor_id_number", limit=20),
        donor_address=_text(donor_address, field="donor_address", limit=255), household=household,
        note=_text(note, field="note", limit=2000))
    built = _items(handover, items)
    handover.number = _next_number(commune, received_on.year)
    handover.full_clean(exclude=["officer"])
    handover.save()
    Item.objects.bulk_create(built)
    exchange = None
    if programme is not None:
        exchange = _exchange(actor=actor, handover=handover, programme=programme, quantity=reward_quantity)
    audit.record(actor=actor, action="handovers.handover.record", obj=handover, changes={
        "number": [None, handover.number], "items": [None, len(built)], "anonymous": [None, anonymous],
        "donor_name": [None, donor_name], "exchange": [None, programme.pk if programme else None]})
    events.publish("handovers.handover.recorded", unit_path=handover.unit_path, handover_id=handover.pk,
                   item_ids=[item.pk for item in built], exchange_id=exchange.pk if exchange else None)
    return handover


def _exchange(*, actor, handover: Handover, programme: Programme, quantity: int) -> Exchange:
    if not handover.unit_path.startswith(programme.unit_path):
        raise ServiceError(_("This exchange programme does not cover the commune."), field="programme")
    if not programme.starts_on <= handover.received_on <= programme.ends_on:
        raise ServiceError(_("The exchange programme was not running on that date."), field="programme")
    if not 1 <= quantity <= 20:
        raise ServiceError(_("Give between 1 and 20 in return."), field="reward_quantity")
    exchange = Exchange.objects.create(handover=handover, programme=programme, unit_path=handover.unit_path,
                                       reward=programme.reward, quantity=quantity)
    if programme.reward == Programme.Reward.FIRE_EXTINGUISHER and handover.household is not None:
        exchange.credited = _credit_extinguisher(actor=actor, household=handover.household, quantity=quantity,
                                                 received_on=handover.received_on)
        if exchange.credited:
            exchange.save(update_fields=["credited"])
    return exchange


def _credit_extinguisher(*, actor, household: Household, quantity: int, received_on) -> bool:
    """Add the extinguishers to the household's fire-safety equipment (firesafety.services.equipment_add),
    new on the day of the exchange, so their first check falls due by the type's rule.

    A refusal there (no such equipment type configured, say) leaves the exchange recorded, uncredited.
    """
    from binhan.firesafety import services as firesafety_services

    try:
        with transaction.atomic():
            firesafety_services.equipment_add(actor=actor, household=household, type_code=EXTINGUISHER_TYPE,
                                              quantity=quantity, bought_on=received_on,
                                              source="handover_exchange")
    except ServiceError:
        logger.warning("Could not credit %s extinguishers to household %s", quantity, household.pk, exc_info=True)
        return False
    return True


def available(item: Item, place: str) -> Decimal:
    """How much of the item is at `place` now, from the item and its movements."""
    moved = {(row["from_place"], row["to_place"]): row["total"]
             for row in item.movements.values("from_place", "to_place").annotate(total=Sum("quantity"))}
    into = sum((total for (_src, dst), total in moved.items() if dst == place), Decimal(0))
    out = sum((total for (src, _dst), total in moved.items() if src == place), Decimal(0))
    base = item.quantity if place == Place.COMMUNE else Decimal(0)
    return base + into - out


@transaction.atomic
def item_move(*, actor, item: Item, from_place: str, to_place: str, quantity, moved_on: date,
              document_number: str = "") -> Movement:
    """Hand an item (or part of it) on to the province store, or destroy it; the stock follows."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    check_police(actor, item.unit_path)
    if (from_place, to_place) not in ROUTES:
        raise ServiceError(_("Items go from the commune to the province store, or are destroyed."), field="to_place")
    if moved_on > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="moved_on")
    if moved_on < item.received_on:
        raise ServiceError(_("An item cannot move before it was handed over."), field="moved_on")
    quantity = clean_quantity(quantity, measure=item.measure)
    if quantity > available(item, from_place):
        raise ServiceError(_("Only %(quantity)s are there to move.") % {"quantity": available(item, from_place)},
                           field="quantity")
    movement = Movement(item=item, unit_path=item.unit_path, from_place=from_place, to_place=to_place,
                        quantity=quantity, moved_on=moved_on, officer=actor,
                        document_number=_text(document_number, field="document_number", limit=60))
    movement.save()
    audit.record(actor=actor, action="handovers.item.move", obj=movement, changes={
        "item": [None, item.pk], "from": [None, from_place], "to": [None, to_place], "quantity": [None, quantity]})
    events.publish("handovers.item.moved", unit_path=item.unit_path, movement_id=movement.pk, item_id=item.pk,
                   handover_id=item.handover_id)
    return movement


@transaction.atomic
def programme_create(*, actor, unit: AdministrativeUnit, name: str, reward: str, starts_on: date, ends_on: date,
                     reward_description: str = "") -> Programme:
    """A commune or province opens an exchange programme for a period."""
    if unit.level not in (Level.COMMUNE, Level.PROVINCE):
        raise ServiceError(_("An exchange programme is run by a commune or a province."), field="unit")
    check_police(actor, unit.path)
    if ends_on < starts_on:
        raise ServiceError(_("The end date must not be before the start date."), field="ends_on")
    programme = Programme(unit=unit, unit_path=unit.path, reward=reward, starts_on=starts_on, ends_on=ends_on,
                          name=_text(name, field="name", limit=160, required=_("Give the programme a name.")),
                          reward_description=_text(reward_description, field="reward_description", limit=200))
    programme.full_clean()
    programme.save()
    audit.record(actor=actor, action="handovers.programme.create", obj=programme,
                 changes={"name": [None, programme.name], "reward": [None, reward]})
    events.publish("handovers.programme.created", unit_path=programme.unit_path, programme_id=programme.pk)
    return programme


MAX_PHOTOS = 5


@transaction.atomic
def handover_add_photos(*, actor, handover: Handover, uploads: list) -> list[Photo]:
    """Photos of the items, each decoded and re-encoded without metadata (reports.media.clean_photo)."""
    from binhan.reports.media import clean_photo

    check_police(actor, handover.unit_path)
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if not uploads:
        raise ServiceError(_("Choose at least one photo."), field="photos")
    if handover.photos.count() + len(uploads) > MAX_PHOTOS:
        raise ServiceError(_("At most %(count)s photos per handover.") % {"count": MAX_PHOTOS}, field="photos")
    photos = []
    for upload in uploads:
        cleaned = clean_photo(upload)
        photo = Photo(handover=handover, unit_path=handover.unit_path, content_type=cleaned.content_type,
                      size=cleaned.size, sha256=cleaned.sha256)
        photo.file.save(cleaned.content.name, cleaned.content, save=False)
        photo.save()
        photos.append(photo)
    audit.record(actor=actor, action="handovers.handover.add_photos", obj=handover,
                 changes={"photos": [None, [photo.pk for photo in photos]]})
    events.publish("handovers.handover.photos_added", unit_path=handover.unit_path, handover_id=handover.pk,
                   photo_ids=[photo.pk for photo in photos])
    return photos


def record_receipt_read(*, viewer, handover: Handover) -> None:
    """The receipt shows the donor's details: printing it is a read of personal data."""
    audit.record(actor=viewer, action="handovers.handover.receipt", obj=handover)
