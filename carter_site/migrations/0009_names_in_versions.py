"""The names each saved version holds that could be an upload's, so that the uploaded pictures
page finds what earlier versions use without reading every version (carter_site.media_usage).
This reads the names of the versions saved so far, and each version's are kept as it is saved
from then on."""

import django.db.models.deletion
from django.core.files.storage import default_storage
from django.db import migrations, models


def read_names(apps, schema_editor):
    from carter_site.media_usage import read_names_in_versions

    models = [
        apps.get_model("reversion", "Version"),
        apps.get_model("carter_site", "NameInVersion"),
        apps.get_model("carter_site", "NamesInVersionsRead"),
    ]
    read_names_in_versions(default_storage, again=True, models=models)


class Migration(migrations.Migration):
    dependencies = [
        ("carter_site", "0008_editor_pictures"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.CreateModel(
            name="NamesInVersionsRead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rules", models.TextField()),
                ("up_to", models.BigIntegerField(default=0)),
                ("read_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "default_permissions": (),
            },
        ),
        migrations.CreateModel(
            name="NameInVersion",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "version", "digest", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("digest", models.BigIntegerField(db_index=True)),
                (
                    "version",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reversion.version",
                    ),
                ),
            ],
            options={
                "default_permissions": (),
            },
        ),
        migrations.RunPython(read_names, migrations.RunPython.noop),
    ]
