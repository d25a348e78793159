"""The resident side: inbox, acknowledgement, replies, subscriptions; and who may see what."""

import pytest
from django.urls import reverse

from binhan.alerts import selectors, services
from binhan.alerts.models import Acknowledgement, Delivery, Reply
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent


def test_inbox_shows_the_alert_and_reading_marks_it(people, send_alert, login, client):
    alert = send_alert(people.police_a, [people.group_a])
    assert [a.pk for a in selectors.inbox(user=people.resident_a)] == [alert.pk]
    assert (selectors.unread_count(user=people.resident_a), list(selectors.inbox(user=people.resident_b))) == (1, [])
    login(people.resident_a)
    page = client.get(reverse("alerts:inbox_alert", args=[alert.pk]))
    assert (page.status_code, "Theft warning" in page.content.decode()) == (200, True)
    fresh = type(people.resident_a).objects.get(pk=people.resident_a.pk)  # a new request's user
    assert selectors.unread_count(user=fresh) == 0
    assert Delivery.objects.get(alert=alert, household=people.household_a).status == "read"


def test_household_outside_the_area_cannot_open_it(people, send_alert, login, client):
    alert = send_alert(people.police_a, [people.group_a])
    login(people.resident_b)
    assert client.get(reverse("alerts:inbox_alert", args=[alert.pk])).status_code == 404
    assert client.post(reverse("alerts:acknowledge", args=[alert.pk])).status_code == 404
    with pytest.raises(PermissionDeniedError):
        services.alert_acknowledge(user=people.resident_b, alert=alert)
    with pytest.raises(PermissionDeniedError):
        services.reply_create(user=people.resident_b, alert=alert, body="Tôi cũng thấy")


def test_acknowledge_once_per_household_audited_and_live(people, send_alert, django_capture_on_commit_callbacks):
    alert = send_alert(people.police_a, [people.group_a])
    first = services.alert_acknowledge(user=people.resident_a, alert=alert)
    again = services.alert_acknowledge(user=people.resident_a, alert=alert)
    assert (first.pk, Acknowledgement.objects.count()) == (again.pk, 1)
    assert AuditEvent.objects.filter(action="alert.acknowledge").count() == 1
    outbox = OutboxEvent.objects.get(name="alert.acknowledged")
    assert (outbox.unit_path, outbox.payload) == (people.group_a.path, {"alert_id": alert.pk})
    assert selectors.tally(viewer=people.police_a, alert=alert).acknowledged == 1


def test_replies_are_seen_by_staff_of_the_area_only(people, send_alert):
    alert = send_alert(people.province_leader, [people.commune_a, people.commune_b])
    reply_a = services.reply_create(user=people.resident_a, alert=alert, body="Nhà tôi cũng mất xe đạp")
    reply_b = services.reply_create(user=people.resident_b, alert=alert, body="Tổ 1 Đông Triều ổn")
    assert [r.pk for r in selectors.staff_replies(viewer=people.police_a, alert=alert)] == [reply_a.pk]
    assert [r.pk for r in selectors.staff_replies(viewer=people.police_b, alert=alert)] == [reply_b.pk]
    assert [r.pk for r in selectors.staff_replies(viewer=people.province_leader, alert=alert)] == [
        reply_a.pk, reply_b.pk]
    tally_a = selectors.tally(viewer=people.police_a, alert=alert)
    assert (tally_a.whole, tally_a.recipients, tally_a.replies) == (False, 2, 1)


