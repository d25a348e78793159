"""Rate limits per IP, per user or per any key, counted where all server processes see them:
the database, or Redis when REDIS_URL is set."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import ngettext
from redis.exceptions import RedisError

from binhan.core import events
from binhan.core.audit import client_ip
from binhan.core.db import prepared
from binhan.core.models import RateCounter

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"  # what settings.py uses with REDIS_URL
REDIS_WARNING_SECONDS = 60
logger = logging.getLogger(__name__)


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
    """Count one attempt for `key`; raise RateLimited when the window is full.

    Inside a transaction the count commits or rolls back with it: a write refused by the limit
    stores nothing, and the intake counts in the report's own transaction instead of another one.
    """
    limit, window = parse_rate(rate)
    now = int(time.time())
    window_start = now - now % window
    window_key = f"rl:{key}:{window_start}"[:255]
    if settings.REDIS_URL:
        try:
            count = _count_in_cache(window_key, window)
        except RedisError:
            # Reports must not be refused because Redis is down: count in the database meanwhile.
            _warn_redis_down()
            count = _count_in_database(window_key, expires_at=window_start + window)
    else:
        count = _count_in_database(window_key, expires_at=window_start + window)
    if count > limit:
        raise RateLimited(retry_after=window_start + window - now)


_last_warning: float | None = None


def _warn_redis_down() -> None:
    global _last_warning
    # One line a minute, not one a request.
    if _last_warning is None or time.monotonic() - _last_warning >= REDIS_WARNING_SECONDS:
        _last_warning = time.monotonic()
        logger.warning("Redis is unreachable: rate limits are counted in the database until it is back",
                       exc_info=True)


def counts_in_database() -> bool:
    """Whether a hit is a write to the database (no Redis): a caller may then count in its own transaction."""
    return not settings.REDIS_URL


def _count_in_cache(window_key: str, window: int) -> int:
    """Redis (settings pair REDIS_URL with Django's RedisCache): one round trip, where the cache's add()
    and incr() take three. The key is the cache's own, so `reset` and cache.get see the same counter
    (Django stores an int as a plain Redis integer)."""
    key = cache.make_and_validate_key(window_key)
    with events.redis_client(settings.REDIS_URL).pipeline() as pipeline:
        pipeline.set(key, 0, ex=window + 1, nx=True)  # a new window's counter, expiring with it
        pipeline.incr(key)
        _created, count = pipeline.execute()
    return count


def _count_in_database(window_key: str, *, expires_at: int) -> int:
    # One statement, one write: SQLite (3.35+) and PostgreSQL both upsert and return the count.
    quote = connection.ops.quote_name
    table, key, count = quote(RateCounter._meta.db_table), quote("key"), quote("count")
    with prepared.cursor(connection) as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, {count}, {quote('expires_at')}) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}",
            [window_key, expires_at],
        )
        return cursor.fetchone()[0]


def prune_counters() -> int:
    """Delete the counters of windows that have ended."""
    deleted, _ = RateCounter.objects.filter(expires_at__lt=int(time.time())).delete()
    return deleted


def reset(key: str, rate: str) -> None:
    _limit, window = parse_rate(rate)
    now = int(time.time())
    window_key = f"rl:{key}:{now - now % window}"[:255]
    cache.delete(window_key)
    RateCounter.objects.filter(key=window_key).delete()


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
