"""A staff account's life in the admin, as docs/roles.md describes it: made by a site
administrator, given a role, deactivated when its owner leaves, never deleted with the record of
what it did."""

from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from reversion.models import Version

from carter_site.roles import MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import edit_in_admin, signed_in, staff_member
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def administrator():
    return signed_in(SITE_ADMINISTRATORS, "alex")


@pytest.fixture
def departed_editor():
    """An editor who changed an article, and whose account is to go."""
    editor = signed_in(MARKETING_EDITORS, "erin")
    article = ArticleFactory(title="Your first week", draft=True)
    edit_in_admin(editor, article, body="<p>What the first week holds, in Erin's words.</p>")
    return User.objects.get(username="erin"), article


def text(response):
    return unescape(response.content.decode())


def history_of(article):
    return [(entry.user.username, entry.change_message) for entry in LogEntry.objects.filter(object_id=article.pk)]


def test_an_account_that_made_changes_is_not_deleted_with_its_history(administrator, departed_editor):
    erin, article = departed_editor
    history = history_of(article)
    assert history and history[0][0] == "erin"
    url = reverse("admin:auth_user_delete", args=[erin.pk])

    page = text(administrator.get(url))
    assert "has made changes on this site" in page
    assert "erin: 1 entry in the admin's history and the name on 1 saved version" in page
    assert "untick <strong>Active</strong>" in page
    assert "Yes, I’m sure" not in page

    response = administrator.post(url, {"post": "yes"})
    assert response.status_code == 200  # the same explanation, nothing deleted
    assert User.objects.filter(pk=erin.pk).exists()
    assert history_of(article) == history
    assert [version.revision.user_id for version in Version.objects.get_for_object(article)] == [erin.pk]


def test_the_bulk_delete_keeps_accounts_that_made_changes(administrator, departed_editor):
    erin, article = departed_editor
    mistake = staff_member(MARKETING_EDITORS, "erin2")  # made by mistake, never used
    data = {"action": "delete_selected", "_selected_action": [erin.pk, mistake.pk]}

    page = text(administrator.post(reverse("admin:auth_user_changelist"), data))
    assert "Some of the selected accounts have made changes" in page
    assert "erin: 1 entry in the admin's history" in page
    administrator.post(reverse("admin:auth_user_changelist"), {**data, "post": "yes"})
    assert set(User.objects.filter(pk__in=[erin.pk, mistake.pk]).values_list("username", flat=True)) == {
        "erin",
        "erin2",
    }
    assert history_of(article)

    # Alone, the account that never changed anything is deleted as before.
    administrator.post(
        reverse("admin:auth_user_changelist"), {**data, "_selected_action": [mistake.pk], "post": "yes"}
    )
    assert not User.objects.filter(pk=mistake.pk).exists()


def test_an_account_that_never_changed_anything_can_be_deleted(administrator):
    mistake = staff_member(MARKETING_EDITORS, "erin2")
    url = reverse("admin:auth_user_delete", args=[mistake.pk])
    assert "Are you sure you want to delete" in text(administrator.get(url))
    assert administrator.post(url, {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=mistake.pk).exists()
