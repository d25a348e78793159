"""Demo community forces: a security team for every residential group, with its members, two years of
rosters, patrol logs and ratings; self-management models with sites, teams, funding and ratings; and
commendations.

The shape follows the documents: about one model per thirty groups (162 models for 4,951 groups in
Quảng Ninh), most rated effective (3,537 of 4,111 nationally), a few recognised by the province;
three or four members per team (the province rule by population), a patrol most weeks. Shifts and
patrol logs are written in bulk (COPY on PostgreSQL): a large demo has half a million of each.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.community import rules
from binhan.community.models import (
    Commendation,
    DutyShift,
    ModelFunding,
    ModelMember,
    ModelRating,
    ModelRecognition,
    ModelSite,
    ModelTeam,
    ModelType,
    PatrolLog,
    SecurityTeam,
    SelfManagementModel,
    TeamArea,
    TeamMember,
    TeamRating,
)
from binhan.demo import names
from binhan.demo.bulk import BulkWriter
from binhan.demo.registry import DemoContext, register
from binhan.geo.models import Household

WEEKS = 104
INSERT_BATCH = 20_000
LAW_IN_FORCE = date(2024, 7, 1)
PLACES = ["Nhà văn hóa", "Đầu ngõ", "Khu chợ", "Trường tiểu học", "Bến xe", "Cổng làng", "Ngã ba", "Bãi tắm"]
PATROL_NOTES = ["Tình hình bình thường.", "Nhắc nhở nhóm thanh niên tụ tập.", "Kiểm tra nhà vắng chủ.",
                "Hỗ trợ phân luồng giao thông.", "Tuyên truyền phòng cháy chữa cháy.", ""]
DEEDS = ["Bắt quả tang đối tượng trộm cắp tài sản.", "Cứu người đuối nước.", "Tham gia chữa cháy kịp thời.",
         "Có thành tích xuất sắc trong phong trào toàn dân bảo vệ an ninh Tổ quốc.",
         "Phát hiện, tố giác tội phạm ma túy.", "Hoàn thành xuất sắc nhiệm vụ năm."]
MODEL_NAMES = {
    "security-cameras": "Camera an ninh", "self-managed-area": "Khu dân cư tự quản về an ninh, trật tự",
    "no-explosives-coast": "Làng biển không sử dụng chất nổ", "religious-leaders": "Chức sắc tôn giáo giữ gìn ANTT",
    "no-domestic-violence": "Khu dân cư không có bạo lực gia đình",
    "parish-no-offending-youth": "Giáo xứ không có thanh thiếu niên vi phạm pháp luật",
    "security-fund": "Quỹ an ninh nhân dân", "fire-safety-team": "Tổ liên gia an toàn PCCC",
    "mediation": "Tổ hòa giải điểm", "other": "Dòng họ tự quản về ANTT",
}
TYPE_WEIGHTS = {"security-cameras": 30, "self-managed-area": 20, "security-fund": 12, "fire-safety-team": 12,
                "no-domestic-violence": 8, "mediation": 8, "religious-leaders": 4, "no-explosives-coast": 2,
                "parish-no-offending-youth": 2, "other": 2}


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


def _reset_sequences(*models) -> None:
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(sql)


def _birth(rng: random.Random, today: date, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low * 365 + 30, high * 365 - 30))


def _full_name(rng: random.Random) -> str:
    return " ".join(names.person(rng))


@register("community", order=250)
def generate_community(ctx: DemoContext) -> None:
    if not ctx.groups:
        return
    rng = ctx.rng
    today = timezone.localdate()
    officer = ctx.users.get(str(Role.COMMUNE_POLICE), [None])[0]
    teams, members = _teams(ctx, rng, today)
    shifts, patrols = _rosters_and_patrols(ctx, rng, today, teams, members)
    ratings = _team_ratings(rng, today, teams, members, officer)
    models = _models(ctx, rng, today, teams, officer)
    commendations = _commendations(ctx, rng, today, teams, members, models, officer)
    for kind, number in [("security teams", len(teams)), ("team members", sum(map(len, members.values()))),
                         ("duty shifts", shifts), ("patrol logs", patrols), ("team ratings", ratings),
                         ("self-management models", len(models)), ("commendations", commendations)]:
        ctx.count(kind, number)
    ctx.log(_("%(teams)s security teams, %(patrols)s patrol logs, %(models)s self-management models.")
            % {"teams": f"{len(teams):,}", "patrols": f"{patrols:,}", "models": f"{len(models):,}"})


def _teams(ctx: DemoContext, rng: random.Random, today: date):
    """One team per group; about one in twelve covers its neighbour too."""
    people = dict(Household.objects.filter(unit__in=ctx.groups).values("unit").annotate(n=Sum("member_count"))
                  .values_list("unit", "n"))
    rule = rules.rule_for(ctx.groups[0].path)
    plan = []
    for commune in ctx.communes:
        groups = ctx.groups_of(commune)
        index = 0
        while index < len(groups):
            width = 2 if rng.random() < 0.08 and index + 1 < len(groups) else 1
            covered = groups[index:index + width]
            plan.append(covered)
            index += len(covered)
    span = (today - LAW_IN_FORCE).days
    teams = SecurityTeam.objects.bulk_create([
        SecurityTeam(unit=covered[0], unit_path=covered[0].path, commune_id=covered[0].parent_id,
                     name=f"Tổ bảo vệ ANTT {' – '.join(g.name for g in covered)}",
                     established_on=(LAW_IN_FORCE + timedelta(days=rng.randint(0, 60)) if rng.random() < 0.93
                                     else today - timedelta(days=rng.randint(30, max(31, min(span, 400))))),
                     decision_number=f"{rng.randint(10, 999)}/QĐ-UBND", decision_date=LAW_IN_FORCE)
        for covered in plan], batch_size=2000)
    if any(team.pk is None for team in teams):
        teams = list(SecurityTeam.objects.filter(unit__in=ctx.groups).order_by("id"))
    TeamArea.objects.bulk_create([TeamArea(team=team, unit=group) for team, covered in zip(teams, plan, strict=True)
                                  for group in covered], batch_size=5000)
    security_user = ctx.users.get(str(Role.SECURITY_MEMBER), [None])[0]
    new_members = []
    for team, covered in zip(teams, plan, strict=True):
        size = rules.expected_size(rule, sum(people.get(g.pk, 0) for g in covered))
        size += rng.choices((-1, 0, 1), weights=(6, 90, 4))[0]
        for slot in range(max(size, 2)):
            position = "leader" if slot == 0 else "deputy" if slot == 1 else "member"
            old = rng.random() < 0.02
            joined = max(team.established_on, today - timedelta(days=rng.randint(0, 900)))
            new_members.append(TeamMember(
                team=team, unit_path=team.unit_path, full_name=_full_name(rng),
                date_of_birth=_birth(rng, joined, 71, 74) if old else _birth(rng, joined, 24, 66),
                chairman_consent=f"Văn bản {rng.randint(1, 300)}/UBND" if old else "",
                education=rng.choices(("lower_secondary", "upper_secondary", "vocational", "higher"),
                                      weights=(30, 45, 15, 10))[0],
                resident_since=joined - timedelta(days=rng.randint(400, 12_000)), phone=names.phone(rng),
                address=f"Số {rng.randint(1, 150)}", position=position, joined_on=joined,
                decision_number=team.decision_number, decision_date=team.established_on,
                decided_by="Chủ tịch UBND", allowance={"leader": rule.allowance_leader,
                                                       "deputy": rule.allowance_deputy}.get(position,
                                                                                            rule.allowance_member),
                user=security_user if security_user is not None and team is teams[0] and slot == 2 else None,
            ))
    created = TeamMember.objects.bulk_create(new_members, batch_size=5000)
    if any(member.pk is None for member in created):
        created = list(TeamMember.objects.filter(team__in=teams).order_by("id"))
    members = defaultdict(list)
    for member in created:
        members[member.team_id].append(member)
    return teams, members


def _rosters_and_patrols(ctx, rng: random.Random, today: date, teams, members) -> tuple[int, int]:
    """A shift most weeks for two years (and the next two weeks), nearly all patrolled."""
    shift_writer = BulkWriter(DutyShift, ("id", "team", "unit_path", "member", "kind", "starts_at", "ends_at", "place",
                                       "swap_reason"))
    patrol_writer = BulkWriter(PatrolLog, ("id", "team", "unit_path", "member", "shift", "kind", "started_at",
                                        "ended_at", "route", "notes"))
    shift_id, patrol_id = _next_id(DutyShift), _next_id(PatrolLog)
    now = timezone.now()
    first = today - timedelta(weeks=WEEKS)
    shifts = patrols = 0
    for team in teams:
        crew = members[team.pk]
        start = max(first, team.established_on)
        day = start + timedelta(days=rng.randint(0, 6))
        reliability = rng.uniform(0.90, 1.0)
        while day <= today + timedelta(days=14):
            member = crew[rng.randrange(len(crew))]
            hour = rng.choice((19, 20, 21))
            starts = _local(day, hour)
            ends = starts + timedelta(hours=3)
            shift_writer.add((shift_id, team.pk, team.unit_path, member.pk, "patrol", starts, ends,
                              rng.choice(PLACES), ""))
            shifts += 1
            if ends < now and rng.random() < reliability:
                began = starts + timedelta(minutes=rng.randint(-10, 20))
                route = "[]" if rng.random() < 0.9 else (
                    f"[[{round(20.9 + rng.random() / 10, 5)}, {round(107 + rng.random() / 10, 5)}]]")
                patrol_writer.add((patrol_id, team.pk, team.unit_path, member.pk, shift_id, "patrol", began,
                                   began + timedelta(minutes=rng.randint(90, 180)), route, rng.choice(PATROL_NOTES)))
                patrol_id += 1
                patrols += 1
            shift_id += 1
            day += timedelta(days=rng.choice((6, 7, 7, 7, 8)))
    shift_writer.flush()
    patrol_writer.flush()
    _reset_sequences(DutyShift, PatrolLog)
    return shifts, patrols


def _team_ratings(rng: random.Random, today: date, teams, members, officer) -> int:
    """The last two finished periods; excellent only above 95% done and for at most 20% of a commune's teams."""
    ratings = []
    current = rules.period_of(today).year
    rule = rules.rule_for(teams[0].unit_path)
    for year in (current - 2, current - 1):
        period = rules.period(year)
        by_commune = defaultdict(list)
        for team in teams:
            start = max(team.established_on, period.start)
            if start <= period.end and rules.months_between(start, period.end) >= rule.min_months_rated:
                by_commune[team.commune_id].append(team)
        for commune_teams in by_commune.values():
            cap = len(commune_teams) * rule.excellent_cap_percent // 100
            for team in commune_teams:
                assigned = rng.randint(40, 52)
                done = assigned - rng.choice((0, 0, 1, 1, 2, 3, 5, 8))
                if done * 100 > rule.excellent_min_percent * assigned and cap > 0 and rng.random() < 0.5:
                    grade, cap = "excellent", cap - 1
                else:
                    grade = rng.choices(("good", "completed", "not_completed"), weights=(60, 33, 7))[0]
                ratings.append(TeamRating(team=team, unit_path=team.unit_path, commune_id=team.commune_id, year=year,
                                          grade=grade, tasks_assigned=assigned, tasks_done=done, patrols=done,
                                          reports_handled=rng.randint(0, 6), rated_by=officer))
    TeamRating.objects.bulk_create(ratings, batch_size=5000)
    return len(ratings)


