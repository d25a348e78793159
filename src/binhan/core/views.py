"""Shell pages: home for each kind of user, the audit log, language, errors."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from binhan.accounts import services as account_services
from binhan.core import audit, selectors
from binhan.core.forms import AuditFilterForm
from binhan.geo import selectors as geo_selectors


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "core/landing.html")
    if user.is_staff_member:
        figures = geo_selectors.area_figures(viewer=user)
        units = geo_selectors.unit_roots(viewer=user)
        return render(request, "core/staff_home.html", {"figures": figures, "units": units})
    if user.is_auditor:
        return render(request, "core/auditor_home.html")
    group = _resident_group(user)
    figures = geo_selectors.group_figures(unit=group) if group else None
    return render(request, "core/resident_home.html", {"group": group, "figures": figures})


@login_required
def area_figures(request: HttpRequest) -> HttpResponse:
    """The figures block alone, re-fetched by the staff home when a live event says they changed."""
    if not request.user.is_staff_member:
        raise PermissionDenied
    figures = geo_selectors.area_figures(viewer=request.user)
    return render(request, "core/_area_figures_block.html", {"figures": figures})


def _resident_group(user):
    membership = user.memberships.select_related("unit").filter(role="resident").first()
    return membership.unit if membership else None


def scope(request: HttpRequest) -> HttpResponse:
    return render(request, "core/scope.html")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's switcher (cookie), and for a signed-in user the choice is kept on their account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        account_services.user_set_language(actor=request.user, language=language)
    return response


def _require_auditor(request: HttpRequest) -> None:
    if not (request.user.is_auditor or request.user.is_superuser):
        raise PermissionDenied(_("Only auditors may read the audit log."))


def _audit_filters(form: AuditFilterForm) -> selectors.AuditFilters:
    data = form.cleaned_data
    since, until = form.date_bounds()
    return selectors.AuditFilters(
        actor=data.get("actor", "").strip(), action=data.get("action", "").strip(),
        object_type=data.get("object_type", "").strip(), object_id=data.get("object_id", "").strip(),
        unit_path=form.unit_path, since=since, until=until,
    )


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    form = AuditFilterForm(request.GET or None)
    events = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        status = 200
        if not form.is_bound:
            form = AuditFilterForm({})
            form.is_valid()
        events = selectors.audit_event_list(viewer=request.user, filters=_audit_filters(form))
    page = Paginator(events.select_related(None), 50).get_page(request.GET.get("page")) if events is not None else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "core/audit_log.html", {"form": form, "page": page, "query": query.urlencode()}, status=status
    )


class _Echo:
    def write(self, value):
        return value


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered audit log as CSV; the export itself is audited."""
    _require_auditor(request)
    form = AuditFilterForm(request.GET or {})
    if not form.is_valid():
        return HttpResponse(_("The filters are not valid: %(errors)s") % {"errors": form.errors.as_text()},
                            status=400, content_type="text/plain; charset=utf-8")
    filters = _audit_filters(form)
    events = selectors.audit_event_list(viewer=request.user, filters=filters)
    audit.record(actor=request.user, action="audit.export", object_type="core.auditevent",
                 changes={"filters": {k: str(v) for k, v in filters.__dict__.items() if v}})
    writer = csv.writer(_Echo())
    header = ["time", "actor", "action", "object_type", "object_id", "object", "unit_path", "ip", "purpose", "changes"]

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow([
                timezone.localtime(event.created_at).isoformat(), event.actor_label, event.action,
                event.object_type, event.object_id, _csv_safe(event.object_label), event.unit_path,
                event.ip or "", _csv_safe(event.purpose), _csv_safe(str(event.changes)),
            ])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.csv"'
    return response


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def bad_request(request, exception=None):
    return _error(request, 400, _("The request could not be understood."))


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else _("You do not have permission to see this page.")
    return _error(request, 403, message)


def page_not_found(request, exception=None):
    return _error(request, 404, _("This page does not exist, or you may not see it."))


def server_error(request):
    return _error(request, 500, _("Something went wrong on our side. It has been logged; please try again."))


def _error(request, status: int, message: str) -> HttpResponse:
    if request.path.startswith(("/api/", "/open311/")):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "core/error.html", {"status": status, "message": message}, status=status)