def test_residents_never_see_each_others_replies_or_details(people, send_alert, login, client):
    alert = send_alert(people.police_a, [people.group_a])
    mine = services.reply_create(user=people.resident_a, alert=alert, body="Câu hỏi của tôi")
    services.reply_create(user=people.neighbour, alert=alert, body="Bí mật của hàng xóm")
    private = services.reply_answer(actor=people.police_a, alert=alert, body="Trả lời riêng", in_reply_to=mine,
                                    public=False)
    public = services.reply_answer(actor=people.police_a, alert=alert, body="Trả lời chung")
    assert [r.pk for r in selectors.resident_thread(user=people.resident_a, alert=alert)] == [
        mine.pk, private.pk, public.pk]
    assert [r.body for r in selectors.resident_thread(user=people.neighbour, alert=alert)] == [
        "Bí mật của hàng xóm", "Trả lời chung"]
    login(people.resident_a)
    page = client.get(reverse("alerts:inbox_alert", args=[alert.pk])).content.decode()
    for secret in ("Bí mật của hàng xóm", "neighbour", "0911000002", "0911000999", "neighbour@example.org",
                   "Số 3 phố An Sinh"):
        assert secret not in page


def test_staff_cannot_answer_replies_from_outside_their_units(people, send_alert):
    alert = send_alert(people.province_leader, [people.commune_a, people.commune_b])
    reply_b = services.reply_create(user=people.resident_b, alert=alert, body="Hỏi")
    with pytest.raises(PermissionDeniedError):
        services.reply_answer(actor=people.police_a, alert=alert, body="X", in_reply_to=reply_b, public=False)
    assert Reply.objects.filter(is_staff=True).count() == 0


@pytest.mark.parametrize(("body", "message"), [
    ("   ", "Write your reply."), ("<script>x</script>", "Write plain text only: remove the HTML tags or script."),
    ("x" * 2001, "Please keep it under 2000 characters."),
])
def test_bad_replies_are_refused(people, send_alert, body, message):
    alert = send_alert(people.police_a, [people.group_a])
    with pytest.raises(ServiceError) as caught:
        services.reply_create(user=people.resident_a, alert=alert, body=body)
    assert (str(caught.value.message), Reply.objects.count()) == (message, 0)


def test_reply_page_bad_input_is_400(people, send_alert, login, client):
    alert = send_alert(people.police_a, [people.group_a])
    login(people.resident_a)
    response = client.post(reverse("alerts:inbox_alert", args=[alert.pk]), {"body": "<img src=x onerror=1>"})
    assert (response.status_code, Reply.objects.count()) == (400, 0)


def test_one_click_unsubscribe(people, client):
    services.subscription_update(user=people.resident_a, email=True, sms=True)
    token = services.unsubscribe_token(user_id=people.resident_a.pk, channel="email")
    url = reverse("alerts:unsubscribe", args=[token])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    subscription = services.subscription_of(people.resident_a)
    assert (subscription.email, subscription.sms) == (False, True)
    assert AuditEvent.objects.filter(action="alert.unsubscribe").count() == 1
    assert client.post(reverse("alerts:unsubscribe", args=[token[:-3] + "abc"])).status_code == 400


@pytest.mark.parametrize(("fields", "field"), [
    ({"min_severity": "huge"}, "min_severity"), ({"topics": ["gossip"]}, "topics"),
    ({"quiet_start": __import__("datetime").time(22)}, "quiet_start"),
])
def test_bad_subscription_is_refused(people, fields, field):
    with pytest.raises(ServiceError) as caught:
        services.subscription_update(user=people.resident_a, **fields)
    assert caught.value.field == field


def test_email_needs_an_address(people):
    type(people.resident_a).objects.filter(pk=people.resident_a.pk).update(email="")
    people.resident_a.refresh_from_db()
    with pytest.raises(ServiceError):
        services.subscription_update(user=people.resident_a, email=True)


def test_subscription_page(people, login, client):
    login(people.resident_a)
    response = client.post(reverse("alerts:subscription"), {"inapp": "on", "sms": "on", "min_severity": "severe",
                                                             "topics": ["fire", "crime"]})
    assert response.status_code == 302
    subscription = services.subscription_of(people.resident_a)
    assert (subscription.sms, subscription.min_severity, subscription.topics) == (True, "severe", ["crime", "fire"])


