"""Demo mediation: a team for every residential group, its mediators, and two years of cases.

The shape follows the documents: one province has 1,500 teams and 9,200 mediators (about six a
team); nationally about four in five mediated cases succeed. A team receives a few cases a year,
most between neighbours or in families; a few are referred (the law's exclusions). Some teams
break the composition rules (too few mediators, no woman) so the warnings show. Cases that
started from a dispute or noise report point to it. Rows are written in bulk (COPY on PostgreSQL).
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.demo import names
from binhan.demo.bulk import BulkWriter
from binhan.demo.registry import DemoContext, register
from binhan.mediation.models import (
    Assignment,
    CaseStatus,
    DisputeType,
    Gender,
    Guidance,
    MediationCase,
    MediationTeam,
    Mediator,
    Party,
    Session,
    Source,
    Training,
)

DAYS = 730
CASES_PER_TEAM_YEAR = 3.0
ETHNICITIES = ["Tày", "Dao", "Sán Dìu", "Sán Chay", "Nùng", "Hoa"]
COURSES = ["Bồi dưỡng kỹ năng hòa giải ở cơ sở", "Phổ biến Luật Hòa giải ở cơ sở",
           "Tập huấn nghiệp vụ hòa giải viên", "Kỹ năng hòa giải tranh chấp đất đai"]
TYPE_WEIGHTS = {DisputeType.NEIGHBOUR_LAND: 34, DisputeType.FAMILY_MARRIAGE: 26, DisputeType.PROPERTY_DEBT: 16,
                DisputeType.NOISE_ENVIRONMENT: 14, DisputeType.OTHER: 10}
STORIES = {
    DisputeType.NEIGHBOUR_LAND: ["Tranh chấp ranh giới đất giữa hai hộ liền kề, xây tường lấn sang 30 cm.",
                                 "Hai hộ mâu thuẫn về lối đi chung vào ngõ.",
                                 "Cây nhà bên cạnh đổ cành sang mái nhà, hai bên cãi nhau."],
    DisputeType.FAMILY_MARRIAGE: ["Vợ chồng mâu thuẫn kéo dài về chi tiêu trong gia đình.",
                                  "Anh em tranh chấp việc chăm sóc mẹ già.",
                                  "Mâu thuẫn giữa mẹ chồng và con dâu."],
    DisputeType.PROPERTY_DEBT: ["Vay 20 triệu đồng quá hạn chưa trả, hai bên lời qua tiếng lại.",
                                "Tranh chấp chia thừa kế căn nhà của bố mẹ.",
                                "Mượn xe máy làm hỏng, không thống nhất bồi thường."],
    DisputeType.NOISE_ENVIRONMENT: ["Hát karaoke to sau 22 giờ ảnh hưởng hàng xóm.",
                                    "Nuôi lợn gần khu dân cư gây mùi hôi.",
                                    "Xưởng mộc hoạt động gây ồn vào buổi trưa."],
    DisputeType.OTHER: ["Trẻ con đánh nhau, phụ huynh hai bên mâu thuẫn.",
                        "Chó thả rông cắn người, hai gia đình chưa thống nhất."],
}
AGREEMENTS = ["Hai bên thống nhất giữ nguyên ranh giới cũ, hộ xây tường tự tháo dỡ phần lấn trong 15 ngày.",
              "Hai bên xin lỗi nhau, cam kết không tái diễn.", "Bên vay trả dần 2 triệu đồng mỗi tháng.",
              "Không hát karaoke sau 22 giờ; vi phạm thì báo tổ dân phố.", "Chia đều chi phí sửa chữa."]
PLACES = ["Nhà văn hóa tổ dân phố", "Nhà tổ trưởng tổ hòa giải", "Tại nhà đương sự", "Hội trường thôn"]


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


@register("mediation", order=350)
def generate_mediation(ctx: DemoContext) -> None:
    if not ctx.groups:
        return
    rng = ctx.rng
    today = timezone.localdate()
    teams, mediators = _teams(ctx, rng, today)
    counts = _cases(ctx, rng, today, teams, mediators)
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(
                    no_style(), [MediationTeam, Mediator, Training, MediationCase, Party, Assignment, Session,
                                 Session.mediators.through]):
                cursor.execute(sql)
    ctx.count("mediation teams", len(teams))
    ctx.count("mediators", sum(len(v) for v in mediators.values()))
    for kind, number in counts.items():
        ctx.count(kind, number)
    ctx.log(_("%(teams)s mediation teams, %(cases)s mediation cases.")
            % {"teams": f"{len(teams):,}", "cases": f"{counts['mediation cases']:,}"})


def _teams(ctx: DemoContext, rng: random.Random, today: date):
    """One team per group, four to seven mediators; the demo mediator leads the first group's team."""
    team_id, mediator_id, training_id = _next_id(MediationTeam), _next_id(Mediator), _next_id(Training)
    now = timezone.now()
    demo_mediator = ctx.users.get(str(Role.MEDIATOR), [None])[0]
    team_rows, mediator_rows, training_rows = [], [], []
    teams: list[tuple[int, object]] = []
    mediators: dict[int, list[tuple[int, bool]]] = {}
    for index, group in enumerate(ctx.groups):
        minority = rng.random() < 0.12
        established = date(rng.randint(2014, 2020), rng.randint(1, 12), rng.randint(1, 28))
        team_rows.append((team_id, group.pk, group.path, group.parent_id, f"Tổ hòa giải {group.name}", minority,
                          established, f"{rng.randint(10, 999)}/QĐ-UBND", MediationTeam.Status.ACTIVE, now, now))
        size = 2 if rng.random() < 0.04 else rng.randint(4, 7)
        has_woman = rng.random() > 0.05
        members = []
        for number in range(size):
            female = (number == 1 and has_woman) or (has_woman and rng.random() < 0.35)
            is_minority = minority and (number == 0 or rng.random() < 0.3)
            appointed = established + timedelta(days=rng.randint(0, (today - established).days))
            user_id = demo_mediator.pk if index == 0 and number == 0 and demo_mediator is not None else None
            mediator_rows.append((
                mediator_id, team_id, group.path, user_id, names.full_name(rng, male=not female),
                Gender.FEMALE if female else Gender.MALE, is_minority, rng.choice(ETHNICITIES) if is_minority else "Kinh",
                today - timedelta(days=rng.randint(28 * 365, 70 * 365)), names.phone(rng),
                f"Số {rng.randint(1, 120)}, {group.name}", Mediator.Position.LEADER if number == 0 else
                Mediator.Position.MEDIATOR, appointed, f"{rng.randint(10, 999)}/QĐ-UBND", Mediator.Status.ACTIVE,
                now, now))
            if rng.random() < 0.5:
                training_rows.append((training_id, mediator_id, group.path,
                                      min(today, appointed + timedelta(days=rng.randint(30, 400))), rng.choice(COURSES),
                                      "Phòng Tư pháp" if rng.random() < 0.6 else "UBND xã"))
                training_id += 1
            members.append((mediator_id, number == 0))
            mediator_id += 1
        teams.append((team_id, group))
        mediators[team_id] = members
        team_id += 1
    BulkWriter(MediationTeam, ("id", "unit", "unit_path", "commune", "name", "minority_area", "established_on",
                               "decision_number", "status", "created_at", "updated_at")).extend(team_rows).flush()
    BulkWriter(Mediator, ("id", "team", "unit_path", "user", "full_name", "gender", "is_minority", "ethnicity",
                          "date_of_birth", "phone", "address", "position", "appointed_on", "decision_number",
                          "status", "created_at", "updated_at")).extend(mediator_rows).flush()
    BulkWriter(Training, ("id", "mediator", "unit_path", "held_on", "course", "organiser")).extend(
        training_rows).flush()
    return teams, mediators


