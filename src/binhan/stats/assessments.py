"""The "safe in terms of security and order" assessments, the movement's 100-point classification and the
key and complex areas (Circular 124/2021/TT-BCA, see DOMAIN.md). Checklists, points and cut-offs are data.

Every write validates, saves, audits and publishes in one transaction; the rules are plain functions.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from binhan.core import audit, events, paths, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo.models import AdministrativeUnit, Household, Level
from binhan.stats import periods, registry, selectors
from binhan.stats.models import (
    Answer,
    Assessment,
    Classification,
    Criterion,
    CutOffs,
    Fact,
    KeyArea,
    MovementScore,
    ScoreItem,
    Subject,
    Topic,
)
from binhan.stats.roles import ENTRY_ROLES

SUBJECT_LEVEL = {Subject.RESIDENTIAL_AREA: Level.GROUP, Subject.COMMUNE: Level.COMMUNE,
                 Subject.AGENCY: Level.COMMUNE, Subject.ENTERPRISE: Level.COMMUNE, Subject.SCHOOL: Level.COMMUNE}
# Staff who assess their own unit (a group leader for a residential area) and who recognise it (the level above).
ASSESS_ROLES = ENTRY_ROLES | {"group_leader"}
DEFAULT_CUTOFFS = (90, 75, 50)
AREAS_RECOGNISED_PERCENT = 70


def _publish(name: str, obj, **payload) -> None:
    events.publish(f"stats.{name}", unit_path=obj.unit_path, **payload)


def _parent_path(path: str) -> str | None:
    ancestors = paths.ancestors(path)
    return ancestors[-2] if len(ancestors) > 1 else None


def _check_above(actor, unit_path: str, message: str) -> None:
    parent = _parent_path(unit_path)
    if not parent or not scoping.can_see_path(actor, parent, roles=ENTRY_ROLES):
        raise PermissionDeniedError(message)


# -- the checklist -----------------------------------------------------------------------------------


def assessment_year(year: int) -> periods.Period:
    """The assessment year that ends on 31 October of `year`."""
    return periods.of("assessment", dt.date(year, 10, 31))


def prefill(criterion: Criterion, assessment: Assessment) -> tuple[bool | None, str]:
    """A criterion answered from the data, with the evidence; (None, "") when it is answered by people."""
    rule, _sep, argument = criterion.prefill.partition(":")
    if not rule:
        return None, ""
    unit = assessment.unit
    period = assessment_year(assessment.year)
    if rule == "not_above_last_year" and registry.indicator(argument):
        figure = selectors.figures(unit=unit, codes=[argument], period=period)[0]
        now, before = figure.value or 0, figure.previous or 0
        return now <= before, _("%(indicator)s: %(now)s this year, %(before)s the year before.") % {
            "indicator": figure.indicator.name, "now": now, "before": before}
    if rule == "at_least_one" and registry.indicator(argument):
        figure = selectors.figures(unit=unit, codes=[argument], period=period)[0]
        return (figure.value or 0) >= 1, _("%(indicator)s: %(now)s at the end of the year.") % {
            "indicator": figure.indicator.name, "now": figure.value or 0}
    if rule == "areas_recognised":
        share = recognised_share(unit=unit, year=assessment.year)
        needed = int(argument or AREAS_RECOGNISED_PERCENT)
        return share.percent is not None and share.percent >= needed, _(
            "%(recognised)s of %(areas)s residential areas recognised.") % {
            "recognised": share.recognised, "areas": share.units}
    return None, ""


@transaction.atomic
def assessment_start(*, actor, unit: AdministrativeUnit, subject: str, year: int, subject_name: str = "") -> Assessment:
    """A unit opens its self-assessment for a year: one answer per criterion in use, some pre-filled."""
    if subject not in Subject.values:
        raise ServiceError(_("Choose what is assessed."), field="subject")
    if unit.level != SUBJECT_LEVEL[subject]:
        raise ServiceError(_("A residential area is assessed at a group; a commune, agency, enterprise or school "
                             "at a commune."), field="unit")
    subject_name = (subject_name or "").strip()[:200]
    if subject in (Subject.AGENCY, Subject.ENTERPRISE, Subject.SCHOOL) and not subject_name:
        raise ServiceError(_("Give the name of the agency, enterprise or school."), field="subject_name")
    if not 2000 <= year <= periods.today().year + 1:
        raise ServiceError(_("Choose an assessment year."), field="year")
    if not scoping.can_see_path(actor, unit.path, roles=ASSESS_ROLES):
        raise PermissionDeniedError(_("You may only assess your own units."))
    if Assessment.objects.filter(unit=unit, subject=subject, subject_name=subject_name, year=year).exists():
        raise ServiceError(_("This assessment already exists."), field="year")
    assessment = Assessment.objects.create(unit=unit, unit_path=unit.path, subject=subject, subject_name=subject_name,
                                           year=year)
    answers = []
    for criterion in Criterion.objects.filter(subject=subject, is_active=True):
        met, evidence = prefill(criterion, assessment)
        answers.append(Answer(assessment=assessment, criterion=criterion, met=met, evidence=evidence,
                              prefilled=met is not None))
    Answer.objects.bulk_create(answers)
    audit.record(actor=actor, action="stats.assessment.start", obj=assessment,
                 changes={"subject": [None, subject], "year": [None, year]})
    _publish("assessment.changed", assessment, assessment_id=assessment.pk)
    return assessment


@transaction.atomic
def assessment_answer(*, actor, assessment: Assessment, answers: dict[int, tuple[bool | None, str]],
                      submit: bool = False) -> Assessment:
    """The unit answers each criterion with its evidence, and may submit it for recognition."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not scoping.can_see_path(actor, assessment.unit_path, roles=ASSESS_ROLES):
        raise PermissionDeniedError(_("You may only assess your own units."))
    if assessment.status not in (Assessment.Status.DRAFT, Assessment.Status.NOT_RECOGNISED):
        raise ServiceError(_("This assessment is with the level above."), field="status")
    rows = {answer.criterion_id: answer for answer in assessment.answers.all()}
    changes = {}
    for criterion_id, (met, evidence) in answers.items():
        answer = rows.get(criterion_id)
        if answer is None:
            raise ServiceError(_("Unknown criterion."), field="answers")
        evidence = (evidence or "").strip()[:1000]
        if (answer.met, answer.evidence) != (met, evidence):
            changes[str(criterion_id)] = [answer.met, met]
            answer.met, answer.evidence = met, evidence
            answer.save(update_fields=["met", "evidence"])
    if submit:
        if any(answer.met is None for answer in rows.values()):
            raise ServiceError(_("Answer every criterion before submitting."), field="answers")
        if any(answer.met and not answer.evidence for answer in rows.values()):
            raise ServiceError(_("Give the evidence for every criterion you meet."), field="answers")
        changes["status"] = [assessment.status, Assessment.Status.SUBMITTED]
        assessment.status = Assessment.Status.SUBMITTED
        assessment.save(update_fields=["status", "updated_at"])
    if changes:
        audit.record(actor=actor, action="stats.assessment.answer", obj=assessment, changes=changes)
        _publish("assessment.changed", assessment, assessment_id=assessment.pk)
    return assessment


