"""Rate limits per IP, per user or per any key, in the shared cache (so all worker processes agree)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from binhan.core.audit import client_ip


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def parse_rate(rate: str) -> tuple[int, int]:
    """'5/m' → (5, 60). Units: s, m, h, d."""
    count, _sep, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit[-1]]
    multiplier = int(unit[:-1]) if len(unit) > 1 else 1
    return int(count), seconds * multiplier


def hit(key: str, rate: str) -> None:
    """Count one attempt for `key`; raise RateLimited when the window is full."""
    limit, window = parse_rate(rate)
    now = int(time.time())
    window_start = now - now % window
    cache_key = f"rl:{key}:{window_start}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=window_start + window - now)


def reset(key: str, rate: str) -> None:
    _limit, window = parse_rate(rate)
    now = int(time.time())
    cache.delete(f"rl:{key}:{now - now % window}")


def key_for(request: HttpRequest, by: str | Callable[[HttpRequest], str]) -> str:
    if callable(by):
        return by(request)
    if by == "user" and request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_ip(request)}"


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = ngettext(
        "Too many attempts. Please wait %(seconds)s second and try again.",
        "Too many attempts. Please wait %(seconds)s seconds and try again.",
        retry_after,
    ) % {"seconds": retry_after}
    wants_json = request.path.startswith(("/api/", "/open311/")) or "json" in request.headers.get("Accept", "")
    if wants_json:
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = TemplateResponse(request, "core/429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limit(*, scope: str, rate: str, by: str | Callable[[HttpRequest], str] = "ip", methods=("POST",)):
    """Decorate a view: more than `rate` requests per key answer 429 with a translated message."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                try:
                    hit(f"{scope}:{key_for(request, by)}", rate)
                except RateLimited as limited:
                    return too_many_requests(request, limited.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
