"""An owner's equipment indexed with its due date, so "does it keep an in-date item?" reads the owner's
few rows instead of every in-date item (SQLite chose fs_equip_due: 4 s for the readiness of 224 teams)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('firesafety', '0002_teamhousehold_location'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='equipment',
            name='fs_equip_household',
        ),
        migrations.AddIndex(
            model_name='equipment',
            index=models.Index(fields=['household', 'retired_on', 'next_due_on'], name='fs_equip_household_due'),
        ),
        migrations.AddIndex(
            model_name='equipment',
            index=models.Index(fields=['point', 'retired_on', 'next_due_on'], name='fs_equip_point_due'),
        ),
    ]
