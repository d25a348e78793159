"""The live-update stream (/live/): who receives which event, replay after a reconnect, heartbeats.

The stream tests run a real `binhan serve` process against a database of its own (see
tests/live_helpers.py); the tail's own logic is tested in this process.
"""

import asyncio
import re
from dataclasses import dataclass

import httpx
import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import AsyncRequestFactory, Client

from binhan.core import events, live, scoping
from binhan.core.models import OutboxEvent
from tests.live_helpers import (
    HEARTBEAT_SECONDS,
    Publisher,
    Server,
    Site,
    SSEStream,
    bearer,
    login_cookies,
    prepare_site,
    temporary_database,
)


@dataclass
class Live:
    site: Site
    server: Server
    publisher: Publisher

    def stream(self, username: str, query: str = "", **headers) -> SSEStream:
        stream = SSEStream(f"{self.server.url}/live/{query}", headers={**bearer(self.site.token(username)), **headers})
        assert stream.status_code == 200
        stream.wait_connected()
        return stream

    def path(self, name: str) -> str:
        return self.site.data["paths"][name]


@pytest.fixture(scope="module")
def sse_site(tmp_path_factory):
    directory = tmp_path_factory.mktemp("live")
    with temporary_database(directory) as database_url:
        site = prepare_site(database_url)
        server = Server(site.env(), directory).start()
        publisher = Publisher(site.env())
        try:
            server.wait_ready()
            yield Live(site=site, server=server, publisher=publisher)
        finally:
            publisher.stop()
            server.stop()


def data(event_id: int, name: str, unit_path: str, **payload) -> dict:
    return {"id": event_id, "name": name, "unit_path": unit_path, **payload}


# -- over a real server ------------------------------------------------------------------------

@pytest.mark.live
def test_anonymous_and_a_bad_token_get_401_and_no_stream(sse_site):
    anonymous = httpx.get(f"{sse_site.server.url}/live/", timeout=5)
    bad_token = httpx.get(f"{sse_site.server.url}/live/", headers=bearer("bha_nothing_here"), timeout=5)

    assert (anonymous.status_code, anonymous.headers["content-type"]) == (401, "text/plain")
    assert (bad_token.status_code, bad_token.headers["content-type"]) == (401, "text/plain")


@pytest.mark.live
def test_an_event_under_the_viewers_units_arrives_with_id_name_and_json_data(sse_site):
    with sse_site.stream("police-a") as stream:
        event_id = sse_site.publisher.publish("household.created", sse_site.path("group_a"), household_id=7)
        event = stream.next_event()

    assert stream.response.headers["content-type"].startswith("text/event-stream")
    assert stream.response.headers["cache-control"] == "no-cache"
    assert (event.id, event.event) == (str(event_id), "household.created")
    assert event.json == data(event_id, "household.created", sse_site.path("group_a"), household_id=7)


@pytest.mark.live
def test_an_event_of_another_commune_reaches_the_province_leader_but_not_commune_police(sse_site):
    with sse_site.stream("police-a") as police_a, sse_site.stream("province-leader") as leader:
        in_b = sse_site.publisher.publish("household.created", sse_site.path("group_b"), household_id=1)
        in_a = sse_site.publisher.publish("household.created", sse_site.path("group_a"), household_id=2)

        police_a_sees = police_a.next_event().id
        leader_sees = [leader.next_event().id, leader.next_event().id]

    # The event in A, published after the one in B, is the first police A receives.
    assert police_a_sees == str(in_a)
    assert leader_sees == [str(in_b), str(in_a)]


@pytest.mark.live
def test_topics_choose_the_kinds_of_event(sse_site):
    group_a = sse_site.path("group_a")
    with (sse_site.stream("police-a", "?topics=unit") as units,
          sse_site.stream("police-a", "?topics=household") as households,
          sse_site.stream("police-a", "?topics=household,unit") as both):
        household = sse_site.publisher.publish("household.created", group_a, household_id=3)
        unit = sse_site.publisher.publish("unit.updated", group_a, unit_id=4)
        sentinel = sse_site.publisher.publish("household.updated", group_a, household_id=3)

        seen_by_units = units.next_event()
        seen_by_households = [households.next_event().id, households.next_event().id]
        seen_by_both = [both.next_event().id, both.next_event().id, both.next_event().id]

    assert (seen_by_units.id, seen_by_units.event) == (str(unit), "unit.updated")
    assert seen_by_households == [str(household), str(sentinel)]
    assert seen_by_both == [str(household), str(unit), str(sentinel)]


