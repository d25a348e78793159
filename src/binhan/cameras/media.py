"""Checks on uploaded footage: recognised by its first bytes (never its file name), bounded in size,
hashed (SHA-256) as it arrives."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from binhan.core.exceptions import ServiceError

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class CheckedClip:
    content_type: str
    extension: str
    size: int
    sha256: str


def max_bytes() -> int:
    return settings.BINHAN_CAMERAS_MAX_CLIP_MB * 1024 * 1024


def video_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a video from its first bytes, or None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand.startswith(b"3g"):
            return "video/3gpp", "3gp"
        if brand == b"qt  ":
            return "video/quicktime", "mov"
        return "video/mp4", "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return ("video/webm", "webm") if b"webm" in head[:64] else ("video/x-matroska", "mkv")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo", "avi"
    if head[:4] == b"\x00\x00\x01\xba":
        return "video/mpeg", "mpg"
    if len(head) >= 377 and head[0] == head[188] == head[376] == 0x47:
        return "video/mp2t", "ts"
    return None


def check_clip(upload) -> CheckedClip:
    """Read the upload once: its kind from the first bytes, its size and its SHA-256."""
    upload.seek(0)
    head = upload.read(512)
    kind = video_type(head)
    if kind is None:
        raise ServiceError(_("This file is not a video we can accept (MP4, MOV, 3GP, WebM, MKV, AVI, MPEG or "
                             "MPEG-TS)."), field="clip")
    limit = max_bytes()
    digest, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(CHUNK), b""):
        size += len(chunk)
        if size > limit:
            raise ServiceError(_("A clip may be at most %(mb)s MB.") % {"mb": settings.BINHAN_CAMERAS_MAX_CLIP_MB},
                               field="clip")
        digest.update(chunk)
    upload.seek(0)
    return CheckedClip(kind[0], kind[1], size, digest.hexdigest())


def file_sha256(field_file) -> str:
    """The SHA-256 of a stored file, read again from storage."""
    digest = hashlib.sha256()
    with field_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
