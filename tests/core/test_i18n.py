import pytest
from django.urls import reverse

from binhan.core.models import AuditEvent


def test_default_language_is_vietnamese(db):
    from django.test import Client

    body = Client().get(reverse("core:home")).content.decode()
    assert '<html lang="vi" dir="ltr">' in body


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("fr", "ltr"), ("fa", "rtl"), ("vi", "ltr")])
def test_switching_language_sets_direction(client, db, language, direction):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    body = client.get(reverse("core:home")).content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in body


def test_language_choice_is_remembered_on_the_account(client, login, world):
    login(world.police_a)
    client.post(reverse("set_language"), {"language": "fa", "next": "/"})
    world.police_a.refresh_from_db()
    assert world.police_a.preferred_language == "fa"
    assert AuditEvent.objects.filter(action="user.set_language").count() == 1
    # On another device (no cookie), signing in brings the choice back.
    client.cookies.clear()
    response = client.post(reverse("accounts:login"), {"username": "police-a", "password": "correct horse battery"})
    assert response.cookies["binhan_language"].value == "fa"


def test_unknown_language_is_ignored(db):
    from django.test import Client

    client = Client()
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert '<html lang="vi"' in client.get(reverse("core:home")).content.decode()


def test_rate_limit_message_is_translated(client, world):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    for _ in range(6):
        response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


@pytest.mark.parametrize(("language", "sign_in"), [("vi", "Đăng nhập"), ("fr", "Se connecter"), ("fa", "ورود"),
                                                    ("en", "Sign in")])
def test_pages_are_translated(db, language, sign_in):
    from django.test import Client

    body = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("accounts:login")).content.decode()
    assert f"<h1>{sign_in}</h1>" in body
