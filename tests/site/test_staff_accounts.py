"""A staff account's life in the admin, as docs/roles.md describes it: made by a site
administrator, given a role, deactivated when its owner leaves, never deleted with the record of
what it did."""

from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from reversion.models import Version

from carter_site.roles import MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, edit_in_admin, signed_in, staff_member
from tests.factories import ArticleFactory, StaffFactory

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
    return [
        (entry.user.username, entry.change_message) for entry in LogEntry.objects.filter(object_id=article.pk)
    ]


def test_an_account_that_made_changes_is_not_deleted_with_its_history(administrator, departed_editor):
    erin, article = departed_editor
    history = history_of(article)
    assert history and history[0][0] == "erin"
    url = reverse("admin:auth_user_delete", args=[erin.pk])

    page = text(administrator.get(url))
    assert (
        "“erin” has made changes on this site (1 entry in the admin's history and the name on 1 saved version)"
        in page
    )
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
    assert "The selected users cannot be deleted, and nothing was deleted" in page
    assert "“erin” has made changes on this site (1 entry in the admin's history" in page
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


# --- Somebody stays able to look after accounts -------------------------------------------------


LAST_MANAGER = "Nobody else could then look after staff accounts"


def save_account(client, user, **changes):
    """Post `user`'s change form as the admin shows it to `client`, with `changes`."""
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = admin_form_data(client.get(url))
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(url, data)


@pytest.mark.parametrize(
    "change",
    [{"groups": []}, {"is_active": False}, {"is_staff": False}],
    ids=["leaving-site-administrators", "deactivating", "no-staff-status"],
)
def test_the_last_site_administrator_cannot_remove_their_own_rights(administrator, change):
    alex = User.objects.get(username="alex")
    response = save_account(administrator, alex, **change)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors and errors[0].startswith(LAST_MANAGER)
    assert "“alex” is the last active staff account that may" in errors[0]
    assert LAST_MANAGER in text(response)
    alex.refresh_from_db()
    assert alex.is_active and alex.is_staff
    assert list(alex.groups.values_list("name", flat=True)) == [SITE_ADMINISTRATORS]
    assert administrator.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_with_another_site_administrator_the_change_is_made(administrator):
    staff_member(SITE_ADMINISTRATORS, "sam")
    alex = User.objects.get(username="alex")
    assert (
        save_account(
            administrator, alex, groups=[str(Group.objects.get(name=MARKETING_EDITORS).pk)]
        ).status_code
        == 302
    )
    assert list(alex.groups.values_list("name", flat=True)) == [MARKETING_EDITORS]


def test_another_administrator_cannot_demote_the_last_one(client):
    """A superuser counts as one who may look after accounts; once the superuser gives that up, the
    last site administrator stays one, by nobody's hand."""
    root = StaffFactory(username="root")
    alex = staff_member(SITE_ADMINISTRATORS, "alex")
    client.force_login(root)
    assert save_account(client, alex, groups=[]).status_code == 302  # root can still look after accounts
    staff_member(SITE_ADMINISTRATORS, "sam")
    assert save_account(client, root, is_superuser=False).status_code == 302
    sam = User.objects.get(username="sam")
    client.force_login(sam)
    response = save_account(client, sam, is_active=False)
    assert response.status_code == 200
    assert (
        "“sam” is the last active staff account that may"
        in response.context["adminform"].form.non_field_errors()[0]
    )
    assert User.objects.get(username="sam").is_active


def test_the_last_site_administrator_cannot_be_deleted(administrator):
    alex = User.objects.get(username="alex")
    url = reverse("admin:auth_user_delete", args=[alex.pk])
    page = text(administrator.get(url))
    assert "cannot be deleted" in page and LAST_MANAGER in page
    administrator.post(url, {"post": "yes"})
    assert User.objects.filter(pk=alex.pk).exists()


def test_the_permission_to_look_after_accounts_stays_with_the_last_group_holding_it(administrator):
    group = Group.objects.get(name=SITE_ADMINISTRATORS)
    manage = Permission.objects.get(content_type__app_label="auth", codename="change_user")
    url = reverse("admin:auth_group_change", args=[group.pk])
    data = admin_form_data(administrator.get(url))
    data["permissions"] = [pk for pk in data["permissions"] if pk != str(manage.pk)]
    response = administrator.post(url, data)
    assert response.status_code == 200
    assert "the members of “Site administrators” are the last" in text(response)
    assert group.permissions.filter(pk=manage.pk).exists()

    delete = reverse("admin:auth_group_delete", args=[group.pk])
    assert LAST_MANAGER in text(administrator.get(delete))
    administrator.post(delete, {"post": "yes"})
    assert Group.objects.filter(pk=group.pk).exists()

    # Another account that may look after accounts, by a permission of its own: the group may go.
    sam = staff_member(MARKETING_EDITORS, "sam")
    sam.user_permissions.add(manage)
    assert administrator.post(url, data).status_code == 302
    assert not group.permissions.filter(pk=manage.pk).exists()


