"""Writes to fire safety, each one validated, saved, audited and published in one transaction.

By subject: `teams` (teams and their households), `equipment` (equipment of households, teams and
points; `equipment_add` is the door other apps use), `inspections` (checklists and findings),
`points` (public firefighting points), `drills` (drills, trainings, competitions) and `reminders`.
The names other apps may call are re-exported here.
"""

from binhan.firesafety.services.equipment import (
    equipment_add,
    equipment_check,
    equipment_retire,
    equipment_update,
)

__all__ = ["equipment_add", "equipment_check", "equipment_retire", "equipment_update"]
