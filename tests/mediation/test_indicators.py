"""The mediation indicators of the statistics agree with the yearly summary, followed incrementally."""


from django.utils import timezone

from binhan.mediation.selectors import yearly_summary
from binhan.mediation.services import cases as services
from binhan.stats import engine
from binhan.stats import selectors as stats_selectors
from binhan.stats.periods import of
from tests.factories import earlier_today
from tests.mediation.conftest import create_case


def test_indicators_follow_the_cases_and_match_the_summary(world, teams):
    settled = create_case(teams.leader_user_a, teams.team_a)
    services.case_assign(actor=teams.leader_user_a, case=settled, mediators=[teams.mediator_a])
    services.session_record(actor=teams.mediator_user_a, case=settled, held_at=earlier_today(1),
                            place="Nhà văn hóa", mediators=[teams.mediator_a])
    engine.follow_all()
    services.case_close(actor=teams.mediator_user_a, case=settled, outcome="successful", agreement="Mở lối đi chung")
    create_case(world.police_a, teams.team_a, exclusions=["criminal"], referred_to="Công an xã", referral_reason="Hình sự")
    create_case(teams.leader_user_a, teams.team_a, dispute_type="family_marriage")
    engine.follow_all()
    year = of("year", timezone.localdate())
    codes = ["mediation.cases", "mediation.mediated", "mediation.successful", "mediation.referred",
             "mediation.success_rate"]
    figures = {f.indicator.code: f.value for f in stats_selectors.figures(unit=world.commune_a, codes=codes,
                                                                          period=year)}
    summary = yearly_summary(viewer=world.police_a, unit=world.commune_a, year=timezone.localdate().year)
    assert figures == {"mediation.cases": summary.received, "mediation.mediated": summary.mediated,
                       "mediation.successful": summary.successful, "mediation.referred": summary.referred,
                       "mediation.success_rate": 100.0}
    assert (summary.received, summary.mediated, summary.referred) == (3, 1, 1)
