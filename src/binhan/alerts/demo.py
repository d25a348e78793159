"""Demo alerts: four months of what ward police send, with who read, acknowledged and replied.

Theft warnings before Tết, fire safety in the dry season, storms, traffic changes, dengue,
online-fraud warnings and meeting notices, from the police of the first communes (and one
province-wide storm warning in the smaller demos). Deliveries are written the way a real
send writes them (one INSERT … SELECT per batch of groups), then a share is marked read.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.alerts.delivery import _insert_household_rows
from binhan.alerts.models import (
    Acknowledgement,
    Alert,
    AlertTarget,
    AlertText,
    Article,
    ArticleText,
    Campaign,
    Delivery,
    DeliveryStatus,
    Reply,
    Status,
)
from binhan.demo.registry import DemoContext, register

DAYS = 120
COMMUNES = 6
PER_COMMUNE = 4
MAX_ACKS_PER_ALERT = 400
# (category, severity, urgency, vi title, vi body, vi instruction, en title, en body)
MESSAGES = [
    ("crime", "severe", "expected", "Cảnh giác trộm cắp xe máy ban đêm",
     "Thời gian gần đây trên địa bàn xảy ra nhiều vụ mất trộm xe máy dựng trong sân, trước cửa nhà vào ban đêm.",
     "Khóa cổng, khóa càng xe; thấy người lạ khả nghi báo ngay cho công an phường.",
     "Beware of motorbike theft at night",
     "Several motorbikes parked in yards and in front of houses have been stolen at night recently."),
    ("crime", "severe", "immediate", "Cảnh báo giả danh công an gọi điện lừa đảo",
     "Các đối tượng giả danh công an gọi điện yêu cầu chuyển tiền hoặc cài ứng dụng để 'xác minh' tài khoản.",
     "Công an không làm việc qua điện thoại: không chuyển tiền, không cài ứng dụng lạ.",
     "Warning: callers pretending to be the police",
     "Fraudsters pose as police officers on the phone and ask you to transfer money or install an app."),
    ("fire", "moderate", "future", "Phòng cháy chữa cháy mùa hanh khô",
     "Mùa hanh khô, nguy cơ cháy nhà ở và cháy rừng tăng cao. Kiểm tra bình chữa cháy và hệ thống điện trong nhà.",
     "Không để xăng dầu gần bếp; tắt thiết bị điện khi ra khỏi nhà.",
     "Fire safety in the dry season",
     "The dry season raises the risk of house and forest fires. Check your extinguisher and wiring."),
    ("weather", "severe", "expected", "Cảnh báo mưa lớn, nguy cơ ngập úng",
     "Do ảnh hưởng của hoàn lưu bão, từ đêm nay có mưa to đến rất to, nguy cơ ngập úng tại các vùng trũng.",
     "Kê cao đồ đạc, không đi qua ngầm tràn, theo dõi thông báo của phường.",
     "Heavy rain and flooding warning",
     "Heavy to very heavy rain from tonight; low-lying areas may flood."),
    ("traffic", "minor", "future", "Phân luồng giao thông phục vụ lễ hội",
     "Từ 6 giờ đến 22 giờ Chủ nhật, đường trung tâm phường cấm xe cơ giới để tổ chức lễ hội.",
     "Đi theo hướng dẫn của lực lượng chức năng.",
     "Traffic diversion for the festival",
     "On Sunday from 6:00 to 22:00 the central road is closed to motor vehicles."),
    ("health", "moderate", "expected", "Phòng chống sốt xuất huyết",
     "Số ca sốt xuất huyết trên địa bàn đang tăng. Tổ dân phố tổ chức tổng vệ sinh, diệt bọ gậy vào sáng thứ Bảy.",
     "Úp ngược dụng cụ chứa nước, ngủ màn; sốt cao đi khám ngay.",
     "Dengue prevention",
     "Dengue cases are rising. The residential group cleans up and removes mosquito larvae on Saturday morning."),
    ("legal", "minor", "future", "Tuyên truyền phòng chống lừa đảo qua mạng",
     "Không bấm vào đường link lạ, không cung cấp mã OTP cho bất kỳ ai, kể cả người xưng là nhân viên ngân hàng.",
     "", "Online fraud: how to protect yourself",
     "Never click unknown links and never give your one-time code to anyone, even a 'bank employee'."),
    ("community", "minor", "future", "Họp tổ dân phố tháng này",
     "Mời đại diện các hộ gia đình dự họp tổ dân phố lúc 19 giờ 30 thứ Sáu tại nhà văn hóa.",
     "", "Residential group meeting this month",
     "Each household is invited to the group meeting at 19:30 on Friday at the community house."),
]
REPLIES = ["Nhà tôi đã nhận được thông báo, cảm ơn công an phường.", "Đầu ngõ 5 tối qua có người lạ đi lại nhiều lần.",
           "Cho hỏi tổ mình có buổi tập huấn phòng cháy không ạ?", "Đèn đường đầu ngõ bị hỏng, đề nghị sửa giúp.",
           "Gia đình tôi sẽ tham gia tổng vệ sinh."]
ANSWERS = ["Cảm ơn bà con đã phản ánh, công an phường sẽ tăng cường tuần tra.",
           "Buổi tập huấn sẽ được thông báo trong tuần tới."]


ARTICLES = [
    ("legal", "article", "Phòng chống lừa đảo qua mạng: năm điều cần nhớ",
     "Không cung cấp mã OTP, không bấm đường link lạ, không chuyển tiền cho người lạ.",
     "1. Không cung cấp mã OTP cho bất kỳ ai, kể cả người xưng là nhân viên ngân hàng hay công an.\n\n"
     "2. Không bấm vào đường link lạ gửi qua tin nhắn, mạng xã hội.\n\n"
     "3. Công an không làm việc qua điện thoại, không yêu cầu chuyển tiền để xác minh.\n\n"
     "4. Khi nghi ngờ, gọi lại số chính thức của ngân hàng hoặc đến trụ sở công an phường.\n\n"
     "5. Báo ngay cho công an khi phát hiện dấu hiệu lừa đảo.",
     "Online fraud: five things to remember", "Never share a one-time code; never click unknown links.",
     "Never give your one-time code to anyone. The police never ask you to transfer money by phone."),
    ("fire", "leaflet", "Tờ rơi: an toàn phòng cháy trong gia đình",
     "Mỗi hộ một bình chữa cháy, lối thoát nạn thông thoáng.",
     "Trang bị bình chữa cháy và để ở nơi dễ lấy.\n\nKhông để xe máy, đồ dễ cháy chắn lối thoát nạn.\n\n"
     "Tắt thiết bị điện khi ra khỏi nhà; không sạc xe điện qua đêm trong nhà.\n\nGọi 114 khi có cháy.",
     "Leaflet: fire safety at home", "One extinguisher per household; keep the way out clear.",
     "Keep an extinguisher within reach, keep escape routes clear, call 114 in case of fire."),
]


@register("alerts", order=300)
def generate(ctx: DemoContext) -> None:
    rng = ctx.rng
    police = ctx.users.get(str(Role.COMMUNE_POLICE), [])
    province_police = ctx.user(Role.PROVINCE_POLICE)
    resident = ctx.user(Role.RESIDENT)
    now = timezone.now()
    alerts = []
    plan = [(commune, police[i] if i < len(police) else province_police)
            for i, commune in enumerate(ctx.communes[:COMMUNES])]
    for commune, author in plan:
        for _number in range(PER_COMMUNE):
            alerts.append((commune, author, rng.choice(MESSAGES), now - timedelta(days=rng.uniform(0.2, DAYS))))
    if ctx.size.households <= 20_000:  # a province-wide storm warning where the demo is small enough
        alerts.append((ctx.province, province_police, MESSAGES[3], now - timedelta(days=rng.uniform(1, 30))))
    alerts.sort(key=lambda item: item[3])
    articles = []
    for category, kind, title, summary, body, en_title, en_summary, en_body in ARTICLES:
        article = Article.objects.create(unit=ctx.province, unit_path=ctx.province.path, kind=kind, category=category,
                                         is_published=True, author=province_police)
        ArticleText.objects.bulk_create([
            ArticleText(article=article, language="vi", title=title, summary=summary, body=body),
            ArticleText(article=article, language="en", title=en_title, summary=en_summary, body=en_body)])
        articles.append(article)
    campaign = Campaign.objects.create(
        unit=ctx.province, unit_path=ctx.province.path, author=province_police,
        name="Cao điểm tấn công, trấn áp tội phạm", starts_on=(now - timedelta(days=60)).date(),
        ends_on=(now + timedelta(days=15)).date(),
        description="Đợt cao điểm bảo đảm an ninh, trật tự trên địa bàn tỉnh.")
    rows = deliveries = acks = replies = 0
    for unit, author, message, sent_at in alerts:
        category, severity, urgency, title, body, instruction, en_title, en_body = message
        lasts = timedelta(days=3 if urgency != "future" else 10)
        expired = sent_at + lasts < now
        alert = Alert.objects.create(
            unit=unit, unit_path=unit.path, author=author, status=Status.EXPIRED if expired else Status.SENT,
            severity=severity, urgency=urgency, category=category, starts_at=sent_at, expires_at=sent_at + lasts,
            sent_at=sent_at, fanout_done_at=sent_at, is_public=True,
            article=articles[0] if category in ("crime", "legal") else articles[1] if category == "fire" else None,
            campaign=campaign if category == "crime" and sent_at.date() >= campaign.starts_on else None,
        )
        AlertText.objects.bulk_create([
            AlertText(alert=alert, language="vi", title=title, body=body, instruction=instruction),
            AlertText(alert=alert, language="en", title=en_title, body=en_body),
        ])
        AlertTarget.objects.create(alert=alert, unit=unit, unit_path=unit.path)
        groups = [g.pk for g in ctx.groups if g.path.startswith(unit.path)]
        count = 0
        for start in range(0, len(groups), 500):
            count += _insert_household_rows(alert, groups[start:start + 500], sent_at)
        Alert.objects.filter(pk=alert.pk).update(recipient_count=count, fanout_cursor=groups[-1] if groups else 0)
        deliveries += count
        # Between a third and two thirds of households opened it.
        share = rng.randint(3, 6)
        table = connection.ops.quote_name(Delivery._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET status = %s, read_at = %s WHERE alert_id = %s "  # noqa: S608
                           f"AND household_id %% 10 < %s", [DeliveryStatus.READ,
                                                          connection.ops.adapt_datetimefield_value(
                                                              sent_at + timedelta(hours=2)), alert.pk, share])
        read = list(Delivery.objects.filter(alert=alert, status=DeliveryStatus.READ)
                    .values_list("household_id", "unit_id")[: MAX_ACKS_PER_ALERT * 3])
        picked = rng.sample(read, min(len(read), rng.randint(MAX_ACKS_PER_ALERT // 4, MAX_ACKS_PER_ALERT)))
        paths = {g.pk: g.path for g in ctx.groups}
        Acknowledgement.objects.bulk_create(
            Acknowledgement(alert=alert, household_id=household, unit_id=group, unit_path=paths[group])
            for household, group in picked)
        acks += len(picked)
        for household, group in picked[: rng.randint(1, 4)]:
            reply = Reply.objects.create(alert=alert, household_id=household, unit_id=group, unit_path=paths[group],
                                         body=rng.choice(REPLIES), author=None)
            replies += 1
            if rng.random() < 0.5:
                Reply.objects.create(alert=alert, author=author, unit=unit, unit_path=unit.path, is_staff=True,
                                     visibility=Reply.Visibility.PRIVATE, in_reply_to=reply,
                                     household_id=household, body=rng.choice(ANSWERS))
        rows += 1
    if resident.household_id:  # the demo resident has something to acknowledge and answer
        latest = Alert.objects.filter(status=Status.SENT, deliveries__household_id=resident.household_id).first()
        if latest is not None:
            Delivery.objects.filter(alert=latest, household_id=resident.household_id).update(
                status=DeliveryStatus.DELIVERED, read_at=None)
            Acknowledgement.objects.filter(alert=latest, household_id=resident.household_id).delete()
    ctx.count("alerts", rows)
    ctx.count("alert deliveries", deliveries)
    ctx.count("alert acknowledgements", acks)
    ctx.count("alert replies", replies)
    ctx.log(_("%(count)s alerts, %(deliveries)s deliveries") % {"count": rows, "deliveries": deliveries})
