"""Background work for reports: telling reporters by email, escalating overdue urgent reports."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from binhan.core.tasks import background, run_every


@background(retries=5, backoff_seconds=60)
def email_reporter(*, report_id: int, update_id: int | None = None) -> bool:
    """Send the reporter the new status or public note, when they gave an email address."""
    from binhan.reports.models import Report, Update

    report = Report.objects.select_related("category", "reporter").filter(pk=report_id).first()
    if report is None or report.is_anonymous:
        return False
    address = report.reporter_email or (report.reporter.email if report.reporter else "")
    if not address:
        return False
    update = Update.objects.filter(pk=update_id, report=report).first() if update_id else None
    language = (report.reporter.preferred_language if report.reporter else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"report": report, "update": update}
        subject = render_to_string("reports/email_subject.txt", context).strip()
        body = render_to_string("reports/email_body.txt", context)
    send_mail(subject, body, None, [address])
    return True


@background(retries=1)
def escalate_overdue_reports() -> int:
    from binhan.reports.services import escalate_overdue

    return escalate_overdue()


# Urgent targets are minutes long: look every minute.
run_every(60, escalate_overdue_reports)
