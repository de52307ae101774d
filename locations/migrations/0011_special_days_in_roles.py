"""Marketing editors keep a location's holiday hours and closures, as they keep its weekly hours;
clinical reviewers may read them; site administrators get the new permissions too (docs/roles.md)."""

from django.db import migrations

from carter_site.roles import update_roles


class Migration(migrations.Migration):
    dependencies = [
        ("locations", "0010_special_days"),
        ("carter_site", "0006_reviewers_sign_only_as_themselves"),
        ("pages", "0002_roles"),
    ]

    operations = [migrations.RunPython(update_roles(models=["locations.specialday"]), migrations.RunPython.noop)]
