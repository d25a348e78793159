from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def question_label(item: dict) -> str:
    """A question's or choice's label in the current language (Vietnamese, then English, then the code)."""
    labels = item.get("label") or {}
    return labels.get((get_language() or "vi")[:2]) or labels.get("vi") or labels.get("en") or item.get("code", "")


@register.filter
def get_item(mapping, key):
    if not isinstance(mapping, dict):
        return ""
    value = mapping.get(key, "")
    return value if value is not None else ""


@register.filter
def is_overdue(report) -> bool:
    from django.utils import timezone

    return bool(report.is_open and report.due_at and report.due_at < timezone.now())
