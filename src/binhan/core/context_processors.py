from django.conf import settings
from django.utils.translation import get_language_bidi

from binhan.reports.roles import HANDLER_ROLES


def shell(request):
    """What the base layout needs on every page: roles for the navigation, direction, site name."""
    user = getattr(request, "user", None)
    roles = user.roles() if user is not None and user.is_authenticated else set()
    return {
        "brand_name": settings.BINHAN_SITE_NAME,
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "user_roles": roles,
        "is_staff_member": bool(user and user.is_authenticated and user.is_staff_member),
        "is_report_handler": bool(user and user.is_authenticated and (user.is_superuser or roles & HANDLER_ROLES)),
        "is_auditor": bool(user and user.is_authenticated and (user.is_auditor or user.is_superuser)),
        "demo_mode": settings.DEMO,
    }
