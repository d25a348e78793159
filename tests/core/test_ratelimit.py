import time

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from binhan.core import events, ratelimit
from binhan.core.models import RateCounter
from tests.live_helpers import free_port

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("rate", "expected"), [("5/m", (5, 60)), ("10/5m", (10, 300)), ("1/h", (1, 3600)),
                                                ("100/d", (100, 86400)), ("3/s", (3, 1))])
def test_parse_rate(rate, expected):
    assert ratelimit.parse_rate(rate) == expected


def test_hit_counts_per_key():
    for _ in range(3):
        ratelimit.hit("k1", "3/m")
    with pytest.raises(ratelimit.RateLimited) as limited:
        ratelimit.hit("k1", "3/m")
    assert 0 < limited.value.retry_after <= 60
    ratelimit.hit("k2", "3/m")  # another key has its own budget


def test_a_hit_is_one_row_counted_in_the_database():
    for _ in range(2):
        ratelimit.hit("k4", "5/m")
    counter = RateCounter.objects.get()
    assert (counter.key.startswith("rl:k4:"), counter.count) == (True, 2)


def test_a_hit_inside_a_rolled_back_transaction_is_not_counted():
    ratelimit.hit("k5", "2/m")
    with pytest.raises(RuntimeError), transaction.atomic():
        ratelimit.hit("k5", "2/m")
        raise RuntimeError("the write it guarded failed")
    ratelimit.hit("k5", "2/m")  # the second of two allowed, not the third
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("k5", "2/m")


def test_prune_deletes_only_ended_windows():
    RateCounter.objects.create(key="rl:old:1", count=3, expires_at=int(time.time()) - 5)
    ratelimit.hit("k6", "1/m")
    assert (ratelimit.prune_counters(), list(RateCounter.objects.values_list("count", flat=True))) == (1, [1])


def test_with_redis_the_counts_live_in_redis(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/13"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": settings.REDIS_URL}}
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception:  # noqa: BLE001
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    ratelimit.hit("k7", "1/m")
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("k7", "1/m")
    assert RateCounter.objects.count() == 0

    # The counter is the cache's own key: cache.get reads it, it ends with its window, reset clears it.
    ratelimit.hit("k8", "5/d")  # a day's window: the two hits and the key below share it
    ratelimit.hit("k8", "5/d")
    now = int(time.time())
    window_key = f"rl:k8:{now - now % 86400}"
    ttl = events.redis_client(settings.REDIS_URL).ttl(cache.make_and_validate_key(window_key))
    assert (cache.get(window_key), 0 < ttl <= 86401) == (2, True)
    ratelimit.reset("k8", "5/d")
    assert cache.get(window_key) is None
    cache.clear()


def test_with_redis_down_the_counts_go_to_the_database_and_requests_are_not_refused(settings, caplog, monkeypatch):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {"default": {"BACKEND": ratelimit.REDIS_CACHE, "LOCATION": settings.REDIS_URL}}
    monkeypatch.setattr(ratelimit, "_last_warning", None)

    ratelimit.hit("k9", "1/m")
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("k9", "1/m")

    assert RateCounter.objects.get().count == 2
    warnings = [m for m in caplog.messages if m.startswith("Redis is unreachable")]
    assert warnings == ["Redis is unreachable: rate limits are counted in the database until it is back"]


def test_reset_clears_the_window():
    ratelimit.hit("k3", "1/m")
    ratelimit.reset("k3", "1/m")
    ratelimit.hit("k3", "1/m")


def view(request):
    return HttpResponse("ok")


@pytest.mark.parametrize("by", ["ip", "user"])
def test_decorator_limits_post_only(by, rf: RequestFactory, django_user_model, db):
    limited_view = ratelimit.rate_limit(scope=f"test-{by}", rate="2/m", by=by)(view)
    user = django_user_model.objects.create(username="u")

    def request(method, ip="192.0.2.1"):
        req = getattr(rf, method)("/x/", REMOTE_ADDR=ip)
        req.user = user
        return limited_view(req)

    assert [request("post").status_code for _ in range(3)] == [200, 200, 429]
    assert request("get").status_code == 200
    other_ip = request("post", ip="192.0.2.2").status_code
    assert other_ip == (429 if by == "user" else 200)


def test_custom_key_function(rf, db):
    limited_view = ratelimit.rate_limit(scope="t", rate="1/m", by=lambda r: r.POST.get("phone", ""))(view)
    from django.contrib.auth.models import AnonymousUser

    def post(phone):
        req = rf.post("/x/", {"phone": phone})
        req.user = AnonymousUser()
        return limited_view(req).status_code

    assert [post("1"), post("1"), post("2")] == [200, 429, 200]


def test_api_gets_json_429(rf, db):
    from django.contrib.auth.models import AnonymousUser

    req = rf.post("/api/v1/x")
    req.user = AnonymousUser()
    response = ratelimit.too_many_requests(req, 12)
    assert response.status_code == 429
    assert response["Retry-After"] == "12"
    assert response["Content-Type"] == "application/json"
