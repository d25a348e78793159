"""Writes about people: registration, memberships, API tokens. Each one is audited."""

from __future__ import annotations

import hmac
import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.models import ApiToken, Membership, User
from binhan.accounts.roles import GRANTING_ROLES, ROLE_LEVEL, Role
from binhan.core import audit, events, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo.models import AdministrativeUnit, Household, Level

PHONE_RE = re.compile(r"^\+?[0-9]{9,15}$")


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s.()-]", "", phone or "")


@transaction.atomic
def resident_register(
    *, phone: str = "", email: str = "", password: str, full_name: str, group: AdministrativeUnit,
    household: Household | None = None, language: str = "",
) -> User:
    """A resident signs up with a phone number or an email address and chooses their residential group."""
    phone = normalise_phone(phone)
    email = (email or "").strip().lower()
    if not phone and not email:
        raise ServiceError(_("Give a phone number or an email address."), field="phone")
    if phone and not PHONE_RE.match(phone):
        raise ServiceError(_("Enter a phone number of 9 to 15 digits, e.g. 0912345678."), field="phone")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(_("Enter a valid email address."), field="email") from None
    if group.level != Level.GROUP:
        raise ServiceError(_("Choose a residential group or village."), field="group")
    if household is not None and household.unit_id != group.pk:
        raise ServiceError(_("That household is not in the chosen group."), field="household")
    if phone and User.objects.filter(phone=phone).exists():
        raise ServiceError(_("An account with this phone number already exists. Try signing in."), field="phone")
    if email and User.objects.filter(email__iexact=email).exists():
        raise ServiceError(_("An account with this email address already exists. Try signing in."), field="email")
    first, _sep, last = full_name.strip().rpartition(" ")
    user = User(
        username=phone or email, phone=phone or None, email=email, first_name=first or last,
        last_name=last if first else "", preferred_language=language, household=household,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages), field="password") from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership.objects.create(user=user, unit=group, unit_path=group.path, role=Role.RESIDENT)
    audit.record(actor=user, action="user.register", obj=user, unit_path=group.path,
                 changes={"role": [None, Role.RESIDENT], "unit": [None, group.code]})
    events.publish("membership.granted", unit_path=group.path, membership_id=membership.pk)
    return user


def can_grant(*, actor, unit: AdministrativeUnit) -> bool:
    """Staff grant roles only at units strictly below one where they hold a granting role."""
    granting = scoping.scope_paths(actor, GRANTING_ROLES)
    if granting is scoping.EVERYTHING:
        return True
    return any(unit.path.startswith(p) and unit.path != p for p in granting)


@transaction.atomic
def membership_grant(*, actor, user: User, unit: AdministrativeUnit, role: str) -> Membership:
    """A higher unit's staff give someone a role at a unit under theirs."""
    if role not in Role.values:
        raise ServiceError(_("Unknown role."), field="role")
    if not can_grant(actor=actor, unit=unit):
        raise PermissionDeniedError(_("Only staff of a higher unit may grant roles here."))
    if role == Role.ADMIN and not (actor.is_superuser or Role.ADMIN in actor.roles()):
        raise PermissionDeniedError(_("Only an administrator may make someone an administrator."))
    expected_level = ROLE_LEVEL[Role(role)]
    if role not in (Role.AUDITOR,) and unit.level != expected_level:
        raise ServiceError(
            _("The role “%(role)s” can only be granted at the level “%(level)s”.")
            % {"role": Role(role).label, "level": Level(expected_level).label},
            field="unit",
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, unit=unit, unit_path=unit.path, role=role, granted_by=actor
            )
    except IntegrityError:
        raise ServiceError(_("This person already holds that role at this unit."), field="role") from None
    audit.record(actor=actor, action="membership.grant", obj=membership, unit_path=unit.path,
                 changes={"user": [None, user.get_username()], "role": [None, role], "unit": [None, unit.code]})
    events.publish("membership.granted", unit_path=unit.path, membership_id=membership.pk)
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> None:
    if not can_grant(actor=actor, unit=membership.unit):
        raise PermissionDeniedError(_("Only staff of a higher unit may remove roles here."))
    audit.record(actor=actor, action="membership.revoke", obj=membership, unit_path=membership.unit_path,
                 changes={"user": [membership.user.get_username(), None], "role": [membership.role, None]})
    events.publish("membership.revoked", unit_path=membership.unit_path, user_id=membership.user_id)
    membership.delete()


@transaction.atomic
def api_token_create(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for a program. The full token is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the token a name, e.g. the program that will use it."), field="name")
    if actor is not None and actor != user and not actor.is_superuser:
        raise PermissionDeniedError(_("You may only create tokens for yourself."))
    full, key_id, key_hash = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name[:100], key_id=key_id, key_hash=key_hash)
    audit.record(actor=actor, action="api_token.create", obj=token, unit_path=audit.user_unit_path(user),
                 changes={"name": [None, token.name], "user": [None, user.get_username()]})
    return token, full


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if actor != token.user and not actor.is_superuser:
        raise PermissionDeniedError(_("You may only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="api_token.revoke", obj=token, unit_path=audit.user_unit_path(token.user))
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The user behind a presented token, or None for an unknown, malformed or revoked one."""
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    key_id, _sep, secret = raw[len(ApiToken.PREFIX):].partition("_")
    token = ApiToken.objects.active().select_related("user").filter(key_id=key_id).first()
    if token is None or not token.user.is_active:
        return None
    if not hmac.compare_digest(token.key_hash, ApiToken.hash_secret(secret)):
        return None
    token.mark_used()
    return token.user


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> None:
    if actor.preferred_language != language:
        audit.record(actor=actor, action="user.set_language", obj=actor,
                     changes={"preferred_language": [actor.preferred_language, language]})
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])

