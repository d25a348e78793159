"""Who does what with cameras. Scoping stays by unit; these narrow it by role."""

from binhan.accounts.roles import Role

# Request footage, see the clips and export them for prosecutors.
POLICE_ROLES = frozenset({Role.COMMUNE_POLICE, Role.PROVINCE_POLICE, Role.ADMIN})
# See a shared camera's stream address and credentials (each reveal audited with a reason).
STREAM_ROLES = POLICE_ROLES
# Register and edit public cameras.
REGISTRY_ROLES = frozenset({Role.COMMUNE_POLICE, Role.COMMUNE_LEADER, Role.PROVINCE_POLICE, Role.ADMIN})
