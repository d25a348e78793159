"""Who reads the stay-receipt book: the police (and the administrator), never other staff."""

from binhan.accounts.roles import Role

POLICE_ROLES = frozenset({Role.COMMUNE_POLICE, Role.PROVINCE_POLICE, Role.ADMIN})
# Who registers lodgings and names their managers: the commune police.
LODGING_ROLES = frozenset({Role.COMMUNE_POLICE, Role.ADMIN})
