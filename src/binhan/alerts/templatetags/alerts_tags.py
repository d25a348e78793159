"""The unread-alerts badge in the navigation."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def alerts_unread(context) -> int:
    """How many active alerts the signed-in person has not opened yet (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from binhan.alerts.selectors import unread_count

    return unread_count(user=user)
