"""Reminders through the alerts app's channels (email, SMS, Web Push), when the alerts app is installed.

The coupling is kept to the channel interface: a reminder is handed to each channel the person
chose in their alert subscription (`/alerts/subscription/`). The in-app reminder (`Reminder`
rows, shown on the team's page and the resident's equipment page) never depends on this.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def tell(user, *, title: str, body: str, path: str) -> int:
    """Hand one message to the person's chosen channels; returns how many took it.

    Pass `title` and `body` as lazy translations: they are read in the person's own language.
    """
    if user is None or not apps.is_installed("binhan.alerts"):
        return 0
    from binhan.alerts import channels, conf
    from binhan.alerts.services import subscription_of

    language = (user.preferred_language or settings.LANGUAGE_CODE)[:2]
    base = (conf.get("BINHAN_SITE_URL", "") or "http://localhost:8000").rstrip("/")
    with translation.override(language):
        message = channels.Message(alert_id=0, title=str(title), body=str(body), instruction="", severity="minor",
                                   severity_label=str(_("Fire safety")), url=base + path,
                                   unsubscribe_url=base + reverse("alerts:subscription"), language=language)
    sent = 0
    for code in subscription_of(user).channels():
        channel = channels.get(code)
        if channel is None or not channel.is_available():
            continue
        try:
            outcome = channel.send(SimpleNamespace(user=user, user_id=user.pk, channel=code), message)
        except Exception:  # a gateway failure must not stop the other reminders
            logger.exception("fire-safety reminder on %s failed", code)
            continue
        sent += int(outcome.ok)
    return sent
