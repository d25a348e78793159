"""The alerts app's settings, with their defaults (settings.py reads them from the environment)."""

from django.conf import settings

DEFAULT_CHANNELS = {
    "inapp": "binhan.alerts.channels.inapp.InAppChannel",
    "webpush": "binhan.alerts.channels.webpush.WebPushChannel",
    "email": "binhan.alerts.channels.email.EmailChannel",
    "sms": "binhan.alerts.channels.sms.SmsChannel",
}


def get(name: str, default=None):
    return getattr(settings, name, default)


def approval_severity() -> str:
    """Alerts at or above this severity need a second person's approval; "" means never."""
    return get("BINHAN_ALERTS_APPROVAL_SEVERITY", "")


def channels() -> dict[str, str]:
    return get("BINHAN_ALERTS_CHANNELS", None) or DEFAULT_CHANNELS


def fanout_groups() -> int:
    """Residential groups per fan-out transaction (about 200 households each in the demo)."""
    return int(get("BINHAN_ALERTS_FANOUT_GROUPS", 500))


def max_attachment_bytes() -> int:
    return int(get("BINHAN_ALERTS_MAX_ATTACHMENT_MB", 5)) * 1024 * 1024


def max_attempts() -> int:
    return int(get("BINHAN_ALERTS_MAX_ATTEMPTS", 5))


def retry_backoff_seconds() -> int:
    return int(get("BINHAN_ALERTS_RETRY_SECONDS", 30))
