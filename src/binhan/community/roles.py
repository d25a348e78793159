"""Who does what in the community register.

Everyone with a staff role under a unit reads its models, teams, rosters and logs (the
scoping door). Writes are narrower: the commune police propose and keep the teams, the
commune leader decides and commends; province staff and administrators may do the same.
"""

from binhan.accounts.roles import Role

# Keep the registers: models, teams, members, ratings, commendations; read members' personal data.
MANAGER_ROLES = frozenset(
    {Role.COMMUNE_POLICE, Role.COMMUNE_LEADER, Role.PROVINCE_POLICE, Role.PROVINCE_LEADER, Role.ADMIN}
)
# Read the registers (everyone with a staff role under the unit).
READER_ROLES = frozenset(
    {Role.GROUP_LEADER, Role.SECURITY_MEMBER, Role.FIRE_TEAM_LEADER, Role.MEDIATOR} | MANAGER_ROLES
)
