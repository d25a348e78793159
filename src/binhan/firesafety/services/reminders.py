"""Reminders before due dates: one in-app reminder per item, due date and kind (due soon, overdue).

Idempotent: running it twice on a day adds nothing the second time. The periodic task
(`tasks.fire_safety_reminders`) then tells team leaders and households on their alert channels.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from binhan.core import audit
from binhan.firesafety import rules
from binhan.firesafety.models import Equipment, Reminder, TeamHousehold
from binhan.firesafety.services._common import publish

CHUNK = 5000


@transaction.atomic
def reminders_run(*, on: date | None = None) -> list[Reminder]:
    """Add the reminders that are due on `on` (today): items due within REMIND_DAYS, and overdue items."""
    on = on or timezone.localdate()
    team_of_household = (TeamHousehold.objects.filter(household=OuterRef("household_id"), left_on__isnull=True)
                         .order_by().values("team_id")[:1])
    due = (Equipment.objects.filter(retired_on__isnull=True, next_due_on__isnull=False,
                                    next_due_on__lte=on + timedelta(days=rules.REMIND_DAYS))
           .annotate(household_team=Subquery(team_of_household))
           .values_list("pk", "next_due_on", "unit_path", "team_id", "household_team", "point__team_id"))
    created: list[Reminder] = []
    batch: list[Reminder] = []

    def flush() -> None:
        keys = {(r.equipment_id, r.due_on, r.kind) for r in batch}
        existing = set(Reminder.objects.filter(equipment_id__in=[r.equipment_id for r in batch])
                       .values_list("equipment_id", "due_on", "kind"))
        fresh = [r for r in batch if (r.equipment_id, r.due_on, r.kind) in keys - existing]
        Reminder.objects.bulk_create(fresh, batch_size=1000)
        created.extend(fresh)
        batch.clear()

    for pk, due_on, unit_path, team_id, household_team, point_team in due.iterator(chunk_size=CHUNK):
        kind = Reminder.Kind.OVERDUE if due_on < on else Reminder.Kind.DUE_SOON
        batch.append(Reminder(equipment_id=pk, team_id=team_id or household_team or point_team,
                              unit_path=unit_path, kind=kind, due_on=due_on))
        if len(batch) >= CHUNK:
            flush()
    flush()
    if created:
        audit.record(actor=None, action="firesafety.reminders.run", object_type="firesafety.reminder",
                     unit_path="", changes={"created": len(created), "on": on.isoformat()})
        # One event per team (or per unit, for items of no team), with the team's path.
        per_owner = Counter((r.team_id, r.unit_path if r.team_id is None else "") for r in created)
        team_paths = {r.team_id: r.unit_path for r in created if r.team_id}
        for (team_id, unit_path), count in per_owner.items():
            publish("reminders.created", unit_path=team_paths.get(team_id, unit_path), team_id=team_id, count=count)
    return created
