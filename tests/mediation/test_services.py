"""Mediation services: intake and the law's exclusions, assignment, the 3-day deadline, sessions, outcome, events."""

from datetime import timedelta

import pytest
from django.utils import timezone

from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent
from binhan.mediation import rules
from binhan.mediation.models import CaseStatus, Interest, MediationCase, MediationTeam, Mediator, Party
from binhan.mediation.services import cases as services
from binhan.mediation.services import teams as team_services
from tests.factories import earlier_today
from tests.mediation.conftest import PARTIES, create_case, days_ago, make_case, make_mediator, make_team

# -- intake and the exclusions checklist --


def test_mediable_case_is_opened_with_parties_audit_and_events(world, teams, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = create_case(teams.mediator_user_a, teams.team_a)
    assert (case.status, case.exclusions, Party.objects.filter(case=case).count()) == (CaseStatus.OPEN, [], 2)
    assert AuditEvent.objects.get(action="mediation.case.create").object_id == str(case.pk)
    events = list(OutboxEvent.objects.filter(name__startswith="mediation_case.").order_by("id"))
    assert [(e.name, e.unit_path, e.payload) for e in events] == [
        ("mediation_case.received", world.group_a.path, {"case_id": case.pk, "team_id": teams.team_a.pk}),
        ("mediation_case.opened", world.group_a.path, {"case_id": case.pk, "team_id": teams.team_a.pk}),
    ]


@pytest.mark.parametrize("exclusion", ["public_interest", "criminal", "administrative", "barred"])
def test_excluded_case_is_referred_not_opened(world, teams, exclusion):
    case = create_case(world.police_a, teams.team_a, exclusions=[exclusion], referred_to="Công an xã",
                   referral_reason="Có dấu hiệu cố ý gây thương tích")
    case.refresh_from_db()
    assert (case.status, case.exclusions, case.referred_to, case.referral_reason, case.closed_on) == (
        CaseStatus.REFERRED, [exclusion], "Công an xã", "Có dấu hiệu cố ý gây thương tích", timezone.localdate())
    assert OutboxEvent.objects.filter(name="mediation_case.referred").count() == 1
    assert OutboxEvent.objects.filter(name="mediation_case.opened").count() == 0


@pytest.mark.parametrize(("fields", "field"), [
    ({"exclusions": ["criminal"], "referred_to": "", "referral_reason": "Lý do"}, "referred_to"),
    ({"exclusions": ["criminal"], "referred_to": "Công an xã", "referral_reason": " "}, "referral_reason"),
    ({"exclusions": ["not-a-rule"]}, "exclusions"),
    ({"parties": PARTIES[:1]}, "parties"),
    ({"dispute_type": "murder"}, "dispute_type"),
    ({"description": "  "}, "description"),
    ({"source": "resident"}, "source"),
    ({"source": "agency", "agency": ""}, "agency"),
    ({"received_on": timezone.localdate() + timedelta(days=1)}, "received_on"),
])
def test_bad_intake_is_refused_and_nothing_is_stored(world, teams, fields, field):
    with pytest.raises(ServiceError) as error:
        create_case(world.police_a, teams.team_a, **fields)
    assert error.value.field == field
    assert (MediationCase.objects.count(), Party.objects.count(), OutboxEvent.objects.count()) == (0, 0, 0)


def test_resident_request_then_leader_intake(world, teams):
    case = services.case_request(actor=world.resident_a, team=teams.team_a, dispute_type="noise_environment",
                                 description="Hàng xóm hát karaoke đến nửa đêm", other_party="Trần Văn Ồn",
                                 preferred_mediator=teams.woman_a)
    assert (case.status, case.source, case.requested_by, case.preferred_mediator) == (
        CaseStatus.RECEIVED, "resident", world.resident_a, teams.woman_a)
    assert list(case.parties.values_list("role", flat=True)) == ["requester", "other_side"]
    with pytest.raises(PermissionDeniedError):
        services.case_intake(actor=teams.mediator_user_a, case=case)  # a plain mediator does not decide intake
    services.case_intake(actor=teams.leader_user_a, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    with pytest.raises(ServiceError):
        services.case_intake(actor=teams.leader_user_a, case=case)


def test_resident_may_ask_only_their_own_groups_team(world, teams):
    with pytest.raises(PermissionDeniedError):
        services.case_request(actor=world.resident_a, team=teams.team_b, dispute_type="other", description="X",
                              other_party="Y")
    assert MediationCase.objects.count() == 0


def test_case_from_a_report_must_be_a_dispute_of_the_same_group(world, teams):
    from tests.factories import make_report

    theft = make_report(unit=world.group_a)
    noise = make_report(unit=world.group_a, category_code="dispute-noise", description="Karaoke to")
    with pytest.raises(ServiceError):
        create_case(world.police_a, teams.team_a, source="report", report=theft)
    case = create_case(world.police_a, teams.team_a, source="report", report=noise)
    assert list(noise.mediation_cases.all()) == [case]


# -- assignment and the 3-day deadline --


def test_interested_mediator_cannot_be_assigned(world, teams):
    case = make_case(teams.team_a)
    services.interest_declare(actor=teams.mediator_user_a, case=case, mediator=teams.mediator_a,
                              reason="Là anh ruột của một bên")
    with pytest.raises(ServiceError) as error:
        services.case_assign(actor=teams.leader_user_a, case=case, mediators=[teams.mediator_a, teams.woman_a])
    assert error.value.field == "mediators"
    case.refresh_from_db()
    assert (case.status, case.assignments.count()) == (CaseStatus.OPEN, 0)


def test_declaring_an_interest_after_assignment_removes_the_mediator(world, teams):
    case = make_case(teams.team_a)
    services.case_assign(actor=teams.leader_user_a, case=case, mediators=[teams.mediator_a, teams.woman_a])
    services.interest_declare(actor=teams.leader_user_a, case=case, mediator=teams.mediator_a, reason="Họ hàng")
    assert list(case.assignments.values_list("mediator", flat=True)) == [teams.woman_a.pk]
    assert Interest.objects.filter(case=case, mediator=teams.mediator_a).exists()


def test_only_the_leader_or_commune_assign(world, teams):
    case = make_case(teams.team_a)
    for actor in (teams.mediator_user_a, teams.mediator_user_b, world.police_b, world.province_leader):
        with pytest.raises(PermissionDeniedError):
            services.case_assign(actor=actor, case=case, mediators=[teams.woman_a])
    services.case_assign(actor=world.police_a, case=case, mediators=[teams.woman_a], chosen_by_parties=True)
    case.refresh_from_db()
    assert (case.status, case.chosen_by_parties) == (CaseStatus.ASSIGNED, True)


def test_a_mediator_of_another_team_cannot_be_assigned(world, teams):
    case = make_case(teams.team_a)
    with pytest.raises(ServiceError):
        services.case_assign(actor=teams.leader_user_a, case=case, mediators=[teams.mediator_b])


def test_mediation_must_start_within_three_days(world, teams):
    case = make_case(teams.team_a, received_on=days_ago(10))
    services.case_assign(actor=teams.leader_user_a, case=case, mediators=[teams.mediator_a], on=days_ago(5))
    case.refresh_from_db()
    assert (case.start_deadline, case.started_late) == (days_ago(2), True)
    on_time = make_case(teams.team_a, received_on=days_ago(3))
    services.case_assign(actor=teams.leader_user_a, case=on_time, mediators=[teams.mediator_a], on=days_ago(2))
    on_time.refresh_from_db()
    assert (on_time.start_deadline, on_time.started_late) == (timezone.localdate() + timedelta(days=1), False)
    services.session_record(actor=teams.mediator_user_a, case=case, held_at=earlier_today(1),
                            place="Nhà văn hóa", mediators=[teams.mediator_a])
    case.refresh_from_db()
    assert (case.status, case.started_on, case.started_late) == (CaseStatus.IN_PROGRESS, timezone.localdate(), True)


# -- sessions, outcome, reopening --


def _in_progress(teams):
    case = make_case(teams.team_a, received_on=days_ago(2))
    services.case_assign(actor=teams.leader_user_a, case=case, mediators=[teams.mediator_a])
    services.session_record(actor=teams.mediator_user_a, case=case, held_at=timezone.now() - timedelta(hours=2),
                            place="Nhà văn hóa", mediators=[teams.mediator_a], invitees="Bí thư chi bộ",
                            requests="Bên A đòi tháo tường", agreed="")
    return case


def test_unassigned_mediator_cannot_record_sessions_or_outcome(world, teams):
    case = _in_progress(teams)
    with pytest.raises(PermissionDeniedError):
        services.session_record(actor=teams.other_user_a, case=case, held_at=timezone.now(), place="X",
                                mediators=[teams.other_a])
    with pytest.raises(PermissionDeniedError):
        services.case_close(actor=teams.other_user_a, case=case, outcome="successful", agreement="Y")


def test_successful_outcome_then_reopen(world, teams, django_capture_on_commit_callbacks):
    case = _in_progress(teams)
    follow_up = timezone.localdate() + timedelta(days=30)
    services.case_close(actor=teams.mediator_user_a, case=case, outcome="successful",
                        agreement="Tháo phần tường lấn trong 15 ngày", follow_up_on=follow_up, minutes_requested=True)
    case.refresh_from_db()
    assert (case.status, case.agreement, case.follow_up_on, case.closed_on, case.minutes_requested) == (
        CaseStatus.SUCCESSFUL, "Tháo phần tường lấn trong 15 ngày", follow_up, timezone.localdate(), True)
    closed = OutboxEvent.objects.get(name="mediation_case.closed")
    assert closed.payload == {"case_id": case.pk, "team_id": teams.team_a.pk, "outcome": "successful"}
    services.case_reopen(actor=teams.leader_user_a, case=case, reason="Bên B không tháo tường")
    case.refresh_from_db()
    assert (case.status, case.reopened_count, case.closed_on) == (CaseStatus.IN_PROGRESS, 1, None)
    assert OutboxEvent.objects.filter(name="mediation_case.reopened").count() == 1


@pytest.mark.parametrize(("fields", "field"), [
    ({"outcome": "successful", "agreement": ""}, "agreement"),
    ({"outcome": "unsuccessful", "positions": "Giữ nguyên", "guidance": ""}, "guidance"),
    ({"outcome": "unsuccessful", "positions": "", "guidance": "court"}, "positions"),
    ({"outcome": "maybe"}, "outcome"),
])
def test_bad_outcome_changes_nothing(world, teams, fields, field):
    case = _in_progress(teams)
    with pytest.raises(ServiceError) as error:
        services.case_close(actor=teams.mediator_user_a, case=case, **fields)
    case.refresh_from_db()
    assert (error.value.field, case.status) == (field, CaseStatus.IN_PROGRESS)


def test_unsuccessful_outcome_records_positions_and_guidance(world, teams):
    case = _in_progress(teams)
    services.case_close(actor=world.police_a, case=case, outcome="unsuccessful", positions="Hai bên giữ quan điểm",
                        guidance="court")
    case.refresh_from_db()
    assert (case.status, case.guidance, case.positions) == (CaseStatus.UNSUCCESSFUL, "court", "Hai bên giữ quan điểm")


def test_outcome_needs_a_session_first(world, teams):
    case = make_case(teams.team_a)
    services.case_assign(actor=teams.leader_user_a, case=case, mediators=[teams.mediator_a])
    with pytest.raises(ServiceError):
        services.case_close(actor=teams.mediator_user_a, case=case, outcome="successful", agreement="X")


# -- teams: composition warnings, mediators, personal data --


def test_composition_warnings():
    def m(gender="male", position="mediator", minority=False, status="active"):
        return Mediator(gender=gender, position=position, is_minority=minority, status=status)

    good = [m(position="leader"), m(gender="female"), m()]
    assert rules.composition_warnings(minority_area=False, mediators=good) == []
    assert len(rules.composition_warnings(minority_area=True, mediators=good)) == 1
    assert len(rules.composition_warnings(minority_area=False, mediators=good[:2])) == 1
    no_woman = [m(position="leader"), m(), m()]
    assert rules.composition_warnings(minority_area=False, mediators=no_woman) == [
        "The team has no woman among its mediators; the law asks for at least one."]
    left = [m(position="leader"), m(gender="female", status="left"), m(), m()]
    assert len(rules.composition_warnings(minority_area=False, mediators=left)) == 1
    assert len(rules.composition_warnings(minority_area=True, mediators=[m()])) == 4


def test_team_create_and_mediator_add(world):
    team = team_services.team_create(actor=world.police_a, unit=world.group_a, established_on=days_ago(30))
    assert (team.name, team.commune) == ("Mediation team of Tổ dân phố 1", world.commune_a)
    with pytest.raises(ServiceError):
        team_services.team_create(actor=world.police_a, unit=world.group_a, established_on=days_ago(1))
    with pytest.raises(ServiceError):
        team_services.team_create(actor=world.police_a, unit=world.commune_a, established_on=days_ago(1))
    with pytest.raises(PermissionDeniedError):
        team_services.team_create(actor=world.police_a, unit=world.group_b, established_on=days_ago(1))
    leader = team_services.mediator_add(actor=world.police_a, team=team, full_name=" Hà Thị Mai ", gender="female",
                                        position="leader", appointed_on=days_ago(10), phone="0987654321")
    assert (leader.full_name, leader.unit_path) == ("Hà Thị Mai", world.group_a.path)
    with pytest.raises(ServiceError):
        team_services.mediator_add(actor=world.police_a, team=team, full_name="B", gender="male", position="leader",
                                   appointed_on=days_ago(1))
    audit = AuditEvent.objects.get(action="mediation.mediator.add")
    assert "0987654321" not in str(audit.changes)


def test_group_roles_cannot_keep_the_team_register(world, teams):
    with pytest.raises(PermissionDeniedError):
        team_services.mediator_add(actor=teams.leader_user_a, team=teams.team_a, full_name="X", gender="male",
                                   appointed_on=days_ago(1))
    assert Mediator.objects.filter(full_name="X").count() == 0


def test_mediator_personal_data_read_is_audited_with_reason(world, teams):
    with pytest.raises(ServiceError):
        team_services.mediator_read_personal(actor=world.police_a, mediator=teams.mediator_a, purpose=" ")
    with pytest.raises(PermissionDeniedError):
        team_services.mediator_read_personal(actor=teams.leader_user_a, mediator=teams.mediator_a, purpose="x")
    team_services.mediator_read_personal(actor=world.police_a, mediator=teams.mediator_a, purpose="Mời tập huấn")
    event = AuditEvent.objects.get(action="mediation.mediator.read_personal")
    assert (event.actor, event.purpose, event.unit_path) == (world.police_a, "Mời tập huấn", world.group_a.path)


def test_one_active_team_per_group_is_a_database_rule(world):
    from django.db import IntegrityError, transaction

    make_team(world.group_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_team(world.group_a)
    dissolved = make_team(world.group_b)
    MediationTeam.objects.filter(pk=dissolved.pk).update(status="dissolved")
    make_team(world.group_b)
    make_mediator(dissolved, "X")