@pytest.mark.live
def test_reconnecting_with_last_event_id_replays_exactly_what_was_missed_in_order(sse_site):
    group_a, group_b = sse_site.path("group_a"), sse_site.path("group_b")
    with sse_site.stream("police-a") as first:
        seen = sse_site.publisher.publish("household.created", group_a, household_id=10)
        assert first.next_event().id == str(seen)
    # While the client is away: one event it may see, one it may not, then a batch that spans
    # more than one replay page.
    missed = [sse_site.publisher.publish("household.updated", group_a, household_id=10)]
    sse_site.publisher.publish("household.created", group_b, household_id=11)
    batch = sse_site.publisher.transaction(
        [{"name": "household.created", "unit_path": group_a, "payload": {"household_id": n}}
         for n in range(live.REPLAY_LIMIT + 20)]
    )
    missed += batch

    with sse_site.stream("police-a", **{"Last-Event-ID": str(seen)}) as again:
        replayed = [again.next_event().id for _ in missed]
        after = sse_site.publisher.publish("household.created", group_a, household_id=12)
        next_live = again.next_event().id

    assert replayed == [str(event_id) for event_id in missed]
    assert next_live == str(after)


@pytest.mark.live
def test_last_event_id_may_come_as_a_query_parameter(sse_site):
    group_a = sse_site.path("group_a")
    first = sse_site.publisher.publish("household.created", group_a, household_id=20)
    second = sse_site.publisher.publish("household.created", group_a, household_id=21)

    with sse_site.stream("police-a", f"?last_event_id={first}") as stream:
        event = stream.next_event()

    assert event.id == str(second)


@pytest.mark.live
def test_heartbeats_keep_an_idle_stream_open(sse_site):
    with sse_site.stream("police-a", "?topics=nothing-ever") as stream:
        messages = [stream.next_message(timeout=HEARTBEAT_SECONDS * 3) for _ in range(3)]

    assert [message.comments for message in messages] == [["heartbeat"]] * 3
    assert [(message.id, message.event, message.data) for message in messages] == [(None, None, "")] * 3


@pytest.mark.live
def test_a_signed_in_browser_session_receives_the_household_created_through_the_api(sse_site):
    url = sse_site.server.url
    cookies = login_cookies(url, "police-a")
    with SSEStream(f"{url}/live/?topics=household,unit", cookies=cookies) as stream:
        stream.wait_connected()
        created = httpx.post(
            f"{url}/api/v1/households", headers=bearer(sse_site.site.token("police-a")), timeout=5,
            json={"unit_id": sse_site.site.data["units"]["group_a"], "address": "Số 9 phố An Sinh"},
        )
        event = stream.next_event()

    assert created.status_code == 201
    assert event.event == "household.created"
    assert event.json == data(int(event.id), "household.created", sse_site.path("group_a"),
                              household_id=created.json()["id"])


# -- the tail, in this process -----------------------------------------------------------------

def outbox(event_id: int, name: str = "household.created") -> OutboxEvent:
    return OutboxEvent(id=event_id, name=name, unit_path="/VN/", payload={})


def drain(listener: live.Listener) -> list[int]:
    ids = []
    while not listener.queue.empty():
        ids.append(listener.queue.get_nowait().id)
    return ids


def test_the_tail_hands_each_event_over_once_and_looks_again_for_skipped_ids():
    tail = live.OutboxTail()
    listener = tail.add()

    tail.deliver([outbox(1), outbox(3)], now=100.0)
    first = (drain(listener), dict(tail.gaps), tail.last_id, tail.horizon())
    # Id 2 commits late (a longer transaction); 3 comes back in the same query and is not repeated.
    tail.deliver([outbox(2), outbox(3)], now=101.0)
    second = (drain(listener), dict(tail.gaps), tail.last_id, tail.horizon())
    tail.deliver([outbox(5)], now=102.0)
    tail.deliver([], now=102.0 + live.GAP_WAIT_SECONDS)
    third = (drain(listener), dict(tail.gaps), tail.last_id)

    assert first == ([1, 3], {2: 100.0 + live.GAP_WAIT_SECONDS}, 3, 1)
    assert second == ([2], {}, 3, 3)
    assert third == ([5], {}, 5)


def test_a_listener_that_falls_too_far_behind_is_marked_to_reconnect():
    tail = live.OutboxTail()
    listener = tail.add()

    tail.deliver([outbox(n) for n in range(1, live.LISTENER_BUFFER + 2)], now=0.0)

    assert (listener.queue.qsize(), listener.overflowed) == (live.LISTENER_BUFFER, True)