def test_push_subscribe_endpoint(people, login, client):
    login(people.resident_a)
    url = reverse("alerts:push_subscribe")
    assert client.post(url, "nonsense", content_type="application/json").status_code == 400
    assert client.post(url, {"endpoint": "http://insecure", "keys": {"p256dh": "a", "auth": "b"}},
                       content_type="application/json").status_code == 400
    ok = client.post(url, {"endpoint": "https://push.example.org/abc", "keys": {"p256dh": "k", "auth": "a"}},
                     content_type="application/json")
    assert (ok.status_code, services.subscription_of(people.resident_a).webpush) == (201, True)


def test_live_inbox_needs_sign_in(client):
    assert client.get(reverse("alerts:inbox_live")).status_code == 401


def test_one_click_unsubscribe_needs_no_csrf_token(people):
    from django.test import Client

    services.subscription_update(user=people.resident_a, sms=True)
    strict = Client(enforce_csrf_checks=True)
    token = services.unsubscribe_token(user_id=people.resident_a.pk, channel="all")
    response = strict.post(reverse("alerts:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"})
    assert (response.status_code, services.subscription_of(people.resident_a).sms) == (200, False)


def test_replies_are_rate_limited(people, send_alert, login, client):
    alert = send_alert(people.police_a, [people.group_a])
    login(people.resident_a)
    url = reverse("alerts:inbox_alert", args=[alert.pk])
    statuses = [client.post(url, {"body": f"Tin số {n}"}).status_code for n in range(21)]
    assert (statuses[:20] == [302] * 20, statuses[20], Reply.objects.count()) == (True, 429, 20)


def test_inbox_page_queries(people, send_alert, login, client, django_assert_num_queries):
    for _ in range(15):
        send_alert(people.police_a, [people.group_a])
    login(people.resident_a)
    client.get(reverse("alerts:inbox"))  # warm the session
    # session, user, unread count (the page's and the navigation's), roles (navigation), inbox count, page, texts
    with django_assert_num_queries(7):
        response = client.get(reverse("alerts:inbox"))
    assert response.content.decode().count('data-alert="') == 15


def test_web_push_channel_sends_and_forgets_expired_browsers(people, send_alert, settings, monkeypatch):
    import pywebpush

    from binhan.alerts import delivery
    from binhan.alerts.models import PushSubscription

    settings.BINHAN_VAPID_PUBLIC_KEY, settings.BINHAN_VAPID_PRIVATE_KEY = "public", "private"
    services.push_subscribe(user=people.resident_a, endpoint="https://push.example.org/live", p256dh="k", auth="a")
    PushSubscription.objects.create(user=people.resident_a, endpoint="https://push.example.org/gone", p256dh="k",
                                    auth="a")
    sent = []

    class Gone:
        status_code = 410

    def fake_webpush(*, subscription_info, data, **kwargs):
        if subscription_info["endpoint"].endswith("gone"):
            raise pywebpush.WebPushException("gone", response=Gone())
        sent.append((subscription_info["endpoint"], __import__("json").loads(data)["title"]))

    monkeypatch.setattr(pywebpush, "webpush", fake_webpush)
    alert = send_alert(people.police_a, [people.group_a])
    delivery.send_due_deliveries()
    assert sent == [("https://push.example.org/live", "Cảnh báo trộm cắp")]
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == ["https://push.example.org/live"]
    assert Delivery.objects.get(alert=alert, channel="webpush").status == "sent"


def test_live_inbox_passes_only_events_for_where_the_person_lives(people):
    from binhan.alerts.views import resident_may_see
    from binhan.core.models import OutboxEvent

    mine = selectors.recipient_paths(people.resident_a)
    assert mine == [people.group_a.path, people.group_a.path]
    for_a = OutboxEvent(name="alert.delivered", payload={"paths": [people.commune_a.path]})
    for_b = OutboxEvent(name="alert.delivered", payload={"paths": [people.group_b.path]})
    staff_only = OutboxEvent(name="alert.replied", payload={"paths": [people.commune_a.path]})
    province = OutboxEvent(name="alert.cancelled", payload={"paths": [people.province.path]})
    assert [resident_may_see(e, mine) for e in (for_a, for_b, staff_only, province)] == [True, False, False, True]
