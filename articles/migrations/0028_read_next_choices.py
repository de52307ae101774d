"""The articles an editor chooses to show first under "Read next" (ReadNextChoice). Marketing
editors arrange them as they arrange an article's other rows, clinical reviewers may read them,
and site administrators get the new permissions too (docs/roles.md)."""

import django.db.models.deletion
from django.db import migrations, models

from carter_site.roles import update_roles


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0027_notice_preference_coming_up'),
        ('carter_site', '0002_roles'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReadNextChoice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(default=0, help_text='Lower numbers come first; equal numbers keep the order they were added in.')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='read_next_choices', to='articles.article')),
                ('chosen', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='chosen_to_read_next', to='articles.article', verbose_name='article')),
            ],
            options={
                'verbose_name': 'article to read next',
                'verbose_name_plural': 'articles to read next',
                'ordering': ['order', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('article', 'chosen'), name='read_next_chosen_once', violation_error_message='This article is chosen already.'), models.CheckConstraint(condition=models.Q(('chosen', models.F('article')), _negated=True), name='read_next_not_itself', violation_error_message='An article cannot be its own “Read next”.')],
            },
        ),
        migrations.RunPython(update_roles(models=["articles.readnextchoice"]), migrations.RunPython.noop),
    ]
