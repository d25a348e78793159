"""Pages: permission matrix, the declaration from a phone, the live book, search with a purpose, export."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from binhan.core.models import AuditEvent
from binhan.residence.models import Lodging, Stay
from binhan.residence.services import stays as services
from tests.residence.conftest import guest

pytestmark = pytest.mark.django_db


def _declare(hosts, count=1, **fields):
    return services.stays_declare(actor=hosts.manager, lodging=hosts.lodging,
                                  guests=[guest(**fields) for _ in range(count)])


@pytest.mark.parametrize(("name", "status"), [
    ("resident_a", 403), ("auditor_a", 403), ("group_leader_a", 403), ("leader_a", 403),
    ("police_a", 200), ("police_b", 200), ("province_leader", 403), ("admin", 200),
])
def test_book_permissions(client, login, world, hosts, name, status):
    login(getattr(world, name))
    assert client.get(reverse("residence:book")).status_code == status


def test_book_anonymous_goes_to_login(client, world):
    response = client.get(reverse("residence:book"))
    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("accounts:login"))


def test_book_shows_the_commune_only_live(client, login, world, hosts, django_assert_num_queries):
    _declare(hosts, count=3)
    services.stays_declare(actor=world.police_b, lodging=hosts.lodging_b, guests=[guest(full_name="Người Xã B")])
    login(world.police_a)
    client.get(reverse("residence:book"))
    # session, user, scope paths, roles (nav), figures (aggregate, present), by lodging, count, page
    with django_assert_num_queries(9):
        response = client.get(reverse("residence:book"))
    body = response.content.decode()
    assert (body.count('data-stay="'), "Người Xã B" in body) == (3, False)
    assert 'sse-connect="/live/?topics=residence.stay"' in body
    assert 'data-figure="arrivals">3<' in body


def test_book_filters_bad_input_is_400(client, login, world, hosts):
    login(world.police_a)
    assert client.get(reverse("residence:book"), {"day": "yesterday"}).status_code == 400


def test_search_needs_a_purpose_and_is_audited(client, login, world, hosts):
    _declare(hosts, full_name="Phạm Thị Tìm")
    login(world.police_a)
    assert client.get(reverse("residence:search"), {"q": "Tìm"}).status_code == 400
    assert not AuditEvent.objects.filter(action="residence.stay.search").exists()
    response = client.get(reverse("residence:search"), {"q": "Tìm", "purpose": "Xác minh tin báo số 12"})
    assert (response.status_code, response.content.decode().count('data-stay="')) == (200, 1)
    event = AuditEvent.objects.get(action="residence.stay.search")
    assert (event.purpose, event.changes, "Tìm" in str(event.changes)) == (
        "Xác minh tin báo số 12", {"by": "name", "results": 1}, False)
    by_number = client.get(reverse("residence:search"), {"q": "001203004567", "purpose": "Xác minh tin báo"})
    assert by_number.content.decode().count('data-stay="') == 1


def test_search_does_not_reach_another_commune(client, login, world, hosts):
    _declare(hosts, full_name="Phạm Thị Tìm")
    login(world.police_b)
    response = client.get(reverse("residence:search"), {"q": "Tìm", "purpose": "Xác minh tin báo"})
    assert response.content.decode().count('data-stay="') == 0


@pytest.mark.parametrize(("name", "status"), [
    ("manager", 200), ("police_a", 200), ("police_b", 404), ("resident_a", 404), ("group_leader_a", 404)])
def test_stay_detail_permissions(client, login, world, hosts, name, status):
    stay = _declare(hosts).stays.get()
    user = hosts.manager if name == "manager" else getattr(world, name)
    login(user)
    assert client.get(reverse("residence:stay_detail", args=[stay.pk])).status_code == status


def test_police_read_of_a_stay_is_audited(client, login, world, hosts):
    stay = _declare(hosts).stays.get()
    login(world.police_a)
    client.get(reverse("residence:stay_detail", args=[stay.pk]))
    assert AuditEvent.objects.get(action="residence.stay.read").object_id == str(stay.pk)


def _formset(rows):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "1",
            "form-MAX_NUM_FORMS": "20"}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{index}-{key}"] = value
    return data


def _row(**fields):
    arrival = timezone.localtime() - timedelta(hours=1)
    values = {"full_name": "Lê Văn Khách", "id_kind": "citizen_id", "id_number": "001203004567",
              "nationality": "VN", "reason": "Du lịch", "arrival_at": arrival.strftime("%Y-%m-%dT%H:%M"),
              "departs_on": (timezone.localdate() + timedelta(days=2)).isoformat(), "room": "101",
              "relation": "customer"}
    values.update(fields)
    return values


def test_manager_declares_two_guests_from_the_form(client, login, world, hosts):
    login(hosts.manager)
    url = reverse("residence:declare_lodging", args=[hosts.lodging.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _formset([_row(), _row(full_name="Anna Berg", id_kind="passport",
                                                       id_number="P9876543", nationality="SE")]))
    assert (response.status_code, Stay.objects.filter(lodging=hosts.lodging).count()) == (302, 2)


def test_declare_form_errors_per_guest_store_nothing(client, login, world, hosts):
    login(hosts.manager)
    url = reverse("residence:declare_lodging", args=[hosts.lodging.pk])
    response = client.post(url, _formset([_row(), _row(id_number="123")]))
    assert (response.status_code, Stay.objects.count()) == (400, 0)
    assert "A citizen ID has exactly 12 digits." in response.content.decode()


def test_add_guest_keeps_what_was_typed(client, login, world, hosts):
    login(hosts.manager)
    response = client.post(reverse("residence:declare_lodging", args=[hosts.lodging.pk]),
                           {**_formset([_row(full_name="Giữ Lại")]), "add_guest": "1"})
    body = response.content.decode()
    assert (response.status_code, "Giữ Lại" in body, body.count("<fieldset")) == (200, True, 2)


@pytest.mark.parametrize(("name", "status"), [("resident_a", 404), ("police_b", 404), ("group_leader_a", 404)])
def test_declare_page_permissions(client, login, world, hosts, name, status):
    login(getattr(world, name))
    assert client.get(reverse("residence:declare_lodging", args=[hosts.lodging.pk])).status_code == status


def test_resident_without_household_cannot_declare(client, login, world):
    login(world.resident_a)
    assert client.get(reverse("residence:declare_household")).status_code == 403


def test_household_declares_and_checks_out(client, login, world):
    world.resident_a.household = world.household_a
    world.resident_a.save()
    login(world.resident_a)
    response = client.post(reverse("residence:declare_household"), _formset([_row()]))
    stay = Stay.objects.get()
    assert (response.status_code, stay.household_id) == (302, world.household_a.pk)
    assert client.get(reverse("residence:home")).content.decode().count('data-stay="') == 1
    client.post(reverse("residence:check_out", args=[stay.pk]))
    stay.refresh_from_db()
    assert stay.checked_out_at is not None


def test_import_page_names_the_bad_line(client, login, world, hosts):
    from django.core.files.uploadedfile import SimpleUploadedFile

    day = timezone.localdate().isoformat()
    upload = SimpleUploadedFile("g.csv", (
        "full_name,id_kind,id_number,nationality,reason,arrival,departure\n"
        f"A,citizen_id,001203004567,VN,x,{day} 08:00,{day}\nB,citizen_id,1,VN,x,{day} 08:00,{day}\n").encode())
    login(hosts.manager)
    response = client.post(reverse("residence:lodging_import", args=[hosts.lodging.pk]), {"file": upload})
    assert (response.status_code, 'data-line="3"' in response.content.decode(), Stay.objects.count()) == (
        400, True, 0)


def test_lodging_registered_by_police(client, login, world, hosts):
    login(world.police_a)
    response = client.post(reverse("residence:lodging_create"), {
        "unit": world.group_a.pk, "kind": "hostel", "name": "Nhà nghỉ Mới", "address": "Số 1", "rooms": "8",
        "manager": "manager-a"})
    lodging = Lodging.objects.get(name="Nhà nghỉ Mới")
    assert (response.status_code, lodging.manager, lodging.unit_path) == (302, hosts.manager, world.group_a.path)
    assert AuditEvent.objects.filter(action="residence.lodging.register").count() == 1


def test_lodging_cannot_be_registered_in_another_commune(client, login, world, hosts):
    login(world.police_a)
    response = client.post(reverse("residence:lodging_create"), {
        "unit": world.group_b.pk, "kind": "hostel", "name": "X", "address": "Y"})
    assert (response.status_code, Lodging.objects.filter(name="X").exists()) == (400, False)


@pytest.mark.parametrize("name", ["resident_a", "group_leader_a"])
def test_lodging_register_page_refused(client, login, world, name):
    login(getattr(world, name))
    assert client.get(reverse("residence:lodging_create")).status_code == 403


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_a_period_audited(client, login, world, hosts, file_format):
    _declare(hosts, count=2)
    login(world.police_a)
    day = timezone.localdate().isoformat()
    response = client.get(reverse("residence:export", args=[file_format]), {"since": day, "until": day})
    content = b"".join(response.streaming_content) if file_format == "csv" else b"".join(response)
    assert response.status_code == 200
    if file_format == "csv":
        assert content.decode("utf-8-sig").count("001203004567") == 2
    assert AuditEvent.objects.get(action="residence.stay.export").changes["format"] == file_format


def test_export_asks_for_a_period(client, login, world):
    login(world.police_a)
    assert client.get(reverse("residence:export", args=["csv"])).status_code == 200
    response = client.get(reverse("residence:export", args=["csv"]), {"since": "2026-02-01", "until": "2026-01-01"})
    assert (response.status_code, AuditEvent.objects.filter(action="residence.stay.export").count()) == (400, 0)


def test_host_pages_query_counts(client, login, world, hosts, django_assert_num_queries):
    _declare(hosts, count=25)
    login(hosts.manager)
    client.get(reverse("residence:lodging_detail", args=[hosts.lodging.pk]))
    # session, user, lodging (managed by the viewer), count, roles (nav), unread alerts (nav), page
    with django_assert_num_queries(7):
        body = client.get(reverse("residence:lodging_detail", args=[hosts.lodging.pk])).content.decode()
    assert body.count('data-stay="') == 25
    # session, user, managed lodgings, police scope, roles (nav), unread alerts (nav)
    with django_assert_num_queries(6):
        assert client.get(reverse("residence:home")).status_code == 200


def test_lodging_list_query_count(client, login, world, hosts, django_assert_num_queries):
    login(world.police_a)
    client.get(reverse("residence:lodging_list"))
    # session, user, police scope, count, page (with group and manager), lodging scope, roles (nav)
    with django_assert_num_queries(7):
        body = client.get(reverse("residence:lodging_list")).content.decode()
    assert body.count('data-lodging="') == 1
