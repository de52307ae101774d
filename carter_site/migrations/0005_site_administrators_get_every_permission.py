"""Site administrators may do everything (docs/roles.md), including setting up staff members'
authenticator apps (docs/security.md).

0002_roles gave the group every permission that existed when it ran, which left out those of
apps migrated after it: authenticator devices (otp_totp, otp_static), sessions and versions.
A site administrator who is not a superuser was refused *TOTP devices*. This gives them the
permissions of those apps, and changes nothing else in the groups."""

from django.db import migrations

from carter_site.roles import update_roles

# The apps migrated after 0002_roles, whose permissions it could not give.
LATER_APPS = ("admin", "axes", "otp_static", "otp_totp", "reversion", "sessions", "sites")


class Migration(migrations.Migration):
    dependencies = [
        ("carter_site", "0004_sitesettings_updated_at"),
        ("articles", "0012_clinician_updated_at"),
        ("faqs", "0004_topic_updated_at"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("sessions", "0001_initial"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
        ("sites", "0002_alter_domain_unique"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(update_roles(models=LATER_APPS), migrations.RunPython.noop)]
