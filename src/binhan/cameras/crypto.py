"""Stream addresses and credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256), keys from settings.

Each key is derived with HKDF-SHA256 from a secret. The current secret is `BINHAN_CAMERAS_KEY`, or
SECRET_KEY when that is empty (so demo and test runs need nothing). Previous secrets, in
`BINHAN_CAMERAS_OLD_KEYS` (and Django's SECRET_KEY_FALLBACKS while the key comes from SECRET_KEY),
still decrypt: a MultiFernet encrypts with the current key and tries every key to decrypt.
`binhan cameras-rotate-key` re-encrypts the stored tokens with the current key, after which the
old secrets can be dropped (see docs/cameras.md).
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@functools.cache
def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"binhan.cameras.stream",
               info=b"fernet").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def key_secrets() -> list[str]:
    """The current secret first, then the previous ones that may still decrypt (no repeats)."""
    own_key = getattr(settings, "BINHAN_CAMERAS_KEY", "")
    found = [own_key or settings.SECRET_KEY, *getattr(settings, "BINHAN_CAMERAS_OLD_KEYS", ())]
    if not own_key:
        found += list(getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    return list(dict.fromkeys(secret for secret in found if secret))


def fernet() -> Fernet:
    """The current key alone: what new tokens are written with."""
    return _fernet(key_secrets()[0])


def keys() -> MultiFernet:
    return MultiFernet([_fernet(secret) for secret in key_secrets()])


def encrypt(value: str) -> str:
    return keys().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str | None:
    """The plain text, "" for nothing stored, None when no configured key opens it."""
    if not token:
        return ""
    try:
        return keys().decrypt(token.encode()).decode()
    except InvalidToken:
        return None


CURRENT, ROTATED, UNREADABLE = "current", "rotated", "unreadable"


@dataclass(frozen=True)
class Rotation:
    state: str  # CURRENT (already under the current key), ROTATED, or UNREADABLE (left as it was)
    token: str


def rotate(token: str) -> Rotation:
    """The token under the current key. A token already under it is kept as it is, so rotating twice
    changes nothing; one that no configured key opens is returned untouched, never lost."""
    if not token:
        return Rotation(CURRENT, token)
    try:
        fernet().decrypt(token.encode())
        return Rotation(CURRENT, token)
    except InvalidToken:
        pass
    try:
        return Rotation(ROTATED, keys().rotate(token.encode()).decode())
    except InvalidToken:
        return Rotation(UNREADABLE, token)
