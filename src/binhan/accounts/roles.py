"""The roles of DESIGN.md. A Membership gives a user one role at one unit."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GROUP_LEADER = "group_leader", _("Group leader")
    SECURITY_MEMBER = "security_member", _("Security team member")
    FIRE_TEAM_LEADER = "fire_team_leader", _("Fire-team leader")
    MEDIATOR = "mediator", _("Mediator")
    COMMUNE_POLICE = "commune_police", _("Commune police")
    COMMUNE_LEADER = "commune_leader", _("Commune leader")
    PROVINCE_POLICE = "province_police", _("Province police")
    PROVINCE_LEADER = "province_leader", _("Province leader")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


# Roles that read domain data under their unit. Residents and auditors do not.
STAFF_ROLES = frozenset(
    {
        Role.GROUP_LEADER,
        Role.SECURITY_MEMBER,
        Role.FIRE_TEAM_LEADER,
        Role.MEDIATOR,
        Role.COMMUNE_POLICE,
        Role.COMMUNE_LEADER,
        Role.PROVINCE_POLICE,
        Role.PROVINCE_LEADER,
        Role.ADMIN,
    }
)

# Who keeps the household list and may read a head of household's details (with a reason).
# Security, fire-safety and mediation members see households but do not edit them.
HOUSEHOLD_KEEPER_ROLES = frozenset(
    {
        Role.GROUP_LEADER,
        Role.COMMUNE_POLICE,
        Role.COMMUNE_LEADER,
        Role.PROVINCE_POLICE,
        Role.PROVINCE_LEADER,
        Role.ADMIN,
    }
)

# Roles that must use two-factor sign-in when the setting requires it: everyone but residents.
TWO_FACTOR_ROLES = STAFF_ROLES | {Role.AUDITOR}

# Which level a role normally sits at; used by the grant form and the demo.
ROLE_LEVEL = {
    Role.RESIDENT: "group",
    Role.GROUP_LEADER: "group",
    Role.SECURITY_MEMBER: "group",
    Role.FIRE_TEAM_LEADER: "group",
    Role.MEDIATOR: "group",
    Role.COMMUNE_POLICE: "commune",
    Role.COMMUNE_LEADER: "commune",
    Role.PROVINCE_POLICE: "province",
    Role.PROVINCE_LEADER: "province",
    Role.AUDITOR: "commune",
    Role.ADMIN: "nation",
}

# Roles that may grant memberships at units strictly below their own.
GRANTING_ROLES = frozenset(
    {Role.COMMUNE_POLICE, Role.COMMUNE_LEADER, Role.PROVINCE_POLICE, Role.PROVINCE_LEADER, Role.ADMIN}
)
