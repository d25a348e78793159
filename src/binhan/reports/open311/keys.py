"""Open311 client keys: made by province staff (or an operator), shown once, kept only as a hash.

A key looks like `o311_<key id>_<secret>`, as the API tokens do: the key id finds the row,
the SHA-256 hash of the secret proves it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.core import audit, paths, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo.models import AdministrativeUnit, Level
from binhan.reports.models import Open311Client

PREFIX = "o311_"
MAX_RATE = 1000
# Who may create, list and revoke keys: the province's police and leaders, and administrators.
KEY_ROLES = frozenset({Role.PROVINCE_POLICE, Role.PROVINCE_LEADER, Role.ADMIN})


def hash_secret(secret: str) -> str:
    # 32 random bytes: a fast hash is enough, there is no dictionary to attack.
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key() -> tuple[str, str, str]:
    """(full key, key id, hash of the secret)."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{PREFIX}{key_id}_{secret}", key_id, hash_secret(secret)


def can_manage_keys(user) -> bool:
    return scoping.scope_paths(user, KEY_ROLES) != []


def _covers_nation(prefixes: list[str] | None) -> bool:
    return prefixes is scoping.EVERYTHING or any(len(paths.codes(p)) <= 1 for p in prefixes)


def provinces_for(user) -> QuerySet[AdministrativeUnit]:
    """The provinces for which `user` may make keys."""
    return scoping.visible(AdministrativeUnit.objects.filter(level=Level.PROVINCE), user,
                           roles=KEY_ROLES).order_by("name", "code")


def may_make_national_keys(user) -> bool:
    """A key with no province posts anywhere: only administrators of the nation make those."""
    return _covers_nation(scoping.scope_paths(user, KEY_ROLES))


def client_list(*, viewer) -> QuerySet[Open311Client]:
    """The keys of the provinces the viewer manages (and national keys for national administrators)."""
    prefixes = scoping.scope_paths(viewer, KEY_ROLES)
    clients = Open311Client.objects.select_related("province", "created_by")
    if prefixes is scoping.EVERYTHING:
        return clients
    if not prefixes:
        return clients.none()
    visible = paths.under_any("province__path", prefixes)
    if _covers_nation(prefixes):
        visible |= Q(province__isnull=True)
    return clients.filter(visible)


def _check_may_manage(actor, province: AdministrativeUnit | None) -> None:
    if actor is None:  # an operator on the server (`binhan open311-key`)
        return
    prefixes = scoping.scope_paths(actor, KEY_ROLES)
    if province is None:
        allowed = _covers_nation(prefixes)
    else:
        allowed = prefixes is scoping.EVERYTHING or paths.is_under(province.path, prefixes)
    if not allowed:
        raise PermissionDeniedError(_("Only the police and leaders of the province, and administrators, may manage "
                                      "Open311 keys."))


@transaction.atomic
def client_create(*, actor, name: str, province: AdministrativeUnit | None = None,
                  rate_per_second: int = 10) -> tuple[Open311Client, str]:
    """Give an application the right to post reports through Open311; the full key is returned once."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the key a name, e.g. the application that will use it."), field="name")
    if province is not None and province.level != Level.PROVINCE:
        raise ServiceError(_("Choose a province."), field="province")
    if not 1 <= int(rate_per_second) <= MAX_RATE:
        raise ServiceError(_("The rate must be between 1 and %(max)s requests per second.") % {"max": MAX_RATE},
                           field="rate_per_second")
    _check_may_manage(actor, province)
    full, key_id, key_hash = new_key()
    client = Open311Client(name=name[:120], province=province, key_id=key_id, key_hash=key_hash,
                           rate_per_second=int(rate_per_second),
                           created_by=actor if getattr(actor, "is_authenticated", False) else None)
    client.full_clean()
    client.save()
    audit.record(actor=actor, action="open311_client.create", obj=client,
                 unit_path=province.path if province else "",
                 changes={"name": [None, client.name], "key_id": [None, key_id],
                          "province": [None, province.code if province else None],
                          "rate_per_second": [None, client.rate_per_second]})
    return client, full


@transaction.atomic
def client_revoke(*, actor, client: Open311Client) -> Open311Client:
    """The key stops working at once; reports already sent stay."""
    _check_may_manage(actor, client.province)
    province = client.province
    client = Open311Client.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        transaction.on_commit(lambda: forget_key(client.key_id))
        audit.record(actor=actor, action="open311_client.revoke", obj=client,
                     unit_path=province.path if province else "",
                     changes={"revoked_at": [None, client.revoked_at]})
    return client


# key id → (client, when it was looked up): every POST presents its key, and the lookup was a
# fifth of an intake request. A key revoked by another server process stops working within
# `BINHAN_KEY_CACHE_SECONDS`; in the revoking process, at once.
_known: dict[str, tuple[Open311Client | None, float]] = {}


def _client_for(key_id: str) -> Open311Client | None:
    seconds = settings.BINHAN_KEY_CACHE_SECONDS
    now = time.monotonic()
    if seconds > 0:
        known = _known.get(key_id)
        if known is not None and now - known[1] <= seconds:
            return known[0]
    client = next(iter(Open311Client.objects.filter(key_id=key_id, revoked_at__isnull=True).order_by()[:1]), None)
    if seconds > 0:
        if len(_known) > 10_000:  # keys are few; a flood of made-up ids must not grow this forever
            _known.clear()
        _known[key_id] = (client, now)
    return client


def forget_key(key_id: str) -> None:
    _known.pop(key_id, None)


def client_authenticate(raw: str) -> Open311Client | None:
    """The client behind a presented key, or None for a missing, malformed, wrong or revoked one."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    key_id, _sep, secret = raw[len(PREFIX):].partition("_")
    if not key_id or not secret or len(key_id) > 20:
        return None
    client = _client_for(key_id)
    if client is None or not hmac.compare_digest(client.key_hash, hash_secret(secret)):
        return None
    return client
