"""Who records handovers and moves items on: the police (and the administrator)."""

from binhan.accounts.roles import Role

POLICE_ROLES = frozenset({Role.COMMUNE_POLICE, Role.PROVINCE_POLICE, Role.ADMIN})
