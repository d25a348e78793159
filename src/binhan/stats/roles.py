"""Who may do what with the statistics."""

from binhan.accounts.roles import Role

# Enter a unit's monthly figures, and approve those of the units below.
ENTRY_ROLES = frozenset({Role.COMMUNE_POLICE, Role.COMMUNE_LEADER, Role.PROVINCE_POLICE, Role.PROVINCE_LEADER,
                         Role.ADMIN})
