"""Pages of the self-management models register: the list, a model's page and its lifecycle actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhan.community import forms
from binhan.community.models import ModelDocument, ModelStatus, SecurityTeam
from binhan.community.roles import MANAGER_ROLES
from binhan.community.selectors import selfmanagement as selectors
from binhan.community.services import selfmanagement as services
from binhan.community.services._common import can_manage
from binhan.community.views._common import (
    attach_error,
    page_of,
    query_without_page,
    render_form,
    require_staff,
)
from binhan.core import scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo import selectors as geo_selectors


def filters_from(form: forms.ModelFilterForm) -> selectors.ModelFilters:
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    unit = data.get("unit")
    return selectors.ModelFilters(
        query=(data.get("q") or "").strip(), type_id=data["type"].pk if data.get("type") else None,
        status=data.get("status") or "", unit_path=unit.path if unit else "",
        recognised=bool(data.get("recognised")), not_effective=bool(data.get("not_effective")))


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    """The register of models: search, filters, exports; the sites are on the map."""
    require_staff(request)
    form = forms.ModelFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render_form(request, "community/model_list.html", {"form": form, "page": None}, form)
    models = selectors.model_list(viewer=request.user, filters=filters_from(form))
    return render_form(request, "community/model_list.html", {
        "form": form, "page": page_of(request, models), "querystring": query_without_page(request),
        "can_create": scoping.scope_paths(request.user, roles=MANAGER_ROLES) != [],
    })


@login_required
def model_create(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = forms.ModelCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            model = services.model_create(actor=request.user, unit=data["unit"], model_type=data["model_type"],
                                          name=data["name"], description=data["description"],
                                          started_on=data["started_on"])
        except ServiceError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("The model was added to the register as proposed."))
            return redirect("community:model_detail", pk=model.pk)
    return render_form(request, "community/model_form.html", {"form": form}, form)


ACTION_FORMS = {
    "rate": forms.ModelRateForm, "recognise": forms.ModelRecogniseForm, "replicate": forms.ModelReplicateForm,
    "end": forms.ModelEndForm, "site": forms.SiteForm, "team": forms.ModelTeamForm, "member": forms.ModelMemberForm,
    "funding": forms.FundingForm, "document": forms.DocumentForm,
}


def _detail(request: HttpRequest, model, bound: dict | None = None) -> HttpResponse:
    bound = bound or {}
    action_forms = {name: bound.get(name) or form_class() for name, form_class in ACTION_FORMS.items()}
    return render_form(request, "community/model_detail.html", {
        "model": model, "parts": selectors.model_parts(model=model), "forms": action_forms,
        "can_manage": can_manage(request.user, model.unit_path),
        "breadcrumb": geo_selectors.unit_breadcrumb(model.unit), "ModelStatus": ModelStatus,
    }, *bound.values())


@login_required
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    return _detail(request, selectors.model_get(viewer=request.user, pk=pk))


def _run(request: HttpRequest, model, action: str, form):
    data = form.cleaned_data if form is not None else {}
    actor = request.user
    if action == "start":
        services.model_start(actor=actor, model=model)
        return _("The model is now running."), model
    if action == "rate":
        services.model_rate(actor=actor, model=model, year=data["year"], result=data["result"],
                            evidence=data["evidence"])
        return _("The rating was recorded."), model
    if action == "recognise":
        services.model_recognise(actor=actor, model=model, level=data["level"],
                                 decision_number=data["decision_number"], decision_date=data["decision_date"],
                                 issued_by=data["issued_by"])
        return _("The recognition was recorded."), model
    if action == "replicate":
        replica = services.model_replicate(actor=actor, original=model, unit=data["unit"], name=data["name"],
                                           started_on=data["started_on"])
        return _("The model was replicated; this is the new model."), replica
    if action == "end":
        services.model_end(actor=actor, model=model, reason=data["reason"], ended_on=data["ended_on"])
        return _("The model has ended."), model
    if action == "site":
        services.site_add(actor=actor, model=model, unit=data["unit"], since=data["since"], note=data["note"])
        return _("The site was added."), model
    if action == "team":
        team = None
        if data.get("security_team"):
            team = SecurityTeam.objects.filter(pk=data["security_team"]).first()
            if team is None or not scoping.can_see_path(actor, team.unit_path):
                raise ServiceError(_("No security team with this number in your area."), field="security_team")
        services.team_link(actor=actor, model=model, name=data["name"], security_team=team,
                           member_count=data.get("member_count") or 0)
        return _("The team was added."), model
    if action == "member":
        services.member_add(actor=actor, model=model, full_name=data["full_name"], role=data["role"],
                            phone=data["phone"])
        return _("The member was added."), model
    if action == "funding":
        services.funding_add(actor=actor, model=model, source=data["source"], amount=data["amount"],
                             year=data["year"], note=data["note"])
        return _("The funding was recorded."), model
    services.document_add(actor=actor, model=model, kind=data["kind"], title=data["title"], upload=data["file"])
    return _("The file was added."), model


@require_POST
@login_required
def model_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the lifecycle, or something added to the model (sites, teams, members, funding, files)."""
    require_staff(request)
    if action not in ACTION_FORMS and action != "start":
        raise Http404
    model = selectors.model_get(viewer=request.user, pk=pk)
    form_class = ACTION_FORMS.get(action)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        return _detail(request, model, {action: form})
    try:
        message, target = _run(request, model, action, form)
    except ServiceError as error:
        if form is None:
            messages.error(request, error.message)
        else:
            attach_error(form, error)
        response = _detail(request, model, {action: form} if form is not None else None)
        response.status_code = 403 if isinstance(error, PermissionDeniedError) else 400
        return response
    messages.success(request, message)
    return redirect("community:model_detail", pk=target.pk)


@login_required
def document_file(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    """A model's document or photo, for staff of its area; every opening is audited."""
    require_staff(request)
    model = selectors.model_get(viewer=request.user, pk=pk)
    document = ModelDocument.objects.filter(pk=document_id, model=model).first()
    if document is None:
        raise Http404
    services.document_read(actor=request.user, document=document)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = "inline" if document.kind == ModelDocument.Kind.PHOTO else "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=600"
    return response
