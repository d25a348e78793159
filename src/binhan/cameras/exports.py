"""CSV and XLSX exports of the camera registry: the list's filters, the viewer's scope, no personal data
(no owner accounts, emails or stream details). Audited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.community.exports import XLSX_TYPE, csv_bytes, xlsx_file
from binhan.core import audit

__all__ = ["XLSX_TYPE", "camera_table", "csv_bytes", "filename", "record_export", "xlsx_file"]


def camera_table(cameras: QuerySet) -> tuple[list[str], Iterator[list[Any]]]:
    header = [_("Number"), _("Name"), _("Residential group"), _("Group code"), _("Owner"), _("Owner's name"),
              _("Latitude"), _("Longitude"), _("Direction"), _("Angle"), _("Range (m)"), _("Covers"),
              _("Recording"), _("Days footage is kept"), _("Notice posted"), _("Status"), _("Sharing"),
              _("Installation date"), _("Last reachable")]

    def rows():
        for camera in cameras.iterator(chunk_size=2000):
            yield [camera.pk, camera.name, camera.unit.display_name, camera.unit.code, camera.get_owner_kind_display(),
                   camera.owner_name if not camera.household_id else "", camera.lat, camera.lon, camera.direction,
                   camera.angle, camera.range_m, ", ".join(camera.covers_display()), camera.get_recording_display(),
                   camera.retention_days, _("yes") if camera.notice_posted else _("no"), camera.get_status_display(),
                   camera.get_sharing_display(), camera.installed_on,
                   timezone.localtime(camera.last_reachable_at).replace(tzinfo=None) if camera.last_reachable_at else None]

    return header, rows()


def record_export(*, viewer, file_format: str, filters) -> None:
    audit.record(actor=viewer, action="cameras.export", object_type="cameras.camera",
                 changes={"format": file_format, "filters": {k: v for k, v in asdict(filters).items() if v}})


def filename(file_format: str) -> str:
    return f"cameras-{timezone.localdate():%Y%m%d}.{file_format}"
