"""SMS through a gateway adapter (binhan.alerts.sms): a file or console backend by default, HTTP when set."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from binhan.alerts import sms
from binhan.alerts.channels.base import Channel, Message, Outcome


class SmsChannel(Channel):
    def send(self, delivery, message: Message) -> Outcome:
        phone = (delivery.user.phone or "").strip() if delivery.user else ""
        if not phone:
            return Outcome(ok=False, error="no phone number", permanent=True)
        with translation.override(message.language):
            text = render_to_string("alerts/sms.txt", {"message": message}).strip()
        try:
            sms.get_backend().send(phone, text)
        except sms.PermanentSmsError as error:
            return Outcome(ok=False, error=str(error)[:255], permanent=True)
        return Outcome(ok=True)
