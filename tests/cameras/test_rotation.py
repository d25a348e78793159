"""Key rotation of the stored stream details: old keys still decrypt, `cameras-rotate-key` re-encrypts with
the current key in batches, idempotent, audited with counts only, and never loses what it cannot read."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from binhan.cameras import crypto, services
from binhan.cameras.models import Camera
from binhan.core.models import AuditEvent
from tests.cameras.conftest import make_camera

OLD, NEW = "the old camera secret", "the new camera secret"
SUMMARY = ("Cameras with stream details: {}. Secrets re-encrypted: {}; already under the current key: {}; "
           "cannot be read: {}.")
STREAMS = ["rtsp://10.0.0.1/a", "rtsp://10.0.0.2/b", "https://cam.example.vn/c"]


@pytest.fixture
def old_cameras(world, settings):
    """Three cameras with stream details written under the old key, and one without any."""
    settings.BINHAN_CAMERAS_KEY, settings.BINHAN_CAMERAS_OLD_KEYS = OLD, []
    cameras = [make_camera(world.group_a, name=f"Cam {i}", stream=url) for i, url in enumerate(STREAMS)]
    make_camera(world.group_a, name="No stream")
    return cameras


def _rotate(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("cameras-rotate-key", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def _tokens() -> list[tuple[str, str]]:
    return list(Camera.objects.order_by("pk").values_list("stream_url_encrypted", "stream_credentials_encrypted"))


def _plain() -> list[tuple[str | None, str | None]]:
    return [(crypto.decrypt(url), crypto.decrypt(cred)) for url, cred in _tokens()]


def test_old_keys_still_decrypt_and_new_secrets_use_the_current_key(old_cameras, settings):
    settings.BINHAN_CAMERAS_KEY, settings.BINHAN_CAMERAS_OLD_KEYS = NEW, [OLD]
    token = crypto.encrypt("rtsp://10.9.9.9/new")
    settings.BINHAN_CAMERAS_OLD_KEYS = []
    assert (crypto.decrypt(token), crypto.decrypt(old_cameras[0].stream_url_encrypted)) == ("rtsp://10.9.9.9/new", None)


def test_rotation_makes_old_secrets_readable_with_the_new_key_alone(world, old_cameras, settings):
    settings.BINHAN_CAMERAS_KEY, settings.BINHAN_CAMERAS_OLD_KEYS = NEW, [OLD]
    before = _plain()
    updated = list(Camera.objects.order_by("pk").values_list("updated_at", flat=True))
    out, err = _rotate("--batch-size", "2")
    settings.BINHAN_CAMERAS_OLD_KEYS = []  # the old secret is dropped from the settings
    assert (out, err) == (SUMMARY.format(3, 6, 0, 0), "")
    assert _plain() == before == [(url, "viewer:secret") for url in STREAMS] + [("", "")]
    assert list(Camera.objects.order_by("pk").values_list("updated_at", flat=True)) == updated
    url, _credentials = services.camera_reveal_stream(actor=world.police_a, camera=Camera.objects.get(
        pk=old_cameras[2].pk), purpose="Xác minh")
    assert url == "https://cam.example.vn/c"


def test_rotation_is_audited_once_with_counts_and_no_secret(old_cameras, settings):
    settings.BINHAN_CAMERAS_KEY, settings.BINHAN_CAMERAS_OLD_KEYS = NEW, [OLD]
    _rotate("--batch-size", "1")
    event = AuditEvent.objects.get(action="camera.rotate_key")
    written = json.dumps([event.changes, event.purpose, event.object_label])
    assert (event.actor_id, event.changes) == (None, {"cameras": 3, "rotated": 6, "current": 0, "unreadable": 0,
                                                      "unreadable_cameras": []})
    assert [secret for secret in [*STREAMS, "viewer:secret", OLD, NEW] if secret in written] == []


def test_running_twice_changes_nothing(old_cameras, settings):
    settings.BINHAN_CAMERAS_KEY, settings.BINHAN_CAMERAS_OLD_KEYS = NEW, [OLD]
    _rotate()
    once = _tokens()
    out, _err = _rotate()
    assert (_tokens(), out) == (once, SUMMARY.format(3, 0, 6, 0))


@pytest.mark.parametrize("old_keys", [[], ["a wrong secret"]])
def test_unreadable_rows_are_reported_and_kept(old_cameras, settings, old_keys):
    settings.BINHAN_CAMERAS_KEY, settings.BINHAN_CAMERAS_OLD_KEYS = NEW, old_keys
    fresh = make_camera(old_cameras[0].unit, name="Written after the change", stream="rtsp://10.0.0.9/new")
    kept = _tokens()
    out, err = _rotate()
    ids = ", ".join(str(camera.pk) for camera in old_cameras)
    assert (out, _tokens()) == (SUMMARY.format(4, 0, 2, 6), kept)
    assert err.startswith("No configured key opens the stream details of these cameras; they were left as they are: "
                          f"{ids}.")
    assert AuditEvent.objects.get(action="camera.rotate_key").changes["unreadable_cameras"] == [
        camera.pk for camera in old_cameras]
    # Nothing was lost: with the right old key, a second run reads and rotates them.
    settings.BINHAN_CAMERAS_OLD_KEYS = [OLD]
    out, err = _rotate()
    settings.BINHAN_CAMERAS_OLD_KEYS = []
    assert (out, err, crypto.decrypt(Camera.objects.get(pk=old_cameras[1].pk).stream_url_encrypted),
            crypto.decrypt(Camera.objects.get(pk=fresh.pk).stream_url_encrypted)) == (
        SUMMARY.format(4, 6, 2, 0), "", STREAMS[1], "rtsp://10.0.0.9/new")


def test_dry_run_counts_and_writes_nothing(old_cameras, settings):
    settings.BINHAN_CAMERAS_KEY, settings.BINHAN_CAMERAS_OLD_KEYS = NEW, [OLD]
    kept = _tokens()
    out, _err = _rotate("--dry-run")
    assert (out, _tokens(), AuditEvent.objects.filter(action="camera.rotate_key").count()) == (
        "Dry run, nothing written. " + SUMMARY.format(3, 6, 0, 0).replace("re-encrypted", "to re-encrypt"), kept, 0)


def test_bad_batch_size_is_refused(old_cameras):
    with pytest.raises(CommandError):
        call_command("cameras-rotate-key", "--batch-size", "0")
    assert AuditEvent.objects.filter(action="camera.rotate_key").count() == 0


def test_key_from_secret_key_follows_its_fallbacks(world, settings):
    """With no key of its own, the cameras key follows SECRET_KEY, and Django's SECRET_KEY_FALLBACKS too."""
    settings.BINHAN_CAMERAS_KEY, settings.BINHAN_CAMERAS_OLD_KEYS = "", []
    camera = make_camera(world.group_a, stream="rtsp://10.0.0.7/x")
    old_secret = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a rotated django secret key, long enough", [old_secret]
    readable = crypto.decrypt(camera.stream_url_encrypted)
    out, _err = _rotate()
    settings.SECRET_KEY_FALLBACKS = []
    assert (readable, out, crypto.decrypt(Camera.objects.get(pk=camera.pk).stream_url_encrypted)) == (
        "rtsp://10.0.0.7/x", SUMMARY.format(1, 2, 0, 0), "rtsp://10.0.0.7/x")
