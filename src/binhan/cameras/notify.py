"""A footage request on the owner's alert channels (Web Push, SMS), through the alerts app's channel classes.

The owner chose these channels in their alert subscription (`/alerts/subscription/`); a request goes
only where they opted in. Email (always, to the owner's address) and the in-app list ("My cameras")
do not depend on this. What leaves through a push service or an SMS gateway is only what the owner
needs to find the request: its reference, the window, the deadline and a link; never the reason,
the investigator's contact or the camera.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

# The alerts channels a footage request may take, besides the email the cameras app sends itself.
CHANNELS = ("webpush", "sms")


class RetryLater(Exception):
    """The channel failed for now (a gateway's hiccup): the task is retried with a backoff."""


def _installed() -> bool:
    return apps.is_installed("binhan.alerts")


def owner_channels(owner) -> list[str]:
    """The channels among CHANNELS the owner opted into and this installation can send on."""
    if owner is None or not owner.is_active or not _installed():
        return []
    from binhan.alerts import channels
    from binhan.alerts.services import subscription_of

    chosen = subscription_of(owner).channels()
    found = []
    for code in CHANNELS:
        channel = channels.get(code)
        if code in chosen and channel is not None and channel.is_available():
            found.append(code)
    return found


def quiet_until(owner, now=None):
    """When the owner's quiet hours end, if they are in them now (a request is never urgent enough)."""
    from binhan.alerts.services import quiet_until as alerts_quiet_until
    from binhan.alerts.services import subscription_of

    return alerts_quiet_until(subscription_of(owner), severity="minor", now=now or timezone.now())


def message_for(request, owner):
    """The request as a channel message in the owner's language: reference, window, deadline, link."""
    from binhan.alerts import channels, conf

    language = (owner.preferred_language or settings.LANGUAGE_CODE)[:2]
    base = (conf.get("BINHAN_SITE_URL", "") or "http://localhost:8000").rstrip("/")

    def when(value) -> str:
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")

    with translation.override(language):
        title = _("Footage request %(reference)s") % {"reference": request.case_reference}
        body = _("The police ask for your camera's footage from %(start)s to %(end)s. Please answer by "
                 "%(deadline)s; you may refuse.") % {"start": when(request.window_start),
                                                     "end": when(request.window_end),
                                                     "deadline": when(request.deadline)}
        return channels.Message(alert_id=0, title=title, body=body, instruction="", severity="minor",
                                severity_label=_("Camera"),
                                url=base + reverse("cameras:owner_request", args=[request.pk]),
                                unsubscribe_url=base + reverse("alerts:subscription"), language=language)


def send(request, owner, code: str) -> bool:
    """Hand the request to one of the owner's channels. True if it went; False if it cannot go (opted
    out since, no phone or browser left): nothing to retry. Raises RetryLater on a passing failure."""
    if code not in owner_channels(owner):
        return False
    from binhan.alerts import channels

    channel = channels.get(code)
    try:
        outcome = channel.send(SimpleNamespace(user=owner, user_id=owner.pk, channel=code),
                               message_for(request, owner))
    except Exception as error:  # the alerts sending loop treats these as passing, too
        raise RetryLater(f"{type(error).__name__}: {error}") from error
    if outcome.ok:
        return True
    if outcome.permanent:
        return False
    raise RetryLater(outcome.error)
