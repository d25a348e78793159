import os
import subprocess
import sys

import pytest
from django.urls import reverse

from binhan.accounts.models import User
from tests.factories import HouseholdFactory

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 60 + "production-secret-for-checks-only-0123456789",
    "ALLOWED_HOSTS": "binhan.example.vn",
    "BINHAN_DEMO": "0", "DEBUG": "0", "BINHAN_TESTING": "0",
}


def run_binhan(args, env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BINHAN_", "DJANGO_", "DEBUG"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}", **env_overrides})
    env.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run([sys.executable, "-m", "binhan", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_secret_key_required_in_production(tmp_path):
    env = {**PRODUCTION_ENV}
    env.pop("SECRET_KEY")
    result = run_binhan(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_passes_with_production_settings(tmp_path):
    assert run_binhan(["migrate", "--noinput"], PRODUCTION_ENV, tmp_path).returncode == 0
    result = run_binhan(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout


def test_check_deploy_fails_with_demo_users(tmp_path):
    assert run_binhan(["migrate", "--noinput"], PRODUCTION_ENV, tmp_path).returncode == 0
    created = run_binhan(["shell", "-c", "from binhan.accounts.models import User; "
                          "User.objects.create(username='demo-x', is_demo=True)"], PRODUCTION_ENV, tmp_path)
    assert created.returncode == 0, created.stderr
    result = run_binhan(["check", "--deploy"], PRODUCTION_ENV, tmp_path)
    assert result.returncode != 0
    assert "binhan.E001" in result.stderr


def test_security_headers(client, db):
    response = client.get(reverse("core:home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_landing_for_anonymous(client, db):
    body = client.get(reverse("core:home")).content.decode()
    assert 'href="/accounts/login/"' in body
    assert 'href="/accounts/register/"' in body


def test_staff_home_shows_real_figures(client, login, world):
    HouseholdFactory(unit=world.group_a, member_count=2)
    login(world.police_a)
    body = client.get(reverse("core:home")).content.decode()
    assert '<strong data-figure="households">2</strong>' in body
    assert '<strong data-figure="people">6</strong>' in body
    assert '<strong data-figure="units">2</strong>' in body
    assert 'sse-connect="/live/?topics=household,unit"' in body


def test_area_figures_fragment(client, login, world):
    login(world.province_leader)
    body = client.get(reverse("core:area_figures")).content.decode()
    assert '<strong data-figure="households">2</strong>' in body
    login(world.resident_a)
    assert client.get(reverse("core:area_figures")).status_code == 403


def test_resident_home_shows_group_figures(client, login, world):
    login(world.resident_a)
    body = client.get(reverse("core:home")).content.decode()
    assert "Tổ dân phố 1" in body
    assert "<strong>1</strong>" in body and "<strong>4</strong>" in body


def test_resident_without_group_gets_guidance(client, login, world):
    login(world.outsider)
    assert "You have not chosen your residential group yet" in client.get(reverse("core:home")).content.decode()


@pytest.mark.parametrize(("name", "visible", "hidden"), [
    ("police_a", ["/units/"], ["/audit/"]),
    ("auditor_a", ["/audit/"], ["/units/"]),
    ("resident_a", [], ["/units/", "/audit/"]),
])
def test_navigation_depends_on_roles(client, login, world, name, visible, hidden):
    login(getattr(world, name))
    body = client.get(reverse("core:home")).content.decode()
    for href in visible:
        assert f'href="{href}"' in body
    for href in hidden:
        assert f'href="{href}"' not in body


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_admin_only_for_administrators(client, login, world):
    login(world.police_a)
    assert client.get("/admin/").status_code == 302  # to the admin login: not allowed in
    world.admin.is_staff = True
    world.admin.save()
    login(world.admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/geo/household/").status_code == 200


def test_admin_is_scoped(client, login, world):
    from binhan.accounts.roles import Role
    from tests.factories import UserFactory, grant

    commune_admin = UserFactory(username="commune-admin", is_staff=True)
    grant(commune_admin, world.commune_a, Role.ADMIN)
    login(commune_admin)
    body = client.get("/admin/geo/household/").content.decode()
    assert "Số 1 phố An Sinh" in body
    assert "Số 2 phố Đông Triều" not in body
    assert client.get(f"/admin/geo/household/{world.household_b.pk}/change/").status_code in (302, 403, 404)


def test_user_model_is_custom():
    assert User._meta.label == "accounts.User"


def test_code_generation_runs_without_the_secret(tmp_path):
    env = {**PRODUCTION_ENV}
    env.pop("SECRET_KEY")
    result = run_binhan(["makemigrations", "--check", "--dry-run"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
