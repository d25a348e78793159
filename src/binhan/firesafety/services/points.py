"""Public firefighting points: where they are, the alley they serve, sign, shelter and who keeps them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from binhan.core import audit
from binhan.core.exceptions import ServiceError
from binhan.core.services import apply_changes
from binhan.firesafety.models import FirePoint, FireTeam
from binhan.firesafety.services._common import check_keeper, clean_text, publish
from binhan.geo.models import AdministrativeUnit, Level

FIELDS = {"name", "alley", "alley_length_m", "lat", "lon", "has_sign", "has_shelter", "team", "responsible"}


def _clean(fields: dict, unit_id: int) -> dict:
    if "name" in fields:
        fields["name"] = clean_text(fields["name"], field="name", limit=120, required=_("Give the point a name."))
    for name, limit in (("alley", 200), ("responsible", 150)):
        if name in fields:
            fields[name] = clean_text(fields[name], field=name, limit=limit)
    if ("lat" in fields) != ("lon" in fields) or (fields.get("lat") is None) != (fields.get("lon") is None):
        raise ServiceError(_("Give both the latitude and the longitude, or neither."), field="lat")
    team = fields.get("team")
    if isinstance(team, FireTeam) and team.unit_id != unit_id:
        raise ServiceError(_("The responsible team must belong to the point's residential group."), field="team")
    return fields


@transaction.atomic
def point_create(*, actor, unit: AdministrativeUnit, name: str, **fields) -> FirePoint:
    """A residential group registers a public firefighting point for an alley engines cannot enter."""
    if unit.level != Level.GROUP:
        raise ServiceError(_("A firefighting point belongs to a residential group or village."), field="unit")
    check_keeper(actor, unit.path)
    unknown = set(fields) - FIELDS
    if unknown:
        raise ServiceError(_("Unknown field."), field=sorted(unknown)[0])
    fields = _clean({"name": name, **fields}, unit.pk)
    point = FirePoint(unit=unit, unit_path=unit.path, **fields)
    point.full_clean(exclude=["unit", "team"])
    point.save()
    audit.record(actor=actor, action="firesafety.point.create", obj=point, changes={"name": [None, point.name]})
    publish("point.changed", unit_path=point.unit_path, point_id=point.pk, action="created")
    return point


@transaction.atomic
def point_update(*, actor, point: FirePoint, **fields) -> FirePoint:
    """Correct a point's place, alley, sign, shelter or keeper."""
    check_keeper(actor, point.unit_path)
    if apply_changes(actor=actor, obj=point, fields=_clean(fields, point.unit_id), action="firesafety.point.update",
                     allowed=FIELDS):
        publish("point.changed", unit_path=point.unit_path, point_id=point.pk, action="updated")
    return point
