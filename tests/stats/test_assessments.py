"""Safe-standard assessments, the movement's classification and key areas: rules and permissions."""

import datetime as dt

import pytest
from django.utils import timezone

from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.stats import assessments, engine, selectors
from binhan.stats.models import Assessment, Classification, CutOffs, KeyArea
from binhan.stats.periods import Period
from tests.factories import HouseholdFactory, UnitFactory
from tests.stats.conftest import at, report

YEAR = 2026


def _answer_all(assessment, met=True):
    return {a.criterion_id: (met, "Biên bản họp") for a in assessment.answers.all()}


def test_area_assessment_prefills_and_is_recognised_by_the_commune(world):
    # Crime up against last year: the criterion is pre-filled as not met, with the figures as evidence.
    report(world.group_a, made=at(dt.date(2026, 3, 1)))
    engine.follow_all()
    assessment = assessments.assessment_start(actor=world.group_leader_a, unit=world.group_a, subject="area",
                                              year=YEAR)
    crime = assessment.answers.get(criterion__code="crime-held-down")
    assert (crime.met, crime.prefilled, crime.evidence) == (
        False, True, "Reports received: 1 this year, 0 the year before.")
    with pytest.raises(ServiceError):  # not everything answered
        assessments.assessment_answer(actor=world.group_leader_a, assessment=assessment, answers={}, submit=True)
    assessments.assessment_answer(actor=world.group_leader_a, assessment=assessment, answers=_answer_all(assessment),
                                  submit=True)
    with pytest.raises(PermissionDeniedError):  # a group does not recognise itself
        assessments.assessment_decide(actor=world.group_leader_a, assessment=assessment, recognise=True,
                                      decision_number="1/QĐ", decision_date=dt.date(2026, 11, 5))
    with pytest.raises(ServiceError):  # a decision needs its number
        assessments.assessment_decide(actor=world.police_a, assessment=assessment, recognise=True)
    decided = assessments.assessment_decide(actor=world.police_a, assessment=assessment, recognise=True,
                                            decision_number="12/QĐ-UBND", decision_date=dt.date(2026, 11, 5))
    assert decided.status == Assessment.Status.RECOGNISED
    share = assessments.recognised_share(unit=world.commune_a, year=YEAR)
    assert (share.recognised, share.units, share.percent) == (1, 1, 100.0)
    engine.rebuild()  # the world's groups were made without events
    year = Period("assessment", dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    figures = {f.indicator.code: f.value for f in selectors.figures(
        unit=world.province, codes=["assessments.areas_recognised_share"], period=year)}
    assert figures == {"assessments.areas_recognised_share": 50.0}  # one of the province's two areas


def test_an_unmet_criterion_cannot_be_recognised(world):
    assessment = assessments.assessment_start(actor=world.police_a, unit=world.commune_a, subject="school", year=YEAR,
                                              subject_name="Trường THCS An Sinh")
    answers = _answer_all(assessment)
    answers[next(iter(answers))] = (False, "")
    assessments.assessment_answer(actor=world.police_a, assessment=assessment, answers=answers, submit=True)
    with pytest.raises(ServiceError):
        assessments.assessment_decide(actor=world.province_leader, assessment=assessment, recognise=True,
                                      decision_number="3/QĐ", decision_date=dt.date(2026, 11, 20))
    refused = assessments.assessment_decide(actor=world.province_leader, assessment=assessment, recognise=False)
    assert refused.status == Assessment.Status.NOT_RECOGNISED


@pytest.mark.parametrize(("total", "expected"), [
    (100, Classification.EXCELLENT), (90, Classification.EXCELLENT), (89, Classification.GOOD),
    (75, Classification.GOOD), (74, Classification.AVERAGE), (50, Classification.AVERAGE),
    (49, Classification.WEAK), (0, Classification.WEAK),
])
def test_classification_cut_offs(total, expected):
    assert assessments.classify(total) == expected


def test_movement_self_score_then_review_with_province_cut_offs(world):
    CutOffs.objects.create(province=world.province, excellent=95, good=80, average=60)
    scores = {"organisation": 18, "mobilisation": 14, "models": 18, "results": 24, "forces": 17}  # 91
    score = assessments.movement_self_score(actor=world.police_a, unit=world.commune_a, year=YEAR, scores=scores)
    assert (score.total, score.classification) == (91, Classification.GOOD)
    with pytest.raises(ServiceError):
        assessments.movement_self_score(actor=world.police_a, unit=world.commune_a, year=YEAR,
                                        scores={**scores, "results": 26})
    with pytest.raises(PermissionDeniedError):
        assessments.movement_review(actor=world.police_a, score=score, scores=scores)
    reviewed = assessments.movement_review(actor=world.province_leader, score=score,
                                           scores={**scores, "results": 5, "models": 10})
    assert (reviewed.total, reviewed.classification, reviewed.status) == (64, Classification.AVERAGE, "reviewed")


def test_key_area_designated_and_transformed_by_the_level_above(world):
    with pytest.raises(PermissionDeniedError):
        assessments.key_area_designate(actor=world.police_a, unit=world.commune_a, topic="drugs", reason="x",
                                       designated_on=dt.date(2026, 1, 1))
    area = assessments.key_area_designate(actor=world.province_leader, unit=world.commune_a, topic="drugs",
                                          reason="Nhiều điểm phức tạp về ma túy", designated_on=dt.date(2026, 1, 1))
    with pytest.raises(ServiceError):
        assessments.key_area_designate(actor=world.province_leader, unit=world.commune_a, topic="drugs", reason="x",
                                       designated_on=dt.date(2026, 2, 1))
    assessments.key_area_remove(actor=world.province_leader, area=area, removed_on=dt.date(2026, 10, 1),
                                reason="Không còn điểm phức tạp")
    assert KeyArea.objects.get().removed_on == dt.date(2026, 10, 1)


def test_candidates_are_units_well_above_their_peers(world):
    communes = [world.commune_a, world.commune_b] + [
        UnitFactory(code=f"79{i}", level="commune", parent=world.province) for i in range(4)]
    today = timezone.localdate()
    for commune in communes:
        group = UnitFactory(code=f"{commune.code}-9", level="group", parent=commune)
        HouseholdFactory.create_batch(10, unit=group)
        for _ in range(12 if commune == world.commune_b else 1):
            report(group, made=at(today), category="drugs")
    engine.follow_all()
    found = assessments.key_area_candidates(unit=world.province)
    assert [(c.unit.code, c.category, c.count, c.households) for c in found] == [("7093", "drugs", 12, 11)]
