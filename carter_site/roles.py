"""The three roles of the people who run the site (docs/roles.md), as Django groups.

`sync_roles()` makes the groups hold exactly these permissions: the first data migration
(carter_site 0002) calls it on a fresh database. A later release that adds a model or changes a
role brings the groups up to date with `update_roles()`, for the permissions it is about only:
on a live site, site administrators may have taken a permission from a group or given it
another, and an upgrade keeps what they did.
"""

MARKETING_EDITORS = "Marketing editors"
CLINICAL_REVIEWERS = "Clinical reviewers"
SITE_ADMINISTRATORS = "Site administrators"

# Everything marketing writes and arranges, by app label and model name.
CONTENT = {
    "articles": ["article", "articlelocation", "readnextchoice", "previewlink"],
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


# Asking a clinician to review an article ("add"), and withdrawing the request ("change"). A
# request is never deleted: it says who asked for what, and when.
REVIEW_REQUESTS = _codes({"articles": ["reviewrequest"]}, ("add", "change", "view"))

ROLES = {
    # All content, site settings, redirects; no users, no clinical review, but asking for one.
    MARKETING_EDITORS: _codes(CONTENT, ALL_ACTIONS)
    | {("carter_site", "change_sitesettings"), ("carter_site", "view_sitesettings")}
    | {("articles", "view_clinician")}
    | REVIEW_REQUESTS,
    # Read everything; record reviews in their own name (the admin lets them change nothing
    # else). The clinician list, and which account signs for which clinician, is the site
    # administrators' to keep: a reviewer who could add or change a clinician could sign as anyone.
    CLINICAL_REVIEWERS: _codes(CONTENT, ("view",))
    | {("articles", "change_article"), ("articles", "review_article"), ("articles", "view_clinician")}
    | {("articles", "view_reviewrequest")},
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


def _create_permissions(apps):
    """Create the permissions of the apps migrated so far: Django creates them only after all
    migrations ran, and a role cannot be given a permission that does not exist yet."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def sync_roles_in_migration(apps, schema_editor):
    """The first migration's step (carter_site 0002): create the groups with exactly their
    permissions. Later migrations use `update_roles()`, which leaves the rest of each group as
    the site's administrators made it."""
    _create_permissions(apps)
    sync_roles(apps)


def _permissions_of(apps, models):
    """(app_label, codename) of every permission of `models`: "app_label" for all the models of
    an app, "app_label.model_name" for one, its default permissions and its own."""
    codes = set()
    for label in models:
        app_label, _, model_name = label.partition(".")
        chosen = [
            model
            for model in apps.get_app_config(app_label).get_models()
            if not model_name or model._meta.model_name == model_name
        ]
        if not chosen:
            raise LookupError(f"No model {label!r} in the migration state")
        for model in chosen:
            meta = model._meta
            codes |= {(app_label, f"{action}_{meta.model_name}") for action in meta.default_permissions}
            codes |= {(app_label, codename) for codename, _ in meta.permissions}
    return codes


def update_roles(*, models=(), permissions=()):
    """A migration's step bringing the roles up to date for some permissions only: those of
    `models` ("app_label" or "app_label.model_name") and `permissions` ("app_label.codename").

    Of these, each role ends up holding exactly what ROLES lists (given or taken away), and
    Site administrators all of them. Every other permission of every group stays as it is: a
    release adding holiday hours must not give editors back the right to delete articles that
    a site administrator took from them."""

    def step(apps, schema_editor):
        _create_permissions(apps)
        scope = _permissions_of(apps, models) | {tuple(code.split(".", 1)) for code in permissions}
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        rows = {
            (permission.content_type.app_label, permission.codename): permission
            for permission in Permission.objects.select_related("content_type")
        }
        missing = scope - rows.keys()
        if missing:
            raise RuntimeError(f"Permissions to bring into the roles do not exist: {sorted(missing)}")
        # A group a site administrator renamed or deleted is theirs: it is not made again, half
        # filled and with nobody in it.
        for name, codes in ROLES.items():
            for group in Group.objects.filter(name=name):
                group.permissions.remove(*(rows[code] for code in scope - codes))
                group.permissions.add(*(rows[code] for code in scope & codes))
        for admins in Group.objects.filter(name=SITE_ADMINISTRATORS):
            admins.permissions.add(*(rows[code] for code in scope))

    return step