def _models(ctx, rng: random.Random, today: date, teams, officer) -> list[SelfManagementModel]:
    types = {t.code: t for t in ModelType.objects.filter(province__isnull=True, is_active=True)}
    codes = [code for code in TYPE_WEIGHTS if code in types]
    weights = [TYPE_WEIGHTS[code] for code in codes]
    team_of_group = {team.unit_id: team for team in teams}
    wanted = max(len(ctx.communes), len(ctx.groups) // 30)
    plan = []  # (owner unit, type code, commune)
    for number in range(wanted):
        commune = ctx.communes[number % len(ctx.communes)]
        groups = ctx.groups_of(commune)
        owner = commune if rng.random() < 0.4 or not groups else rng.choice(groups)
        plan.append((owner, rng.choices(codes, weights=weights)[0], commune))
    models = []
    for owner, code, _commune in plan:
        started = today - timedelta(days=rng.randint(200, 2000))
        fate = rng.random()
        status = "proposed" if fate < 0.05 else "ended" if fate < 0.15 else "running"
        models.append(SelfManagementModel(
            type=types[code], unit=owner, unit_path=owner.path, name=f"{MODEL_NAMES[code]} {owner.name}",
            description="Mô hình do nhân dân tự quản, có quy chế hoạt động và sổ theo dõi.",
            started_on=None if status == "proposed" else started, status=status,
            ended_on=today - timedelta(days=rng.randint(10, 150)) if status == "ended" else None,
            end_reason="Không còn hiệu quả, nhân dân đề nghị dừng." if status == "ended" else "",
            created_by=officer))
    models = SelfManagementModel.objects.bulk_create(models, batch_size=1000)
    if any(model.pk is None for model in models):
        models = list(SelfManagementModel.objects.order_by("id"))[-len(plan):]
    sites, model_teams, people, funding, ratings, recognitions = [], [], [], [], [], []
    commune_models = defaultdict(list)
    for model, (owner, _code, commune) in zip(models, plan, strict=True):
        groups = ctx.groups_of(commune)
        where = rng.sample(groups, max(1, int(len(groups) * rng.uniform(0.2, 0.6)))) if owner is commune else [owner]
        for group in where:
            sites.append(ModelSite(model=model, unit=group, unit_path=group.path, since=model.started_on))
            team = team_of_group.get(group.pk)
            if team is not None and len(model_teams) % 3 == 0:
                model_teams.append(ModelTeam(model=model, name=team.name, security_team=team, member_count=4))
        model_teams.append(ModelTeam(model=model, name=f"Tổ tự quản {owner.name}", member_count=rng.randint(5, 15)))
        for _person in range(rng.randint(3, 6)):
            people.append(ModelMember(model=model, full_name=_full_name(rng), role=rng.choice(
                ("Tổ trưởng", "Tổ phó", "Thành viên", "Thủ quỹ")), phone=names.phone(rng)))
        for _entry in range(rng.randint(1, 3)):
            funding.append(ModelFunding(model=model, source=rng.choice(("state", "households", "donors",
                                                                        "enterprises")),
                                        amount=rng.randint(5, 200) * 1_000_000,
                                        year=rng.randint(max(2000, (model.started_on or today).year), today.year)))
        if model.started_on is not None:
            last = None
            for year in range(max(model.started_on.year, today.year - 2), today.year):
                effective = rng.random() < (0.5 if model.status == "ended" else 0.86)
                last = "effective" if effective else "not_effective"
                ratings.append(ModelRating(model=model, year=year, result=last, rated_by=officer,
                                           evidence="Tổng kết năm: số vụ việc giảm, nhân dân đồng tình."
                                           if effective else "Hoạt động cầm chừng, không duy trì sinh hoạt."))
            if model.status == "ended":
                last = "not_effective"
            model.last_rating, model.last_rated_year = (last or ""), (today.year - 1 if last else None)
            if last == "effective" and rng.random() < 0.25:
                level = rng.choices(("commune", "province", "national"), weights=(75, 22, 3))[0]
                model.recognition_level = level
                recognitions.append(ModelRecognition(
                    model=model, level=level, decision_number=f"{rng.randint(10, 999)}/QĐ-UBND",
                    decision_date=today - timedelta(days=rng.randint(30, 600)),
                    issued_by={"commune": "UBND xã", "province": "UBND tỉnh", "national": "Bộ Công an"}[level]))
        commune_models[commune.pk].append(model)
    SelfManagementModel.objects.bulk_update(models, ["last_rating", "last_rated_year", "recognition_level"],
                                            batch_size=1000)
    for rows, model_class in ((sites, ModelSite), (model_teams, ModelTeam), (people, ModelMember),
                              (funding, ModelFunding), (ratings, ModelRating), (recognitions, ModelRecognition)):
        model_class.objects.bulk_create(rows, batch_size=5000)
    # A tenth of the group models copy a running commune model of their commune.
    replicas = []
    for model, (owner, _code, commune) in zip(models, plan, strict=True):
        originals = [m for m in commune_models[commune.pk] if m.unit_id == commune.pk and m.status == "running"]
        if owner is not commune and originals and rng.random() < 0.1:
            model.replicated_from = rng.choice(originals)
            replicas.append(model)
    SelfManagementModel.objects.bulk_update(replicas, ["replicated_from"], batch_size=1000)
    return models


def _commendations(ctx, rng: random.Random, today: date, teams, members, models, officer) -> int:
    rows = []
    teams_by_commune = defaultdict(list)
    for team in teams:
        teams_by_commune[team.commune_id].append(team)
    for commune in ctx.communes:
        local_teams = teams_by_commune.get(commune.pk, [])
        if not local_teams:
            continue
        for year in (today.year - 1, today.year):
            for _number in range(rng.randint(2, 6)):
                team = rng.choice(local_teams)
                day = min(today, date(year, rng.choice((8, 8, 12, 1)), rng.randint(1, 28)))
                level = rng.choices(("commune", "province", "ministry"), weights=(75, 22, 3))[0]
                common = {"level": level, "decision_number": f"{rng.randint(10, 999)}/QĐ-KT", "decision_date": day,
                          "deed": rng.choice(DEEDS), "created_by": officer}
                if rng.random() < 0.5:
                    member = rng.choice(members[team.pk])
                    rows.append(Commendation(subject="member", unit=team.unit, unit_path=team.unit_path,
                                             member=member, **common))
                else:
                    rows.append(Commendation(subject="team", unit=team.unit, unit_path=team.unit_path, team=team,
                                             **common))
    for model in models:
        if model.recognition_level and rng.random() < 0.3:
            rows.append(Commendation(subject="model", unit=model.unit, unit_path=model.unit_path, model=model,
                                     level="commune", decision_number=f"{rng.randint(10, 999)}/QĐ-KT",
                                     decision_date=today - timedelta(days=rng.randint(10, 300)),
                                     deed="Mô hình tiêu biểu trong phong trào toàn dân bảo vệ ANTQ.",
                                     created_by=officer))
    Commendation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)

