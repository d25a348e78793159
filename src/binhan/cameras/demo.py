"""Demo cameras: public cameras at village gates, crossroads, markets and school gates (paid by the
budget, households and donors, as village meetings agree), private household and shop cameras along
the streets, and a history of footage requests for past reports: accepted, refused, ignored, with
clips received and clips already deleted by retention. Written in bulk with explicit ids.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.cameras import crypto, geometry
from binhan.cameras.models import Camera, Footage, FootageRequest, Funding
from binhan.demo.bulk import BulkWriter
from binhan.demo.registry import DemoContext, register
from binhan.geo.models import Household

PUBLIC_PLACES = [("Cổng làng", ["street"]), ("Ngã ba", ["intersection"]), ("Ngã tư", ["intersection", "street"]),
                 ("Chợ", ["market"]), ("Cổng trường", ["school_gate", "street"]), ("Nhà văn hóa", ["street"])]
PRIVATE_PLACES = [("Trước nhà", ["street"]), ("Đầu ngõ", ["alley"]), ("Cửa hàng tạp hóa", ["street"]),
                  ("Tiệm vàng", ["street", "intersection"]), ("Quán cà phê", ["street"])]
REASONS = ["Xác minh vụ trộm xe máy.", "Xác định phương tiện gây tai nạn rồi bỏ đi.", "Làm rõ vụ gây rối trật tự.",
           "Xác minh vụ trộm tài sản trong nhà.", "Xác định thời điểm cháy."]
REQUESTS = {"tiny": 12, "small": 150, "medium": 600, "large": 2500}
CLIP_FILES = 20  # recent received clips that get a small real file


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


def _offset(rng: random.Random, lat: float, lon: float, low: float, high: float) -> tuple[float, float]:
    return geometry.destination(lat, lon, rng.uniform(0, 360), rng.uniform(low, high))


class _Cameras:
    columns = ("id", "unit", "unit_path", "name", "owner_kind", "owner_name", "household", "owner_user",
               "contact_email", "lat", "lon", "direction", "angle", "range_m", "mount_height_m", "outdoor", "covers",
               "recording", "retention_days", "notice_posted", "installed_on", "status", "sharing",
               "stream_url_encrypted", "stream_credentials_encrypted", "last_checked_at", "last_reachable_at",
               "reachable", "left_at", "created_at", "updated_at")

    def __init__(self, now):
        self.writer = BulkWriter(Camera, self.columns)
        self.next_id = _next_id(Camera)
        self.now = now
        self.rows: list[tuple] = []  # (id, group id, lat, lon, retention, owner_user, path)

    def add(self, rng, *, group, kind, name, owner_name="", household=None, owner_user=None, lat, lon,
            direction, covers, shared=False, retention=None, range_m=None) -> int:
        pk = self.next_id
        self.next_id += 1
        retention = retention or rng.choice([3, 7, 7, 15, 30, 30])
        status = rng.choices(["working", "faulty", "removed"], [90, 8, 2])[0]
        installed = (self.now - timedelta(days=rng.randint(60, 1500))).date()
        stream = crypto.encrypt(f"rtsp://10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}:554/"
                                "Streaming/Channels/102") if shared else ""
        credentials = crypto.encrypt(f"viewer:{rng.randint(10**7, 10**8)}") if shared else ""
        checked = self.now - timedelta(minutes=rng.randint(1, 15)) if shared else None
        reachable = (status == "working") if shared else None
        self.writer.add((
            pk, group.pk, group.path, name, kind, owner_name, household, owner_user, "", lat, lon, direction % 360,
            rng.choice([60, 80, 90, 110]) if kind != "public" else rng.choice([90, 110, 120]),
            range_m or (rng.randint(15, 40) if kind != "public" else rng.randint(30, 60)),
            rng.choice([2.5, 3, 3.5, 4, 5]), True, json.dumps(covers), rng.choice(["continuous", "continuous", "motion"]),
            retention, rng.random() < (0.9 if kind == "public" else 0.5), installed, status,
            "shared" if shared else "register", stream, credentials, checked, checked if reachable else None,
            reachable, None, self.now, self.now))
        self.rows.append((pk, group.pk, lat, lon, retention, owner_user, group.path))
        return pk


@register("cameras", order=450)
def generate_cameras(ctx: DemoContext) -> None:
    groups = [group for group in ctx.groups if group.centre_lat is not None]
    if not groups:
        return
    rng, now = ctx.rng, timezone.now()
    cameras = _Cameras(now)
    funding = BulkWriter(Funding, ("camera", "source", "amount", "note"))
    resident = ctx.users.get(str(Role.RESIDENT), [None])[0]
    households = dict(Household.objects.filter(unit__in=groups).order_by("unit_id", "id")
                      .values_list("unit_id", "id").distinct())
    for group in groups:
        for place, covers in rng.sample(PUBLIC_PLACES, rng.randint(1, 3)):
            lat, lon = _offset(rng, group.centre_lat, group.centre_lon, 20, 350)
            pk = cameras.add(rng, group=group, kind="public", name=f"{place} {group.name}",
                             owner_name=f"Ban công tác Mặt trận {group.name}", lat=lat, lon=lon,
                             direction=rng.randint(0, 359), covers=covers, shared=rng.random() < 0.8,
                             retention=rng.choice([15, 30, 30]))
            households_part = rng.randint(20, 80) * 100_000
            funding.add((pk, "households", households_part, "Nhân dân đóng góp theo nghị quyết họp thôn"))
            if rng.random() < 0.5:
                funding.add((pk, "donors", rng.randint(5, 40) * 100_000, "Nhà hảo tâm ủng hộ"))
            if rng.random() < 0.3:
                funding.add((pk, "budget", rng.randint(10, 50) * 100_000, "Ngân sách xã"))
        for _index in range(rng.randint(0, 3)):
            place, covers = rng.choice(PRIVATE_PLACES)
            lat, lon = _offset(rng, group.centre_lat, group.centre_lon, 30, 400)
            business = place not in ("Trước nhà", "Đầu ngõ")
            cameras.add(rng, group=group, kind="business" if business else "household",
                        name=f"{place} {rng.randint(1, 120)}", owner_name=place if business else "",
                        household=None if business else households.get(group.pk), lat=lat, lon=lon,
                        direction=rng.randint(0, 359), covers=covers, shared=rng.random() < 0.25)
    if resident is not None and resident.household_id:
        home = ctx.groups[0]
        if home.centre_lat is not None:
            lat, lon = _offset(rng, home.centre_lat, home.centre_lon, 40, 120)
            cameras.add(rng, group=home, kind="household", name="Camera trước nhà", household=resident.household_id,
                        owner_user=resident.pk, lat=lat, lon=lon, direction=rng.randint(0, 359), covers=["street"])
    requests, clips = _requests(ctx, rng, now, cameras)
    cameras.writer.flush()
    funding.flush()
    requests.flush()
    clips.flush()
    _reset_sequences(Camera, Funding, FootageRequest, Footage)
    count = cameras.next_id - _first(cameras)
    ctx.count("cameras", count)
    ctx.count("footage requests", requests_count := FootageRequest.objects.count())
    ctx.log(_("%(cameras)s cameras, %(requests)s footage requests.") % {"cameras": f"{count:,}",
                                                                         "requests": f"{requests_count:,}"})


def _first(cameras: _Cameras) -> int:
    return cameras.rows[0][0] if cameras.rows else cameras.next_id


def _requests(ctx: DemoContext, rng: random.Random, now, cameras: _Cameras):
    """Past reports with a place get a shop or house camera across the street, and a request to its owner."""
    from binhan.reports.models import Report

    request_writer = BulkWriter(FootageRequest, (
        "id", "camera", "unit_path", "report", "case_reference", "reason", "investigator_contact", "window_start",
        "window_end", "deadline", "status", "requested_by", "created_at", "answered_at", "answer_note"))
    clip_writer = BulkWriter(Footage, ("id", "request", "camera", "unit_path", "report", "file", "content_type",
                                       "size", "sha256", "uploaded_by", "uploaded_at", "deleted_at",
                                       "deletion_reason"))
    total = REQUESTS.get(ctx.size.name, REQUESTS["small"])
    officer = ctx.users.get(str(Role.COMMUNE_POLICE), [None])[0]
    groups = {group.pk: group for group in ctx.groups if group.centre_lat is not None}
    reports = list(Report.objects.filter(unit_id__in=list(groups), lat__isnull=False,
                                         category__code__in=["theft", "traffic-accident", "fire", "suspicious", "crime-tip"])
                   .order_by("-created_at").values_list("pk", "unit_id", "lat", "lon", "created_at", "status")[:total * 4])
    rng.shuffle(reports)
    request_id, clip_id, files = _next_id(FootageRequest), _next_id(Footage), 0
    for pk, unit_id, lat, lon, created_at, _status in reports[:total]:
        group = groups[unit_id]
        clat, clon = _offset(rng, lat, lon, 8, 25)
        reach = round(geometry.distance_m(clat, clon, lat, lon)) + rng.randint(10, 20)
        direction = geometry.bearing_deg(clat, clon, lat, lon) + rng.randint(-20, 20)
        place, covers = rng.choice(PRIVATE_PLACES)
        business = place not in ("Trước nhà", "Đầu ngõ")
        camera_id = cameras.add(rng, group=group, kind="business" if business else "household",
                                name=f"{place} {rng.randint(1, 120)}", owner_name=place if business else "",
                                lat=clat, lon=clon, direction=round(direction), covers=covers, range_m=reach)
        asked = created_at + timedelta(hours=rng.randint(1, 30))
        if asked > now:
            continue
        status = rng.choices(["fulfilled", "refused", "pending", "accepted", "withdrawn"], [55, 15, 15, 10, 5])[0]
        old = asked < now - timedelta(days=32)  # its clip, if any, is past retention (uploaded within 42 hours)
        if status == "fulfilled" and not old and (files >= CLIP_FILES or ctx.size.name == "tiny"):
            status = "accepted"  # only a few recent clips get a (small) real file; the rest are still to come
        answered = asked + timedelta(hours=rng.randint(1, 40)) if status != "pending" else None
        when = created_at.replace(minute=0, second=0, microsecond=0)
        request_writer.add((request_id, camera_id, group.path, pk, f"R-{created_at.year}-{pk:06d}",
                            rng.choice(REASONS), "Đại úy Nguyễn Văn Hùng, 0912 000 111", when - timedelta(hours=1),
                            min(when + timedelta(hours=1), asked), asked + timedelta(days=2), status,
                            officer.pk if officer else None, asked, answered if answered and answered < now else None,
                            ""))
        if status == "fulfilled":
            uploaded = min(answered + timedelta(hours=2), now)
            name, size, digest = "", rng.randint(2, 40) * 1_000_000, f"{rng.getrandbits(256):064x}"
            if not old:
                name, size, digest = _clip_file(rng)
                files += 1
            clip_writer.add((clip_id, request_id, camera_id, group.path, pk, name, "video/mp4", size, digest,
                             None, uploaded, now - timedelta(days=rng.randint(0, 30)) if old else None,
                             "retention" if old else ""))
            clip_id += 1
        request_id += 1
    return request_writer, clip_writer


def _clip_file(rng: random.Random) -> tuple[str, int, str]:
    """A tiny stand-in for a clip (an MP4 header and noise): real bytes, so its hash checks out."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + rng.randbytes(4096)
    name = default_storage.save(f"cameras/footage/demo/{rng.getrandbits(64):016x}.mp4", ContentFile(data))
    return name, len(data), hashlib.sha256(data).hexdigest()


def _reset_sequences(*models) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(sql)



