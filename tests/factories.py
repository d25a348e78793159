"""Factories for the platform models. Domain test packages add their own next to their tests."""

from datetime import datetime, timedelta

import factory
from django.utils import timezone

from binhan.accounts.models import Membership, User
from binhan.core import paths
from binhan.geo.models import LEVEL_ORDER, AdministrativeUnit, Household, Level


def earlier_today(hours: float = 1) -> datetime:
    """A moment `hours` ago, but not before local midnight: "an hour ago" is yesterday between 00:00 and 01:00,
    and a test of today's figures or of a day's order must not depend on the hour it runs at."""
    now = timezone.localtime()
    return max(now - timedelta(hours=hours), now.replace(hour=0, minute=0, second=0, microsecond=0))


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    level = Level.GROUP
    parent = None
    path = factory.LazyAttribute(lambda o: paths.child_path(o.parent.path if o.parent else "", o.code))
    depth = factory.LazyAttribute(lambda o: LEVEL_ORDER.index(Level(o.level)))


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    unit = factory.SubFactory(UnitFactory)
    unit_path = factory.LazyAttribute(lambda o: o.unit.path)
    address = factory.Sequence(lambda n: f"Số {n} đường Trần Hưng Đạo")
    member_count = 4
    head_name = "Nguyễn Văn An"
    head_phone = "0912345678"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Thị"
    last_name = "Lan"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def grant(user: User, unit: AdministrativeUnit, role: str) -> Membership:
    membership = Membership.objects.create(user=user, unit=unit, unit_path=unit.path, role=role)
    user.__dict__.pop("_scope_paths_cache", None)
    user.__dict__.pop("_roles_cache", None)
    return membership


def make_report(*, unit, category_code="theft", description="Mất xe máy trước cổng nhà", lat=None, lon=None,
                created_at=None, **fields):
    """A report saved directly (services are tested on their own); defaults to a public category."""
    from datetime import timedelta

    from django.utils import timezone

    from binhan.reports.models import Category, Report

    category = Category.objects.get(code=category_code, province=None)
    created_at = created_at or timezone.now()
    fields.setdefault("priority", category.default_priority)
    fields.setdefault("due_at", created_at + timedelta(minutes=category.target_for(fields["priority"])))
    return Report.objects.create(category=category, unit=unit, unit_path=unit.path, description=description,
                                 lat=lat, lon=lon, created_at=created_at, **fields)
