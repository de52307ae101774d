"""Only site administrators change whether publishing needs a current clinical review: the new
permission goes to them, and to no other role (docs/roles.md)."""

from django.db import migrations

from carter_site.roles import update_roles


class Migration(migrations.Migration):
    dependencies = [
        ("carter_site", "0010_publishing_needs_review"),
    ]

    operations = [
        migrations.RunPython(
            update_roles(permissions=["carter_site.change_review_rule"]), migrations.RunPython.noop
        )
    ]