# --- ... and can still sign in to do it ---------------------------------------------------------


@pytest.fixture
def administrator_with_app(settings, client):
    """The only site administrator, signed in as production asks: password and authenticator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.security.test_admin_access import sign_in, totp_code

    settings.ADMIN_REQUIRE_OTP = True
    alex = staff_member(SITE_ADMINISTRATORS, "alex")
    device = TOTPDevice.objects.create(user=alex, name="Alex's phone")
    assert sign_in(client, "alex", code=totp_code(device)).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    return client, device


def authenticator_of(user, name="Phone"):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name=name)


def test_the_last_administrator_cannot_delete_their_only_authenticator(administrator_with_app):
    """Their next sign-in would need a code nothing makes, and nobody else could set one up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client, device = administrator_with_app
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    page = text(client.get(url))
    assert "cannot be deleted" in page and LAST_MANAGER in page
    assert (
        "“alex” is the last active staff account that may, and that can sign in with a password and an authenticator app or passkey"
        in page
    )
    assert "Set up the new authenticator app first" in page
    assert "Yes, I’m sure" not in page
    assert client.post(url, {"post": "yes"}).status_code == 200
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    bulk = {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"}
    page = text(client.post(reverse("admin:otp_totp_totpdevice_changelist"), bulk))
    assert "cannot be deleted, and nothing was deleted" in page and LAST_MANAGER in page
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.get(reverse("admin:index")).status_code == 200  # still signed in

    # Someone else's authenticator is theirs to lose.
    erin = authenticator_of(staff_member(MARKETING_EDITORS, "erin"))
    assert (
        client.post(reverse("admin:otp_totp_totpdevice_delete", args=[erin.pk]), {"post": "yes"}).status_code
        == 302
    )
    assert not TOTPDevice.objects.filter(pk=erin.pk).exists()

    # A new phone set up first: the old one may go.
    authenticator_of(User.objects.get(username="alex"), "Alex's new phone")
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_last_administrators_only_authenticator_is_not_unconfirmed(administrator_with_app):
    # Nor given away: no authenticator is (tests/site/test_authenticators.py).
    client, device = administrator_with_app
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    data = admin_form_data(client.get(url))
    del data["confirmed"]
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors and errors[0].startswith(LAST_MANAGER)
    device.refresh_from_db()
    assert device.confirmed and device.user.username == "alex"
    assert client.get(reverse("admin:index")).status_code == 200


def test_without_the_second_step_an_administrator_may_delete_their_authenticator(administrator):
    """In development a password is enough: the authenticator locks nobody out."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = authenticator_of(User.objects.get(username="alex"))
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert administrator.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.exists()


def disable_password(client, user):
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    data = {"usable_password": "false", "password1": "", "password2": "", "unset-password": "Disable"}
    return client.post(url, data)


def test_the_last_administrator_keeps_password_sign_in(administrator):
    alex = User.objects.get(username="alex")
    response = disable_password(administrator, alex)
    assert response.status_code == 200
    errors = response.context["form"].errors["usable_password"]
    assert errors[0].startswith(LAST_MANAGER)
    assert (
        "“alex” is the last active staff account that may, and that can sign in with a password." in errors[0]
    )
    assert LAST_MANAGER in text(response)
    alex.refresh_from_db()
    assert alex.has_usable_password() and alex.check_password("correct horse battery")

    # Another site administrator who can sign in: the password may go.
    staff_member(SITE_ADMINISTRATORS, "sam")
    assert disable_password(administrator, alex).status_code == 302
    alex.refresh_from_db()
    assert not alex.has_usable_password()


def test_an_administrator_without_a_password_does_not_count(administrator):
    sam = staff_member(SITE_ADMINISTRATORS, "sam")
    sam.set_unusable_password()
    sam.save()
    alex = User.objects.get(username="alex")
    response = save_account(administrator, alex, groups=[])
    assert response.status_code == 200
    assert "“alex” is the last" in response.context["adminform"].form.non_field_errors()[0]
    assert alex.groups.filter(name=SITE_ADMINISTRATORS).exists()


def test_nobody_becomes_the_only_administrator_without_an_authenticator(administrator_with_app):
    """Handing the role to someone whose authenticator is not set up yet is not handing it on:
    in production they could not sign in to use it."""
    client, _device = administrator_with_app
    sam = staff_member(SITE_ADMINISTRATORS, "sam")
    alex = User.objects.get(username="alex")
    marketing = str(Group.objects.get(name=MARKETING_EDITORS).pk)

    response = save_account(client, alex, groups=[marketing])
    assert response.status_code == 200
    error = response.context["adminform"].form.non_field_errors()[0]
    assert error.startswith(LAST_MANAGER)
    assert (
        "Give another person the role Site administrators and set up their authenticator app or passkey first"
        in error
    )
    assert list(alex.groups.values_list("name", flat=True)) == [SITE_ADMINISTRATORS]
    delete = text(client.get(reverse("admin:auth_user_delete", args=[alex.pk])))
    assert LAST_MANAGER in delete

    authenticator_of(sam, "Sam's phone")
    assert save_account(client, alex, groups=[marketing]).status_code == 302
    assert list(alex.groups.values_list("name", flat=True)) == [MARKETING_EDITORS]


# --- A lost phone ------------------------------------------------------------------------------


def test_the_qr_code_of_a_deleted_authenticator_is_not_found(administrator):
    """The administrator deletes a lost phone's authenticator; its QR code page, still open in
    another tab or reached from the browser's history, says it is gone instead of failing."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(
        user=staff_member(MARKETING_EDITORS, "erin"), name="Phone", confirmed=False
    )
    config = reverse("admin:otp_totp_totpdevice_config", args=[device.pk])
    picture = reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk])
    assert administrator.get(config).status_code == 200
    assert administrator.get(picture)["Content-Type"] == "image/svg+xml"
    device.delete()

    administrator.raise_request_exception = False
    response = administrator.get(config, follow=True)
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    assert "doesn’t exist. Perhaps it was deleted?" in text(response)
    assert administrator.get(picture).status_code == 404


