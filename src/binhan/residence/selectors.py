"""Reads of lodgings and stays. The police read through the scoping door (police roles only);
a lodging's manager reads their own lodging's guests, a household its own declarations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from binhan.core import paths, scoping
from binhan.geo.models import AdministrativeUnit, Household
from binhan.residence import rules
from binhan.residence.models import Lodging, Stay, StayCount
from binhan.residence.roles import POLICE_ROLES


@dataclass(frozen=True)
class BookFilters:
    day: date | None = None
    lodging_id: int | None = None
    late: bool = False
    foreigners: bool = False
    present: bool = False


def is_police(viewer) -> bool:
    return scoping.scope_paths(viewer, POLICE_ROLES) != []


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = rules.local_zone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def book(*, viewer, filters: BookFilters = BookFilters(), unit: AdministrativeUnit | None = None) -> QuerySet[Stay]:
    """The stay-receipt book: the stays of the viewer's units, newest arrival first."""
    stays = scoping.visible(Stay.objects.all(), viewer, roles=POLICE_ROLES)
    if unit is not None:
        stays = stays.filter(paths.under("unit_path", unit.path))
    if filters.day is not None:
        start, end = _day_bounds(filters.day)
        stays = stays.filter(arrival_at__gte=start, arrival_at__lt=end)
    if filters.lodging_id:
        stays = stays.filter(lodging_id=filters.lodging_id)
    if filters.late:
        stays = stays.filter(is_late=True)
    if filters.foreigners:
        stays = stays.exclude(nationality=rules.HOME_COUNTRY)
    if filters.present:
        stays = stays.filter(checked_out_at__isnull=True, departs_on__gte=timezone.localdate())
    return stays.select_related("lodging").order_by("-arrival_at", "-id")


def book_figures(*, viewer, day: date) -> dict:
    """Today's arrivals, the late ones and the foreigners among them, and the guests present now."""
    start, end = _day_bounds(day)
    stays = scoping.visible(Stay.objects.all(), viewer, roles=POLICE_ROLES)
    figures = stays.filter(arrival_at__gte=start, arrival_at__lt=end).aggregate(
        arrivals=Count("id"), late=Count("id", filter=Q(is_late=True)),
        foreigners=Count("id", filter=~Q(nationality=rules.HOME_COUNTRY)))
    figures["present"] = stays.filter(checked_out_at__isnull=True, departs_on__gte=day, arrival_at__lt=end).count()
    return figures


def arrivals_by_lodging(*, viewer, day: date, limit: int = 20) -> list[dict]:
    start, end = _day_bounds(day)
    stays = scoping.visible(Stay.objects.all(), viewer, roles=POLICE_ROLES)
    return list(stays.filter(arrival_at__gte=start, arrival_at__lt=end, lodging__isnull=False)
                .values("lodging_id", "lodging__name").annotate(guests=Count("id")).order_by("-guests")[:limit])


def search(*, viewer, query: str) -> tuple[str, QuerySet[Stay]]:
    """Stays by ID/passport number (exact) or by name (contains); the caller audits with a purpose."""
    query = query.strip()
    stays = book(viewer=viewer)
    number = query.replace(" ", "").upper()
    if number.isalnum() and any(ch.isdigit() for ch in number):
        return "number", stays.filter(id_number=number)
    return "name", stays.filter(full_name__icontains=query)


def stay_get(*, viewer, pk: int) -> Stay:
    """One stay for the police (scoped), its lodging's manager or its household's members."""
    stay = Stay.objects.select_related("lodging", "household", "declaration").filter(pk=pk).first()
    if stay is None:
        raise Http404
    if stay.lodging_id and stay.lodging.manager_id == viewer.pk:
        return stay
    if stay.household_id and viewer.household_id == stay.household_id:
        return stay
    return scoping.get_visible_or_404(Stay.objects.select_related("lodging", "household", "declaration"), viewer,
                                      roles=POLICE_ROLES, pk=pk)


def lodging_list(*, viewer) -> QuerySet[Lodging]:
    return scoping.visible(Lodging.objects.all(), viewer, roles=POLICE_ROLES).select_related("unit", "manager")


def managed_lodgings(*, user) -> QuerySet[Lodging]:
    if not user.is_authenticated:
        return Lodging.objects.none()
    return Lodging.objects.filter(manager=user, is_active=True).order_by("name", "id")


def lodging_get(*, viewer, pk: int) -> Lodging:
    """A lodging for its manager, or for the police of its commune."""
    lodging = Lodging.objects.select_related("unit", "manager").filter(pk=pk, manager=viewer).first() \
        if viewer.is_authenticated else None
    if lodging is not None:
        return lodging
    return scoping.get_visible_or_404(Lodging.objects.select_related("unit", "manager"), viewer,
                                      roles=POLICE_ROLES, pk=pk)


def guests_of(*, lodging: Lodging, present_only: bool = True) -> QuerySet[Stay]:
    """A lodging's guests (the caller got the lodging through lodging_get)."""
    stays = Stay.objects.filter(lodging=lodging)
    if present_only:
        stays = stays.filter(checked_out_at__isnull=True)
    return stays.order_by("-arrival_at", "-id")


def household_for_declaring(*, viewer, pk: int) -> Household:
    """The viewer's own household, or one under the police viewer's units (else 404)."""
    if viewer.is_authenticated and viewer.household_id == pk:
        return Household.objects.select_related("unit").get(pk=pk)
    return scoping.get_visible_or_404(Household.objects.select_related("unit"), viewer, roles=POLICE_ROLES, pk=pk)


def household_stays(*, user) -> QuerySet[Stay]:
    if not user.is_authenticated or user.household_id is None:
        return Stay.objects.none()
    return Stay.objects.filter(household_id=user.household_id).order_by("-arrival_at", "-id")


def stay_counts(*, viewer, unit: AdministrativeUnit | None = None, since: date | None = None,
                until: date | None = None) -> list[dict]:
    """Monthly stay counts under `unit` (or the viewer's scope), from the table that outlives the stays.

    Returns [{"month": date, "total": int, "late": int, "foreigners": int, "in_lodgings": int}], oldest first;
    `since`/`until` are months (any day in them), both included. Any staff role may read counts.
    """
    counts = scoping.visible(StayCount.objects.all(), viewer)
    if unit is not None:
        counts = counts.filter(paths.under("unit_path", unit.path))
    if since is not None:
        counts = counts.filter(month__gte=since.replace(day=1))
    if until is not None:
        counts = counts.filter(month__lte=until.replace(day=1))
    return list(counts.values("month").annotate(total=Sum("total"), late=Sum("late"), foreigners=Sum("foreigners"),
                                                in_lodgings=Sum("in_lodgings")).order_by("month"))
