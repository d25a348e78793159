"""core.rows.insert writes what Model.save() writes, with a statement built once."""

from datetime import timedelta

import pytest
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
