"""Camera indicators: exact figures on a few cameras and requests made through the services, the deadline's
"no answer" counted when its day comes, retention's deletions, and the incremental facts equal to a rebuild."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binhan.cameras import services
from binhan.cameras.models import FootageRequest
from binhan.core.exceptions import ServiceError
from binhan.stats import engine, selectors
from binhan.stats.periods import Period
from binhan.stats.registry import local_day
from tests.cameras.conftest import LAT, LON, clip
from tests.stats.conftest import facts

pytestmark = pytest.mark.django_db

FIELDS = {"name": "Ngã ba chợ", "lat": LAT, "lon": LON, "direction": 45, "angle": 90, "range_m": 30}
CODES = ["cameras.registered", "cameras.by_status", "cameras.requests", "cameras.requests_accepted",
         "cameras.requests_refused", "cameras.requests_unanswered", "cameras.clips", "cameras.clips_deleted"]


def _values(unit, day, codes=CODES):
    return {f.indicator.code: f.value for f in selectors.figures(unit=unit, codes=codes, period=Period("day", day, day))}


def _ask(world, camera, **overrides):
    now = timezone.now()
    values = {"case_reference": "R-2026-000123", "reason": "Xác minh vụ trộm xe máy",
              "investigator_contact": "Đại úy Hùng 0912", "window_start": now - timedelta(hours=5),
              "window_end": now - timedelta(hours=4), "deadline": now + timedelta(days=2), **overrides}
    return services.request_create(actor=world.police_a, camera=camera, **values)


def _registry(world, owner):
    services.camera_register_public(actor=world.police_a, unit=world.group_a, fields=FIELDS)
    services.camera_register_public(actor=world.police_b, unit=world.group_b, fields=FIELDS)
    private = services.camera_register_private(actor=owner, business=False, fields={**FIELDS, "name": "Nhà số 1"})
    shop = services.camera_register_private(actor=world.resident_a, business=True,
                                            fields={**FIELDS, "name": "Cửa hàng", "owner_name": "Tiệm vàng"})
    return private, shop


def test_figures_of_the_registry_requests_and_clips(world, owner, settings):
    settings.BINHAN_CAMERAS_FOOTAGE_KEEP_DAYS = 30
    private, shop = _registry(world, owner)
    fulfilled = _ask(world, private)
    services.request_answer(actor=owner, request=fulfilled, accept=True)
    services.footage_upload(actor=owner, request=fulfilled, upload=clip())
    services.request_answer(actor=owner, request=_ask(world, private), accept=False)
    waiting = _ask(world, private)
    _ask(world, shop)
    services.camera_leave(actor=world.resident_a, camera=shop)  # its open request is withdrawn with it
    engine.follow_all()
    today = timezone.localdate()
    assert _values(world.commune_a, today) == {
        "cameras.registered": 2,  # the public camera and the household's; the shop's came and went today
        "cameras.by_status": 2, "cameras.requests": 4, "cameras.requests_accepted": 1,
        "cameras.requests_refused": 1, "cameras.requests_unanswered": 0, "cameras.clips": 1,
        "cameras.clips_deleted": 0}
    figure = selectors.figures(unit=world.province, codes=["cameras.requests", "cameras.registered"],
                               period=Period("day", today, today), with_breakdown=True)
    assert [sorted((key, value) for key, _label, value in f.breakdown) for f in figure] == [
        [("fulfilled", 1), ("pending", 1), ("refused", 1), ("withdrawn", 1)], [("register", 3)]]
    # The waiting request has no answer once its deadline's day comes; nothing has to happen then.
    assert _values(world.commune_a, local_day(waiting.deadline), ["cameras.requests_unanswered"]) == {
        "cameras.requests_unanswered": 1}
    # Retention deletes the clip's file a month on: the clip still counts as received, and as deleted that day.
    later = timezone.now() + timedelta(days=31)
    assert services.footage_retention(now=later) == 1
    engine.follow_all()
    received = Period("range", today, local_day(later))
    assert {f.indicator.code: f.value for f in selectors.figures(
        unit=world.commune_a, codes=["cameras.clips", "cameras.clips_deleted"], period=received)} == {
        "cameras.clips": 1, "cameras.clips_deleted": 1}


def test_an_answer_after_the_deadline_is_no_longer_unanswered(world, owner):
    private, _shop = _registry(world, owner)
    request = _ask(world, private, deadline=timezone.now() + timedelta(hours=1))
    engine.follow_all()
    day = local_day(request.deadline)
    assert _values(world.commune_a, day, ["cameras.requests_unanswered"]) == {"cameras.requests_unanswered": 1}
    FootageRequest.objects.filter(pk=request.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    services.request_answer(actor=owner, request=request, accept=True)
    engine.follow_all()
    # The answer counts on its own day, which is not the deadline's when the deadline falls after midnight.
    assert _values(world.commune_a, day, ["cameras.requests_unanswered"]) == {"cameras.requests_unanswered": 0}
    assert _values(world.commune_a, local_day(timezone.now()), ["cameras.requests_accepted"]) == {
        "cameras.requests_accepted": 1}


actions = st.lists(st.one_of(
    st.tuples(st.just("ask"), st.integers(0, 2), st.integers(1, 72)),
    st.tuples(st.just("answer"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("upload"), st.integers(0, 20)),
    st.tuples(st.just("withdraw"), st.integers(0, 20)),
    st.tuples(st.just("cancel"), st.integers(0, 20)),
    st.tuples(st.just("share"), st.integers(0, 2), st.sampled_from(["working", "faulty", "removed"])),
    st.tuples(st.just("leave"),),
    st.tuples(st.just("retention"), st.integers(0, 60)),
    st.tuples(st.just("follow"),),
), max_size=20)


def _apply(world, owner, action, cameras):
    kind = action[0]
    requests = list(FootageRequest.objects.filter(camera__in=cameras).order_by("pk"))
    pick = (lambda n: requests[n % len(requests)]) if requests else None
    if kind == "ask":
        _ask(world, cameras[action[1]], deadline=timezone.now() + timedelta(hours=action[2]))
    elif kind == "share":
        actor = world.police_a if action[1] == 0 else owner if action[1] == 1 else world.resident_a
        services.camera_update(actor=actor, camera=cameras[action[1]], fields={"status": action[2]})
    elif kind == "leave":
        services.camera_leave(actor=world.resident_a, camera=cameras[2])
    elif kind == "retention":
        services.footage_retention(now=timezone.now() + timedelta(days=action[1]))
    elif kind == "follow":
        engine.follow()
    elif pick is not None:
        request = pick(action[1])
        owner_of = world.resident_a if request.camera_id == cameras[2].pk else owner
        if kind == "answer":
            services.request_answer(actor=owner_of, request=request, accept=action[2])
        elif kind == "upload":
            services.footage_upload(actor=owner_of, request=request, upload=clip())
        elif kind == "withdraw":
            services.request_withdraw(actor=owner_of, request=request)
        elif kind == "cancel":
            services.request_cancel(actor=world.police_a, request=request)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=actions)
def test_incremental_equals_rebuild(world, owner, sequence):
    cameras = [services.camera_register_public(actor=world.police_a, unit=world.group_a, fields=FIELDS),
               services.camera_register_private(actor=owner, business=False, fields=FIELDS),
               services.camera_register_private(actor=world.resident_a, business=True,
                                                fields={**FIELDS, "owner_name": "Tiệm vàng"})]
    engine.rebuild()
    for action in sequence:
        try:
            _apply(world, owner, action, cameras)
        except ServiceError:  # a refused write (answered twice, camera gone…) changes nothing
            pass
    engine.follow_all()
    incremental = facts()
    engine.rebuild()
    assert facts() == incremental
