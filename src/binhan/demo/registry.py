"""The steps of the demo generator. Each domain adds its own demo data here, in its own module.

A domain app puts a `demo.py` next to its models and registers a step:

    from django.utils.translation import gettext as _

    from binhan.demo.registry import DemoContext, register

    @register("reports", order=200)
    def generate(ctx: DemoContext) -> None:
        reports = [...]  # built from ctx.groups and ctx.users, with ctx.rng for every choice
        Report.objects.bulk_create(reports, batch_size=1000)
        ctx.count("reports", len(reports))
        ctx.log(_("%(count)s reports") % {"count": len(reports)})

`binhan demo` imports every installed app's `demo` module, then runs the steps by `order`
(the platform's own steps, units 10, groups 20, households 30 and users 40, come first) in
one transaction. Each step gets its own random generator seeded from the demo seed and its
name, so adding a step never changes the data of the others.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from binhan.accounts.models import User
    from binhan.geo.models import AdministrativeUnit

StepFunction = Callable[["DemoContext"], None]


@dataclass(frozen=True)
class DemoSize:
    name: str
    communes: int | None  # None: every commune of the province
    groups: int
    households: int


SIZES = {
    # Hidden from --help: small enough for the test suite.
    "tiny": DemoSize("tiny", communes=2, groups=4, households=40),
    "small": DemoSize("small", communes=10, groups=200, households=20_000),
    "medium": DemoSize("medium", communes=30, groups=1_000, households=200_000),
    "large": DemoSize("large", communes=None, groups=5_000, households=1_000_000),
}
PUBLIC_SIZES = ("small", "medium", "large")


@dataclass
class DemoContext:
    """What the steps share. Earlier steps fill in the places and people later ones use."""

    seed: int
    size: DemoSize
    province_code: str
    log: Callable[[str], None] = print
    rng: random.Random = field(default_factory=random.Random)
    nation: AdministrativeUnit | None = None
    province: AdministrativeUnit | None = None
    # The communes that get demo data, by code; the first holds the commune-level demo users.
    communes: list[AdministrativeUnit] = field(default_factory=list)
    # The generated residential groups, by code.
    groups: list[AdministrativeUnit] = field(default_factory=list)
    # Demo users by role value; the first of each list is "the" demo user of that role.
    users: dict[str, list[User]] = field(default_factory=dict)
    # Rows created, by kind, for the summary and the audit event.
    counts: dict[str, int] = field(default_factory=dict)
    # Anything a step wants to hand to a later one.
    extra: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.users[role][0]

    def groups_of(self, commune: AdministrativeUnit) -> list[AdministrativeUnit]:
        return [g for g in self.groups if g.parent_id == commune.pk]

    def count(self, kind: str, number: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + number


@dataclass(frozen=True)
class Step:
    name: str
    order: int
    function: StepFunction


_steps: dict[str, Step] = {}


def register(name: str, order: int = 100) -> Callable[[StepFunction], StepFunction]:
    """Make `function(ctx)` a step of the demo generator, run after the steps of lower order."""

    def decorate(function: StepFunction) -> StepFunction:
        _steps[name] = Step(name=name, order=order, function=function)
        return function

    return decorate


def steps() -> list[Step]:
    return sorted(_steps.values(), key=lambda step: (step.order, step.name))


def step_rng(seed: int, name: str) -> random.Random:
    # A string seed is hashed with SHA-512, so it does not depend on PYTHONHASHSEED.
    return random.Random(f"{seed}:{name}")
