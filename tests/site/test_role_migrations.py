"""Upgrading a live site keeps what its site administrators made of the roles.

The migrations that bring the roles up to date with a release (a new model's permissions, a
permission taken from a role) run on databases where site administrators have tuned the groups
for months: a permission taken from Marketing editors, another given to them. Each migration
changes only the permissions it is about; everything else in the groups stays as it was.

These tests take the real database back to an earlier migration, change the groups as a site
administrator would in the admin, and migrate forward with the current code, as an upgrade does.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS, ROLES, SITE_ADMINISTRATORS, sync_roles

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_SPECIAL_DAYS_IN_ROLES = [
    ("locations", "0010_special_days"),
    ("carter_site", "0006_reviewers_sign_only_as_themselves"),
    ("pages", "0002_roles"),
]
BEFORE_REVIEWERS_SIGN_ONLY_AS_THEMSELVES = [
    ("carter_site", "0005_site_administrators_get_every_permission"),
    ("articles", "0015_clinician_sign_in_account"),
    ("pages", "0002_roles"),
    ("locations", "0010_special_days"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def upgrade():
    """Migrate to the current code's latest migrations, as `manage.py migrate` does."""
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.fixture
def back_in_time():
    """Take the database back to some migrations; up to date again after the test, whatever it did.

    The groups come from data migrations, and an earlier test of the session that commits may
    have emptied the tables: they are made again first, as a fresh database holds them."""
    sync_roles()
    yield migrate
    upgrade()


def codes(group_name):
    group = Group.objects.get(name=group_name)
    return {(p.content_type.app_label, p.codename) for p in group.permissions.select_related("content_type")}


def permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.mark.django_db
def test_on_a_fresh_database_each_role_holds_exactly_its_permissions():
    for name, wanted in ROLES.items():
        assert codes(name) == wanted, name
    assert codes(SITE_ADMINISTRATORS) == {
        (p.content_type.app_label, p.codename) for p in Permission.objects.select_related("content_type")
    }


def test_an_upgrade_keeps_the_permissions_site_administrators_took_from_or_gave_to_a_role(back_in_time):
    back_in_time(BEFORE_SPECIAL_DAYS_IN_ROLES)
    # Before locations 0011 ran, holiday hours had no permissions yet.
    Permission.objects.filter(content_type__app_label="locations", codename__endswith="_specialday").delete()
    editors = Group.objects.get(name=MARKETING_EDITORS)
    editors.permissions.remove(permission("articles", "delete_article"))
    editors.permissions.add(permission("auth", "view_user"))
    reviewers = Group.objects.get(name=CLINICAL_REVIEWERS)
    reviewers.permissions.add(permission("testimonials", "change_testimonial"))
    admins = Group.objects.get(name=SITE_ADMINISTRATORS)
    admins.permissions.remove(permission("auth", "delete_user"))

    upgrade()

    editors_now = codes(MARKETING_EDITORS)
    assert ("articles", "delete_article") not in editors_now
    assert ("auth", "view_user") in editors_now
    assert ("testimonials", "change_testimonial") in codes(CLINICAL_REVIEWERS)
    assert ("auth", "delete_user") not in codes(SITE_ADMINISTRATORS)
    # What the migration is about, the permissions of holiday hours and closures, arrived.
    special_days = {("locations", f"{action}_specialday") for action in ("add", "change", "delete", "view")}
    assert special_days <= editors_now
    assert ("locations", "view_specialday") in codes(CLINICAL_REVIEWERS)
    assert ("locations", "change_specialday") not in codes(CLINICAL_REVIEWERS)
    assert special_days <= codes(SITE_ADMINISTRATORS)


def test_an_upgrade_takes_from_a_role_only_what_the_release_takes_away(back_in_time):
    """0006 stops clinical reviewers adding or changing clinicians; a permission a site
    administrator gave them for something else stays."""
    back_in_time(BEFORE_REVIEWERS_SIGN_ONLY_AS_THEMSELVES)
    reviewers = Group.objects.get(name=CLINICAL_REVIEWERS)
    reviewers.permissions.add(
        permission("articles", "add_clinician"), permission("articles", "change_clinician")
    )
    reviewers.permissions.add(permission("faqs", "change_faq"))
    admins = Group.objects.get(name=SITE_ADMINISTRATORS)
    admins.permissions.remove(permission("articles", "review_for_any_clinician"))

    upgrade()

    reviewers_now = codes(CLINICAL_REVIEWERS)
    assert ("articles", "add_clinician") not in reviewers_now
    assert ("articles", "change_clinician") not in reviewers_now
    assert ("articles", "view_clinician") in reviewers_now
    assert ("faqs", "change_faq") in reviewers_now
    assert ("articles", "review_for_any_clinician") in codes(SITE_ADMINISTRATORS)


def test_an_upgrade_does_not_make_again_a_group_site_administrators_renamed(back_in_time):
    back_in_time(BEFORE_SPECIAL_DAYS_IN_ROLES)
    Permission.objects.filter(content_type__app_label="locations", codename__endswith="_specialday").delete()
    Group.objects.filter(name=CLINICAL_REVIEWERS).update(name="Clinicians")

    upgrade()

    assert not Group.objects.filter(name=CLINICAL_REVIEWERS).exists()
    assert ("locations", "view_specialday") not in codes("Clinicians")
    assert ("locations", "view_specialday") in codes(MARKETING_EDITORS)


def test_an_upgrade_gives_the_roles_the_review_request_permissions(back_in_time):
    """A site that had migrated the roles before review requests existed gets their permissions
    from carter_site 0007: editors ask and withdraw, reviewers see, administrators hold all."""
    back_in_time(
        [
            ("carter_site", "0006_reviewers_sign_only_as_themselves"),
            ("articles", "0018_review_request"),
            ("locations", "0011_special_days_in_roles"),
            ("pages", "0002_roles"),
        ]
    )
    # As on such a site: the model is new, and no role holds its permissions yet.
    for group in Group.objects.all():
        group.permissions.remove(*Permission.objects.filter(codename__endswith="_reviewrequest"))
    upgrade()
    requests = {("articles", f"{action}_reviewrequest") for action in ("add", "change", "view")}
    assert requests <= codes(MARKETING_EDITORS)
    assert ("articles", "delete_reviewrequest") not in codes(MARKETING_EDITORS)
    assert codes(CLINICAL_REVIEWERS) & (requests | {("articles", "delete_reviewrequest")}) == {
        ("articles", "view_reviewrequest")
    }
    assert requests | {("articles", "delete_reviewrequest")} <= codes(SITE_ADMINISTRATORS)


def test_an_upgrade_gives_the_publishing_rule_to_site_administrators_only(back_in_time):
    """carter_site 0011: whether publishing needs a current clinical review is the site
    administrators' to change, not the editors' who change the rest of the settings."""
    back_in_time([("carter_site", "0009_names_in_versions")])
    Permission.objects.filter(codename="change_review_rule").delete()  # as on a site before it
    upgrade()
    rule = ("carter_site", "change_review_rule")
    assert rule in codes(SITE_ADMINISTRATORS)
    assert rule not in codes(MARKETING_EDITORS) and rule not in codes(CLINICAL_REVIEWERS)
    assert ("carter_site", "change_sitesettings") in codes(MARKETING_EDITORS)
