"""Imports of places: the official tree from `vietnam-provinces`, units and households from CSV."""

import io

import pytest
import vietnam_provinces
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from vietnam_provinces import Province, Ward

from binhan.core.exceptions import ServiceError
from binhan.core.models import AuditEvent
from binhan.geo import importers
from binhan.geo.models import AdministrativeUnit, Household, Level
from tests.factories import UnitFactory


@pytest.fixture(autouse=True)
def english():
    # Messages are compared in their English source form, whatever catalogues exist.
    with translation.override("en"):
        yield


def quang_ninh_codes() -> set[str]:
    return {f"{int(w.code):05d}" for w in Ward.iter_all() if int(w.province_code) == 22}


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args) -> tuple[str, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    return str(error.value), err.getvalue()


def write(tmp_path, text: str, name: str = "units.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- The official tree ----------------------------------------------------------------------


@pytest.mark.django_db
def test_import_one_province():
    out, _err = run("import-units", "--vietnam", "--province", "22")
    wards = quang_ninh_codes()
    assert out.strip() == f"Units: {len(wards) + 2} created, 0 updated, 0 unchanged."
    assert set(AdministrativeUnit.objects.filter(level=Level.COMMUNE).values_list("code", flat=True)) == wards
    assert list(AdministrativeUnit.objects.exclude(level=Level.COMMUNE).values_list("code", "name", "level")) == [
        ("VN", "Việt Nam", "nation"), ("22", "Quảng Ninh", "province"),
    ]
    ward = AdministrativeUnit.objects.select_related("parent").get(code="07090")
    assert (ward.name, ward.kind, ward.level, ward.path, ward.depth, ward.parent.code) == (
        "Phường An Sinh", "phường", "commune", "/VN/22/07090/", 2, "22"
    )
    province = AdministrativeUnit.objects.get(code="22")
    assert (province.kind, province.path, province.depth) == ("tỉnh", "/VN/22/", 1)
    event = AuditEvent.objects.get(action="units.import")
    assert (event.actor, event.unit_path) == (None, "/VN/22/")
    assert event.changes == {
        "created": len(wards) + 2, "updated": 0, "unchanged": 0,
        "created_by_level": {"nation": 1, "province": 1, "commune": len(wards)},
        "source": f"vietnam-provinces {vietnam_provinces.__version__}", "province": "22",
    }


@pytest.mark.django_db
def test_import_the_whole_country():
    result = importers.import_vietnam()
    provinces, wards = list(Province.iter_all()), list(Ward.iter_all())
    assert result.created_by_level == {"nation": 1, "province": len(provinces), "commune": len(wards)}
    assert AdministrativeUnit.objects.count() == 1 + len(provinces) + len(wards)
    # Ward 4 (Ba Đình) and province 4 (Cao Bằng) keep apart thanks to the official widths.
    assert AdministrativeUnit.objects.get(code="04").name == "Cao Bằng"
    assert AdministrativeUnit.objects.get(code="00004").path == "/VN/01/00004/"


@pytest.mark.django_db
def test_import_is_idempotent_and_follows_the_package():
    run("import-units", "--vietnam", "--province", "22")
    total = AdministrativeUnit.objects.count()
    AdministrativeUnit.objects.filter(code="07090").update(name="Phường Cũ", kind="xã")
    out, _err = run("import-units", "--vietnam", "--province", "22")
    assert out.strip() == f"Units: 0 created, 1 updated, {total - 1} unchanged."
    assert AdministrativeUnit.objects.count() == total
    assert AdministrativeUnit.objects.filter(code="07090").values_list("name", "kind").get() == (
        "Phường An Sinh", "phường"
    )
    assert AdministrativeUnit.objects.values("code").distinct().count() == total
    assert AuditEvent.objects.filter(action="units.import").count() == 2


@pytest.mark.django_db
def test_import_unknown_province():
    message, _err = run_failing("import-units", "--vietnam", "--province", "99")
    assert message == "There is no province with the code 99."
    assert AdministrativeUnit.objects.count() == 0


@pytest.mark.django_db
def test_import_refuses_a_code_used_elsewhere_in_the_tree():
    UnitFactory(code="22", name="Somewhere else", level=Level.NATION)
    with pytest.raises(ServiceError) as error:
        importers.import_vietnam(province_code="22")
    assert error.value.message == "These units already exist elsewhere in the tree: 22"
    assert AdministrativeUnit.objects.count() == 1


@pytest.mark.django_db
def test_command_needs_a_file_or_vietnam():
    assert run_failing("import-units")[0] == "Give either a CSV file or --vietnam."


# --- Units from CSV -------------------------------------------------------------------------


def test_units_csv_creates_and_updates(world, tmp_path):
    path = write(tmp_path, (
        "code,parent_code,level,name,lat,lon\n"
        "7099,22,commune,Phường Mới,21.0,107.1\n"
        "7099-001,7099,group,Tổ dân phố 1,21.01,107.11\n"
        "7090-002,7090,group,Tổ dân phố 2,,\n"
        "7090-001,7090,group,Tổ dân phố Một,20.95,107.05\n"
    ))
    out, err = run("import-units", path)
    assert (out.strip(), err) == ("Units: 3 created, 1 updated, 0 unchanged.", "")
    rows = AdministrativeUnit.objects.filter(code__in=["7099", "7099-001", "7090-002", "7090-001"]).order_by("code")
    assert [(u.code, u.name, u.level, u.path, u.depth, u.parent.code, u.centre_lat, u.centre_lon) for u in rows] == [
        ("7090-001", "Tổ dân phố Một", "group", "/VN/22/7090/7090-001/", 3, "7090", 20.95, 107.05),
        ("7090-002", "Tổ dân phố 2", "group", "/VN/22/7090/7090-002/", 3, "7090", None, None),
        ("7099", "Phường Mới", "commune", "/VN/22/7099/", 2, "22", 21.0, 107.1),
        ("7099-001", "Tổ dân phố 1", "group", "/VN/22/7099/7099-001/", 3, "7099", 21.01, 107.11),
    ]
    event = AuditEvent.objects.get(action="units.import")
    assert event.changes == {"created": 3, "updated": 1, "unchanged": 0, "source": "units.csv",
                             "created_by_level": {"commune": 1, "group": 2}}
    assert event.unit_path == "/VN/22/"


def test_units_csv_twice_changes_nothing(world, tmp_path):
    path = write(tmp_path, "code,parent_code,level,name\n7090-002,7090,group,Tổ dân phố 2\n")
    run("import-units", path)
    before = AdministrativeUnit.objects.count()
    out, _err = run("import-units", path)
    assert out.strip() == "Units: 0 created, 0 updated, 1 unchanged."
    assert AdministrativeUnit.objects.count() == before


def test_units_csv_blank_coordinates_keep_the_known_ones(world, tmp_path):
    AdministrativeUnit.objects.filter(pk=world.group_a.pk).update(centre_lat=21.0, centre_lon=107.0)
    run("import-units", write(tmp_path, "code,parent_code,level,name\n7090-001,7090,group,Tổ 1\n"))
    assert AdministrativeUnit.objects.filter(pk=world.group_a.pk).values_list(
        "name", "centre_lat", "centre_lon").get() == ("Tổ 1", 21.0, 107.0)


def test_units_csv_reports_every_error_and_imports_nothing(world, tmp_path):
    path = write(tmp_path, (
        "code,parent_code,level,name,lat,lon\n"
        "8001,22,commune,Xã Tốt,21,107\n"            # 2: fine, but not imported
        "8002,99,commune,Xã Mồ Côi,,\n"               # 3: unknown parent
        "8003,7090,commune,Xã Sai Cấp,,\n"            # 4: a commune under a commune
        "bad code,22,commune,Xã Cách,,\n"             # 5: bad code
        "8001,22,commune,Xã Trùng,,\n"                # 6: duplicate of line 2
        "8004,22,commune,Xã Xa,91,181\n"              # 7: both coordinates out of range
        "8005,22,commune,Xã Chữ,abc,nan\n"            # 8: not numbers
        "8006,22,commune,,,\n"                        # 9: missing name
        "8007,22,hamlet,Xóm,,\n"                      # 10: unknown level
        "8008-001,8008,group,Tổ 1,,\n"                # 11: parent comes later
        "8008,22,commune,Xã Sau,,\n"                  # 12: fine
        "8002-001,8002,group,Tổ con mồ côi,,\n"       # 13: parent broken on line 3: no second error
        "7090-001,7093,group,Tổ dân phố 1,,\n"        # 14: an existing group moved to another commune
        "8009,,commune,Xã Không Cha,,\n"              # 15: no parent
    ))
    units, events = AdministrativeUnit.objects.count(), AuditEvent.objects.count()
    message, err = run_failing("import-units", path)
    assert err.splitlines() == [
        "line 3: Unknown parent 99 (a parent must exist or come earlier in the file).",
        "line 4: A Commune or ward cannot be placed under a Commune or ward.",
        "line 5: A code may contain only letters, digits, dots, dashes and underscores.",
        "line 6: The code 8001 already appears on line 2.",
        "line 7: Latitude must be between -90 and 90.",
        "line 7: Longitude must be between -180 and 180.",
        "line 8: Latitude abc is not a number.",
        "line 8: Longitude nan is not a number.",
        "line 9: A name is required.",
        "line 10: Unknown level hamlet; use one of: nation, province, commune, group.",
        "line 11: Unknown parent 8008 (a parent must exist or come earlier in the file).",
        "line 14: The unit 7090-001 already exists elsewhere in the tree; units cannot be moved by import.",
        "line 15: A Commune or ward needs a parent code.",
    ]
    assert message == "Nothing was imported: the file has 13 error(s)."
    assert (AdministrativeUnit.objects.count(), AuditEvent.objects.count()) == (units, events)
    assert AdministrativeUnit.objects.get(pk=world.group_a.pk).path == "/VN/22/7090/7090-001/"


def test_units_csv_header_is_checked(world, tmp_path):
    message, err = run_failing("import-units", write(tmp_path, "code,name\n9,X\n"))
    assert err.splitlines() == ["line 1: The header lacks the column(s): parent_code, level"]
    assert message == "Nothing was imported: the file has 1 error(s)."


def test_units_csv_with_a_byte_order_mark_and_a_new_nation(db, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("code,parent_code,level,name\nLA,,nation,Lào\nLA-01,LA,province,Viêng Chăn\n",
                    encoding="utf-8-sig")
    run("import-units", str(path))
    assert list(AdministrativeUnit.objects.values_list("code", "path", "depth")) == [
        ("LA", "/LA/", 0), ("LA-01", "/LA/LA-01/", 1)
    ]


def test_units_csv_service_respects_the_actor_scope(world):
    file = io.StringIO("code,parent_code,level,name\n7093-002,7093,group,Tổ dân phố 2\n")
    with pytest.raises(importers.ImportRejected) as rejected:
        importers.import_units_csv(file, actor=world.police_a)
    assert [str(e) for e in rejected.value.errors] == ["line 2: You may only change places under your own units."]


# --- Households from CSV --------------------------------------------------------------------

HOUSEHOLDS = (
    "group_code,address,member_count,head_name,head_phone,code\n"
    "7090-001,\"Số 5, ngõ 2, đường Trần Hưng Đạo\",4,Nguyễn Văn Bình,0912 345 678,HK-1\n"
    "7090-001,\"Số 7, ngõ 2, đường Trần Hưng Đạo\",1,,,\n"
    "7093-001,\"Số 9, đường Lê Lợi\",99,Trần Thị Hoa,0987654321,HK-1\n"
)


def test_households_csv_good(world, tmp_path):
    out, err = run("import-households", write(tmp_path, HOUSEHOLDS, "households.csv"))
    assert (out.strip(), err) == ("Households: 3 created, 0 updated, 0 unchanged.", "")
    rows = Household.objects.exclude(pk__in=[world.household_a.pk, world.household_b.pk]).order_by("id")
    assert [(h.unit_id, h.unit_path, h.address, h.member_count, h.head_name, h.head_phone, h.code) for h in rows] == [
        (world.group_a.pk, "/VN/22/7090/7090-001/", "Số 5, ngõ 2, đường Trần Hưng Đạo", 4, "Nguyễn Văn Bình",
         "0912345678", "HK-1"),
        (world.group_a.pk, "/VN/22/7090/7090-001/", "Số 7, ngõ 2, đường Trần Hưng Đạo", 1, "", "", ""),
        (world.group_b.pk, "/VN/22/7093/7093-001/", "Số 9, đường Lê Lợi", 99, "Trần Thị Hoa", "0987654321", "HK-1"),
    ]
    event = AuditEvent.objects.get(action="households.import")
    assert (event.actor, event.unit_path, event.changes) == (
        None, "/VN/22/", {"created": 3, "updated": 0, "unchanged": 0, "source": "households.csv"}
    )


def test_households_csv_again_updates_by_code(world, tmp_path):
    run("import-households", write(tmp_path, HOUSEHOLDS, "households.csv"))
    changed = HOUSEHOLDS.replace("4,Nguyễn Văn Bình", "5,Nguyễn Văn Bình")
    out, _err = run("import-households", write(tmp_path, changed, "again.csv"))
    # The rows with a code match; the one without is another household.
    assert out.strip() == "Households: 1 created, 1 updated, 1 unchanged."
    assert Household.objects.get(code="HK-1", unit=world.group_a).member_count == 5
    assert Household.objects.filter(code="HK-1").count() == 2
    assert Household.objects.count() == 2 + 4


def test_households_csv_bad(world, tmp_path):
    path = write(tmp_path, (
        "group_code,address,member_count,head_name,head_phone,code\n"
        "7090-001,Số 1,3,,,\n"             # 2: fine
        "9999-001,Số 2,3,,,\n"             # 3: unknown group
        "7090,Số 3,3,,,\n"                 # 4: a commune, not a group
        "7090-001,,3,,,\n"                 # 5: no address
        "7090-001,Số 5,0,,,\n"             # 6: too few members
        "7090-001,Số 6,100,,,\n"           # 7: too many
        "7090-001,Số 7,ba,,,\n"            # 8: not a number
        "7090-001,Số 8,2,,12ab,\n"         # 9: bad phone
        "7090-001,Số 9,2,,,X1\n"           # 10: fine
        "7090-001,Số 10,2,,,X1\n"          # 11: same code twice in a group
        ",Số 11,2,,,\n"                    # 12: no group
    ), "households.csv")
    message, err = run_failing("import-households", path)
    assert err.splitlines() == [
        "line 3: Unknown residential group 9999-001.",
        "line 4: 7090 is not a residential group or village.",
        "line 5: An address is required.",
        "line 6: The number of members must be a whole number from 1 to 99.",
        "line 7: The number of members must be a whole number from 1 to 99.",
        "line 8: The number of members must be a whole number from 1 to 99.",
        "line 9: Enter a phone number of 9 to 15 digits, e.g. 0912345678.",
        "line 11: The code X1 already appears on line 10.",
        "line 12: A residential group code is required.",
    ]
    assert message == "Nothing was imported: the file has 9 error(s)."
    assert Household.objects.count() == 2
    assert not AuditEvent.objects.filter(action="households.import").exists()


def test_households_csv_missing_file(db, tmp_path):
    message, _err = run_failing("import-households", str(tmp_path / "nope.csv"))
    assert message == f"Cannot read {tmp_path / 'nope.csv'}: No such file or directory"


def test_households_csv_service_respects_the_actor_scope(world):
    file = io.StringIO("group_code,address,member_count\n7093-001,Số 1,2\n7090-001,Số 2,2\n")
    with pytest.raises(importers.ImportRejected) as rejected:
        importers.import_households_csv(file, actor=world.police_a)
    assert [str(e) for e in rejected.value.errors] == ["line 2: You may only change places under your own units."]
    assert Household.objects.count() == 2
