"""Pages of mediation cases: the mediator's phone page, the register, intake, a case and its actions, minutes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhan.core import scoping
from binhan.core.exceptions import ServiceError
from binhan.mediation import forms
from binhan.mediation.models import CaseStatus, Source
from binhan.mediation.selectors import cases as selectors
from binhan.mediation.selectors import teams as team_selectors
from binhan.mediation.services import cases as services
from binhan.mediation.services._common import can_lead_case, can_open_case, can_work_case
from binhan.mediation.views._common import (
    attach_error,
    page_of,
    pdf_response,
    query_without_page,
    render_form,
    require_staff,
)
from binhan.reports.models import Report


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The mediator's phone page: today's sessions and their pending cases, late starts first."""
    require_staff(request)
    return render_form(request, "mediation/home.html", {
        "sessions": list(selectors.todays_sessions(viewer=request.user)),
        "cases": list(selectors.my_cases(viewer=request.user)[:50]),
        "follow_ups": list(selectors.follow_ups_due(viewer=request.user)[:50]),
        "today": timezone.localdate(),
    })


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the viewer may read (supervisors: their communes; mediators: their own)."""
    require_staff(request)
    form = forms.CaseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    team_id = request.GET.get("team")
    team = team_selectors.team_get(viewer=request.user, pk=int(team_id)) if team_id and team_id.isdigit() else None
    filters = selectors.CaseFilters(status=data.get("status") or "", year=data.get("year"),
                                    late_only=bool(data.get("late")), team_id=team.pk if team else None)
    return render_form(request, "mediation/case_list.html", {
        "form": form, "team": team, "today": timezone.localdate(),
        "page": page_of(request, selectors.case_list(viewer=request.user, filters=filters)),
        "querystring": query_without_page(request),
    }, form)


def _report_for(request: HttpRequest) -> Report | None:
    report_id = request.GET.get("report") or request.POST.get("report")
    if not report_id:
        return None
    if not str(report_id).isdigit():
        raise Http404
    return scoping.get_visible_or_404(Report.objects.select_related("category", "unit"), request.user,
                                      pk=int(report_id))


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    """Staff intake: the parties, the dispute, and the law's exclusions checklist in one form."""
    require_staff(request)
    report = _report_for(request)
    team_id = request.GET.get("team") or ""
    if report is not None:
        team = team_selectors.team_for_group(unit=report.unit)
        if team is None:
            raise Http404
        team = team_selectors.team_get(viewer=request.user, pk=team.pk)
    elif team_id.isdigit():
        team = team_selectors.team_get(viewer=request.user, pk=int(team_id))
    else:
        raise Http404
    if not can_open_case(request.user, team):
        raise PermissionDenied(_("Only this team's mediators and the commune may open its cases."))
    initial = {}
    if report is not None:
        initial = {"source": Source.REPORT, "dispute_type": "noise_environment", "description": report.description}
    form = forms.CaseForm(request.POST or None, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_create(
                actor=request.user, team=team, source=data["source"], dispute_type=data["dispute_type"],
                description=data["description"], parties=form.parties(), received_on=data["received_on"],
                exclusions=data["exclusions"], referred_to=data["referred_to"],
                referral_reason=data["referral_reason"], report=report, agency=data["agency"],
                documents=data["documents"], preferred_mediator=data["preferred_mediator"])
        except ServiceError as error:
            attach_error(form, error)
        else:
            if case.status == CaseStatus.REFERRED:
                messages.warning(request, _("The matter cannot be mediated: it was recorded and referred."))
            else:
                messages.success(request, _("The case was opened. Assign its mediators next."))
            return redirect("mediation:case_detail", pk=case.pk)
    return render_form(request, "mediation/case_form.html", {"form": form, "team": team, "report": report}, form)


FORMS = {"intake": forms.IntakeFields, "assign": forms.AssignForm, "interest": forms.InterestForm,
         "session": forms.SessionForm, "outcome": forms.OutcomeForm, "reopen": forms.ReasonForm,
         "document": forms.DocumentForm}
TEAM_FORMS = {"assign", "interest", "session"}


def _form(action: str, case, data=None, files=None):
    form_class = FORMS[action]
    options = {"auto_id": f"id_{action}_%s"}  # several forms on one page: ids stay unique
    if action in TEAM_FORMS:
        options["team"] = case.team
    return form_class(data, files, **options)


def _detail_context(request: HttpRequest, case, bound: dict | None = None) -> dict:
    bound = bound or {}
    lead, work = can_lead_case(request.user, case), can_work_case(request.user, case)
    allowed = {
        "intake": lead and case.status == CaseStatus.RECEIVED,
        "assign": lead and case.status in (CaseStatus.OPEN, CaseStatus.ASSIGNED),
        "interest": case.status in (CaseStatus.RECEIVED, CaseStatus.OPEN, CaseStatus.ASSIGNED),
        "session": work and case.status in (CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS),
        "outcome": work and case.status == CaseStatus.IN_PROGRESS,
        "reopen": work and case.status == CaseStatus.SUCCESSFUL,
        "document": work and case.status != CaseStatus.REFERRED,
    }
    action_forms = {name: bound.get(name) or _form(name, case) for name, shown in allowed.items() if shown}
    return {"case": case, "parties": selectors.case_parties(case=case),
            "sessions": selectors.case_sessions(case=case), "assigned": selectors.case_assigned(case=case),
            "interests": selectors.case_interests(case=case), "forms": action_forms,
            "documents": list(case.files.all()),
            "today": timezone.localdate()}


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    case = selectors.case_get(viewer=request.user, pk=pk)
    services.case_record_read(actor=request.user, case=case)
    return render_form(request, "mediation/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require_staff(request)
    case = selectors.case_get(viewer=request.user, pk=pk)
    if action not in FORMS:
        raise Http404
    form = _form(action, case, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _run(request.user, case, action, data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("mediation:case_detail", pk=case.pk)
    case.refresh_from_db()
    return render_form(request, "mediation/case_detail.html", _detail_context(request, case, {action: form}), form)


def _run(actor, case, action: str, data: dict) -> None:
    if action == "intake":
        services.case_intake(actor=actor, case=case, **data)
    elif action == "assign":
        services.case_assign(actor=actor, case=case, mediators=list(data["mediators"]),
                             chosen_by_parties=data["chosen_by_parties"])
    elif action == "interest":
        services.interest_declare(actor=actor, case=case, **data)
    elif action == "session":
        services.session_record(actor=actor, case=case, held_at=data["held_at"], place=data["place"],
                                mediators=list(data["mediators"]), invitees=data["invitees"],
                                requests=data["requests"], agreed=data["agreed"])
    elif action == "outcome":
        services.case_close(actor=actor, case=case, **data)
    elif action == "document":
        services.document_add(actor=actor, case=case, title=data["title"], upload=data["file"])
    else:
        services.case_reopen(actor=actor, case=case, reason=data["reason"])


@login_required
def document_file(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    """A case's document or photo, for those who may read the case; every opening is audited."""
    require_staff(request)
    case = selectors.case_get(viewer=request.user, pk=pk)
    document = case.files.filter(pk=document_id).first()
    if document is None:
        raise Http404
    services.case_record_read(actor=request.user, case=case, what="document")
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = "inline" if document.content_type.startswith("image/") else "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=600"
    return response


@login_required
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes of a concluded mediation, printable and signable (A4)."""
    require_staff(request)
    case = selectors.case_get(viewer=request.user, pk=pk)
    if not case.is_closed:
        raise Http404
    services.case_record_read(actor=request.user, case=case, what="minutes")
    context = {"case": case, "parties": selectors.case_parties(case=case),
               "sessions": selectors.case_sessions(case=case), "assigned": selectors.case_assigned(case=case)}
    return pdf_response(request, "mediation/minutes_print.html", context, f"bien-ban-{case.reference}.pdf")
