"""Fixtures of the camera tests: cameras in each commune, an owner with a household, clips."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from binhan.cameras import crypto
from binhan.cameras.models import Camera, FootageRequest, OwnerKind, Sharing
from tests.factories import UserFactory

LAT, LON = 21.0, 107.0
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2000


def clip(data: bytes = MP4, name: str = "clip.mp4", content_type: str = "video/mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_camera(unit, **fields) -> Camera:
    stream = fields.pop("stream", "")
    values = {"name": "Cổng làng", "owner_kind": OwnerKind.PUBLIC, "lat": LAT, "lon": LON, "direction": 90,
              "angle": 90, "range_m": 40, "retention_days": 7, **fields}
    camera = Camera(unit=unit, unit_path=unit.path, **values)
    if stream:
        camera.stream_url_encrypted = crypto.encrypt(stream)
        camera.stream_credentials_encrypted = crypto.encrypt("viewer:secret")
        camera.sharing = Sharing.SHARED_VIEW
    camera.save()
    return camera


def make_request(camera, *, report=None, status="pending", deadline=None, by=None) -> FootageRequest:
    now = timezone.now()
    return FootageRequest.objects.create(
        camera=camera, unit_path=camera.unit_path, report=report, case_reference="R-2026-000001",
        reason="Xác minh vụ trộm", investigator_contact="Đại úy Hùng 0912", window_start=now - timedelta(hours=3),
        window_end=now - timedelta(hours=2), deadline=deadline or now + timedelta(days=2), status=status,
        requested_by=by)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def owner(world):
    """A resident of group A with a household: the owner of a private camera."""
    from binhan.accounts.roles import Role
    from tests.factories import grant

    person = UserFactory(username="owner-a", email="owner@example.org", household=world.household_a)
    grant(person, world.group_a, Role.RESIDENT)
    return person


@pytest.fixture
def private_camera(world, owner):
    return make_camera(world.group_a, owner_kind=OwnerKind.HOUSEHOLD, household=world.household_a, owner_user=owner,
                       name="Trước nhà số 1")
