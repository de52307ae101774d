import carter_site.images
from django.db import migrations


def keep_sizes(apps, schema_editor):
    """Pages show the size kept in the row from now on (carter_site.images.PictureField)."""
    carter_site.images.keep_stored_sizes(apps.get_model("locations", "Location"), "photo")


class Migration(migrations.Migration):
    """Reads the pictures already stored, outside the transaction that added the columns: on
    PostgreSQL that one locks the table, and pages would wait for every picture to be read."""

    atomic = False

    dependencies = [
        ("locations", "0006_picture_size"),
    ]

    operations = [
        migrations.RunPython(keep_sizes, migrations.RunPython.noop),
    ]