def test_an_authenticators_secret_is_not_replaced_in_place(administrator, client, settings):
    """Giving the lost phone's device a new secret would leave the sessions opened with it signed
    in: a new phone gets a new device, and deleting the old one ends them."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.security.test_admin_access import sign_in, totp_code

    settings.ADMIN_REQUIRE_OTP = True
    device = TOTPDevice.objects.create(user=staff_member(MARKETING_EDITORS, "erin"), name="Phone")
    assert sign_in(client, "erin", code=totp_code(device)).status_code == 302  # on the lost phone
    settings.ADMIN_REQUIRE_OTP = False  # the administrator's own session, without a second step

    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    data = admin_form_data(administrator.get(url))
    assert "key" not in data
    new_key = "3132333435363738393031323334353637383930"
    assert administrator.post(url, {**data, "key": new_key}).status_code == 302
    old_key = device.key
    device.refresh_from_db()
    assert device.key == old_key

    settings.ADMIN_REQUIRE_OTP = True
    assert client.get(reverse("admin:index")).status_code == 200
    device.delete()
    assert client.get(reverse("admin:index")).status_code == 302


# --- Two administrators at the same moment ------------------------------------------------------


def demote(client, user):
    """What `client` posts to take `user` out of Site administrators (into Marketing editors)."""
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = admin_form_data(client.get(url))
    data["groups"] = [str(Group.objects.get(name=MARKETING_EDITORS).pk)]
    return lambda: client.post(url, data)


def delete_authenticator(client, device):
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    return lambda: client.post(url, {"post": "yes"})


def two_administrators(settings, with_apps):
    """Alex and Sam, the only site administrators, each signed in in a browser of their own (with
    their authenticator app when `with_apps`: production's second step)."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from carter_site.roles import sync_roles
    from tests.security.test_admin_access import sign_in, totp_code

    sync_roles()  # the groups come from a data migration; an earlier test emptied the tables
    settings.ADMIN_REQUIRE_OTP = with_apps
    people = []
    for name in ["alex", "sam"]:
        user, client = staff_member(SITE_ADMINISTRATORS, name), Client()
        device = TOTPDevice.objects.create(user=user, name=f"{name}'s phone")
        if with_apps:
            assert (
                sign_in(client, name, code=totp_code(device), address=f"10.0.0.{len(people) + 1}").status_code
                == 302
            )
        else:
            client.force_login(user)
        people.append((user, client, device))
    return people


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["demoting", "deleting-the-authenticator"])
def test_two_administrators_taking_each_others_rights_at_the_same_moment_leave_one(settings, change):
    """Each change alone leaves the other administrator, so each passes the check if both check
    before either is saved: the check locks the accounts it counts, and the second waits for the
    first, sees it, and is refused. The requests run as two gunicorn workers would, on connections
    of their own, meeting just before their first writes (tests/concurrency.py)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.concurrency import at_the_same_moment

    (alex, alexs, alex_phone), (sam, sams, sam_phone) = two_administrators(
        settings, with_apps=change != "demoting"
    )
    if change == "demoting":
        requests, table = [demote(alexs, sam), demote(sams, alex)], "auth_user"
    else:
        requests = [delete_authenticator(alexs, sam_phone), delete_authenticator(sams, alex_phone)]
        table = TOTPDevice._meta.db_table

    responses = at_the_same_moment(requests, table)

    assert sorted(response.status_code for response in responses) == [200, 302]
    [refused] = [response for response in responses if response.status_code == 200]
    assert LAST_MANAGER in text(refused)
    if change == "demoting":
        still = User.objects.filter(groups__name=SITE_ADMINISTRATORS).values_list("username", flat=True)
    else:
        still = TOTPDevice.objects.values_list("user__username", flat=True)
    assert len(still) == 1


def group_without_the_permission(client):
    group = Group.objects.get(name=SITE_ADMINISTRATORS)
    manage = Permission.objects.get(content_type__app_label="auth", codename="change_user")
    url = reverse("admin:auth_group_change", args=[group.pk])
    data = admin_form_data(client.get(url))
    data["permissions"] = [pk for pk in data["permissions"] if pk != str(manage.pk)]
    return client.post(url, data)


def unconfirm(client, device):
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    data = admin_form_data(client.get(url))
    del data["confirmed"]
    return client.post(url, data)


def bulk_delete(client, model, pk):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return client.post(url, {"action": "delete_selected", "_selected_action": [pk], "post": "yes"})


def delete(client, obj):
    return client.post(
        reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk]), {"post": "yes"}
    )


EVERY_CHECK = {
    "demoting": lambda client, alex, group, device: save_account(client, alex, groups=[]),
    "taking-the-permission-from-the-group": lambda client, alex, group, device: group_without_the_permission(
        client
    ),
    "disabling-the-password": lambda client, alex, group, device: disable_password(client, alex),
    "unconfirming-the-authenticator": lambda client, alex, group, device: unconfirm(client, device),
    "deleting-the-account": lambda client, alex, group, device: delete(client, alex),
    "deleting-the-group": lambda client, alex, group, device: delete(client, group),
    "deleting-the-authenticator": lambda client, alex, group, device: delete(client, device),
    "deleting-selected-accounts": lambda client, alex, group, device: bulk_delete(client, User, alex.pk),
    "deleting-selected-groups": lambda client, alex, group, device: bulk_delete(client, Group, group.pk),
    "deleting-selected-authenticators": lambda client, alex, group, device: bulk_delete(
        client, type(device), device.pk
    ),
}


@pytest.mark.postgres_only
@pytest.mark.parametrize("change", EVERY_CHECK.values(), ids=EVERY_CHECK.keys())
def test_every_check_for_the_last_administrator_locks_what_it_reads(administrator_with_app, change):
    """Each way of taking the power to look after accounts checks with the accounts that have it
    locked, in the transaction that makes the change (the test above shows why on two of them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, device = administrator_with_app
    alex = User.objects.get(username="alex")
    with CaptureQueriesContext(connection) as queries:
        response = change(client, alex, Group.objects.get(name=SITE_ADMINISTRATORS), device)
    assert response.status_code == 200 and LAST_MANAGER in text(response)  # refused, nothing changed
    assert any("FOR NO KEY UPDATE" in query["sql"] and '"auth_user"' in query["sql"] for query in queries)


def test_a_site_administrator_adds_a_staff_member_and_gives_them_a_role(administrator):
    """Users › Add user, then Staff status and the one group on the next page (docs/roles.md,
    "Joining"). Both pages gave a server error when a mixin handed Django's user admin an argument
    it does not take."""
    from carter_site.roles import CLINICAL_REVIEWERS

    add = reverse("admin:auth_user_add")
    assert administrator.get(add).status_code == 200
    response = administrator.post(
        add,
        {
            "username": "dana",
            "usable_password": "true",
            "password1": "quiet river morning walk 42",
            "password2": "quiet river morning walk 42",
        },
    )
    dana = get_user_model().objects.get(username="dana")
    assert response.status_code == 302
    page = administrator.get(reverse("admin:auth_user_change", args=[dana.pk]))
    assert page.status_code == 200
    data = admin_form_data(page)
    data.update(is_staff="on", groups=[Group.objects.get(name=CLINICAL_REVIEWERS).pk])
    assert administrator.post(reverse("admin:auth_user_change", args=[dana.pk]), data).status_code == 302
    dana.refresh_from_db()
    assert dana.is_staff and [group.name for group in dana.groups.all()] == [CLINICAL_REVIEWERS]


def test_the_account_page_explains_its_boxes_in_plain_words_not_django_s(administrator):
    dana = StaffFactory(username="dana")
    page = unescape(administrator.get(reverse("admin:auth_user_change", args=[dana.pk])).content.decode())
    assert "Designates whether" not in page
    assert "Untick when someone leaves, rather than deleting the account" in page
    assert "Lets this person sign in to the site editor. Choose their one group below too" in page
    assert "Every permission, whatever the groups." in page
