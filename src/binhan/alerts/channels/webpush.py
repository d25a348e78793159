"""Web Push with VAPID keys (pywebpush). Without keys in the settings the channel is off."""

from __future__ import annotations

import json

from binhan.alerts import conf
from binhan.alerts.channels.base import Channel, Message, Outcome


class WebPushChannel(Channel):
    batch_size = 100

    def is_available(self) -> bool:
        if not (conf.get("BINHAN_VAPID_PRIVATE_KEY") and conf.get("BINHAN_VAPID_PUBLIC_KEY")):
            return False
        try:
            import pywebpush  # noqa: F401
        except ImportError:
            return False
        return True

    def send(self, delivery, message: Message) -> Outcome:
        from pywebpush import WebPushException, webpush

        from binhan.alerts.models import PushSubscription

        endpoints = list(PushSubscription.objects.filter(user_id=delivery.user_id))
        if not endpoints:
            return Outcome(ok=False, error="no browser registered for notifications", permanent=True)
        data = json.dumps({"title": message.title, "body": message.body[:300], "url": message.url,
                           "severity": message.severity})
        claims = {"sub": conf.get("BINHAN_VAPID_SUBJECT") or "mailto:admin@binhan.local"}
        sent = 0
        for endpoint in endpoints:
            try:
                webpush(subscription_info={"endpoint": endpoint.endpoint,
                                           "keys": {"p256dh": endpoint.p256dh, "auth": endpoint.auth}},
                        data=data, vapid_private_key=conf.get("BINHAN_VAPID_PRIVATE_KEY"),
                        vapid_claims=dict(claims), timeout=10)
                sent += 1
            except WebPushException as error:
                status = getattr(error.response, "status_code", None)
                if status in (404, 410):  # the browser dropped the subscription
                    endpoint.delete()
                    continue
                raise
        if not sent:
            return Outcome(ok=False, error="every browser subscription has expired", permanent=True)
        return Outcome(ok=True)
