"""System checks: production must not run with demo users."""

from django.core import checks
from django.db import DatabaseError


@checks.register(checks.Tags.security, deploy=True)
def no_demo_users(app_configs, **kwargs):
    from binhan.accounts.models import User

    try:
        count = User.objects.filter(is_demo=True).count()
    except DatabaseError:
        return []  # no database yet: nothing to find
    if count:
        return [
            checks.Error(
                f"{count} demo user(s) exist in this database.",
                hint="Demo users (demo-*, password 'demo') belong only in demo databases. Use a fresh database.",
                id="binhan.E001",
            )
        ]
    return []
