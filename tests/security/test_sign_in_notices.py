"""A staff member hears by email, from a real mail server, whenever how they sign in changes:
their password, an authenticator app, a passkey, a break-glass code; whoever changed it (a
colleague in the admin, they themselves, the server's command line), once the change is saved,
with no secret in it; and a mail server that fails never undoes the change (docs/security.md,
"Changes to how someone signs in are emailed to them"; carter_site.sign_in_notices)."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from carter_site.passkeys import Passkey
from carter_site.roles import MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, staff_member
from tests.security.test_admin_access import PASSWORD, authenticator, totp_code
from tests.smtp_server import mail_server_down, received, run_command

pytestmark = pytest.mark.django_db

User = get_user_model()

NEW_PASSWORD = "Lantern-orchard-47-quiet"
SUBJECT = "How you sign in to the site editor changed"
IF_NOT_YOU = "If you did not: someone may be able to sign in as you. Tell a Site administrator at once"


@pytest.fixture
def jordan():
    return staff_member(MARKETING_EDITORS, "jordan", first_name="Jordan")


@pytest.fixture
def alex():
    user = staff_member(SITE_ADMINISTRATORS, "alex", first_name="Alex")
    user.last_name = "Rivera"
    user.save(update_fields=["last_name"])
    return user


@pytest.fixture
def administrator(client, alex):
    client.force_login(alex)
    return client


def only_email_to(server, address):
    got = received(server)
    assert list(got) == [address], got
    message = got[address]
    assert message["Subject"] == SUBJECT
    return message.get_content()


def assert_no_secret(body, *secrets):
    for secret in secrets:
        assert secret not in body
    assert "http" not in body  # no link at all, so none that signs in


# --- The password --------------------------------------------------------------------------------


def test_a_password_reset_by_an_administrator_is_emailed_to_its_owner(
    administrator, jordan, smtp_server, django_capture_on_commit_callbacks
):
    url = reverse("admin:auth_user_password_change", args=[jordan.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = administrator.post(
            url, {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
    assert response.status_code == 302
    jordan.refresh_from_db()
    assert jordan.check_password(NEW_PASSWORD)
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "Your password for the site editor was changed." in body
    assert "Done: by Alex Rivera (alex), signed in to the site editor" in body
    assert "(Atlanta time)" in body and IF_NOT_YOU in body
    assert_no_secret(body, NEW_PASSWORD)


def test_password_sign_in_disabled_by_an_administrator_is_emailed(
    administrator, jordan, smtp_server, django_capture_on_commit_callbacks
):
    url = reverse("admin:auth_user_password_change", args=[jordan.pk])
    with django_capture_on_commit_callbacks(execute=True):
        data = {"usable_password": "false", "password1": "", "password2": "", "unset-password": "Disable"}
        assert administrator.post(url, data).status_code == 302
    jordan.refresh_from_db()
    assert not jordan.has_usable_password()
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "Signing in to the site editor with your password was turned off for your account." in body
    assert "Done: by Alex Rivera (alex)" in body


def test_a_password_changed_by_its_owner_says_by_you(
    jordan, client, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(jordan)
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("admin:password_change"), data).status_code == 302
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "Done: by you, signed in to the site editor" in body
    assert_no_secret(body, NEW_PASSWORD, PASSWORD)


def test_a_password_set_on_the_command_line_says_so(
    jordan, smtp_server, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)  # what the operator types
    with django_capture_on_commit_callbacks(execute=True):
        out, _err, error = run_command("changepassword", "jordan")
    assert error is None, out
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "Done: on the server's command line" in body


def test_a_password_brought_to_a_newer_hash_at_a_sign_in_is_no_change(
    jordan, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    User.objects.filter(pk=jordan.pk).update(password=make_password(PASSWORD, hasher="md5"))
    jordan.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert jordan.check_password(PASSWORD)
    jordan.refresh_from_db()
    assert jordan.password.startswith("pbkdf2")  # upgraded, and saved
    assert received(smtp_server) == {}


def test_a_new_account_and_a_saved_account_are_no_change(
    smtp_server, jordan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.create_user("robin", "robin@example.com", NEW_PASSWORD, is_staff=True)
        casey = User.objects.create(username="casey", email="casey@example.com", is_staff=True)
        casey.set_password(NEW_PASSWORD)  # the first password of an account saved with none
        casey.save()
        jordan.first_name = "Jo"
        jordan.save()
    assert received(smtp_server) == {}


# --- Authenticator apps --------------------------------------------------------------------------


def test_an_authenticator_set_up_and_removed_in_the_admin_is_emailed_each_time(
    administrator, jordan, smtp_server, django_capture_on_commit_callbacks
):
    add = reverse("admin:otp_totp_totpdevice_add")
    data = admin_form_data(administrator.get(add))
    data.update({"user": str(jordan.pk), "name": "Jordan's phone"})
    with django_capture_on_commit_callbacks(execute=True):
        assert administrator.post(add, data).status_code == 302
    assert received(smtp_server) == {}  # not yet confirmed: it signs nobody in
    device = TOTPDevice.objects.get(user=jordan)
    code = totp_code(device)
    confirm = reverse("admin:otp_totp_totpdevice_config", args=[device.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert administrator.post(confirm, {"code": code}).status_code == 302
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "An authenticator app (“Jordan's phone”) was added to your account" in body
    assert "Done: by Alex Rivera (alex)" in body
    assert_no_secret(body, code, device.key)

    smtp_server.accepted.clear()
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert administrator.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "The authenticator app “Jordan's phone” was removed from your account" in body


def test_an_unconfirmed_authenticator_removed_is_no_change(
    jordan, smtp_server, django_capture_on_commit_callbacks
):
    device = authenticator(jordan, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        device.delete()
    assert received(smtp_server) == {}


def test_an_authenticator_set_up_with_the_command_is_emailed_when_confirmed(
    jordan, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _out, _err, error = run_command("enroll_totp", "jordan", "--name", "Spare phone")
    assert error is None
    assert received(smtp_server) == {}
    device = TOTPDevice.objects.get(user=jordan)
    with django_capture_on_commit_callbacks(execute=True):
        _out, _err, error = run_command("enroll_totp", "jordan", "--confirm", totp_code(device))
    assert error is None
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "An authenticator app (“Spare phone”) was added" in body
    assert "Done: on the server's command line" in body
    assert_no_secret(body, device.key)


def test_a_code_checked_at_a_sign_in_is_no_change(jordan, smtp_server, django_capture_on_commit_callbacks):
    device = authenticator(jordan)
    device = TOTPDevice.objects.get(pk=device.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert device.verify_token(totp_code(device))
    assert received(smtp_server) == {}


# --- Break-glass codes ---------------------------------------------------------------------------


def test_a_break_glass_code_issued_and_revoked_is_emailed_without_the_code(
    jordan, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.ADMINS = []
    with django_capture_on_commit_callbacks(execute=True):
        out, _err, error = run_command("break_glass_token", "jordan")
    assert error is None
    code = out.split("One-time code for jordan: ", 1)[1].split()[0]
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "A one-time break-glass code was issued for your account" in body
    assert "Done: on the server's command line" in body
    assert_no_secret(body, code)

    smtp_server.accepted.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _out, _err, error = run_command("break_glass_token", "jordan", "--revoke")
    assert error is None
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "A break-glass code of your account was revoked" in body


# --- Passkeys ------------------------------------------------------------------------------------


def passkey(user, name="Jordan's laptop"):
    return Passkey.objects.create(
        user=user, name=name, confirmed=True, credential_id=f"id-{name}", public_key=b"k", user_handle="h"
    )


def test_a_passkey_removed_on_my_passkeys_is_emailed_to_its_owner(
    jordan, client, smtp_server, django_capture_on_commit_callbacks
):
    authenticator(jordan)
    device = passkey(jordan)
    client.force_login(jordan)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("admin:my_passkeys"), {"remove": str(device.pk)}).status_code == 302
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "The passkey “Jordan's laptop” was removed from your account" in body
    assert "Done: by you" in body


def test_a_passkey_added_on_my_passkeys_is_emailed_to_its_owner(
    jordan, client, smtp_server, django_capture_on_commit_callbacks
):
    from webauthn.helpers import base64url_to_bytes

    from tests.security.passkey_device import SoftPasskey

    client.force_login(jordan)
    options = client.post(reverse("admin:passkey_add_options")).json()
    laptop = SoftPasskey(user_handle=base64url_to_bytes(options["user"]["id"]))
    answer = laptop.new_passkey_answer(base64url_to_bytes(options["challenge"]))
    data = {"name": "Office laptop", "password": PASSWORD, "credential": answer}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("admin:my_passkeys"), data).status_code == 302
    assert Passkey.objects.filter(user=jordan, name="Office laptop").exists()
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "A passkey (“Office laptop”) was added to your account: it now signs you in." in body
    assert "Done: by you, signed in to the site editor" in body
    assert_no_secret(body, answer, PASSWORD)


def test_a_passkey_added_is_emailed_and_one_used_is_not(
    jordan, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        device = passkey(jordan)
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "A passkey (“Jordan's laptop”) was added to your account" in body
    smtp_server.accepted.clear()
    with django_capture_on_commit_callbacks(execute=True):
        device = Passkey.objects.get(pk=device.pk)
        device.sign_count = 5
        device.save(update_fields=["sign_count"])
    assert received(smtp_server) == {}


# --- When it is sent, and when it cannot be ------------------------------------------------------


def test_a_change_undone_sends_nothing(jordan, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        jordan.set_password(NEW_PASSWORD)
        jordan.save()
        raise RuntimeError("the save was refused")
    assert received(smtp_server) == {}


def test_a_disabled_password_turned_on_again_is_emailed(
    jordan, smtp_server, django_capture_on_commit_callbacks
):
    jordan.set_unusable_password()
    jordan.save()
    with django_capture_on_commit_callbacks(execute=True):
        jordan.set_password(NEW_PASSWORD)
        jordan.save()
    body = only_email_to(smtp_server, "jordan@example.com")
    assert "Your password for the site editor was changed." in body


def test_an_account_without_an_address_is_logged(
    jordan, smtp_server, caplog, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=jordan.pk).update(email="")
    jordan.refresh_from_db()
    with (
        caplog.at_level(logging.WARNING, "carter_site.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        jordan.set_password(NEW_PASSWORD)
        jordan.save()
    assert received(smtp_server) == {}
    [record] = [r for r in caplog.records if getattr(r, "event", "") == "sign_in_notice_no_address"]
    assert record.user_id == jordan.pk


def test_a_mail_server_down_leaves_the_change_made_and_says_so(
    administrator, jordan, settings, caplog, django_capture_on_commit_callbacks
):
    mail_server_down(settings)
    url = reverse("admin:auth_user_password_change", args=[jordan.pk])
    with (
        caplog.at_level(logging.WARNING, "carter_site.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = administrator.post(
            url, {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
    assert response.status_code == 302
    jordan.refresh_from_db()
    assert jordan.check_password(NEW_PASSWORD)
    [record] = [r for r in caplog.records if getattr(r, "event", "") == "sign_in_notice_not_sent"]
    assert record.user_id == jordan.pk and record.error == "ConnectionRefusedError"
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("the email telling jordan of it could not be sent" in message for message in said)


def test_a_refused_address_is_logged_and_the_change_stays(
    smtp_server, caplog, django_capture_on_commit_callbacks
):
    dana = staff_member(MARKETING_EDITORS, "dana")  # the test mail server refuses her address
    with (
        caplog.at_level(logging.WARNING, "carter_site.security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        StaticDevice.objects.create(user=dana, name="break-glass test", confirmed=True)
    assert StaticDevice.objects.filter(user=dana).exists()
    assert received(smtp_server) == {}
    [record] = [r for r in caplog.records if getattr(r, "event", "") == "sign_in_notice_not_sent"]
    assert record.error == "SMTPRecipientsRefused"


def test_a_database_that_fails_after_the_commit_leaves_the_change_made(
    jordan, smtp_server, caplog, django_capture_on_commit_callbacks
):
    from django.db import OperationalError, connection

    failing = []

    def wrapper(execute, sql, params, many, context):
        if failing and "auth_user" in sql:
            raise OperationalError("the server closed the connection")
        return execute(sql, params, many, context)

    with (
        caplog.at_level(logging.WARNING, "carter_site.security"),
        connection.execute_wrapper(wrapper),
        django_capture_on_commit_callbacks(execute=True),
    ):
        jordan.set_password(NEW_PASSWORD)
        jordan.save()
        failing.append(True)  # from here on: the email's own look-up of the account
    failing.clear()
    jordan.refresh_from_db()
    assert jordan.check_password(NEW_PASSWORD)
    assert received(smtp_server) == {}
    [record] = [r for r in caplog.records if getattr(r, "event", "") == "sign_in_notice_not_sent"]
    assert record.error == "OperationalError"


# --- One email per account and transaction, all over one connection ------------------------------


def test_a_break_glass_code_reissued_is_one_email_saying_it_was_replaced(
    jordan, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.ADMINS = []
    with django_capture_on_commit_callbacks(execute=True):
        _out, _err, error = run_command("break_glass_token", "jordan")
    assert error is None
    smtp_server.accepted.clear()
    with django_capture_on_commit_callbacks(execute=True):
        out, _err, error = run_command("break_glass_token", "jordan")  # the first code still unused
    assert error is None
    code = out.split("One-time code for jordan: ", 1)[1].split()[0]
    body = only_email_to(smtp_server, "jordan@example.com")  # one email, not "revoked" then "issued"
    assert (
        "The break-glass code of your account was replaced: the one issued before no longer signs you in"
        in body
    )
    assert "a new one-time code was issued" in body
    assert "was revoked" not in body
    assert "Done: on the server's command line" in body
    assert_no_secret(body, code)


def sam():
    return staff_member(MARKETING_EDITORS, "sam", first_name="Sam")


def delete_selected(client, devices):
    url = reverse("admin:otp_totp_totpdevice_changelist")
    data = {"action": "delete_selected", "_selected_action": [str(d.pk) for d in devices], "post": "yes"}
    return client.post(url, data)


def test_authenticators_deleted_together_reach_each_owner_as_one_email(
    administrator, jordan, smtp_server, django_capture_on_commit_callbacks
):
    phone = authenticator(jordan)
    TOTPDevice.objects.filter(pk=phone.pk).update(name="Old phone")
    tablet = TOTPDevice.objects.create(user=jordan, name="Tablet", confirmed=True)
    other = authenticator(sam())
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_selected(administrator, [phone, tablet, other]).status_code == 302
    assert not TOTPDevice.objects.filter(pk__in=[phone.pk, tablet.pk, other.pk]).exists()
    got = received(smtp_server)  # one email to each person
    assert sorted(got) == ["jordan@example.com", "sam@example.com"]
    body = got["jordan@example.com"].get_content()
    assert "- The authenticator app “Old phone” was removed from your account" in body
    assert "- The authenticator app “Tablet” was removed from your account" in body
    assert "Done: by Alex Rivera (alex)" in body
    assert "“Old phone”" not in got["sam@example.com"].get_content()


def test_a_mail_server_that_does_not_answer_costs_one_timeout_for_a_bulk_deletion(
    administrator, jordan, settings, caplog, django_capture_on_commit_callbacks
):
    import socket

    silent = socket.socket()  # takes connections and never says a word, as a hung mail server does
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", silent.getsockname()[1], 1
    colleague = sam()
    devices = [authenticator(jordan), authenticator(colleague)]
    try:
        with (
            caplog.at_level(logging.WARNING, "carter_site.security"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = delete_selected(administrator, devices)
        silent.setblocking(False)
        tried = 0
        while True:
            try:
                silent.accept()[0].close()
            except BlockingIOError:
                break
            tried += 1
    finally:
        silent.close()
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user__in=[jordan, colleague]).exists()
    assert tried == 1  # one connection for the emails of the deletion, so one wait
    records = [r for r in caplog.records if getattr(r, "event", "") == "sign_in_notice_not_sent"]
    assert sorted(r.user_id for r in records) == sorted([jordan.pk, colleague.pk])  # each one logged
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("the emails telling jordan, sam of them could not be sent" in message for message in said)


def test_a_change_undone_inside_a_transaction_that_commits_is_left_out_of_its_email(
    jordan, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        jordan.set_password(NEW_PASSWORD)
        jordan.save()
        with pytest.raises(RuntimeError), transaction.atomic():
            passkey(jordan)
            raise RuntimeError("the passkey's save was refused")
        with pytest.raises(RuntimeError), transaction.atomic():
            jordan.set_unusable_password()
            jordan.save()
            raise RuntimeError("turning the password off was refused")
    body = only_email_to(smtp_server, "jordan@example.com")
    assert body.splitlines()[0] == "Your password for the site editor was changed."
    assert "A passkey" not in body and "with your password was turned off" not in body
