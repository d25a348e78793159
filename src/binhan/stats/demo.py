"""Demo statistics: a year of approved monthly figures per commune, then the rebuild of every fact.

Runs last (order 900), after every other domain has written its demo data.
"""

from __future__ import annotations

import time

from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.demo.registry import DemoContext, register
from binhan.stats import engine, registry
from binhan.stats.models import ManualEntry
from binhan.stats.periods import today

MANUAL_MEANS = {"manual.arrests": 6, "manual.drug_administrative": 3, "manual.cases_prosecuted": 4,
                "manual.criminal_offences": 9}


@register("stats", order=900)
def generate(ctx: DemoContext) -> None:
    police = ctx.users.get(Role.COMMUNE_POLICE, [None])[0]
    reviewer = ctx.users.get(Role.PROVINCE_POLICE, [None])[0]
    first = today().replace(day=1)
    months = []
    for back in range(1, 13):
        index = first.year * 12 + first.month - 1 - back
        months.append(first.replace(year=index // 12, month=index % 12 + 1))
    entries = [
        ManualEntry(unit=commune, unit_path=commune.path, indicator=code, month=month,
                    value=max(0, round(ctx.rng.gauss(mean, mean / 2))), status=ManualEntry.Status.APPROVED,
                    entered_by=police, reviewed_by=reviewer)
        for commune in ctx.communes for month in months for code, mean in MANUAL_MEANS.items()
        if registry.indicator(code)
    ]
    ManualEntry.objects.bulk_create(entries, batch_size=2000)
    ctx.count("manual figures", len(entries))
    started = time.monotonic()
    counts = engine.rebuild()
    ctx.log(_("Statistics rebuilt from %(count)s objects in %(seconds)s s.")
            % {"count": sum(counts.values()), "seconds": round(time.monotonic() - started, 1)})
