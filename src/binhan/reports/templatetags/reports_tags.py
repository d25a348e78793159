from django import template

from binhan.reports import models

register = template.Library()


register.simple_tag(models.question_label, name="question_label")


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
