from datetime import UTC, datetime

from django.template import Context, Template
from django.utils import timezone, translation


def render(text, **context):
    return Template("{% load humanize %}" + text).render(Context(context))


def test_times_are_shown_in_ho_chi_minh_time():
    moment = datetime(2026, 11, 24, 20, 30, tzinfo=UTC)
    assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") == "2026-11-25 03:30"
    with translation.override("en"):
        assert render('{{ t|date:"Y-m-d H:i" }}', t=moment) == "2026-11-25 03:30"


def test_numbers_follow_the_language():
    with translation.override("vi"):
        assert render("{{ n|intcomma }}", n=1234567) == "1.234.567"
    with translation.override("en"):
        assert render("{{ n|intcomma }}", n=1234567) == "1,234,567"


def test_dates_follow_the_language():
    moment = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
    with translation.override("fr"):
        assert render('{{ t|date:"j F Y" }}', t=moment) == "5 mars 2026"


def test_ids_in_templates_are_never_grouped():
    with translation.override("vi"):
        assert render("{{ n }}", n=1234567) == "1234567"
