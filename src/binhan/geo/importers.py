"""Bulk loading of places: the official Vietnamese tree, and units or households from CSV files.

A CSV import is all or nothing: every row is checked first, every problem is reported with
its line number, and only a clean file is written, in one transaction, with one audit event
summarising it. Units already present (same code) are updated in place, never duplicated.
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core import audit, events, paths, scoping
from binhan.core.exceptions import ServiceError
from binhan.geo.models import CODE_VALIDATOR, LEVEL_ORDER, AdministrativeUnit, Household, Level, child_level

NATION_CODE = "VN"
NATION_NAME = "Việt Nam"
UNIT_COLUMNS = ("code", "parent_code", "level", "name", "lat", "lon")
HOUSEHOLD_COLUMNS = ("group_code", "address", "member_count", "head_name", "head_phone", "code")
# Keeps each `code IN (...)` lookup under SQLite's bound-parameter limit.
LOOKUP_CHUNK = 500
BATCH_SIZE = 1000
PHONE_RE = re.compile(r"^\+?[0-9]{9,15}$")


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ImportRejected(ServiceError):
    """The file has problems; nothing was imported. `errors` lists every one of them."""

    def __init__(self, errors: list[RowError]):
        super().__init__(
            _("Nothing was imported: the file has %(count)s error(s).") % {"count": len(errors)}
        )
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    created_by_level: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_changes(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                **({"created_by_level": self.created_by_level} if self.created_by_level else {})}


@dataclass
class _UnitSpec:
    """A unit as the source describes it, before it is matched with the database."""

    code: str
    name: str
    level: str
    parent_code: str | None
    kind: str = ""
    lat: float | None = None
    lon: float | None = None
    path: str = ""
    line: int = 0


def _existing_by_code(codes: Iterable[str]) -> dict[str, AdministrativeUnit]:
    codes = list(dict.fromkeys(codes))
    found: dict[str, AdministrativeUnit] = {}
    for start in range(0, len(codes), LOOKUP_CHUNK):
        chunk = codes[start:start + LOOKUP_CHUNK]
        found.update((u.code, u) for u in AdministrativeUnit.objects.filter(code__in=chunk))
    return found


def _common_path(unit_paths: Iterable[str]) -> str:
    """The deepest unit above all of them, so the audit event sits where its auditors can read it."""
    # commonprefix compares lists element by element: whole codes, never half a code.
    common = os.path.commonprefix([path.strip(paths.SEPARATOR).split(paths.SEPARATOR) for path in unit_paths])
    return paths.SEPARATOR + paths.SEPARATOR.join(common) + paths.SEPARATOR if common else ""


def _write_units(specs: list[_UnitSpec], *, update_fields: tuple[str, ...]) -> ImportResult:
    """Create the missing units level by level (parents first) and update the changed ones.

    The specs are already validated: each has its final path, and its parent is either an
    earlier spec or a unit in the database at the right place.
    """
    result = ImportResult()
    existing = _existing_by_code(s.code for s in specs)
    now = timezone.now()
    changed: list[AdministrativeUnit] = []
    for spec in specs:
        unit = existing.get(spec.code)
        if unit is None:
            continue
        wanted = {"name": spec.name, "kind": spec.kind, "centre_lat": spec.lat, "centre_lon": spec.lon}
        # A blank coordinate in the source means "not known here", not "forget it".
        fields = {key: wanted[key] for key in update_fields
                  if getattr(unit, key) != wanted[key] and not (key.startswith("centre_") and wanted[key] is None)}
        if fields:
            for key, value in fields.items():
                setattr(unit, key, value)
            unit.updated_at = now
            changed.append(unit)
            result.updated += 1
        else:
            result.unchanged += 1
    if changed:
        AdministrativeUnit.objects.bulk_update(changed, [*update_fields, "updated_at"], batch_size=BATCH_SIZE)

    known = dict(existing)
    for level in LEVEL_ORDER:
        new = [s for s in specs if s.level == level and s.code not in existing]
        if not new:
            continue
        missing_parents = [s.parent_code for s in new if s.parent_code and s.parent_code not in known]
        known.update(_existing_by_code(missing_parents))
        units = [
            AdministrativeUnit(
                code=s.code, name=s.name, kind=s.kind, level=level,
                parent_id=known[s.parent_code].pk if s.parent_code else None,
                path=s.path, depth=LEVEL_ORDER.index(Level(level)), centre_lat=s.lat, centre_lon=s.lon,
            )
            for s in new
        ]
        created = AdministrativeUnit.objects.bulk_create(units, batch_size=BATCH_SIZE)
        if any(u.pk is None for u in created):  # a backend that cannot return ids: look them up
            known.update(_existing_by_code(u.code for u in created))
        else:
            known.update((u.code, u) for u in created)
        result.created += len(created)
        result.created_by_level[str(level)] = len(created)
    return result


# --- The official tree from the `vietnam-provinces` package ---------------------------------


def official_province_code(value: int | str) -> str:
    """The official two-digit statistics code of a province: 1, "1" and "01" all give "01"."""
    return f"{int(value):02d}"


def official_commune_code(value: int | str) -> str:
    """The official five-digit statistics code of a commune, ward or special zone ("07090").

    The leading zeros matter: without them ward 4 (Ba Đình) and province 4 (Cao Bằng) would
    share a code, and codes are unique across the tree.
    """
    return f"{int(value):05d}"


def _vietnam_specs(only_province: str | None) -> list[_UnitSpec]:
    from vietnam_provinces import Province, Ward

    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    if only_province is not None:
        wanted = official_province_code(only_province) if only_province.isdigit() else only_province
        provinces = [p for p in provinces if official_province_code(p.code) == wanted]
        if not provinces:
            raise ServiceError(
                _("There is no province with the code %(code)s.") % {"code": only_province}, field="province"
            )
    nation_path = paths.child_path("", NATION_CODE)
    specs = [_UnitSpec(code=NATION_CODE, name=NATION_NAME, level=Level.NATION, parent_code=None, path=nation_path)]
    province_paths: dict[str, str] = {}
    for province in provinces:
        code = official_province_code(province.code)
        province_paths[code] = paths.child_path(nation_path, code)
        specs.append(_UnitSpec(
            code=code, name=province.name, level=Level.PROVINCE, parent_code=NATION_CODE,
            kind=province.division_type.value, path=province_paths[code],
        ))
    for ward in sorted(Ward.iter_all(), key=lambda w: int(w.code)):
        parent_code = official_province_code(ward.province_code)
        if parent_code not in province_paths:
            continue
        code = official_commune_code(ward.code)
        specs.append(_UnitSpec(
            code=code, name=ward.name, level=Level.COMMUNE, parent_code=parent_code,
            kind=ward.division_type.value, path=paths.child_path(province_paths[parent_code], code),
        ))
    return specs


@transaction.atomic
def import_vietnam(*, province_code: str | None = None, actor=None) -> ImportResult:
    """Load (or refresh) the nation, its 34 provinces and their communes, wards and special zones.

    With `province_code`, only the nation, that province and its communes. Codes are the
    official statistics codes: two digits for a province ("22"), five for a commune ("07090").
    Running it again creates nothing; names and kinds follow the package when it changes them.
    """
    import vietnam_provinces

    specs = _vietnam_specs(province_code)
    existing = _existing_by_code(s.code for s in specs)
    # Codes are unique across the tree: a clash means someone made a unit we would misplace.
    misplaced = sorted(s.code for s in specs if s.code in existing and existing[s.code].path != s.path)
    if misplaced:
        raise ServiceError(
            _("These units already exist elsewhere in the tree: %(codes)s") % {"codes": ", ".join(misplaced[:20])}
        )
    result = _write_units(specs, update_fields=("name", "kind"))
    top = specs[1] if province_code else specs[0]
    audit.record(
        actor=actor, action="units.import", object_type="geo.administrativeunit", unit_path=top.path,
        changes={**result.as_changes(), "source": f"vietnam-provinces {vietnam_provinces.__version__}",
                 "province": top.code if province_code else ""},
    )
    events.publish("units.imported", unit_path=top.path, created=result.created, updated=result.updated)
    return result


# --- CSV files ------------------------------------------------------------------------------


def _rows(file: IO[str], required: tuple[str, ...], optional: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    """(line number, row) pairs; a bad header is reported as line 1."""
    reader = csv.DictReader(file)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportRejected([RowError(1, _("The header lacks the column(s): %(columns)s")
                                       % {"columns": ", ".join(missing)})])
    reader.fieldnames = header
    unknown = [name for name in header if name not in required + optional]
    if unknown:
        raise ImportRejected([RowError(1, _("Unknown column(s) in the header: %(columns)s")
                                       % {"columns": ", ".join(unknown)})])
    for row in reader:
        yield reader.line_num, {key: (value or "").strip() for key, value in row.items() if key is not None}


def _coordinate(raw: str, *, low: float, high: float, label: str) -> tuple[float | None, str | None]:
    if not raw:
        return None, None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        return None, _("%(label)s %(value)s is not a number.") % {"label": label, "value": raw}
    if not low <= value <= high:
        return None, _("%(label)s must be between %(low)s and %(high)s.") % {"label": label, "low": low, "high": high}
    return value, None


def _code_error(code: str) -> str | None:
    if not code:
        return _("A code is required.")
    if len(code) > AdministrativeUnit._meta.get_field("code").max_length:
        return _("The code %(code)s is too long.") % {"code": code}
    try:
        CODE_VALIDATOR(code)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def _check_units(file: IO[str], *, actor) -> list[_UnitSpec]:
    rows = list(_rows(file, ("code", "parent_code", "level", "name"), ("lat", "lon")))
    existing = _existing_by_code(
        [row["code"] for _line, row in rows] + [row["parent_code"] for _line, row in rows if row["parent_code"]]
    )
    max_length = {name: AdministrativeUnit._meta.get_field(name).max_length for name in ("name", "path")}
    specs: list[_UnitSpec] = []
    errors: list[RowError] = []
    in_file: dict[str, _UnitSpec] = {}
    # Rows whose place in the tree is unknown: their children get no second, misleading error.
    broken: set[str] = set()
    for line, row in rows:
        found: list[str] = []
        code, parent_code, level, name = row["code"], row["parent_code"], row["level"].lower(), row["name"]
        if error := _code_error(code):
            found.append(error)
        elif code in in_file or code in broken:
            first = in_file[code].line if code in in_file else line
            found.append(_("The code %(code)s already appears on line %(line)s.") % {"code": code, "line": first})
        if not name:
            found.append(_("A name is required."))
        elif len(name) > max_length["name"]:
            found.append(_("The name is too long."))
        lat, lat_error = _coordinate(row.get("lat", ""), low=-90, high=90, label=_("Latitude"))
        lon, lon_error = _coordinate(row.get("lon", ""), low=-180, high=180, label=_("Longitude"))
        found += [e for e in (lat_error, lon_error) if e]

        parent_path: str | None = None
        if level not in Level.values:
            found.append(_("Unknown level %(level)s; use one of: %(levels)s.")
                         % {"level": row["level"], "levels": ", ".join(Level.values)})
        elif not parent_code:
            if level == Level.NATION:
                parent_path = ""
            else:
                found.append(_("A %(level)s needs a parent code.") % {"level": Level(level).label})
        elif parent_code in broken:
            pass
        elif (parent := in_file.get(parent_code) or existing.get(parent_code)) is None:
            found.append(_("Unknown parent %(code)s (a parent must exist or come earlier in the file).")
                         % {"code": parent_code})
        elif child_level(parent.level) != level:
            found.append(_("A %(child)s cannot be placed under a %(parent)s.")
                         % {"child": Level(level).label, "parent": Level(parent.level).label})
        elif actor is not None and not scoping.can_see_path(actor, parent.path):
            found.append(_("You may only change places under your own units."))
        else:
            parent_path = parent.path

        path = paths.child_path(parent_path, code) if parent_path is not None else ""
        current = existing.get(code)
        if path and current is not None and (current.path != path or current.level != level):
            found.append(_("The unit %(code)s already exists elsewhere in the tree; units cannot be moved by import.")
                         % {"code": code})
        elif len(path) > max_length["path"]:
            found.append(_("The unit lies too deep in the tree."))

        errors += [RowError(line, message) for message in found]
        if not code or code in in_file or code in broken:
            continue
        if path:
            in_file[code] = _UnitSpec(code=code, name=name, level=level, parent_code=parent_code or None,
                                      lat=lat, lon=lon, path=path, line=line)
            if not found:
                specs.append(in_file[code])
        else:
            broken.add(code)
    if errors:
        raise ImportRejected(errors)
    return specs


@transaction.atomic
def import_units_csv(file: IO[str], *, actor=None, source: str = "") -> ImportResult:
    """Add or update units from a CSV file with columns code,parent_code,level,name[,lat,lon]."""
    specs = _check_units(file, actor=actor)
    result = _write_units(specs, update_fields=("name", "centre_lat", "centre_lon"))
    scope = _common_path(s.path for s in specs)
    audit.record(actor=actor, action="units.import", object_type="geo.administrativeunit",
                 unit_path=scope, changes={**result.as_changes(), "source": source})
    events.publish("units.imported", unit_path=scope, created=result.created, updated=result.updated)
    return result


@dataclass
class _HouseholdSpec:
    line: int
    unit: AdministrativeUnit
    address: str
    member_count: int
    head_name: str
    head_phone: str
    code: str


def _check_households(file: IO[str], *, actor) -> list[_HouseholdSpec]:
    rows = list(_rows(file, ("group_code", "address", "member_count"), ("head_name", "head_phone", "code")))
    groups = _existing_by_code(row["group_code"] for _line, row in rows if row["group_code"])
    limits = {name: Household._meta.get_field(name).max_length for name in ("address", "head_name", "code")}
    specs: list[_HouseholdSpec] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        found: list[str] = []
        group_code = row["group_code"]
        unit = groups.get(group_code)
        if not group_code:
            found.append(_("A residential group code is required."))
        elif unit is None:
            found.append(_("Unknown residential group %(code)s.") % {"code": group_code})
        elif unit.level != Level.GROUP:
            found.append(_("%(code)s is not a residential group or village.") % {"code": group_code})
        elif actor is not None and not scoping.can_see_path(actor, unit.path):
            found.append(_("You may only change places under your own units."))
        address = row["address"]
        if not address:
            found.append(_("An address is required."))
        elif len(address) > limits["address"]:
            found.append(_("The address is too long."))
        member_count = 0
        if re.fullmatch(r"[0-9]{1,2}", row["member_count"]) and 1 <= int(row["member_count"]) <= 99:
            member_count = int(row["member_count"])
        else:
            found.append(_("The number of members must be a whole number from 1 to 99."))
        head_name = row.get("head_name", "")
        if len(head_name) > limits["head_name"]:
            found.append(_("The name of the head of household is too long."))
        head_phone = re.sub(r"[\s.()-]", "", row.get("head_phone", ""))
        if head_phone and not PHONE_RE.match(head_phone):
            found.append(_("Enter a phone number of 9 to 15 digits, e.g. 0912345678."))
        code = row.get("code", "")
        if len(code) > limits["code"]:
            found.append(_("The code %(code)s is too long.") % {"code": code})
        elif code and (group_code, code) in seen:
            found.append(_("The code %(code)s already appears on line %(line)s.")
                         % {"code": code, "line": seen[(group_code, code)]})
        elif code:
            seen[(group_code, code)] = line
        if found:
            errors += [RowError(line, message) for message in found]
        else:
            specs.append(_HouseholdSpec(line=line, unit=unit, address=address, member_count=member_count,
                                        head_name=head_name, head_phone=head_phone, code=code))
    if errors:
        raise ImportRejected(errors)
    return specs


@transaction.atomic
def import_households_csv(file: IO[str], *, actor=None, source: str = "") -> ImportResult:
    """Add households to residential groups from a CSV file.

    Columns: group_code,address,member_count[,head_name,head_phone,code]. A row whose code
    already names a household of that group updates it; other rows add a household.
    """
    specs = _check_households(file, actor=actor)
    result = ImportResult()
    coded = [s for s in specs if s.code]
    existing: dict[tuple[int, str], Household] = {}
    for start in range(0, len(coded), LOOKUP_CHUNK):
        chunk = coded[start:start + LOOKUP_CHUNK]
        existing.update(
            ((h.unit_id, h.code), h)
            for h in Household.objects.filter(code__in={s.code for s in chunk}, unit__in={s.unit for s in chunk})
        )
    now = timezone.now()
    fields = ("address", "member_count", "head_name", "head_phone")
    new: list[Household] = []
    changed: list[Household] = []
    for spec in specs:
        household = existing.get((spec.unit.pk, spec.code)) if spec.code else None
        if household is None:
            new.append(Household(unit=spec.unit, unit_path=spec.unit.path, code=spec.code, address=spec.address,
                                 member_count=spec.member_count, head_name=spec.head_name,
                                 head_phone=spec.head_phone))
        elif any(getattr(household, name) != getattr(spec, name) for name in fields):
            for name in fields:
                setattr(household, name, getattr(spec, name))
            household.updated_at = now
            changed.append(household)
        else:
            result.unchanged += 1
    Household.objects.bulk_create(new, batch_size=BATCH_SIZE)
    Household.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=BATCH_SIZE)
    result.created, result.updated = len(new), len(changed)
    scope = _common_path(s.unit.path for s in specs)
    audit.record(actor=actor, action="households.import", object_type="geo.household",
                 unit_path=scope, changes={**result.as_changes(), "source": source})
    events.publish("households.imported", unit_path=scope, created=result.created, updated=result.updated)
    return result
