from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def stat(value, digits: int = 1) -> str:
    """A figure in the reader's number format; "–" when there is none."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)
    return number_format(int(value), use_l10n=True, force_grouping=True)


@register.filter
def signed(value) -> str:
    if value is None:
        return "–"
    text = stat(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)


@register.filter
def direction_words(figure) -> str:
    return {"better": _("better"), "worse": _("worse")}.get(figure.direction, "")
