"""Background work for alerts: the fan-out, sending on each channel, scheduled sending, expiry."""

from __future__ import annotations

from binhan.core.tasks import background, run_every


@background(retries=5, backoff_seconds=5)
def fan_out(*, alert_id: int) -> int:
    """Record a sent alert for every recipient; safe to run again (it resumes and never doubles)."""
    from binhan.alerts import delivery

    return delivery.fan_out(alert_id)


@background(retries=3, backoff_seconds=30)
def send_deliveries() -> int:
    """Send what is due on the person channels (email, SMS, Web Push), in rounds until none is left."""
    from binhan.alerts import delivery

    total = 0
    while True:
        handled = delivery.send_due_deliveries()
        total += handled
        if not handled:
            return total


@background(retries=1)
def send_scheduled_alerts() -> int:
    from binhan.alerts import services

    return services.send_due()


@background(retries=1)
def expire_alerts() -> int:
    from binhan.alerts import services

    return services.expire_due()


@background(retries=1)
def resume_fan_outs() -> int:
    """A fan-out whose worker died is picked up again."""
    from binhan.alerts import delivery

    return delivery.resume_stalled()


# Scheduled alerts and retries are minutes apart: look every minute.
run_every(60, send_scheduled_alerts)
run_every(60, send_deliveries)
run_every(300, expire_alerts)
run_every(300, resume_fan_outs)
