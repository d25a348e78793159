"""Pages of the assessments: the safe standard, the movement's classification and the key areas."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from binhan.core import paths, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo import selectors as geo_selectors
from binhan.geo.models import AdministrativeUnit, Level
from binhan.stats import assessments, periods, selectors
from binhan.stats.models import Assessment, KeyArea, MovementScore, ScoreItem, Subject, Topic
from binhan.stats.views import _csv_response, _require_staff

PAGE_SIZE = 50
CSV_ROWS = 10_000  # a list downloads whole (a province has about 100 communes and a few thousand groups)


def _unit(request: HttpRequest, name: str = "unit") -> AdministrativeUnit | None:
    raw = (request.POST.get(name) or request.GET.get(name) or "").strip()
    if raw.isdigit():
        return geo_selectors.unit_get(viewer=request.user, pk=int(raw))
    roots = selectors.visible_roots(viewer=request.user)
    return roots[0] if roots else None


def _int(value: str | None, field: str) -> int:
    if value is None or not str(value).strip().lstrip("-").isdigit():
        raise ServiceError(_("Enter a whole number."), field=field)
    return int(value)


def _date(value: str | None, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ServiceError(_("Give the date as YYYY-MM-DD."), field=field) from None


def _current_year() -> int:
    return periods.of("assessment", periods.today()).end.year


def _fail(request: HttpRequest, template: str, context: dict, error: ServiceError) -> HttpResponse:
    if isinstance(error, PermissionDeniedError):
        raise PermissionDenied(error.message) from error
    context["error"] = error
    return render(request, template, context, status=400)


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    """Assessments under a unit for a year, the share of areas recognised, and a form to start one."""
    _require_staff(request)
    unit = _unit(request)
    try:
        year = _int(request.GET.get("year") or str(_current_year()), "year")
    except ServiceError:
        year = _current_year()
    context = {"unit": unit, "year": year, "subjects": Subject.choices}
    if request.method == "POST":
        try:
            target = geo_selectors.unit_get(viewer=request.user, pk=_int(request.POST.get("target"), "target"))
            created = assessments.assessment_start(
                actor=request.user, unit=target, subject=request.POST.get("subject", ""),
                year=_int(request.POST.get("year"), "year"), subject_name=request.POST.get("subject_name", ""))
        except ServiceError as error:
            return _fail(request, "stats/assessments.html", {**context, **_list_context(request, unit, year)}, error)
        return redirect("stats:assessment", pk=created.pk)
    if unit is not None and request.GET.get("csv"):
        return _csv_response(f"assessments-{unit.code}-{year}.csv",
                             [_("Code"), _("Unit"), _("Subject"), _("Name"), _("Status"), _("Decision number"),
                              _("Decision date")],
                             [[a.unit.code, a.unit.display_name, a.get_subject_display(), a.subject_name,
                               a.get_status_display(), a.decision_number, a.decision_date]
                              for a in _assessment_rows(request, unit, year)[:CSV_ROWS]])
    context.update(_list_context(request, unit, year))
    return render(request, "stats/assessments.html", context)


def _assessment_rows(request, unit, year):
    return scoping.visible(Assessment.objects.select_related("unit"), request.user).filter(
        paths.under("unit_path", unit.path), year=year).order_by("unit_path", "subject", "subject_name", "id")


def _list_context(request, unit, year) -> dict:
    if unit is None:
        return {"page": None}
    rows = _assessment_rows(request, unit, year)
    return {"page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "share": assessments.recognised_share(unit=unit, year=year),
            "targets": geo_selectors.unit_list(viewer=request.user).filter(
                paths.under("path", unit.path), level__in=[Level.GROUP, Level.COMMUNE]).order_by("path")[:500]}


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer each criterion with its evidence and submit; the level above recognises or refuses."""
    _require_staff(request)
    assessment = scoping.get_visible_or_404(Assessment.objects.select_related("unit"), request.user, pk=pk)
    answers = list(assessment.answers.select_related("criterion"))
    context = {"assessment": assessment, "answers": answers,
               "can_decide": assessments.can_decide(request.user, assessment)}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "decide":
                assessments.assessment_decide(
                    actor=request.user, assessment=assessment, recognise=request.POST.get("recognise") == "yes",
                    decision_number=request.POST.get("decision_number", ""),
                    decision_date=_date(request.POST.get("decision_date"), "decision_date")
                    if request.POST.get("decision_date") else None)
            else:
                given = {}
                for answer in answers:
                    raw = request.POST.get(f"met-{answer.criterion_id}", "")
                    met = {"yes": True, "no": False}.get(raw)
                    given[answer.criterion_id] = (met, request.POST.get(f"evidence-{answer.criterion_id}", ""))
                assessments.assessment_answer(actor=request.user, assessment=assessment, answers=given,
                                              submit=request.POST.get("action") == "submit")
        except ServiceError as error:
            return _fail(request, "stats/assessment_detail.html", context, error)
        return redirect("stats:assessment", pk=assessment.pk)
    return render(request, "stats/assessment_detail.html", context)


