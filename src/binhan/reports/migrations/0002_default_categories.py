from django.db import migrations


def install(apps, schema_editor):
    from binhan.reports.defaults import install_default_categories

    install_default_categories(apps.get_model("reports", "Category"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
