"""Clinical reviewers no longer add or change clinicians: the clinician list, and which account
signs for which clinician, is the site administrators' (docs/roles.md). Site administrators get
the new permission to record a review on a clinician's behalf."""

from django.db import migrations

from carter_site.roles import update_roles


class Migration(migrations.Migration):
    dependencies = [
        ("carter_site", "0005_site_administrators_get_every_permission"),
        ("articles", "0015_clinician_sign_in_account"),
        ("pages", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(
            update_roles(models=["articles.clinician"], permissions=["articles.review_for_any_clinician"]),
            migrations.RunPython.noop,
        )
    ]
