"""Generating the demo province, and what the demo logins page prints."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from binhan.accounts.models import User
from binhan.accounts.roles import Role
from binhan.core import audit
from binhan.core.exceptions import ServiceError
from binhan.demo.registry import SIZES, DemoContext, step_rng, steps
from binhan.geo.models import Level

DEFAULT_PROVINCE = "22"  # Quảng Ninh


def demo_exists() -> bool:
    return User.objects.filter(is_demo=True).exists()


def _load_steps() -> None:
    from binhan.demo import steps as _platform  # noqa: F401 - registers the platform's steps

    autodiscover_modules("demo")  # each domain's `demo.py` registers its own


@transaction.atomic
def demo_generate(
    *, province_code: str = DEFAULT_PROVINCE, size: str = "small", seed: int = 1, log: Callable[[str], None] = print
) -> DemoContext:
    """Fill an empty database with a province of real communes, invented groups, households and demo users.

    The same seed gives the same data. Everything is written in one transaction, so a failed
    run leaves nothing behind.
    """
    if size not in SIZES:
        raise ServiceError(_("Unknown size %(size)s.") % {"size": size}, field="size")
    if demo_exists():
        raise ServiceError(_("This database already holds demo data. Use a fresh database, or --if-empty."))
    _load_steps()
    ctx = DemoContext(seed=seed, size=SIZES[size], province_code=province_code, log=log)
    started = time.perf_counter()
    for step in steps():
        ctx.rng = step_rng(seed, step.name)
        step_started = time.perf_counter()
        step.function(ctx)
        log(_("Step %(step)s done in %(seconds).1f s.")
            % {"step": step.name, "seconds": time.perf_counter() - step_started})
    audit.record(
        actor=None, action="demo.generate", object_type="demo", unit_path=ctx.province.path if ctx.province else "",
        changes={"province": province_code, "size": size, "seed": seed, **ctx.counts},
    )
    ctx.extra["seconds"] = time.perf_counter() - started
    return ctx


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    unit: str


def demo_logins() -> list[DemoLogin]:
    """Every demo user's sign-in and where they sit, in the order of the roles."""
    from binhan.demo.steps import DEMO_PASSWORD

    order = {role: index for index, role in enumerate(Role.values)}
    rows: list[tuple[int, str, DemoLogin]] = []
    for user in User.objects.filter(is_demo=True).prefetch_related("memberships__unit__parent"):
        memberships = list(user.memberships.all())
        if not memberships:
            rows.append((len(order), user.username, DemoLogin(user.username, DEMO_PASSWORD, "", "")))
        for m in memberships:
            login = DemoLogin(user.username, DEMO_PASSWORD, str(Role(m.role).label), _unit_label(m.unit))
            rows.append((order.get(m.role, len(order)), user.username, login))
    return [login for _order, _name, login in sorted(rows, key=lambda row: row[:2])]


def _unit_label(unit) -> str:
    # Every commune has a "Tổ dân phố 1": name the commune too.
    if unit.level == Level.GROUP and unit.parent is not None:
        return _("%(unit)s, %(parent)s") % {"unit": unit.display_name, "parent": unit.parent.display_name}
    return unit.display_name
