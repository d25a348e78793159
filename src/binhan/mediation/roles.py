"""Who does what in grassroots mediation (Law 35/2013/QH13).

- Team registers (teams, mediators, appointments, training) are kept by the commune police and
  leaders, and by province staff and administrators above them (`MANAGER_ROLES`).
- A case's parties and content are seen only by its assigned mediators, its team's leader and the
  commune roles that supervise mediation (`SUPERVISOR_ROLES`); see `selectors.cases`.
- Yearly summaries are counts: every staff role under the unit reads them.
"""

from binhan.accounts.roles import STAFF_ROLES, Role

MANAGER_ROLES = frozenset(
    {Role.COMMUNE_POLICE, Role.COMMUNE_LEADER, Role.PROVINCE_POLICE, Role.PROVINCE_LEADER, Role.ADMIN}
)
# The commune roles that supervise mediation: they see every case of the commune's teams.
SUPERVISOR_ROLES = frozenset({Role.COMMUNE_POLICE, Role.COMMUNE_LEADER})
# Mediators sign in with the mediator role at their residential group.
MEDIATOR_ROLES = frozenset({Role.MEDIATOR})
# Yearly summaries (counts only).
SUMMARY_ROLES = STAFF_ROLES