@transaction.atomic
def assessment_decide(*, actor, assessment: Assessment, recognise: bool, decision_number: str = "",
                      decision_date: dt.date | None = None) -> Assessment:
    """The level above recognises the unit as safe (every criterion met, with its decision) or does not."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _check_above(actor, assessment.unit_path, _("An assessment is decided by the level above."))
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ServiceError(_("Only a submitted assessment can be decided."), field="status")
    if recognise:
        if assessment.answers.filter(Q(met=False) | Q(met__isnull=True)).exists():
            raise ServiceError(_("Every criterion must be met to be recognised."), field="status")
        decision_number = (decision_number or "").strip()[:60]
        if not decision_number or decision_date is None:
            raise ServiceError(_("Give the decision's number and date."), field="decision_number")
    before = assessment.status
    assessment.status = Assessment.Status.RECOGNISED if recognise else Assessment.Status.NOT_RECOGNISED
    assessment.decision_number, assessment.decision_date = (decision_number, decision_date) if recognise else ("", None)
    assessment.reviewed_by = actor
    assessment.save(update_fields=["status", "decision_number", "decision_date", "reviewed_by", "updated_at"])
    audit.record(actor=actor, action="stats.assessment.decide", obj=assessment,
                 changes={"status": [before, assessment.status], "decision_number": [None, decision_number]})
    _publish("assessment.changed", assessment, assessment_id=assessment.pk)
    return assessment


@dataclass
class Share:
    recognised: int
    units: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.recognised / self.units, 1) if self.units else None


def recognised_share(*, unit: AdministrativeUnit, year: int, subject: str = Subject.RESIDENTIAL_AREA) -> Share:
    """How many of the residential areas (or communes) under a unit are recognised for the year."""
    level = SUBJECT_LEVEL[subject]
    units = AdministrativeUnit.objects.filter(paths.under("path", unit.path), level=level).count()
    recognised = (Assessment.objects.filter(paths.under("unit_path", unit.path), subject=subject, year=year,
                                            status=Assessment.Status.RECOGNISED)
                  .values("unit").distinct().count())
    return Share(recognised=recognised, units=units)


# -- the movement's classification -----------------------------------------------------------------------


def cutoffs_for(unit_path: str) -> tuple[int, int, int]:
    province = paths.truncate(unit_path, 2)
    rows = {row.province.path if row.province else "": row for row in CutOffs.objects.select_related("province")}
    row = rows.get(province) or rows.get("")
    return (row.excellent, row.good, row.average) if row else DEFAULT_CUTOFFS


def classify(total: int, cutoffs: tuple[int, int, int] = DEFAULT_CUTOFFS) -> str:
    excellent, good, average = cutoffs
    if total >= excellent:
        return Classification.EXCELLENT
    if total >= good:
        return Classification.GOOD
    if total >= average:
        return Classification.AVERAGE
    return Classification.WEAK


def _clean_scores(scores: dict[str, int]) -> tuple[dict[str, int], int]:
    items = {item.code: item for item in ScoreItem.objects.filter(is_active=True)}
    cleaned = {}
    for code, item in items.items():
        value = scores.get(code)
        if not isinstance(value, int) or not 0 <= value <= item.points:
            raise ServiceError(_("Each item takes between 0 and its points: %(item)s.") % {"item": item.display_text},
                               field=code)
        cleaned[code] = value
    return cleaned, sum(cleaned.values())


@transaction.atomic
def movement_self_score(*, actor, unit: AdministrativeUnit, year: int, scores: dict[str, int]) -> MovementScore:
    """A residential area or commune scores itself on the 100-point sheet."""
    if unit.level not in (Level.GROUP, Level.COMMUNE):
        raise ServiceError(_("Residential areas and communes are classified."), field="unit")
    if not scoping.can_see_path(actor, unit.path, roles=ASSESS_ROLES):
        raise PermissionDeniedError(_("You may only score your own units."))
    cleaned, total = _clean_scores(scores)
    score = MovementScore.objects.select_for_update().filter(unit=unit, year=year).first()
    if score is not None and score.status == MovementScore.Status.REVIEWED:
        raise ServiceError(_("The level above has already reviewed this score."), field="year")
    score = score or MovementScore(unit=unit, unit_path=unit.path, year=year)
    score.self_scores, score.total = cleaned, total
    score.classification = classify(total, cutoffs_for(unit.path))
    score.save()
    audit.record(actor=actor, action="stats.movement.self_score", obj=score, changes={"total": [None, total]})
    _publish("movement.changed", score, score_id=score.pk)
    return score


@transaction.atomic
def movement_review(*, actor, score: MovementScore, scores: dict[str, int]) -> MovementScore:
    """The level above reviews the self-scores; its scores decide the classification."""
    score = MovementScore.objects.select_for_update().get(pk=score.pk)
    _check_above(actor, score.unit_path, _("A score is reviewed by the level above."))
    cleaned, total = _clean_scores(scores)
    before = score.total
    score.reviewed_scores, score.total, score.status, score.reviewed_by = cleaned, total, \
        MovementScore.Status.REVIEWED, actor
    score.classification = classify(total, cutoffs_for(score.unit_path))
    score.save()
    audit.record(actor=actor, action="stats.movement.review", obj=score, changes={"total": [before, total]})
    _publish("movement.changed", score, score_id=score.pk)
    return score


# -- key and complex areas -------------------------------------------------------------------------------


@transaction.atomic
def key_area_designate(*, actor, unit: AdministrativeUnit, topic: str, reason: str, designated_on: dt.date,
                       measures: str = "") -> KeyArea:
    """The level above lists a unit as a key and complex area for a topic."""
    if topic not in Topic.values:
        raise ServiceError(_("Choose a topic."), field="topic")
    _check_above(actor, unit.path, _("A key area is designated by the level above."))
    reason = (reason or "").strip()[:1000]
    if not reason:
        raise ServiceError(_("Say why this area is key and complex."), field="reason")
    if KeyArea.objects.filter(unit=unit, topic=topic, removed_on__isnull=True).exists():
        raise ServiceError(_("This unit is already a key area for this topic."), field="topic")
    area = KeyArea.objects.create(unit=unit, unit_path=unit.path, topic=topic, reason=reason,
                                  designated_on=designated_on, measures=(measures or "").strip()[:4000],
                                  designated_by=actor)
    audit.record(actor=actor, action="stats.key_area.designate", obj=area, changes={"topic": [None, topic]})
    _publish("key_area.changed", area, key_area_id=area.pk)
    return area


@transaction.atomic
def key_area_remove(*, actor, area: KeyArea, removed_on: dt.date, reason: str) -> KeyArea:
    """The area was transformed: it leaves the list, with the reason."""
    area = KeyArea.objects.select_for_update().get(pk=area.pk)
    _check_above(actor, area.unit_path, _("A key area is taken off the list by the level above."))
    if area.removed_on is not None:
        raise ServiceError(_("This area has already left the list."), field="removed_on")
    reason = (reason or "").strip()[:1000]
    if not reason:
        raise ServiceError(_("Say what changed."), field="reason")
    if removed_on < area.designated_on:
        raise ServiceError(_("It cannot leave the list before it was put on it."), field="removed_on")
    area.removed_on, area.removal_reason = removed_on, reason
    area.save(update_fields=["removed_on", "removal_reason"])
    audit.record(actor=actor, action="stats.key_area.remove", obj=area, changes={"removed_on": [None, str(removed_on)]})
    _publish("key_area.changed", area, key_area_id=area.pk)
    return area


@dataclass
class Candidate:
    unit: AdministrativeUnit
    category: str
    label: str
    count: int
    households: int
    rate: float  # per 1,000 households
    peers_mean: float
    z: float


def key_area_candidates(*, unit: AdministrativeUnit, months: int = 6, z_threshold: float = 2.0,
                        minimum: int = 5) -> list[Candidate]:
    """Child units whose rate of a report category over the last months is well above their peers': the
    evidence for people to decide, never a designation. Three queries."""
    end = periods.today()
    start = periods.of("month", end).start
    for _i in range(months - 1):
        start = periods.of("month", start - dt.timedelta(days=1)).start
    kids = {kid.path: kid for kid in AdministrativeUnit.objects.filter(parent=unit)}
    if len(kids) < 3:
        return []
    rows = (Fact.objects.filter(selectors.span(start, end), paths.under("unit_path", unit.path),
                                indicator="reports.received", depth=unit.depth + 1)
            .values("unit_path", "key").annotate(n=Sum("value")).order_by())
    depth = unit.depth + 1
    homes: dict[str, int] = {}
    for path, n in (Household.objects.filter(paths.under("unit_path", unit.path)).values_list("unit_path")
                    .annotate(n=Count("id")).order_by()):
        homes_path = paths.truncate(path, depth + 1)
        homes[homes_path] = homes.get(homes_path, 0) + n
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["key"], {})[row["unit_path"]] = row["n"]
    item = registry.indicator("reports.received")
    labels = item.key_labels() if item and item.key_labels else {}
    found = []
    for key, by_path in counts.items():
        rates = {path: 1000 * by_path.get(path, 0) / homes[path] for path in kids if homes.get(path)}
        if len(rates) < 3:
            continue
        mean = sum(rates.values()) / len(rates)
        sd = math.sqrt(sum((r - mean) ** 2 for r in rates.values()) / (len(rates) - 1))
        for path, rate in rates.items():
            z = (rate - mean) / sd if sd else 0.0
            if z >= z_threshold and by_path.get(path, 0) >= minimum:
                found.append(Candidate(unit=kids[path], category=key, label=str(labels.get(key, key)),
                                       count=by_path[path], households=homes[path], rate=round(rate, 2),
                                       peers_mean=round(mean, 2), z=round(z, 1)))
    return sorted(found, key=lambda c: -c.z)


def can_decide(actor, obj) -> bool:
    """Whether the actor sits at the level above the object's unit (to recognise, review or list)."""
    parent = _parent_path(obj.unit_path)
    return bool(parent) and scoping.can_see_path(actor, parent, roles=ENTRY_ROLES)
