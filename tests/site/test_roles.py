"""The groups of docs/roles.md hold what that page promises. Site administrators may do
everything, including setting up a staff member's authenticator app (docs/security.md), without
being superusers."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from carter_site.roles import SITE_ADMINISTRATORS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_site_administrators_hold_every_permission():
    group = Group.objects.get(name=SITE_ADMINISTRATORS)
    missing = Permission.objects.exclude(group=group).select_related("content_type")
    assert sorted(f"{p.content_type.app_label}.{p.codename}" for p in missing) == []


def test_a_site_administrator_who_is_not_a_superuser_sets_up_an_authenticator_app():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = UserFactory(username="alex", is_staff=True)
    admin.groups.add(Group.objects.get(name=SITE_ADMINISTRATORS))
    staff_member = UserFactory(username="dana", is_staff=True)
    client = Client()
    client.force_login(admin)

    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 200
    response = client.post(
        reverse("admin:otp_totp_totpdevice_add"),
        {
            "user": str(staff_member.pk),
            "name": "Phone",
            "key": "3132333435363738393031323334353637383930",
            "step": "30",
            "t0": "0",
            "digits": "6",
            "tolerance": "1",
            "drift": "0",
            "confirmed": "on",
            "throttling_failure_count": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    device = TOTPDevice.objects.get(user=staff_member)
    # The QR code the staff member scans.
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 200
    assert client.get(reverse("admin:otp_static_staticdevice_changelist")).status_code == 200


def test_comparing_versions_needs_permission_to_view_what_is_compared():
    """The comparison of two versions shows the whole text of both: a staff member in no group
    (who may see no content at all) is refused it, as they are the history and the article."""
    from django.contrib.auth.models import Group
    from reversion.models import Version

    from carter_site.roles import CLINICAL_REVIEWERS
    from tests.admin_forms import edit_in_admin
    from tests.factories import ArticleFactory, StaffFactory

    article = ArticleFactory(draft=True, body="<p>A draft nobody outside may read.</p>")
    superuser = Client()
    superuser.force_login(StaffFactory(username="root"))
    edit_in_admin(superuser, article)
    edit_in_admin(superuser, article, body="<p>A second draft nobody outside may read.</p>")
    first, second = Version.objects.get_for_object(article).order_by("pk")
    url = reverse("admin:articles_article_compare", args=[article.pk])
    query = {"version_id1": first.pk, "version_id2": second.pk}

    no_group = Client()
    no_group.force_login(UserFactory(username="casey", is_staff=True))
    response = no_group.get(url, query)
    assert response.status_code == 403
    assert "nobody outside may read" not in response.content.decode()

    reviewer_user = UserFactory(username="morgan", is_staff=True)
    reviewer_user.groups.add(Group.objects.get(name=CLINICAL_REVIEWERS))
    reviewer = Client()
    reviewer.force_login(reviewer_user)
    response = reviewer.get(url, query)
    assert response.status_code == 200  # reviewers see all content and compare its versions
    assert "nobody outside may read" in response.content.decode()


def test_view_on_site_leads_only_to_what_the_person_may_see_and_on_this_site():
    """The change form's "View on site" answers for any object of any kind by its id. A staff
    member in no group learned there the address of any draft and, of a shared preview link, its
    token (which shows the draft to anyone); it sent everyone to example.com besides."""
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    from articles.models import PreviewLink
    from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS
    from tests.factories import ArticleFactory

    article = ArticleFactory(draft=True, slug="a-draft-nobody-outside-may-read")
    link = PreviewLink.objects.create(article=article, note="Dr. Lee, outside review")

    def view_on_site(obj):
        content_type = ContentType.objects.get_for_model(obj)
        return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])

    def client_of(username, role=None):
        user = UserFactory(username=username, is_staff=True)
        if role:
            user.groups.add(Group.objects.get(name=role))
        client = Client()
        client.force_login(user)
        return client

    no_group = client_of("casey")
    assert no_group.get(view_on_site(article)).status_code == 403
    # A shared preview link has no page in the admin, so none here either: its token stays unsaid.
    for client in (no_group, client_of("morgan", CLINICAL_REVIEWERS), client_of("dana", MARKETING_EDITORS)):
        response = client.get(view_on_site(link))
        assert response.status_code == 404
        assert link.token not in response.get("Location", "") + response.content.decode()

    editor = client_of("sam", MARKETING_EDITORS)
    change_form = editor.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert view_on_site(article) in change_form
    response = editor.get(view_on_site(article))
    assert response.status_code == 302
    assert response["Location"] == "/articles/a-draft-nobody-outside-may-read/"  # this site, not example.com
