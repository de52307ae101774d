"""The three roles of the people who run the site (docs/roles.md), as Django groups.

`sync_roles()` makes the groups hold exactly these permissions. A data migration calls it;
when the roles change, a new migration calls it again.
"""

MARKETING_EDITORS = "Marketing editors"
CLINICAL_REVIEWERS = "Clinical reviewers"
SITE_ADMINISTRATORS = "Site administrators"

# Everything marketing writes and arranges, by app label and model name.
CONTENT = {
    "articles": ["article", "articlelocation", "previewlink"],
    "faqs": ["faq", "topic", "articlefaq", "locationfaq"],
    "locations": ["location", "openinghours", "specialday"],
    "testimonials": ["testimonial", "articletestimonial"],
    "pages": ["page"],
    "redirects": ["redirect"],
}
ALL_ACTIONS = ("add", "change", "delete", "view")


def _codes(models, actions):
    return {
        (app, f"{action}_{model}") for app, names in models.items() for model in names for action in actions
    }


ROLES = {
    # All content, site settings, redirects; no users, no clinical review.
    MARKETING_EDITORS: _codes(CONTENT, ALL_ACTIONS)
    | {("carter_site", "change_sitesettings"), ("carter_site", "view_sitesettings")}
    | {("articles", "view_clinician")},
    # Read everything; record reviews in their own name (the admin lets them change nothing
    # else). The clinician list, and which account signs for which clinician, is the site
    # administrators' to keep: a reviewer who could add or change a clinician could sign as anyone.
    CLINICAL_REVIEWERS: _codes(CONTENT, ("view",))
    | {("articles", "change_article"), ("articles", "review_article"), ("articles", "view_clinician")},
}


def sync_roles(apps=None):
    """Create the groups and give each exactly its permissions. Site administrators get all."""
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # In a migration, `apps` holds the apps and models migrated so far: an app or a model added
    # later (standing pages, a location's special days) gets its permissions from its own
    # migration, which calls this again.
    present = {
        (model._meta.app_label, f"{action}_{model._meta.model_name}")
        for model in apps.get_models()
        for action in model._meta.default_permissions
    } | {
        (model._meta.app_label, codename)
        for model in apps.get_models()
        for codename, _ in model._meta.permissions
    }
    for name, codes in ROLES.items():
        codes = codes & present
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            permission
            for permission in Permission.objects.select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in codes
        ]
        missing = codes - {(p.content_type.app_label, p.codename) for p in permissions}
        if missing:
            raise RuntimeError(f"Permissions for the role {name!r} do not exist: {sorted(missing)}")
        group.permissions.set(permissions)
    admins, _ = Group.objects.get_or_create(name=SITE_ADMINISTRATORS)
    admins.permissions.set(Permission.objects.all())


def sync_roles_in_migration(apps, schema_editor):
    """A migration's step: create the permissions of the apps migrated so far (Django creates
    them only after all migrations ran), then sync the roles. Each migration that changes the roles
    or adds an app runs it (carter_site 0002, 0005 and 0006, pages 0002)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps)
