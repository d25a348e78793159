"""Declaring, checking out, counts, import and retention."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent
from binhan.residence import tasks
from binhan.residence.models import Declaration, Stay, StayCount
from binhan.residence.services import imports as import_services
from binhan.residence.services import stays as services
from tests.residence.conftest import guest, local

pytestmark = pytest.mark.django_db


def test_many_guests_in_one_declaration_audited_and_published(world, hosts, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        declaration = services.stays_declare(actor=hosts.manager, lodging=hosts.lodging, guests=[
            guest(), guest(full_name="John Smith", id_kind="passport", id_number="X1234567", nationality="GB")])
    stays = list(declaration.stays.order_by("id"))
    assert [(s.unit_path, s.lodging_id, s.is_late, s.is_foreigner) for s in stays] == [
        (world.group_a.path, hosts.lodging.pk, False, False), (world.group_a.path, hosts.lodging.pk, False, True)]
    assert AuditEvent.objects.get(action="residence.declaration.create").changes == {
        "guests": [None, 2], "late": [None, 0], "channel": [None, "web"]}
    events = list(OutboxEvent.objects.filter(name="residence.stay.declared").order_by("id"))
    assert [e.payload for e in events] == [
        {"stay_id": s.pk, "declaration_id": declaration.pk, "lodging_id": hosts.lodging.pk, "household_id": None}
        for s in stays]
    count = StayCount.objects.get()
    assert (count.unit_path, count.total, count.foreigners, count.in_lodgings) == (world.group_a.path, 2, 1, 2)


def test_late_declaration_is_accepted_and_marked(world, hosts):
    arrival = local(2026, 3, 10, 22, 59)
    declaration = services.stays_declare(actor=hosts.manager, lodging=hosts.lodging, now=local(2026, 3, 10, 23, 1),
                                         guests=[guest(arrival_at=arrival, departs_on=date(2026, 3, 12))])
    stay = declaration.stays.get()
    assert (stay.is_late, stay.deadline_at) == (True, local(2026, 3, 10, 23, 0))
    assert StayCount.objects.get().late == 1


def test_a_bad_guest_stores_nothing(world, hosts):
    with pytest.raises(services.GuestErrors) as refused:
        services.stays_declare(actor=hosts.manager, lodging=hosts.lodging,
                               guests=[guest(), guest(id_number="12345")])
    assert refused.value.errors == [(1, "id_number", "A citizen ID has exactly 12 digits.")]
    assert (Declaration.objects.count(), Stay.objects.count(), StayCount.objects.count()) == (0, 0, 0)


def test_thirty_day_stay_is_refused_pointing_to_temporary_residence(world, hosts):
    arrival = timezone.now()
    with pytest.raises(services.GuestErrors) as refused:
        services.stays_declare(actor=hosts.manager, lodging=hosts.lodging, guests=[
            guest(arrival_at=arrival, departs_on=timezone.localdate() + timedelta(days=30))])
    assert "temporary residence" in refused.value.message
    assert Stay.objects.count() == 0


def test_recurring_is_only_for_close_relatives(world, hosts):
    world.resident_a.household = world.household_a
    world.resident_a.save()
    far = timezone.localdate() + timedelta(days=200)
    with pytest.raises(services.GuestErrors):
        services.stays_declare(actor=world.resident_a, household=world.household_a,
                               guests=[guest(departs_on=far, recurring=True, relation="friend")])
    declaration = services.stays_declare(actor=world.resident_a, household=world.household_a,
                                         guests=[guest(departs_on=far, recurring=True, relation="close_relative")])
    assert declaration.stays.get().recurring is True


@pytest.mark.parametrize("actor", ["resident_a", "police_b", "group_leader_a", "auditor_a"])
def test_who_may_not_declare_for_the_lodging(world, hosts, actor):
    with pytest.raises(PermissionDeniedError):
        services.stays_declare(actor=getattr(world, actor), lodging=hosts.lodging, guests=[guest()])
    assert (Stay.objects.count(), AuditEvent.objects.filter(action="residence.declaration.create").count()) == (0, 0)


def test_police_may_declare_for_a_lodging_by_phone(world, hosts):
    declaration = services.stays_declare(actor=world.police_a, lodging=hosts.lodging, guests=[guest()],
                                         channel="phone")
    assert declaration.channel == "phone"


def test_a_household_member_declares_for_their_household_only(world, hosts):
    world.resident_a.household = world.household_a
    world.resident_a.save()
    services.stays_declare(actor=world.resident_a, household=world.household_a, guests=[guest()])
    with pytest.raises(PermissionDeniedError):
        services.stays_declare(actor=world.resident_a, household=world.household_b, guests=[guest()])
    with pytest.raises(ServiceError):
        services.stays_declare(actor=world.resident_a, guests=[guest()])


def test_check_out_once(world, hosts, django_capture_on_commit_callbacks):
    stay = services.stays_declare(actor=hosts.manager, lodging=hosts.lodging, guests=[guest()]).stays.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.stay_check_out(actor=hosts.manager, stay=stay)
    assert OutboxEvent.objects.get(name="residence.stay.checked_out").payload["stay_id"] == stay.pk
    with pytest.raises(ServiceError):
        services.stay_check_out(actor=hosts.manager, stay=stay)
    with pytest.raises(PermissionDeniedError):
        services.stay_check_out(actor=world.police_b, stay=stay)


def _csv(text: str, name="guests.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def _day(offset=0) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def test_import_all_lines(world, hosts):
    upload = _csv("full_name,id_kind,id_number,nationality,reason,arrival,departure,room,relation\n"
                  f"Lê Văn A,citizen_id,001203004567,VN,Du lịch,{_day()} 08:00,{_day(2)},101,customer\n"
                  f"Anna Berg,passport,P9876543,SE,Du lịch,{_day()} 09:00,{_day(3)},102,customer\n")
    declaration = import_services.stays_import(actor=hosts.manager, lodging=hosts.lodging, upload=upload)
    assert (declaration.channel, declaration.stays.count()) == ("import", 2)


def test_import_with_a_bad_line_imports_nothing_and_names_it(world, hosts):
    upload = _csv("full_name,id_kind,id_number,nationality,reason,arrival,departure\n"
                  f"Lê Văn A,citizen_id,001203004567,VN,Du lịch,{_day()} 08:00,{_day(2)}\n"
                  f"Lê Văn B,citizen_id,0012,VN,Du lịch,{_day()} 08:00,{_day(2)}\n"
                  f"Lê Văn C,citizen_id,001203004569,VN,Du lịch,not a date,{_day(2)}\n")
    with pytest.raises(import_services.LineErrors) as refused:
        import_services.stays_import(actor=hosts.manager, lodging=hosts.lodging, upload=upload)
    assert [(line, field) for line, field, _message in refused.value.errors] == [(3, "id_number"), (4, "arrival_at")]
    assert Stay.objects.count() == 0


def test_import_xlsx(world, hosts):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ho_ten", "loai_giay_to", "so_giay_to", "quoc_tich", "ly_do", "den", "di"])
    sheet.append(["Trần Thị B", "cccd", "001203004568", "VN", "Thăm người nhà", f"{_day()} 10:00", _day(1)])
    target = io.BytesIO()
    workbook.save(target)
    upload = SimpleUploadedFile("guests.xlsx", target.getvalue())
    declaration = import_services.stays_import(actor=hosts.manager, lodging=hosts.lodging, upload=upload)
    assert declaration.stays.get().id_number == "001203004568"


@pytest.mark.parametrize(("name", "content"), [("guests.txt", "x"), ("guests.csv", "a,b\n1,2\n"),
                                                ("guests.xlsx", "not a workbook"), ("guests.csv", "")])
def test_import_unreadable_files(world, hosts, name, content):
    with pytest.raises(ServiceError) as refused:
        import_services.stays_import(actor=hosts.manager, lodging=hosts.lodging, upload=_csv(content, name))
    assert refused.value.field == "file"


def test_retention_deletes_old_stays_keeps_counts_and_audits(world, hosts, time_machine):
    time_machine.move_to(local(2025, 1, 10, 12, 0))
    services.stays_declare(actor=hosts.manager, lodging=hosts.lodging, guests=[
        guest(arrival_at=local(2025, 1, 10, 9, 0), departs_on=date(2025, 1, 12)),
        guest(arrival_at=local(2025, 1, 10, 9, 0), departs_on=date(2025, 1, 20))])
    services.stays_declare(actor=world.police_b, lodging=hosts.lodging_b, guests=[
        guest(arrival_at=local(2025, 1, 10, 9, 0), departs_on=date(2025, 1, 12))])
    time_machine.move_to(local(2026, 1, 25, 3, 0))  # 12 months later: cut-off 25 January 2025
    assert tasks.delete_expired_stays() == 3
    assert (Stay.objects.count(), Declaration.objects.count()) == (0, 0)
    retention = AuditEvent.objects.filter(action="residence.stay.retention").order_by("unit_path")
    assert [(e.unit_path, e.changes["deleted"]) for e in retention] == [(world.commune_a.path, 2),
                                                                       (world.commune_b.path, 1)]
    assert sorted(StayCount.objects.values_list("unit_path", "total")) == [(world.group_a.path, 2),
                                                                           (world.group_b.path, 1)]
    assert tasks.delete_expired_stays() == 0


def test_retention_keeps_recent_stays(world, hosts, time_machine, settings):
    settings.BINHAN_STAY_RETENTION_MONTHS = 24
    time_machine.move_to(local(2025, 1, 10, 12, 0))
    services.stays_declare(actor=hosts.manager, lodging=hosts.lodging, guests=[
        guest(arrival_at=local(2025, 1, 10, 9, 0), departs_on=date(2025, 1, 12))])
    time_machine.move_to(local(2026, 1, 15, 3, 0))
    assert (tasks.delete_expired_stays(), Stay.objects.count()) == (0, 1)


def test_months_before_clamps_the_day():
    assert tasks.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert tasks.months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)