def test_fetch_returns_new_events_and_skipped_ids_that_have_committed_since(db):
    early, _middle, late = (events.publish("household.created", unit_path="/VN/") for _ in range(3))

    fetched = live._fetch(late.pk - 1, [early.pk])

    assert [event.pk for event in fetched] == [early.pk, late.pk]


def test_the_tail_survives_a_database_error(monkeypatch, settings, caplog):
    settings.BINHAN_EVENTS_POLL_SECONDS = 0.01
    settings.REDIS_URL = ""
    answers = [OperationalError("the database went away"), [outbox(8)]]

    def fetch(after_id, gaps):
        answer = answers.pop(0) if answers else []
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(live, "_fetch", fetch)
    monkeypatch.setattr(live, "_latest_id", lambda: 7)
    monkeypatch.setattr(live.OutboxTail, "_push", _no_push)

    async def scenario():
        tail = live.get_tail()
        listener = tail.add()
        try:
            event = await asyncio.wait_for(listener.queue.get(), timeout=5)
            return event.id, tail.task.done(), tail.last_id
        finally:
            await live.stop_tail()

    assert asyncio.run(scenario()) == (8, False, 8)
    assert "Could not read the outbox; retrying" in caplog.messages


async def _no_push(self):
    self._push_settled.set()


def test_there_is_one_tail_per_event_loop(monkeypatch):
    monkeypatch.setattr(live, "_fetch", lambda after_id, gaps: [])
    monkeypatch.setattr(live, "_latest_id", lambda: 0)
    monkeypatch.setattr(live.OutboxTail, "_push", _no_push)

    async def scenario():
        first, again = live.get_tail(), live.get_tail()
        same = (first is again, first.task is again.task)
        await live.stop_tail()
        return first, same

    first_loop, same_in_first = asyncio.run(scenario())
    second_loop, _same = asyncio.run(scenario())

    assert same_in_first == (True, True)
    assert first_loop is not second_loop


@pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY exists on PostgreSQL only")
def test_the_listen_connection_uses_djangos_connection_parameters(transactional_db):
    with psycopg.connect(**live._listen_params(), autocommit=True) as listening:
        listening.execute(f"LISTEN {events.PG_CHANNEL}")
        event = events.publish("household.created", unit_path="/VN/")
        notices = list(listening.notifies(timeout=5, stop_after=1))

    assert [(notice.channel, notice.payload) for notice in notices] == [(events.PG_CHANNEL, str(event.pk))]


def test_the_event_format_is_one_sse_block():
    event = OutboxEvent(id=42, name="household.created", unit_path="/VN/22/", payload={"household_id": 5})

    block = live._format(event)

    assert block == (
        "id: 42\nevent: household.created\n"
        'data: {"id": 42, "name": "household.created", "unit_path": "/VN/22/", "household_id": 5}\n\n'
    )


def test_under_a_wsgi_server_the_stream_answers_204_so_eventsource_stops(world, login):
    client = login(world.police_a)

    anonymous = Client().get("/live/")
    response = client.get("/live/")

    assert anonymous.status_code == 401
    assert (response.status_code, response.streaming, response.content) == (204, False, b"")


def test_an_event_both_replayed_and_handed_over_live_is_sent_once(monkeypatch, settings):
    settings.BINHAN_SSE_HEARTBEAT_SECONDS = 5
    rows = [outbox(n) for n in range(1, 6)]
    monkeypatch.setattr(live, "_latest_id", lambda: 5)
    monkeypatch.setattr(live, "_fetch", lambda after_id, gaps: [])
    monkeypatch.setattr(live, "_replay_page", lambda after_id: [row for row in rows if row.id > after_id])
    monkeypatch.setattr(live, "_load_viewer", lambda request: (object(), scoping.EVERYTHING))
    monkeypatch.setattr(live.OutboxTail, "_push", _no_push)
    request = AsyncRequestFactory().get("/live/", headers={"Last-Event-ID": "3"})

    async def scenario():
        response = await live.stream(request)
        body = response.streaming_content
        try:
            # Event 6 commits after the stream started listening and before it reads the outbox.
            rows.append(outbox(6))
            live.get_tail().deliver([outbox(6)])
            chunks = [await anext(body) for _ in range(4)]
            live.get_tail().deliver([outbox(7)])
            chunks.append(await asyncio.wait_for(anext(body), timeout=5))
        finally:
            await body.aclose()
            await live.stop_tail()
        return [re.search(rb"^id: (\d+)$", chunk, re.M) for chunk in chunks]

    ids = asyncio.run(scenario())

    assert [match and int(match.group(1)) for match in ids] == [None, 4, 5, 6, 7]
