# The tally becomes a pyramid per commune (levels 8, 10, 12, 14): dropped and counted again.

import django.db.models.deletion
from django.db import migrations, models


def triggers_off(apps, schema_editor):
    from binhan.reports import tally

    tally.drop_triggers(schema_editor)


def triggers_on(apps, schema_editor):
    # The tally's triggers and a count of the reports already there (reports/tally.py).
    from binhan.reports import tally

    tally.create_triggers(schema_editor)
    tally.rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_report_tally'),
    ]

    operations = [
        migrations.RunPython(triggers_off, migrations.RunPython.noop),
        migrations.DeleteModel(name='ReportTally'),
        migrations.CreateModel(
            name='ReportTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.PositiveSmallIntegerField()),
                ('unit_path', models.CharField(max_length=255)),
                ('cell_y', models.IntegerField()),
                ('cell_x', models.IntegerField()),
                ('total', models.IntegerField(default=0)),
                ('lat_sum', models.FloatField(default=0)),
                ('lon_sum', models.FloatField(default=0)),
                ('n_new', models.IntegerField(default=0)),
                ('n_acknowledged', models.IntegerField(default=0)),
                ('n_in_progress', models.IntegerField(default=0)),
                ('n_resolved', models.IntegerField(default=0)),
                ('n_referred', models.IntegerField(default=0)),
                ('n_rejected', models.IntegerField(default=0)),
                ('n_duplicate', models.IntegerField(default=0)),
                ('category', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reports.category')),
            ],
            options={
                'indexes': [models.Index(fields=['unit_path'], name='rep_tally_path_like', opclasses=['varchar_pattern_ops']), models.Index(fields=['level', 'cell_y', 'cell_x'], name='rep_tally_cell')],
                'constraints': [models.UniqueConstraint(fields=('level', 'unit_path', 'category', 'cell_y', 'cell_x'), name='rep_tally_key')],
            },
        ),
        migrations.RunPython(triggers_on, triggers_off),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['lat', 'lon', 'category', 'unit_path', 'status', 'priority', 'created_at'], name='rep_map_place'),
        ),
    ]
