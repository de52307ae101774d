"""Marketing editors write the standing pages; clinical reviewers may read them (docs/roles.md).
Site administrators get the new permissions too."""

from django.db import migrations

from carter_site.roles import update_roles


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("carter_site", "0005_site_administrators_get_every_permission"),
    ]

    operations = [migrations.RunPython(update_roles(models=["pages"]), migrations.RunPython.noop)]