def _dispute_reports(ctx: DemoContext) -> dict[int, list[tuple[int, date]]]:
    """Dispute and noise reports by group, to link a few cases to."""
    from binhan.reports.models import Report

    zone = timezone.get_default_timezone()
    found: dict[int, list[tuple[int, date]]] = {}
    rows = (Report.objects.filter(category__code="dispute-noise", unit__in=[g.pk for g in ctx.groups[:2000]])
            .values_list("id", "unit_id", "created_at").order_by("id")[:20_000])
    for pk, unit_id, created_at in rows:
        found.setdefault(unit_id, []).append((pk, created_at.astimezone(zone).date()))
    return found


def _cases(ctx, rng: random.Random, today: date, teams, mediators) -> dict[str, int]:
    case_id, party_id, assignment_id, session_id = (_next_id(MediationCase), _next_id(Party), _next_id(Assignment),
                                                   _next_id(Session))
    through = Session.mediators.through
    link_id = (through.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    now = timezone.now()
    reports = _dispute_reports(ctx)
    cases = BulkWriter(MediationCase, CASE_COLUMNS)
    parties = BulkWriter(Party, ("id", "case", "unit_path", "role", "full_name", "age", "address", "contact"))
    assignments = BulkWriter(Assignment, ("id", "case", "mediator", "assigned_on"))
    sessions = BulkWriter(Session, ("id", "case", "unit_path", "held_at", "place", "invitees", "requests", "agreed"))
    links = BulkWriter(through, ("id", "session", "mediator"))
    counts = {"mediation cases": 0, "mediation sessions": 0}
    expected = CASES_PER_TEAM_YEAR * DAYS / 365
    for team_id, group in teams:
        team_mediators = mediators[team_id]
        group_reports = reports.get(group.pk, [])
        for _n in range(max(0, round(rng.gauss(expected, expected / 2)))):
            received = today - timedelta(days=rng.randint(0, DAYS - 1))
            row, plan = _case_row(rng, case_id, team_id, group, received, today, team_mediators, group_reports, now)
            cases.add(row)
            for role, count in (("requester", 1), ("other_side", 1), ("related", 1 if rng.random() < 0.2 else 0)):
                for _p in range(count):
                    parties.add((party_id, case_id, group.path, role, names.full_name(rng), rng.randint(22, 78),
                                 f"Số {rng.randint(1, 150)}, {group.name}", names.phone(rng)))
                    party_id += 1
            for mediator in plan["mediators"]:
                assignments.add((assignment_id, case_id, mediator, plan["assigned_on"]))
                assignment_id += 1
            for day in plan["sessions"]:
                sessions.add((session_id, case_id, group.path, _local(day, rng.choice([8, 9, 14, 15, 19])),
                              rng.choice(PLACES), "Đại diện Ban công tác Mặt trận" if rng.random() < 0.3 else "",
                              "Hai bên trình bày yêu cầu của mình.", ""))
                for mediator in plan["mediators"]:
                    links.add((link_id, session_id, mediator))
                    link_id += 1
                session_id += 1
                counts["mediation sessions"] += 1
            case_id += 1
            counts["mediation cases"] += 1
    for writer in (cases, parties, assignments, sessions, links):
        writer.flush()
    return counts


CASE_COLUMNS = ("id", "team", "unit_path", "source", "report", "requested_by", "agency", "preferred_mediator",
                "dispute_type", "description", "documents", "received_on", "status", "exclusions", "referred_to",
                "referral_reason", "chosen_by_parties", "assigned_on", "start_deadline", "started_on", "closed_on",
                "agreement", "follow_up_on", "positions", "guidance", "minutes_requested", "notes", "reopened_count",
                "created_at", "updated_at")


def _case_row(rng, case_id, team_id, group, received, today, team_mediators, group_reports, now):
    """One case's row and what follows from it (assigned mediators, session days)."""
    dispute = _pick(rng, TYPE_WEIGHTS)
    source = _pick(rng, {Source.RESIDENT: 50, Source.MEDIATOR: 25, Source.LEADER: 10, Source.AGENCY: 8,
                         Source.REPORT: 7 if group_reports else 0})
    report_id = None
    if source == Source.REPORT:
        report_id, reported_on = rng.choice(group_reports)
        received = min(today, max(received, reported_on))
        dispute = DisputeType.NOISE_ENVIRONMENT
    age = (today - received).days
    draw = rng.random()
    status = CaseStatus.REFERRED if draw < 0.03 else None
    plan = {"mediators": [], "assigned_on": None, "sessions": []}
    assigned_on = deadline = started = closed = follow_up = None
    agreement = positions = guidance = referred_to = referral_reason = ""
    exclusions: list[str] = []
    if status == CaseStatus.REFERRED:
        exclusions, referred_to = [rng.choice(["criminal", "administrative"])], "Công an xã"
        referral_reason, closed = "Có dấu hiệu vi phạm pháp luật, chuyển cơ quan có thẩm quyền xử lý.", received
    elif age < 2:
        status = CaseStatus.RECEIVED if source == Source.RESIDENT else CaseStatus.OPEN
    else:
        active = [m for m, _leader in team_mediators]
        plan["mediators"] = rng.sample(active, min(len(active), rng.choice([1, 2, 2, 3])))
        assigned_on = received + timedelta(days=rng.choice([0, 1, 1, 2]))
        deadline = assigned_on + timedelta(days=3)
        plan["assigned_on"] = assigned_on
        if age < 6 and rng.random() < 0.5:
            status = CaseStatus.ASSIGNED
        else:
            started = min(today, assigned_on + timedelta(days=rng.choice([0, 1, 2, 3, 3, 5])))
            plan["sessions"] = [started] + ([min(today, started + timedelta(days=rng.randint(3, 14)))]
                                            if rng.random() < 0.35 else [])
            if age < 20 and rng.random() < 0.6:
                status = CaseStatus.IN_PROGRESS
            elif rng.random() < 0.84:
                status, closed = CaseStatus.SUCCESSFUL, max(plan["sessions"])
                agreement = rng.choice(AGREEMENTS)
                follow_up = closed + timedelta(days=30) if rng.random() < 0.5 else None
            else:
                status, closed = CaseStatus.UNSUCCESSFUL, max(plan["sessions"])
                positions = "Hai bên giữ nguyên quan điểm, không thống nhất được."
                guidance = rng.choice([Guidance.COURT, Guidance.COMMUNE_COMMITTEE])
    row = (case_id, team_id, group.path, source, report_id, None,
           "Hội Phụ nữ xã" if source == Source.AGENCY else "", None, dispute, rng.choice(STORIES[dispute]), "",
           received, status, json.dumps(exclusions), referred_to, referral_reason, False, assigned_on, deadline, started, closed,
           agreement, follow_up, positions, guidance, rng.random() < 0.2 and closed is not None, "", 0, now, now)
    return row, plan
