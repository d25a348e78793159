"""Team households get an optional place (latitude, longitude) for the team's map and the fire panel."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('firesafety', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='teamhousehold',
            name='lat',
            field=models.FloatField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(-90), django.core.validators.MaxValueValidator(90)], verbose_name='latitude'),
        ),
        migrations.AddField(
            model_name='teamhousehold',
            name='lon',
            field=models.FloatField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(-180), django.core.validators.MaxValueValidator(180)], verbose_name='longitude'),
        ),
    ]
