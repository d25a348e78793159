"""Email through Django's mail backend, with a one-click unsubscribe header (RFC 8058)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from binhan.alerts.channels.base import Channel, Message, Outcome


class EmailChannel(Channel):
    def send(self, delivery, message: Message) -> Outcome:
        address = (delivery.user.email or "").strip() if delivery.user else ""
        if not address:
            return Outcome(ok=False, error="no email address", permanent=True)
        with translation.override(message.language):
            subject = render_to_string("alerts/email_subject.txt", {"message": message}).strip()
            body = render_to_string("alerts/email_body.txt", {"message": message})
        email = EmailMessage(subject, body, to=[address], headers={
            "List-Unsubscribe": f"<{message.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        })
        email.send()
        return Outcome(ok=True)
