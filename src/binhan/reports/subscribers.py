"""What happens after a report changes: the reporter is told by email (in the background)."""

from binhan.core import events
from binhan.core.models import OutboxEvent


@events.subscribe("report.status_changed")
@events.subscribe("report.public_update")
def tell_reporter(event: OutboxEvent) -> None:
    from binhan.reports.tasks import email_reporter

    email_reporter.enqueue(report_id=event.payload["report_id"], update_id=event.payload.get("update_id"))
