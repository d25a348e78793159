"""The law's rules on a team's composition (art. 12): warnings, not refusals.

A team has a leader and at least 3 mediators in all, at least one a woman, and in areas with many
ethnic minority people, a mediator from a minority. A team that breaks a rule keeps working; its
page and the register show why it needs attention.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from binhan.mediation.models import Gender, Mediator

MIN_MEDIATORS = 3


def composition_warnings(*, minority_area: bool, mediators: Iterable[Mediator]) -> list[str]:
    """Messages for each rule the active mediators of a team break; empty when the team is in order."""
    active = [m for m in mediators if m.status == Mediator.Status.ACTIVE]
    return warnings_from_counts(
        minority_area=minority_area, active=len(active),
        leaders=sum(m.position == Mediator.Position.LEADER for m in active),
        women=sum(m.gender == Gender.FEMALE for m in active), minorities=sum(m.is_minority for m in active))


def warnings_from_counts(*, minority_area: bool, active: int, leaders: int, women: int, minorities: int) -> list[str]:
    """The same rules from counts (the register annotates them in SQL)."""
    warnings = []
    if active < MIN_MEDIATORS:
        warnings.append(_("The team has %(count)s active mediators; the law asks for at least 3, leader included.")
                        % {"count": active})
    if not leaders:
        warnings.append(_("The team has no leader. Appoint one of its mediators as leader."))
    if not women:
        warnings.append(_("The team has no woman among its mediators; the law asks for at least one."))
    if minority_area and not minorities:
        warnings.append(_("This area has many ethnic minority people, but no mediator is from a minority."))
    return warnings
