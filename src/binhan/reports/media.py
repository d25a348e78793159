"""Checks on uploaded photos and videos: by content, never by file name.

Photos are decoded with Pillow (bounded in pixels, so a decompression bomb is refused) and
re-encoded without their metadata, which removes GPS positions and camera serial numbers.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from binhan.core.exceptions import ServiceError

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_VIDEO_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about 7,700 × 5,200: more than any phone camera
MAX_SIDE = 2560  # what we keep; larger photos are scaled down

PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "MPO": "image/jpeg"}


@dataclass(frozen=True)
class CleanFile:
    content: ContentFile
    content_type: str
    size: int
    sha256: str


def _read(upload, limit: int, too_big: str) -> bytes:
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(too_big, field="photos")
    if not data:
        raise ServiceError(_("An uploaded file is empty."), field="photos")
    return data


def clean_photo(upload) -> CleanFile:
    """Decode, bound, strip metadata and re-encode one photo."""
    data = _read(upload, MAX_PHOTO_BYTES, _("A photo may be at most 10 MB."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in PHOTO_FORMATS:
                raise ServiceError(_("A photo must be a JPEG, PNG or WebP image."), field="photos")
            if image.width * image.height > MAX_PIXELS:
                raise ServiceError(_("This image is too large to process."), field="photos")
            image.load()
    except ServiceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ServiceError(_("This image is too large to process."), field="photos") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ServiceError(_("This file is not a photo we can read. Use a JPEG, PNG or WebP image."),
                           field="photos") from None
    image = ImageOps.exif_transpose(image)  # keep the picture upright once orientation data is gone
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P"):
        image.save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    cleaned = out.getvalue()
    digest = hashlib.sha256(cleaned).hexdigest()
    return CleanFile(ContentFile(cleaned, name=f"{digest[:16]}.{extension}"), content_type, len(cleaned), digest)


def _video_type(head: bytes) -> tuple[str, str] | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand.startswith(b"3g"):
            return "video/3gpp", "3gp"
        if brand == b"qt  ":
            return "video/quicktime", "mov"
        return "video/mp4", "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm", "webm"
    return None


def clean_video(upload) -> CleanFile:
    """Accept MP4, 3GP, MOV or WebM, recognised by their first bytes, up to 25 MB."""
    data = _read(upload, MAX_VIDEO_BYTES, _("A video may be at most 25 MB."))
    kind = _video_type(data[:16])
    if kind is None:
        raise ServiceError(_("The video must be an MP4, 3GP, MOV or WebM file."), field="video")
    content_type, extension = kind
    digest = hashlib.sha256(data).hexdigest()
    return CleanFile(ContentFile(data, name=f"{digest[:16]}.{extension}"), content_type, len(data), digest)
