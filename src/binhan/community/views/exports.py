"""Exports of the registers as CSV and XLSX, with the list's filters; every export is audited."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from binhan.community import exports, forms
from binhan.community.selectors import selfmanagement as model_selectors
from binhan.community.selectors import teams as team_selectors
from binhan.community.views import models as model_views
from binhan.community.views import teams as team_views
from binhan.community.views._common import render_form, require_staff
from binhan.core import ratelimit


def _table(request: HttpRequest, what: str):
    if what == "models":
        form = forms.ModelFilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return form, None, None
        filters = model_views.filters_from(form)
        return form, filters, exports.model_table(model_selectors.model_list(viewer=request.user, filters=filters))
    form = forms.TeamFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None, None
    filters = team_views.filters_from(form)
    return form, filters, exports.team_table(team_selectors.team_list(viewer=request.user, filters=filters))


@never_cache
@login_required
@ratelimit.rate_limit(scope="community-export", rate="20/10m", by="user", methods=("GET",))
def export(request: HttpRequest, what: str, file_format: str) -> HttpResponse:
    require_staff(request)
    form, filters, table = _table(request, what)
    if table is None:
        template = "community/model_list.html" if what == "models" else "community/team_list.html"
        return render_form(request, template, {"form": form, "page": None}, form)
    header, rows = table
    exports.record_export(viewer=request.user, what=what, file_format=file_format, filters=asdict(filters))
    if file_format == "csv":
        response = StreamingHttpResponse(exports.csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(what, "csv")}"'
        return response
    title = _("Self-management models") if what == "models" else _("Security teams")
    target, _count = exports.xlsx_file(header, rows, title)
    return FileResponse(target, as_attachment=True, filename=exports.filename(what, "xlsx"),
                        content_type=exports.XLSX_TYPE)
