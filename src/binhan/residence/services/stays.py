"""Declaring guests, checking them out, and the audited search of the police."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core import audit, events, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo.models import Household
from binhan.residence import rules
from binhan.residence.models import Channel, Declaration, Lodging, Stay, StayCount, StayDayCount
from binhan.residence.roles import POLICE_ROLES

MAX_GUESTS = 1000
TEXT_LIMITS = {"full_name": 120, "reason": 200, "room": 20}


class GuestErrors(ServiceError):
    """Some guests of a declaration are invalid: `errors` lists (index, field, message); nothing was stored."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        index, field, message = errors[0]
        super().__init__(_("Guest %(number)s: %(message)s") % {"number": index + 1, "message": message},
                         field=f"guests[{index}].{field}")
        self.errors = errors


@dataclass(frozen=True)
class Guest:
    full_name: str
    id_kind: str
    id_number: str
    nationality: str
    reason: str
    arrival_at: datetime
    departs_on: date
    room: str = ""
    relation: str = Stay.Relation.OTHER
    recurring: bool = False


def _text(value, field: str, *, required: bool) -> str:
    value = str(value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError(_("This field is required."), field=field)
    if len(value) > TEXT_LIMITS[field]:
        raise ServiceError(_("Please keep it under %(limit)s characters.") % {"limit": TEXT_LIMITS[field]},
                           field=field)
    return value


def clean_guest(raw: dict, *, now: datetime) -> Guest:
    """One guest's details checked by the law's rules; a ServiceError names the first wrong field."""
    full_name = _text(raw.get("full_name"), "full_name", required=True)
    number, nationality = rules.clean_document(raw.get("id_kind") or "", raw.get("id_number") or "",
                                               raw.get("nationality") or "")
    reason = _text(raw.get("reason"), "reason", required=True)
    room = _text(raw.get("room"), "room", required=False)
    relation = raw.get("relation") or Stay.Relation.OTHER
    if relation not in Stay.Relation.values:
        raise ServiceError(_("Choose the guest's relation to the host."), field="relation")
    arrival_at, departs_on = raw.get("arrival_at"), raw.get("departs_on")
    if not isinstance(arrival_at, datetime) or timezone.is_naive(arrival_at):
        raise ServiceError(_("Give the date and time of arrival."), field="arrival_at")
    if not isinstance(departs_on, date) or isinstance(departs_on, datetime):
        raise ServiceError(_("Give the planned date of departure."), field="departs_on")
    if abs((rules.arrival_day(arrival_at) - timezone.localtime(now).date()).days) > rules.max_days():
        raise ServiceError(_("The arrival must be within 30 days of today."), field="arrival_at")
    recurring = bool(raw.get("recurring"))
    if recurring and relation != Stay.Relation.CLOSE_RELATIVE:
        raise ServiceError(_("Only close relatives who stay repeatedly are declared once for a period."),
                           field="recurring")
    rules.check_length(arrival_at, departs_on, recurring=recurring)
    return Guest(full_name=full_name, id_kind=raw["id_kind"], id_number=number, nationality=nationality,
                 reason=reason, arrival_at=arrival_at, departs_on=departs_on, room=room, relation=relation,
                 recurring=recurring)


def clean_guests(rows: list[dict], *, now: datetime) -> list[Guest]:
    """Every guest checked; all the errors at once in a GuestErrors, so a form or a file shows each line's."""
    if not rows:
        raise ServiceError(_("Declare at least one guest."), field="guests")
    if len(rows) > MAX_GUESTS:
        raise ServiceError(_("Declare at most %(count)s guests at a time.") % {"count": MAX_GUESTS}, field="guests")
    guests, errors = [], []
    for index, raw in enumerate(rows):
        try:
            guests.append(clean_guest(raw, now=now))
        except ServiceError as error:
            errors.append((index, error.field or "", str(error.message)))
    if errors:
        raise GuestErrors(errors)
    return guests


def can_declare_for_lodging(actor, lodging: Lodging) -> bool:
    if lodging.manager_id is not None and lodging.manager_id == actor.pk and lodging.is_active:
        return True
    return scoping.can_see_path(actor, lodging.unit_path, roles=POLICE_ROLES)


def can_declare_for_household(actor, household: Household) -> bool:
    if actor.is_authenticated and actor.household_id == household.pk:
        return True
    return scoping.can_see_path(actor, household.unit_path, roles=POLICE_ROLES)


@transaction.atomic
def stays_declare(*, actor, guests: list[dict], lodging: Lodging | None = None, household: Household | None = None,
                  channel: str = Channel.WEB, now: datetime | None = None) -> Declaration:
    """A host notifies the commune police of one or many guests; late ones are accepted and marked late."""
    now = now or timezone.now()
    if (lodging is None) == (household is None):
        raise ServiceError(_("Declare guests either for a lodging or for a household."), field="host")
    if lodging is not None and not can_declare_for_lodging(actor, lodging):
        raise PermissionDeniedError(_("Only the lodging's manager or the commune police declare its guests."))
    if household is not None and not can_declare_for_household(actor, household):
        raise PermissionDeniedError(_("Only members of the household or the commune police declare its guests."))
    cleaned = clean_guests(guests, now=now)
    host = lodging or household
    declaration = Declaration(unit_id=host.unit_id, unit_path=host.unit_path, lodging=lodging, household=household,
                              declared_by=actor if actor.is_authenticated else None, channel=channel,
                              declared_at=now)
    declaration.save()
    stays = [Stay(declaration=declaration, unit_path=host.unit_path, lodging=lodging, household=household,
                  full_name=guest.full_name, id_kind=guest.id_kind, id_number=guest.id_number,
                  nationality=guest.nationality, reason=guest.reason, arrival_at=guest.arrival_at,
                  departs_on=guest.departs_on, room=guest.room, relation=guest.relation, recurring=guest.recurring,
                  deadline_at=rules.deadline_for(guest.arrival_at), declared_at=now,
                  is_late=rules.is_late(guest.arrival_at, now))
             for guest in cleaned]
    Stay.objects.bulk_create(stays)
    _count(stays, host.unit_path, in_lodging=lodging is not None)
    late = sum(stay.is_late for stay in stays)
    audit.record(actor=actor, action="residence.declaration.create", obj=declaration,
                 changes={"guests": [None, len(stays)], "late": [None, late], "channel": [None, channel]})
    for stay in stays:
        events.publish("residence.stay.declared", unit_path=stay.unit_path, stay_id=stay.pk,
                       declaration_id=declaration.pk, lodging_id=declaration.lodging_id,
                       household_id=declaration.household_id)
    return declaration


def _count(stays: list[Stay], unit_path: str, *, in_lodging: bool) -> None:
    """Add the stays to the counts that outlive them: per group and month (the app's pages), and per group
    and day of arrival (the statistics, told by `residence.count.changed`)."""
    per_day: dict[date, Counter] = {}
    for stay in stays:
        counter = per_day.setdefault(rules.arrival_day(stay.arrival_at), Counter())
        counter["total"] += 1
        counter["late"] += stay.is_late
        counter["foreigners"] += stay.is_foreigner
        counter["in_lodgings"] += in_lodging
    per_month: dict[date, Counter] = {}
    for day, counter in per_day.items():
        per_month.setdefault(day.replace(day=1), Counter()).update(counter)
    for month, counter in per_month.items():
        _add(StayCount, unit_path, {"month": month}, counter)
    for day, counter in sorted(per_day.items()):
        row_id = _add(StayDayCount, unit_path, {"day": day}, counter)
        events.publish("residence.count.changed", unit_path=unit_path, count_id=row_id)


def _add(model, unit_path: str, key: dict, counter: Counter) -> int:
    """Add to one count row, creating it when missing; returns its id."""
    rows = model.objects.filter(unit_path=unit_path, **key)
    add = {name: F(name) + counter[name] for name in ("total", "late", "foreigners", "in_lodgings")}
    if not rows.update(**add):
        try:
            with transaction.atomic():
                return model.objects.create(unit_path=unit_path, **key, **{k: counter[k] for k in add}).pk
        except IntegrityError:  # another declaration created the row meanwhile
            rows.update(**add)
    return rows.values_list("pk", flat=True).get()


def can_check_out(actor, stay: Stay) -> bool:
    if stay.lodging_id is not None:
        return can_declare_for_lodging(actor, stay.lodging)
    return can_declare_for_household(actor, stay.household)


@transaction.atomic
def stay_check_out(*, actor, stay: Stay, at: datetime | None = None) -> Stay:
    """The guest has left: the host (or the police) closes the stay."""
    stay = Stay.objects.select_for_update(of=("self",)).select_related("lodging", "household").get(pk=stay.pk)
    if not can_check_out(actor, stay):
        raise PermissionDeniedError(_("Only the host or the commune police check a guest out."))
    if stay.checked_out_at is not None:
        raise ServiceError(_("This guest has already left."), field="checked_out_at")
    at = at or timezone.now()
    if at < stay.arrival_at:
        raise ServiceError(_("The guest cannot leave before arriving."), field="checked_out_at")
    stay.checked_out_at = at
    stay.save(update_fields=["checked_out_at"])
    audit.record(actor=actor, action="residence.stay.check_out", obj=stay,
                 changes={"checked_out_at": [None, at.isoformat()]})
    events.publish("residence.stay.checked_out", unit_path=stay.unit_path, stay_id=stay.pk,
                   declaration_id=stay.declaration_id, lodging_id=stay.lodging_id)
    return stay


def record_search(*, viewer, purpose: str, kind: str, results: int) -> None:
    """A search of the receipt book by name or number is audited with its purpose (not the searched words)."""
    purpose = (purpose or "").strip()
    if len(purpose) < 5:
        raise ServiceError(_("Say why you are searching (at least 5 characters)."), field="purpose")
    audit.record(actor=viewer, action="residence.stay.search", object_type="residence.stay", purpose=purpose,
                 changes={"by": kind, "results": results})


def record_read(*, viewer, stay: Stay) -> None:
    audit.record(actor=viewer, action="residence.stay.read", obj=stay)


def require_police(viewer) -> None:
    if scoping.scope_paths(viewer, POLICE_ROLES) == []:
        raise PermissionDeniedError(_("The stay-receipt book is for the police."))
