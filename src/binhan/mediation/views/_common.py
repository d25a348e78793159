"""What the mediation pages share (the community pages' helpers, and PDF answers)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from binhan.community.views._common import (
    attach_error,
    page_of,
    query_without_page,
    render_form,
    require_staff,
)
from binhan.mediation.exports import pdf_from_html

__all__ = ["attach_error", "page_of", "pdf_response", "query_without_page", "render_form", "require_staff"]


def pdf_response(request: HttpRequest, template: str, context: dict, filename: str) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    pdf = pdf_from_html(html)
    if pdf is None:
        return HttpResponse(_("PDF printing is not installed on this server. Use your browser's Print instead."),
                            status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
