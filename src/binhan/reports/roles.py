"""Who handles reports. Team members will see the reports assigned to their team in a later step."""

from binhan.accounts.roles import Role

# Roles that read and handle reports under their units.
HANDLER_ROLES = frozenset(
    {Role.COMMUNE_POLICE, Role.COMMUNE_LEADER, Role.PROVINCE_POLICE, Role.PROVINCE_LEADER, Role.ADMIN}
)
