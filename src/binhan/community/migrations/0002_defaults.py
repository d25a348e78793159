from django.db import migrations


def install(apps, schema_editor):
    from binhan.community.defaults import install_defaults

    install_defaults(apps.get_model("community", "ModelType"), apps.get_model("community", "ProvinceRule"))


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
