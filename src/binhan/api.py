"""The JSON API under /api/v1/: every domain adds its router here."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from binhan.accounts import services as account_services
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.ratelimit import RateLimited, too_many_requests


class TokenAuth(HttpBearer):
    """`Authorization: Bearer bha_…`: a per-user token made with `binhan api-token create`."""

    def authenticate(self, request, token):
        user = account_services.api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Bình An API",
    version="1",
    description="Community safety: places, people and domain data, always scoped to the caller's units.",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    status = 403 if isinstance(exc, PermissionDeniedError) else 400
    body = {"detail": str(exc.message)}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def django_validation_error(request, exc: ValidationError):
    fields = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
    return api.create_response(request, {"detail": _("Some values are not valid."), "errors": fields}, status=400)


@api.exception_handler(NinjaValidationError)
def ninja_validation_error(request, exc: NinjaValidationError):
    return api.create_response(
        request, {"detail": _("Some values are not valid."), "errors": exc.errors}, status=422
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return api.create_response(
        request, {"detail": _("Authentication required: send a valid API token or sign in.")}, status=401
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)


@api.exception_handler(RateLimited)
def rate_limited(request, exc: RateLimited):
    return too_many_requests(request, exc.retry_after)


def _register_routers() -> None:
    from binhan.alerts.api import router as alerts_router
    from binhan.cameras.api import router as cameras_router
    from binhan.community.api import router as community_router
    from binhan.firesafety.api import router as firesafety_router
    from binhan.geo.api import router as geo_router
    from binhan.handovers.api import router as handovers_router
    from binhan.mediation.api import router as mediation_router
    from binhan.reports.api import router as reports_router
    from binhan.residence.api import router as residence_router
    from binhan.stats.api import router as stats_router

    api.add_router("/", geo_router)
    api.add_router("/", reports_router)
    api.add_router("/", alerts_router)
    api.add_router("/", community_router)
    api.add_router("/", mediation_router)
    api.add_router("/", firesafety_router)
    api.add_router("/", cameras_router)
    api.add_router("/", residence_router)
    api.add_router("/", handovers_router)
    api.add_router("/", stats_router)


_register_routers()
