"""Indicators fed by alerts: sent, households reached, acknowledgements."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from binhan.stats.registry import Contribution, Indicator, Source, local_day, register

register(Indicator(
    code="alerts.sent", name=_("Alerts sent"), unit=_("alerts"), domain="alerts", order=10,
    definition=_("Alerts sent by the unit or the units under it, on the day they were sent."),
))
register(Indicator(
    code="alerts.reached", name=_("Households reached by alerts"), unit=_("households"), domain="alerts",
    order=20, higher_is_better=True,
    definition=_("In-app deliveries to households that arrived, counted where the household lives, on the day "
                 "the alert was sent."),
))
register(Indicator(
    code="alerts.acknowledged", name=_("Alert acknowledgements"), unit=_("acknowledgements"), domain="alerts",
    order=30, higher_is_better=True,
    definition=_("“I have read this” answers, counted where the recipient lives, on the day the alert was sent."),
))
register(Indicator(
    code="alerts.acknowledgement_rate", name=_("Alert acknowledgement rate"), unit="%", domain="alerts", order=40,
    aggregation="ratio", numerator="alerts.acknowledged", denominator="alerts.reached", higher_is_better=True,
    definition=_("Acknowledgements among the households reached."),
))


class AlertSource(Source):
    name = "alerts.alert"
    # Not "alert.delivered": it comes once per fan-out batch; the fan-out's end is enough.
    events = ("alert.sent", "alert.fanout_done", "alert.acknowledged", "alert.cancelled", "alert.expired")
    payload_id = "alert_id"
    batch_size = 500

    def queryset(self):
        from binhan.alerts.models import Alert

        return Alert.objects.only("id", "unit_path", "status", "sent_at")

    def contributions(self, alert):
        from binhan.alerts.models import Acknowledgement, Channel, Delivery, DeliveryStatus

        if alert.sent_at is None:
            return
        day = local_day(alert.sent_at)
        yield Contribution("alerts.sent", alert.unit_path, day, "", 1)
        reached = (Delivery.objects.filter(alert_id=alert.pk, household__isnull=False, channel=Channel.INAPP,
                                           status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.READ])
                   .values_list("unit__path").annotate(n=Count("id")).order_by())
        for path, n in reached:
            yield Contribution("alerts.reached", path, day, "", n)
        acks = (Acknowledgement.objects.filter(alert_id=alert.pk).values_list("unit_path")
                .annotate(n=Count("id")).order_by())
        for path, n in acks:
            yield Contribution("alerts.acknowledged", path, day, "", n)


register(AlertSource())
