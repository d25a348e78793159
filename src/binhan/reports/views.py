"""Pages for reports. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhan.accounts.forms import PurposeForm
from binhan.accounts.models import User
from binhan.core import audit, live, paths, ratelimit, scoping
from binhan.core.exceptions import ServiceError
from binhan.geo.models import AdministrativeUnit, Level
from binhan.reports import origins, panels, selectors, services
from binhan.reports.forms import (
    AssignForm,
    MergeForm,
    MessageForm,
    MoveForm,
    PriorityForm,
    QueueFilterForm,
    ReportForm,
    TransitionForm,
    UpdateForm,
)
from binhan.reports.models import Category, Media, Report, Status, parse_reference
from binhan.reports.roles import HANDLER_ROLES

SENT_SESSION_KEY = "binhan_report_sent"
REPORTER_EVENTS = ("report.status_changed", "report.public_update", "report.message")


def _answers_from(request: HttpRequest, category: Category | None) -> dict:
    if category is None:
        return {}
    answers = {}
    for question in category.questions:
        name = f"q_{question['code']}"
        answers[question["code"]] = (request.POST.getlist(name) if question.get("type") == "multiple"
                                     else request.POST.get(name, ""))
    return answers


def _report_key(request: HttpRequest) -> str:
    return f"ip:{audit.client_ip(request)}"


@ratelimit.rate_limit(scope="report-new", rate="10/10m", by=_report_key)
def report_new(request: HttpRequest) -> HttpResponse:
    """A resident tells the police what happened: named (signed in, or name and phone) or anonymously."""
    form = ReportForm(request.POST or None, request.FILES or None)
    signed_in = request.user.is_authenticated
    origin, origin_title = origins.checked(request.user, request.POST.get("origin") or request.GET.get("origin"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.report_create(
                category=data["category"], description=data["description"], group=data.get("group"),
                lat=data.get("lat"), lon=data.get("lon"), address=data.get("address", ""),
                answers=_answers_from(request, data["category"]), photos=data.get("photos") or [],
                video=data.get("video"), reporter=request.user if signed_in else None,
                reporter_name=data.get("reporter_name", ""), reporter_phone=data.get("reporter_phone", ""),
                reporter_email=data.get("reporter_email", ""), anonymous=data.get("anonymous", False),
                origin=origin,
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            # The code is shown once, on the next page, then forgotten: only its hash stays with the report.
            request.session[SENT_SESSION_KEY] = {"pk": created.report.pk, "code": created.followup_code}
            return redirect("reports:sent", pk=created.report.pk)
    categories = list(Category.objects.filter(is_active=True).order_by("order", "code"))
    chosen = form.data.get("category") if form.is_bound else request.GET.get("category")
    chosen_category = next((c for c in categories if str(c.pk) == str(chosen)), None)
    group_pk = form.data.get("group") if form.is_bound else None
    chosen_group = (AdministrativeUnit.objects.filter(pk=group_pk, level=Level.GROUP).select_related("parent")
                    .first() if group_pk and str(group_pk).isdigit() else None)
    if chosen_group is None and signed_in:
        membership = request.user.memberships.filter(role="resident").select_related("unit__parent").first()
        chosen_group = membership.unit if membership else None
    return render(request, "reports/new.html", {
        "form": form, "categories": categories, "chosen_category": chosen_category,
        "answers": _answers_from(request, chosen_category) if form.is_bound else {},
        "chosen_group": chosen_group, "signed_in": signed_in, "tile_url": settings.BINHAN_TILE_URL,
        "origin": origin, "origin_title": origin_title,
    }, status=400 if form.is_bound and form.errors else 200)


def category_questions(request: HttpRequest) -> HttpResponse:
    """The extra questions of one category, fetched by the form when the category changes."""
    category = Category.objects.filter(pk=request.GET.get("category") or 0, is_active=True).first() if (
        request.GET.get("category") or "").isdigit() else None
    return render(request, "reports/_questions.html", {"chosen_category": category, "answers": {}})


@ratelimit.rate_limit(scope="report-similar", rate="60/m", methods=("GET",))
def similar_reports(request: HttpRequest) -> HttpResponse:
    """While a resident writes: public reports of the same kind nearby, so they can follow one instead."""
    try:
        category = Category.objects.get(pk=int(request.GET.get("category", "")), is_active=True)
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (ValueError, KeyError, Category.DoesNotExist):
        return HttpResponse("")
    if not category.may_be_public or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return HttpResponse("")
    candidates = selectors.duplicate_candidates(category=category, lat=lat, lon=lon, when=timezone.now(),
                                                text=request.GET.get("description", "")[:500])
    return render(request, "reports/_similar_public.html", {"candidates": candidates})


def report_sent(request: HttpRequest, pk: int) -> HttpResponse:
    sent = request.session.pop(SENT_SESSION_KEY, None)
    if not sent or sent.get("pk") != pk:
        # The confirmation is shown once; afterwards the reporter follows the report with the code or account.
        if request.user.is_authenticated:
            return redirect("reports:my_report", pk=pk)
        raise Http404
    report = Report.objects.select_related("category").get(pk=pk)
    code = sent.get("code")
    follow_url = request.build_absolute_uri(reverse("reports:follow", args=[code])) if code else ""
    return render(request, "reports/sent.html", {"report": report, "code": code, "follow_url": follow_url})


def _followed(code: str) -> Report:
    report = selectors.report_for_followup(code)
    if report is None:
        raise Http404
    return report


@ratelimit.rate_limit(scope="report-follow", rate="30/m", methods=("GET", "POST"))
def follow(request: HttpRequest, code: str) -> HttpResponse:
    """The reporter's page, opened with the follow-up code: status, updates and messages, live."""
    report = _followed(code)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reporter_message(report=report, text=form.cleaned_data["text"])
        messages.success(request, _("Your message was sent to the police."))
        return redirect("reports:follow", code=code)
    return _reporter_page(request, report, form, live_url=reverse("reports:follow_live", args=[code]))


