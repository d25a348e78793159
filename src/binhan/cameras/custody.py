"""The custody log of a footage request: every act on the request and its clips, from the audit log."""

from __future__ import annotations

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from binhan.cameras.models import FootageRequest
from binhan.core.models import AuditEvent


def custody_events(*, request: FootageRequest):
    footage_ids = [str(pk) for pk in request.footage.values_list("pk", flat=True)]
    return (AuditEvent.objects.filter(
        Q(object_type="cameras.footagerequest", object_id=str(request.pk))
        | Q(object_type="cameras.footage", object_id__in=footage_ids))
        .order_by("created_at", "id"))


def custody_html(*, request: FootageRequest) -> str:
    return render_to_string("cameras/custody.html", {
        "request": request, "footage": request.footage.all(), "events": custody_events(request=request),
        "generated_at": timezone.now(),
    })


def custody_pdf(*, request: FootageRequest) -> bytes:
    """The custody log as an A4 PDF (WeasyPrint)."""
    from weasyprint import HTML

    return HTML(string=custody_html(request=request)).write_pdf()