@login_required
def movement(request: HttpRequest) -> HttpResponse:
    """Scores and classifications under a unit for a year; the weak units first; self-score and review."""
    _require_staff(request)
    unit = _unit(request)
    year = periods.today().year
    raw_year = request.GET.get("year") or request.POST.get("year")
    if raw_year and raw_year.isdigit():
        year = int(raw_year)
    items = list(ScoreItem.objects.filter(is_active=True))
    context = {"unit": unit, "year": year, "items": items, "weak_only": request.GET.get("weak") == "1"}
    if request.method == "POST":
        try:
            scores = {item.code: _int(request.POST.get(item.code), item.code) for item in items}
            score_id = request.POST.get("score")
            if score_id and score_id.isdigit():
                score = scoping.get_visible_or_404(MovementScore.objects.all(), request.user, pk=int(score_id))
                assessments.movement_review(actor=request.user, score=score, scores=scores)
            else:
                target = geo_selectors.unit_get(viewer=request.user, pk=_int(request.POST.get("target"), "target"))
                assessments.movement_self_score(actor=request.user, unit=target, year=year, scores=scores)
        except ServiceError as error:
            return _fail(request, "stats/movement.html", {**context, **_movement_context(request, unit, year,
                                                                                       context["weak_only"])}, error)
        return redirect(f"{request.path}?unit={unit.pk if unit else ''}&year={year}")
    if unit is not None and request.GET.get("csv"):
        return _csv_response(f"movement-{unit.code}-{year}.csv",
                             [_("Code"), _("Unit"), _("Points"), _("Classification"), _("Status")],
                             [[score.unit.code, score.unit.display_name, score.total,
                               score.get_classification_display(), score.get_status_display()]
                              for score in _score_rows(request, unit, year, context["weak_only"])[:CSV_ROWS]])
    context.update(_movement_context(request, unit, year, context["weak_only"]))
    return render(request, "stats/movement.html", context)


def _score_rows(request, unit, year, weak_only):
    rows = scoping.visible(MovementScore.objects.select_related("unit"), request.user).filter(
        paths.under("unit_path", unit.path), year=year)
    if weak_only:
        rows = rows.filter(classification="weak")
    return rows.order_by("total", "unit_path")


def _movement_context(request, unit, year, weak_only) -> dict:
    if unit is None:
        return {"page": None}
    rows = _score_rows(request, unit, year, weak_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "reviewable": {s.pk for s in page.object_list if assessments.can_decide(request.user, s)},
            "targets": geo_selectors.unit_list(viewer=request.user).filter(
                paths.under("path", unit.path), level__in=[Level.GROUP, Level.COMMUNE]).order_by("path")[:500]}


@login_required
def key_areas(request: HttpRequest) -> HttpResponse:
    """Key and complex areas under a unit, the form to list one, and the candidates the data suggests."""
    _require_staff(request)
    unit = _unit(request)
    context = {"unit": unit, "topics": Topic.choices, "today": periods.today()}
    if request.method == "POST":
        try:
            if request.POST.get("area", "").isdigit():
                area = scoping.get_visible_or_404(KeyArea.objects.all(), request.user, pk=int(request.POST["area"]))
                assessments.key_area_remove(actor=request.user, area=area,
                                            removed_on=_date(request.POST.get("removed_on"), "removed_on"),
                                            reason=request.POST.get("reason", ""))
            else:
                target = geo_selectors.unit_get(viewer=request.user, pk=_int(request.POST.get("target"), "target"))
                assessments.key_area_designate(actor=request.user, unit=target, topic=request.POST.get("topic", ""),
                                               reason=request.POST.get("reason", ""),
                                               designated_on=_date(request.POST.get("designated_on"), "designated_on"),
                                               measures=request.POST.get("measures", ""))
        except ServiceError as error:
            return _fail(request, "stats/key_areas.html", {**context, **_key_context(request, unit)}, error)
        return redirect(f"{request.path}?unit={unit.pk if unit else ''}")
    context.update(_key_context(request, unit))
    if unit is not None and request.GET.get("csv") == "areas":
        return _csv_response(f"key-areas-{unit.code}.csv",
                             [_("Code"), _("Unit"), _("Topic"), _("Since"), _("Reason"), _("Measures"),
                              _("Left the list"), _("What changed")],
                             [[a.unit.code, a.unit.display_name, a.get_topic_display(), a.designated_on, a.reason,
                               a.measures, a.removed_on, a.removal_reason] for a, _removable in context["areas"]])
    if unit is not None and request.GET.get("csv") == "candidates":
        return _csv_response(f"key-area-candidates-{unit.code}.csv",
                             [_("Code"), _("Unit"), _("Category"), _("Reports"), _("Households"), _("Rate"),
                              _("Peers' mean rate"), _("Standard deviations above")],
                             [[c.unit.code, c.unit.display_name, c.label, c.count, c.households, c.rate, c.peers_mean,
                               c.z] for c in context["candidates"]])
    return render(request, "stats/key_areas.html", context)


def _key_context(request, unit) -> dict:
    if unit is None:
        return {"areas": []}
    areas = scoping.visible(KeyArea.objects.select_related("unit"), request.user).filter(
        paths.under("unit_path", unit.path)).order_by("removed_on", "unit_path", "topic")[:200]
    return {"areas": [(area, assessments.can_decide(request.user, area)) for area in areas],
            "candidates": assessments.key_area_candidates(unit=unit) if unit.level != Level.GROUP else [],
            "targets": geo_selectors.unit_list(viewer=request.user).filter(
                paths.under("path", unit.path), level__in=[Level.GROUP, Level.COMMUNE]).exclude(pk=unit.pk)
            .order_by("path")[:500]}
