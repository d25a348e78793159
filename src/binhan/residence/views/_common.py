"""What the stay pages share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from binhan.residence import selectors


def require_police(request) -> None:
    if not selectors.is_police(request.user):
        raise PermissionDenied(_("The stay-receipt book is for the police."))
