"""Publish and take-down times, and shared preview links' expiry, from the year 2000 on
(articles.models.validate_plausible_time): the validator only, nothing in the database changes."""

import articles.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0028_read_next_choices'),
    ]

    operations = [
        migrations.AlterField(
            model_name='article',
            name='expires_at',
            field=models.DateTimeField(blank=True, help_text='Optional. The article stops being public at this time.', null=True, validators=[articles.models.validate_plausible_time, articles.models.validate_storable_time], verbose_name='take down at'),
        ),
        migrations.AlterField(
            model_name='article',
            name='published_at',
            field=models.DateTimeField(blank=True, db_index=True, help_text='When the article goes live. With the status Published, a future time schedules it; a draft stays a draft whatever the time. Left empty when publishing, it is set to now.', null=True, validators=[articles.models.validate_plausible_time, articles.models.validate_storable_time], verbose_name='publish time'),
        ),
        migrations.AlterField(
            model_name='previewlink',
            name='expires_at',
            field=models.DateTimeField(default=articles.models.default_preview_expiry, help_text='The link stops working at this time (7 days by default).', validators=[articles.models.validate_plausible_time, articles.models.validate_storable_time]),
        ),
    ]
