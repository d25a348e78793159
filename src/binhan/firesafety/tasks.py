"""The fire-safety reminders: a periodic task (every hour; idempotent, it adds a reminder once)."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from binhan.core import tasks as core_tasks
from binhan.core.tasks import background


@background(retries=3)
def fire_safety_reminders() -> int:
    """Add today's reminders, then tell each team leader and each household concerned once."""
    from binhan.accounts.models import User
    from binhan.firesafety import notify
    from binhan.firesafety.models import FireTeam
    from binhan.firesafety.services.reminders import reminders_run

    created = reminders_run()
    by_team: dict[int, int] = defaultdict(int)
    for reminder in created:
        if reminder.team_id:
            by_team[reminder.team_id] += 1
    for team in FireTeam.objects.filter(pk__in=by_team, leader_user__isnull=False).select_related("leader_user"):
        notify.tell(team.leader_user, title=_("Fire safety: equipment falls due"),
                    body=ngettext_lazy("%(count)s item of your team falls due or is overdue.",
                                       "%(count)s items of your team fall due or are overdue.",
                                       "count") % {"count": by_team[team.pk]},
                    path=reverse("firesafety:team_detail", args=[team.pk]))
    from binhan.firesafety.models import Equipment

    ids = [r.equipment_id for r in created]
    households = set()
    for start in range(0, len(ids), 5000):
        households.update(Equipment.objects.filter(pk__in=ids[start:start + 5000], household__isnull=False)
                          .values_list("household_id", flat=True))
    for user in User.objects.filter(household_id__in=households, is_active=True):
        notify.tell(user, title=_("Fire safety: equipment falls due"),
                    body=_("An item of your household's fire-safety equipment falls due or is overdue."),
                    path=reverse("firesafety:my_equipment"))
    return len(created)


core_tasks.PERIODIC.append(fire_safety_reminders)
