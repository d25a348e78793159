"""Stream addresses and credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256), key from a setting.

The key is derived with HKDF-SHA256 from `BINHAN_CAMERAS_KEY`, which defaults to SECRET_KEY (so
demo and test runs need nothing). Rotating the setting makes the stored streams unreadable: the
owners enter them again (see docs/cameras.md).
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@functools.cache
def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"binhan.cameras.stream",
               info=b"fernet").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def fernet() -> Fernet:
    return _fernet(settings.BINHAN_CAMERAS_KEY or settings.SECRET_KEY)


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str | None:
    """The plain text, "" for nothing stored, None when the key has changed since."""
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None
