"""On PostgreSQL the rate-limit counters need no WAL: they are worth nothing after a crash,
and a write to an unlogged table commits without waiting for the disk."""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_ratecounter SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_ratecounter SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_rate_counters")]
    operations = [migrations.RunPython(unlogged, logged, elidable=False)]
