"""Who does what in fire safety.

Every staff member under a unit reads its teams, equipment, points and drills (the scoping door).
The team leader and the group leader keep their group's teams, equipment, inspections and drills;
the commune and province police and leaders do the same for everything under them. A resident
keeps the equipment of their own household from their phone.
"""

from binhan.accounts.roles import Role

KEEPER_ROLES = frozenset({Role.FIRE_TEAM_LEADER, Role.GROUP_LEADER, Role.COMMUNE_POLICE, Role.COMMUNE_LEADER,
                          Role.PROVINCE_POLICE, Role.PROVINCE_LEADER, Role.ADMIN})
# Set up teams and competitions, and public points: the commune and above.
MANAGER_ROLES = frozenset({Role.COMMUNE_POLICE, Role.COMMUNE_LEADER, Role.PROVINCE_POLICE, Role.PROVINCE_LEADER,
                           Role.ADMIN})
