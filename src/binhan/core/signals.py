"""Database set-up that migrations alone do not do."""

from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def create_cache_table(sender, using="default", **kwargs):
    # The database cache holds rate-limit counters shared by all worker processes.
    if sender.name == "binhan.core":
        call_command("createcachetable", database=using, verbosity=0)
