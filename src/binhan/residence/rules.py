"""The law's rules for stays, in one place: the deadline, the 30-day limit, the document numbers.

Times are compared in the configured local zone (settings.TIME_ZONE, Asia/Ho_Chi_Minh by default):
a guest who arrives before 23:00 local time must be declared before 23:00 that day; one who
arrives at 23:00 or later, by 08:00 the next day (Circular 55/2021). The hours are settings.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core.exceptions import ServiceError

CITIZEN_ID = re.compile(r"^\d{12}$")
PASSPORT = re.compile(r"^[A-Z0-9]{6,20}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
HOME_COUNTRY = "VN"


def deadline_hour() -> int:
    return getattr(settings, "BINHAN_STAY_DEADLINE_HOUR", 23)


def late_arrival_hour() -> int:
    return getattr(settings, "BINHAN_STAY_LATE_ARRIVAL_HOUR", 8)


def max_days() -> int:
    return getattr(settings, "BINHAN_STAY_MAX_DAYS", 30)


def local_zone():
    return timezone.get_default_timezone()


def deadline_for(arrival_at: datetime) -> datetime:
    """When the notification of a guest arriving at `arrival_at` is due (an aware datetime)."""
    zone = local_zone()
    local = timezone.localtime(arrival_at, zone)
    cutoff = time(deadline_hour())
    if local.time() < cutoff:
        return datetime.combine(local.date(), cutoff, tzinfo=zone)
    return datetime.combine(local.date() + timedelta(days=1), time(late_arrival_hour()), tzinfo=zone)


def is_late(arrival_at: datetime, declared_at: datetime) -> bool:
    """A declaration at the deadline itself is on time; one a minute after it is late."""
    return declared_at > deadline_for(arrival_at)


def arrival_day(arrival_at: datetime) -> date:
    return timezone.localtime(arrival_at, local_zone()).date()


def check_length(arrival_at: datetime, departs_on: date, *, recurring: bool) -> None:
    """Refuse a departure before the arrival, and a stay of 30 days or more (temporary residence instead)."""
    days = (departs_on - arrival_day(arrival_at)).days
    if days < 0:
        raise ServiceError(_("The departure cannot be before the arrival."), field="departs_on")
    if recurring:
        if days > getattr(settings, "BINHAN_STAY_RECURRING_MAX_DAYS", 366):
            raise ServiceError(_("Repeated stays of a close relative are declared for at most a year."),
                               field="departs_on")
        return
    if days >= max_days():
        raise ServiceError(
            _("A stay of %(days)s days or more is not a temporary stay: the guest must register temporary "
              "residence with the commune police instead.") % {"days": max_days()}, field="departs_on")


def clean_document(id_kind: str, number: str, nationality: str) -> tuple[str, str]:
    """The normalised (number, nationality), or a ServiceError naming the field."""
    nationality = (nationality or HOME_COUNTRY).strip().upper()
    if not COUNTRY.match(nationality):
        raise ServiceError(_("Give the nationality as a two-letter country code, e.g. VN."), field="nationality")
    number = re.sub(r"[\s.-]", "", number or "").upper()
    if id_kind == "citizen_id":
        if nationality != HOME_COUNTRY:
            raise ServiceError(_("A foreign guest is declared with a passport number."), field="id_kind")
        if not CITIZEN_ID.match(number):
            raise ServiceError(_("A citizen ID has exactly 12 digits."), field="id_number")
    elif id_kind == "passport":
        if not PASSPORT.match(number):
            raise ServiceError(_("A passport number has 6 to 20 letters and digits."), field="id_number")
    else:
        raise ServiceError(_("Choose the kind of document: citizen ID or passport."), field="id_kind")
    return number, nationality
