"""core.rows.insert writes what Model.save() writes, with a statement built once."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from binhan.core import rows
from binhan.core.models import AuditEvent, OutboxEvent
from binhan.reports.models import Category, Report
from tests.factories import UnitFactory


def test_insert_sets_the_key_and_the_automatic_time(db):
    before = timezone.now()
    event = rows.insert(OutboxEvent(name="x.happened", unit_path="/VN/", payload={"id": 7, "tên": "Hạ Long"}))
    stored = OutboxEvent.objects.get(pk=event.pk)
    assert (stored.name, stored.unit_path, stored.payload, event._state.adding) == (
        "x.happened", "/VN/", {"id": 7, "tên": "Hạ Long"}, False)
    assert before <= stored.created_at <= timezone.now()
    assert stored.created_at == event.created_at


def test_insert_stores_the_same_row_as_save(world):
    category = Category.objects.get(code="theft", province=None)
    now = timezone.now()
    fields = dict(category=category, unit=world.group_a, unit_path=world.group_a.path, description="Mất xe",
                  answers={"what": ["phone"]}, lat=21.01, lon=107.02, priority="high", created_at=now,
                  due_at=now + timedelta(hours=2), is_anonymous=True, followup_hash="h")
    saved, inserted = Report(**fields), Report(**fields)
    saved.save()
    rows.insert(inserted)
    columns = [f.attname for f in Report._meta.concrete_fields if f.attname not in ("id", "updated_at")]
    as_saved = Report.objects.filter(pk=saved.pk).values(*columns).get()
    as_inserted = Report.objects.filter(pk=inserted.pk).values(*columns).get()
    assert (inserted.pk == saved.pk + 1, as_inserted) == (True, as_saved)


def test_insert_refuses_a_stored_row(db):
    event = rows.insert(AuditEvent(action="x", changes={}))
    with pytest.raises(ValueError, match="already stored"):
        rows.insert(event)
    assert AuditEvent.objects.count() == 1


def test_insert_with_a_foreign_key_to_a_new_unit(db):
    unit = UnitFactory()
    report_unit = rows.insert(AuditEvent(action="unit.seen", object_id=str(unit.pk), unit_path=unit.path))
    assert AuditEvent.objects.get(pk=report_unit.pk).unit_path == unit.path


def test_insert_all_writes_every_row_and_sets_their_keys(db):
    events = [OutboxEvent(name=f"x.{number}", unit_path="/VN/", payload={"n": number}) for number in range(3)]
    audit_row = AuditEvent(action="x.all", changes={"a": [None, 1]})
    stored = rows.insert_all([*events, audit_row])
    assert [row.pk is not None and not row._state.adding for row in stored] == [True] * 4
    assert list(OutboxEvent.objects.order_by("pk").values_list("pk", "name", "payload")) == [
        (event.pk, f"x.{number}", {"n": number}) for number, event in enumerate(events)]
    assert AuditEvent.objects.get(pk=audit_row.pk).changes == {"a": [None, 1]}


def test_insert_all_writes_nothing_when_one_row_fails(db):
    good = OutboxEvent(name="x.good", unit_path="/VN/", payload={})
    bad = AuditEvent(action=None, changes={})  # NOT NULL: refused on both databases at once
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            rows.insert_all([good, bad])
    assert (OutboxEvent.objects.filter(name="x.good").count(), AuditEvent.objects.count()) == (0, 0)


def test_next_id_reserves_the_key_the_row_then_keeps(world):
    category = Category.objects.get(code="theft", province=None)
    report = Report(category=category, unit=world.group_a, unit_path=world.group_a.path, description="Mất xe",
                    created_at=timezone.now(), due_at=timezone.now())
    reserved = rows.next_id(Report)
    report.pk = reserved
    event = OutboxEvent(name="report.created", unit_path=report.unit_path, payload={"report_id": reserved})
    rows.insert_all([report, event])
    stored = Report.objects.get(description="Mất xe")
    expected = stored.pk if connection.vendor == "postgresql" else None
    assert (reserved, OutboxEvent.objects.get(pk=event.pk).payload["report_id"]) == (expected, expected)
