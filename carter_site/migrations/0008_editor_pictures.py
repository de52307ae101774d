"""A record of each picture uploaded through the rich-text editor, with the widths of its smaller
copies, so that a page offers them without asking the storage (carter_site.editor_uploads)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('carter_site', '0007_review_requests_in_roles'),
    ]

    operations = [
        migrations.CreateModel(
            name='EditorPicture',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='Where the picture is stored.', max_length=255, unique=True)),
                ('width', models.PositiveIntegerField(blank=True, help_text='Its width in pixels as shown; empty when it could not be read.', null=True)),
                ('copy_widths', models.JSONField(blank=True, help_text='The widths of its smaller copies.', null=True)),
            ],
            options={
                'verbose_name': 'picture uploaded in the editor',
                'verbose_name_plural': 'pictures uploaded in the editor',
                'default_permissions': (),
            },
        ),
    ]
