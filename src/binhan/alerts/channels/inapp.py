"""In-app: the household's inbox. The fan-out writes these rows already delivered; nothing to send."""

from binhan.alerts.channels.base import Channel, Message, Outcome


class InAppChannel(Channel):
    per_person = False

    def send(self, delivery, message: Message) -> Outcome:
        return Outcome(ok=True, delivered=True)
