"""Quick polls: one answer per household, changeable, counted live and within the viewer's units."""

import pytest
from django.urls import reverse

from binhan.alerts import selectors, services
from binhan.alerts.models import PollVote
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent
from tests.alerts.conftest import make_input


def test_yes_no_poll_one_answer_per_household_changeable(people, send_alert, django_capture_on_commit_callbacks):
    alert = send_alert(people.province_leader, [people.commune_a, people.commune_b], poll_kind="yesno")
    services.poll_vote(user=people.resident_a, alert=alert, option="yes")
    services.poll_vote(user=people.resident_a, alert=alert, option="no")  # changes the household's answer
    services.poll_vote(user=people.neighbour, alert=alert, option="yes")
    services.poll_vote(user=people.resident_b, alert=alert, option="yes")
    assert PollVote.objects.count() == 3
    assert AuditEvent.objects.get(action="alert.vote", changes__option=["yes", "no"]).actor == people.resident_a
    assert OutboxEvent.objects.filter(name="alert.voted").count() == 4
    whole = selectors.poll_results(viewer=people.province_leader, alert=alert)
    assert [(r["code"], r["label"], r["count"]) for r in whole] == [("yes", "Yes", 2), ("no", "No", 1)]
    commune_a = selectors.poll_results(viewer=people.police_a, alert=alert)
    assert [r["count"] for r in commune_a] == [1, 1]


def test_choice_poll_and_bad_answers(people, send_alert):
    alert = send_alert(people.police_a, [people.group_a], poll_kind="choice",
                       poll_options=["Sáng thứ Bảy", "Chiều Chủ nhật", ""])
    assert alert.poll == {"kind": "choice", "options": ["Sáng thứ Bảy", "Chiều Chủ nhật"]}
    with pytest.raises(ServiceError):
        services.poll_vote(user=people.resident_a, alert=alert, option="3")
    with pytest.raises(PermissionDeniedError):
        services.poll_vote(user=people.resident_b, alert=alert, option="1")
    services.poll_vote(user=people.resident_a, alert=alert, option="2")
    assert [r["count"] for r in selectors.poll_results(viewer=people.police_a, alert=alert)] == [0, 1]


@pytest.mark.parametrize(("kind", "options"), [
    ("maybe", []), ("choice", ["Chỉ một"]), ("choice", ["A", "A"]), ("choice", [str(n) for n in range(7)]),
    ("choice", ["<b>x</b>", "y"]),
])
def test_bad_polls_are_refused(world, kind, options):
    with pytest.raises(ServiceError):
        services.alert_create(actor=world.police_a, data=make_input([world.group_a], poll_kind=kind,
                                                                     poll_options=options))


def test_alert_without_poll_takes_no_answer(people, send_alert):
    alert = send_alert(people.police_a, [people.group_a])
    with pytest.raises(ServiceError):
        services.poll_vote(user=people.resident_a, alert=alert, option="yes")


def test_vote_through_the_page_and_the_api(people, send_alert, login, client, token_for):
    alert = send_alert(people.police_a, [people.group_a], poll_kind="yesno")
    login(people.resident_a)
    page = client.get(reverse("alerts:inbox_alert", args=[alert.pk])).content.decode()
    assert 'name="option" value="yes"' in page
    assert client.post(reverse("alerts:vote", args=[alert.pk]), {"option": "no"}).status_code == 302
    assert client.post(reverse("alerts:vote", args=[alert.pk]), {"option": "perhaps"}).status_code == 303
    results = client.get(f"/api/v1/alerts/{alert.pk}/poll", **token_for(people.police_a)).json()
    assert results == [{"code": "yes", "label": "Yes", "count": 0}, {"code": "no", "label": "No", "count": 1}]


def test_figures_per_group_count_answers_and_replies_within_the_viewers_units(people, send_alert, login, client):
    alert = send_alert(people.province_leader, [people.commune_a, people.commune_b], poll_kind="yesno")
    services.poll_vote(user=people.resident_a, alert=alert, option="no")
    services.poll_vote(user=people.neighbour, alert=alert, option="yes")
    services.poll_vote(user=people.resident_b, alert=alert, option="yes")
    services.reply_create(user=people.resident_a, alert=alert, body="Nhà tôi đã khóa cổng.")
    rows = {row["unit"].pk: row for row in selectors.tally_by_group(viewer=people.province_leader, alert=alert)}
    assert ((rows[people.group_a.pk]["answers"], rows[people.group_a.pk]["replies"]),
            (rows[people.group_b.pk]["answers"], rows[people.group_b.pk]["replies"])) == (([1, 1], 1), ([1, 0], 0))
    commune_a = selectors.tally_by_group(viewer=people.police_a, alert=alert)
    assert [row["unit"].pk for row in commune_a] == [people.group_a.pk]
    login(people.police_a)
    page = client.get(reverse("alerts:groups", args=[alert.pk])).content.decode()
    assert ("Answered “Yes”" in page, "Answered “No”" in page) == (True, True)
