"""A WSGI handler with a middleware chain of its own, for requests that need only part of the site's.

Open311 clients post reports with an API key: no session, no login, no CSRF token, no messages,
no page to frame. Half the site's middleware does nothing for them but costs CPU on every report
(docs/performance.md, "Report intake"). The intake lane serves them through this handler.
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

# What an Open311 POST still needs: security headers, the client's IP for the audit rows, the CSP
# and X-Frame-Options every response carries, and Content-Length. The view sets its own language.
MACHINE_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "binhan.core.middleware.RequestContextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "binhan.core.middleware.ContentSecurityPolicyMiddleware",
]


class ChainWSGIHandler(WSGIHandler):
    """Django's WSGI handler, built with `middleware` instead of settings.MIDDLEWARE."""

    def __init__(self, middleware: list[str]) -> None:
        self._middleware = list(middleware)
        super().__init__()

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler reads settings.MIDDLEWARE; swap it for the build only (once, at start-up).
        site_middleware = settings.MIDDLEWARE
        settings.MIDDLEWARE = self._middleware
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = site_middleware
