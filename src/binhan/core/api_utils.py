"""What every domain's API router shares: pagination and per-user throttling."""

from ninja import Field
from ninja.pagination import PageNumberPagination

from binhan.core.ratelimit import hit


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M` (at most 500); answers {"items": [...], "count": N}."""

    class Input(PageNumberPagination.Input):
        page_size: int = Field(50, ge=1, le=500)

    def paginate_queryset(self, queryset, pagination: Input, **params):
        self.page_size = pagination.page_size
        return super().paginate_queryset(queryset, pagination, **params)


def throttle(request, *, scope: str, rate: str) -> None:
    """Per-user (or per-IP) limit for an endpoint; raises RateLimited, which the API answers with 429."""
    key = f"user:{request.user.pk}" if request.user.is_authenticated else f"ip:{request.META.get('REMOTE_ADDR')}"
    hit(f"api:{scope}:{key}", rate)
