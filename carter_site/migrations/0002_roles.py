"""Create the groups Marketing editors, Clinical reviewers and Site administrators."""

from django.db import migrations

from carter_site.roles import sync_roles_in_migration


def remove_roles(apps, schema_editor):
    from carter_site.roles import ROLES, SITE_ADMINISTRATORS

    apps.get_model("auth", "Group").objects.filter(name__in=[*ROLES, SITE_ADMINISTRATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("carter_site", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0002_clinician_previewlink_alter_article_options_and_more"),
        ("faqs", "0002_alter_articlefaq_faq_alter_locationfaq_faq"),
        ("locations", "0001_initial"),
        ("testimonials", "0002_testimonial_consent_expires_on_and_more"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
    ]

    operations = [migrations.RunPython(sync_roles_in_migration, remove_roles)]
