import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from binhan.core import ratelimit


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