def _reporter_page(request, report: Report, form, *, live_url: str) -> HttpResponse:
    updates = selectors.report_updates(report=report, public_only=True)
    template = "reports/_reporter_status.html" if request.headers.get("HX-Request") else "reports/follow.html"
    return render(request, template, {"report": report, "updates": updates, "form": form, "live_url": live_url},
                  status=400 if form.errors else 200)


async def follow_live(request: HttpRequest, code: str) -> HttpResponse:
    """Live changes of one report for its reporter: status and public notes only, never internal ones."""
    report = await live.run_db(selectors.report_for_followup, code)
    if report is None:
        return HttpResponse(status=404)
    report_id = report.pk
    return await live.stream_response(
        request, lambda event: event.name in REPORTER_EVENTS and event.payload.get("report_id") == report_id)


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.reports_of(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "reports/mine.html", {"page": page})


@login_required
def my_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.reports_of(user=request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reporter_message(report=report, text=form.cleaned_data["text"], author=request.user)
        messages.success(request, _("Your message was sent to the police."))
        return redirect("reports:my_report", pk=pk)
    return _reporter_page(request, report, form, live_url=reverse("core:live") + "?topics=report")


def _require_handler(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and (
            request.user.is_superuser or request.user.roles() & HANDLER_ROLES)):
        raise PermissionDenied(_("This page is for the police and leaders of a unit."))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The police queue: filters, counts per status, live (the table refreshes on report events)."""
    _require_handler(request)
    form = QueueFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "reports/queue.html", {"form": form, "page": None, "counts": {}}, status=400)
    if not form.is_bound:
        form = QueueFilterForm({"status": ["new", "acknowledged", "in_progress"]})
        form.is_valid()
    filters = form.filters()
    reports = selectors.report_list(viewer=request.user, filters=filters)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "counts": selectors.status_counts(viewer=request.user, filters=filters),
               "query": query.urlencode(), "statuses": Status.choices}
    template = "reports/_queue_table.html" if request.headers.get("HX-Request") else "reports/queue.html"
    return render(request, template, context)


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """One report for the police: what was reported, its history, similar reports, and the actions."""
    _require_handler(request)
    report = selectors.report_get(viewer=request.user, pk=pk)
    return render(request, "reports/manage.html", _manage_context(request, report))


def _manage_context(request, report: Report, **forms) -> dict:
    return {
        "report": report,
        "updates": selectors.report_updates(report=report, public_only=False),
        "media": report.media.all(),
        "similar": selectors.duplicate_candidates(
            category=report.category, lat=report.lat, lon=report.lon, when=report.created_at,
            text=report.description, within_path=paths.truncate(report.unit_path, 3), exclude_id=report.pk),
        "transition_form": forms.get("transition") or TransitionForm(),
        "assign_form": forms.get("assign") or AssignForm(initial={"officer": report.assigned_to_id,
                                                                  "team": report.assigned_team}),
        "priority_form": forms.get("priority") or PriorityForm(initial={"priority": report.priority}),
        "update_form": forms.get("update") or UpdateForm(),
        "move_form": forms.get("move") or MoveForm(),
        "merge_form": forms.get("merge") or MergeForm(),
        "officers": selectors.report_officers(viewer=request.user, report=report),
        "reveal_form": forms.get("reveal") or PurposeForm(),
        "revealed": forms.get("revealed", False),
        "next_statuses": [s for s in Status if s in services.TRANSITIONS.get(report.status, set())],
        "panels": panels.for_report(request, report),
    }


FORMS = {"transition": TransitionForm, "assign": AssignForm, "priority": PriorityForm, "update": UpdateForm,
         "move": MoveForm, "merge": MergeForm, "reopen": None, "reveal": PurposeForm}


@login_required
@require_POST
def manage_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_handler(request)
    if action not in FORMS:
        raise Http404
    report = selectors.report_get(viewer=request.user, pk=pk)
    form_class = FORMS[action]
    form = form_class(request.POST) if form_class else None
    if action == "reveal" and form.is_valid():
        try:
            services.report_read_reporter(report=report, actor=request.user, purpose=form.cleaned_data["purpose"])
        except ServiceError as error:
            form.add_error("purpose", error.message)
        else:
            return render(request, "reports/manage.html", _manage_context(request, report, revealed=True))
    if form is not None and not form.is_valid():
        return render(request, "reports/manage.html", _manage_context(request, report, **{action: form}), status=400)
    try:
        message = _run_action(request, report, action, form.cleaned_data if form else {})
    except ServiceError as error:
        if form is None:
            messages.error(request, error.message)
            return redirect("reports:manage", pk=pk)
        form.add_error(error.field if error.field in form.fields else None, error.message)
        status = 403 if error.__class__.__name__ == "PermissionDeniedError" else 400
        return render(request, "reports/manage.html", _manage_context(request, report, **{action: form}),
                      status=status)
    messages.success(request, message)
    return redirect("reports:manage", pk=pk)


def _run_action(request, report: Report, action: str, data: dict) -> str:
    actor = request.user
    if action == "transition":
        services.report_transition(report=report, actor=actor, to_status=data["to_status"], note=data["note"],
                                   reason=data["reason"], referred_to=data["referred_to"])
        return _("The status was changed; the reporter sees it now.")
    if action == "reopen":
        services.report_reopen(report=report, actor=actor)
        return _("The report is open again.")
    if action == "assign":
        officer = None
        if data.get("officer"):
            officer = User.objects.filter(pk=data["officer"]).first()
            if officer is None:
                raise ServiceError(_("This person does not handle reports in this area."), field="officer")
        services.report_assign(report=report, actor=actor, officer=officer, team=data.get("team") or "")
        return _("The report was assigned.")
    if action == "priority":
        services.report_set_priority(report=report, actor=actor, priority=data["priority"])
        return _("The priority was changed.")
    if action == "update":
        services.report_add_update(report=report, actor=actor, text=data["text"], public=data["public"])
        return _("The note was added.")
    if action == "move":
        unit = AdministrativeUnit.objects.filter(code=data["unit"].strip(), level=Level.GROUP).first()
        if unit is None:
            raise ServiceError(_("No residential group has this code."), field="unit")
        services.report_move(report=report, actor=actor, unit=unit)
        return _("The report was moved.")
    original_pk = parse_reference(data["original"])
    original = selectors.visible_reports(viewer=actor).filter(pk=original_pk).first() if original_pk else None
    if original is None:
        raise ServiceError(_("No report you can see has this reference."), field="original")
    services.report_merge(duplicate=report, original=original, actor=actor)
    return _("The report was closed as a duplicate; its reporter now follows the original.")


def media_file(request: HttpRequest, pk: int, media_id: int) -> HttpResponse:
    """A report's photo or video, for the police of its area or its own reporter (by account or code)."""
    item = Media.objects.select_related("report").filter(pk=media_id, report_id=pk).first()
    if item is None:
        raise Http404
    report = item.report
    allowed = (
        (request.user.is_authenticated and (report.reporter_id == request.user.pk or scoping.can_see_path(
            request.user, report.unit_path, roles=HANDLER_ROLES)))
        or (request.GET.get("code") and selectors.report_for_followup(request.GET["code"]) == report)
    )
    if not allowed:
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
