"""Marketing editors write the standing pages; clinical reviewers may read them (docs/roles.md).
Site administrators get the new permissions too."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def sync_roles(apps, schema_editor):
    # As in carter_site's 0002_roles: permissions are normally created after all migrations ran.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    from carter_site.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("carter_site", "0005_site_administrators_get_every_permission"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
