"""Report links that are empty for most reports get partial indexes; the category's own index goes (rep_category_time
leads with it). Fewer index pages written a report (docs/performance.md, "Report intake").

Only the indexes change in the database: Django would rebuild the whole table on SQLite to alter
the fields (losing the tally's triggers) and re-check every foreign key on PostgreSQL.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('geo', '0002_household_list_index'),
        ('reports', '0006_tally_levels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='report',
                    name='assigned_to',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='assigned_reports', to=settings.AUTH_USER_MODEL, verbose_name='assigned officer'),
                ),
                migrations.AlterField(
                    model_name='report',
                    name='category',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='reports.category', verbose_name='category'),
                ),
                migrations.AlterField(
                    model_name='report',
                    name='duplicate_of',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='duplicates', to='reports.report', verbose_name='duplicate of'),
                ),
                migrations.AlterField(
                    model_name='report',
                    name='reporter',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reports', to=settings.AUTH_USER_MODEL, verbose_name='reporter'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "reports_report_assigned_to_id_5a6b5eea"',
                    reverse_sql='CREATE INDEX "reports_report_assigned_to_id_5a6b5eea" ON "reports_report" ("assigned_to_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "reports_report_category_id_7a7857a8"',
                    reverse_sql='CREATE INDEX "reports_report_category_id_7a7857a8" ON "reports_report" ("category_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "reports_report_duplicate_of_id_61348c9b"',
                    reverse_sql='CREATE INDEX "reports_report_duplicate_of_id_61348c9b" ON "reports_report" ("duplicate_of_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "reports_report_reporter_id_d54be306"',
                    reverse_sql='CREATE INDEX "reports_report_reporter_id_d54be306" ON "reports_report" ("reporter_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(condition=models.Q(('assigned_to__isnull', False)), fields=['assigned_to'], name='rep_assigned'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(condition=models.Q(('duplicate_of__isnull', False)), fields=['duplicate_of'], name='rep_duplicate_of'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(condition=models.Q(('reporter__isnull', False)), fields=['reporter'], name='rep_reporter'),
        ),
    ]
