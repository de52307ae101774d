"""An authenticator app set up in the admin (docs/roles.md, "Joining"; docs/security.md, "Two-step
sign-in"): it counts, for signing in and for the last site administrator, only once a code from
the app has been entered on its QR code page; and the settings the app makes its codes from are
fixed once it is saved."""

import io
from html import unescape

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from carter_site.roles import MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, signed_in, staff_member
from tests.security.test_admin_access import PASSWORD, REFUSED, sign_in, totp_code

pytestmark = pytest.mark.django_db

User = get_user_model()

ADD = reverse("admin:otp_totp_totpdevice_add")
CONFIRM_LABEL = "Enter the 6-digit code your app shows"
WRONG_CODE = "That is not the code this authenticator makes now"


def text(response):
    return unescape(response.content.decode())


def config_url(device):
    return reverse("admin:otp_totp_totpdevice_config", args=[device.pk])


@pytest.fixture
def administrator():
    return signed_in(SITE_ADMINISTRATORS, "alex")


def add_authenticator(client, user, name="Dana's phone"):
    """Post the admin's add form for `user`, as the page shows it, with Confirmed ticked as well."""
    data = admin_form_data(client.get(ADD))
    data.update({"user": str(user.pk), "name": name, "confirmed": "on"})
    return client.post(ADD, data)


def other_code(device):
    """A code of the right shape that is not the one the device makes now."""
    return f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"


def test_an_authenticator_added_in_the_admin_is_unconfirmed_and_signs_nobody_in(administrator, settings):
    dana = staff_member(MARKETING_EDITORS, "dana")
    add_page = text(administrator.get(ADD))
    assert "It starts unconfirmed and lets nobody sign in" in add_page

    response = add_authenticator(administrator, dana)
    device = TOTPDevice.objects.get(user=dana)
    assert not device.confirmed
    # Straight to its QR code, to be scanned and confirmed while the person is there.
    assert response.status_code == 302 and response["Location"] == config_url(device)

    settings.ADMIN_REQUIRE_OTP = True
    refused = sign_in(Client(), "dana", code=totp_code(device))
    assert refused.status_code == 200 and REFUSED in text(refused)


def test_a_code_from_the_app_confirms_it_on_its_qr_code_page(administrator, settings):
    dana = staff_member(MARKETING_EDITORS, "dana")
    add_authenticator(administrator, dana)
    device = TOTPDevice.objects.get(user=dana)

    page = text(administrator.get(config_url(device)))
    assert "Not confirmed yet: until a code from it is entered below, it lets nobody sign in" in page
    assert CONFIRM_LABEL in page and device.config_url in page
    assert 'alt="QR code for dana\'s authenticator app"' in page  # said to a screen reader too

    response = administrator.post(config_url(device), {"code": " ".join(totp_code(device))}, follow=True)
    assert response.redirect_chain == [(reverse("admin:otp_totp_totpdevice_changelist"), 302)]
    assert "“Dana's phone” is confirmed: dana now signs in with a code from the app." in text(response)
    device.refresh_from_db()
    assert device.confirmed
    assert LogEntry.objects.filter(object_id=str(device.pk), change_message__contains="Confirmed").exists()
    assert LogEntry.objects.filter(
        object_id=str(dana.pk),
        change_message="Authenticator app “Dana's phone” confirmed in the admin by alex.",
    ).exists()
    assert CONFIRM_LABEL not in text(administrator.get(config_url(device)))

    settings.ADMIN_REQUIRE_OTP = True
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=31)):  # the next code
        assert sign_in(Client(), "dana", code=totp_code(device)).status_code == 302


@pytest.mark.parametrize(
    "code, message",
    [
        (other_code, WRONG_CODE),
        ("expired", WRONG_CODE),
        (lambda device: "12345", "Enter the 6 digits the app shows"),
        (lambda device: "12345a", "Enter the 6 digits the app shows"),
        (lambda device: "", "This field is required."),
    ],
    ids=["wrong", "expired", "too-short", "letters", "empty"],
)
def test_a_wrong_or_expired_code_confirms_nothing(administrator, code, message):
    device = TOTPDevice.objects.create(
        user=staff_member(MARKETING_EDITORS, "dana"), name="Phone", confirmed=False
    )
    if code == "expired":
        with time_machine.travel(timezone.now() - timezone.timedelta(seconds=90)):
            code = totp_code(device)  # shown a minute and a half ago
    else:
        code = code(device)
    response = administrator.post(config_url(device), {"code": code})
    assert response.status_code == 200
    assert message in text(response)
    assert CONFIRM_LABEL in text(response)  # the form again, to try the code shown now
    device.refresh_from_db()
    assert not device.confirmed


def test_after_wrong_codes_the_next_one_waits_a_moment(administrator):
    """django-otp's throttling: each wrong code doubles the wait before the next is checked."""
    device = TOTPDevice.objects.create(
        user=staff_member(MARKETING_EDITORS, "dana"), name="Phone", confirmed=False
    )
    administrator.post(config_url(device), {"code": other_code(device)})
    response = administrator.post(config_url(device), {"code": totp_code(device)})
    assert "Several wrong codes were entered for this authenticator just now" in text(response)
    device.refresh_from_db()
    assert not device.confirmed
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=60)):
        administrator.post(config_url(device), {"code": totp_code(device)})
    device.refresh_from_db()
    assert device.confirmed


def test_confirmed_is_not_ticked_without_a_code(administrator):
    device = TOTPDevice.objects.create(
        user=staff_member(MARKETING_EDITORS, "dana"), name="Phone", confirmed=False
    )
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    page = administrator.get(url)
    assert "Not confirmed yet: it lets nobody sign in" in text(page)
    assert "confirmed" not in page.context["adminform"].form.fields
    data = {**admin_form_data(page), "confirmed": "on", "name": "Dana's phone"}
    assert administrator.post(url, data).status_code == 302
    device.refresh_from_db()
    assert (device.name, device.confirmed) == ("Dana's phone", False)


def test_an_authenticator_stays_with_the_user_it_was_set_up_for(administrator, settings):
    """Given to someone else, the phone that makes its codes (its first owner's) signed in as them:
    an administrator could hand their own authenticator to anyone, a superuser included."""
    alex = User.objects.get(username="alex")
    root = User.objects.create_user("root", password=PASSWORD, is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=alex, name="Alex's phone")
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    page = administrator.get(url)
    assert "user" not in page.context["adminform"].form.fields
    data = {**admin_form_data(page), "user": str(root.pk)}
    assert administrator.post(url, data).status_code == 302
    device.refresh_from_db()
    assert (device.user, device.confirmed) == (alex, True)
    settings.ADMIN_REQUIRE_OTP = True
    assert sign_in(Client(), "root", code=totp_code(device)).status_code == 200


def test_nobody_sets_up_an_authenticator_for_someone_who_already_signs_in(administrator):
    """A second authenticator added by an administrator for a colleague who has one, scanned with the
    administrator's own phone, signed in as the colleague (with a password an administrator may
    set) while the colleague's own phone went on working: they would never know."""
    from carter_site.passkeys import Passkey

    dana = staff_member(MARKETING_EDITORS, "dana")
    TOTPDevice.objects.create(user=dana, name="Dana's phone")
    refused = add_authenticator(administrator, dana, "Alex's phone, for dana")
    assert refused.status_code == 200
    assert "dana already signs in with an authenticator app or a passkey (“Dana's phone”)" in text(refused)
    assert TOTPDevice.objects.filter(user=dana).count() == 1

    # One added before the first was confirmed is not confirmed by someone else either.
    waiting = TOTPDevice.objects.create(user=dana, name="Alex's phone, for dana", confirmed=False)
    response = administrator.post(config_url(waiting), {"code": totp_code(waiting)})
    assert "only dana adds one" in text(response)
    waiting.refresh_from_db()
    assert not waiting.confirmed

    # A passkey is a way in too.
    root = User.objects.create_user("root", password=PASSWORD, is_staff=True, is_superuser=True)
    Passkey.objects.create(user=root, name="Root's key", credential_id="k", public_key=b"p", user_handle="h")
    assert add_authenticator(administrator, root).status_code == 200
    assert not TOTPDevice.objects.filter(user=root).exists()


def test_an_authenticator_is_set_up_for_a_newcomer_for_a_lost_phone_and_for_oneself(administrator):
    dana = staff_member(MARKETING_EDITORS, "dana")
    assert add_authenticator(administrator, dana).status_code == 302  # joining
    first = TOTPDevice.objects.get(user=dana)
    administrator.post(config_url(first), {"code": totp_code(first)})
    first.refresh_from_db()
    assert first.confirmed

    first.delete()  # a lost phone: its device deleted first
    assert add_authenticator(administrator, dana, "Dana's new phone").status_code == 302
    new = TOTPDevice.objects.get(user=dana)
    administrator.post(config_url(new), {"code": totp_code(new)})
    new.refresh_from_db()
    assert new.confirmed

    alex = User.objects.get(username="alex")  # and a second phone of one's own
    TOTPDevice.objects.create(user=alex, name="Alex's phone")
    assert add_authenticator(administrator, alex, "Alex's tablet").status_code == 302
    assert TOTPDevice.objects.filter(user=alex).count() == 2


def test_only_those_who_may_change_authenticators_confirm_one():
    device = TOTPDevice.objects.create(
        user=staff_member(MARKETING_EDITORS, "dana"), name="Phone", confirmed=False
    )
    viewer = staff_member(MARKETING_EDITORS, "vic")
    viewer.user_permissions.add(Permission.objects.get(codename="view_totpdevice"))
    client = Client()
    client.force_login(viewer)
    page = client.get(config_url(device))
    assert page.status_code == 200 and CONFIRM_LABEL not in text(page)
    client.raise_request_exception = False
    assert client.post(config_url(device), {"code": totp_code(device)}).status_code == 403
    device.refresh_from_db()
    assert not device.confirmed


def test_no_authenticator_is_confirmed_for_someone_who_may_not_sign_in(administrator):
    dana = staff_member(MARKETING_EDITORS, "dana")
    device = TOTPDevice.objects.create(user=dana, name="Phone", confirmed=False)
    dana.is_active = False
    dana.save()
    response = administrator.post(config_url(device), {"code": totp_code(device)})
    assert (
        "dana's account is deactivated, so it may not sign in: the authenticator app was not confirmed"
        in (text(response))
    )
    device.refresh_from_db()
    assert not device.confirmed


def test_an_unconfirmed_authenticator_does_not_count_for_the_last_administrator(client, settings):
    """Handing the role on to someone whose new authenticator nobody has scanned yet is not handing
    it on: the last administrator keeps it until a code from the new one is entered."""
    settings.ADMIN_REQUIRE_OTP = True
    alex = staff_member(SITE_ADMINISTRATORS, "alex")
    phone = TOTPDevice.objects.create(user=alex, name="Alex's phone")
    assert sign_in(client, "alex", code=totp_code(phone)).status_code == 302
    sam = staff_member(SITE_ADMINISTRATORS, "sam")
    add_authenticator(client, sam, "Sam's phone")
    sams = TOTPDevice.objects.get(user=sam)

    url = reverse("admin:auth_user_change", args=[alex.pk])
    data = {**admin_form_data(client.get(url)), "groups": [str(Group.objects.get(name=MARKETING_EDITORS).pk)]}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert (
        "Nobody else could then look after staff accounts"
        in refused.context["adminform"].form.non_field_errors()[0]
    )
    assert alex.groups.filter(name=SITE_ADMINISTRATORS).exists()

    client.post(config_url(sams), {"code": totp_code(sams)})
    assert client.post(url, data).status_code == 302
    assert not alex.groups.filter(name=SITE_ADMINISTRATORS).exists()


# --- The settings the app makes its codes from ------------------------------------------------


def test_an_authenticators_settings_are_fixed_once_saved(administrator):
    """A changed step, digit count or drift makes the phone's codes stop matching, silently."""
    device = TOTPDevice.objects.create(user=staff_member(MARKETING_EDITORS, "dana"), name="Phone")
    before = {name: getattr(device, name) for name in ["key", "digits", "step", "t0", "drift", "tolerance"]}
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    page = administrator.get(url)
    assert "Fixed once saved" in text(page)
    form_fields = page.context["adminform"].form.fields
    assert not set(before) & set(form_fields)
    assert {"name", "confirmed"} <= set(form_fields) and "user" not in form_fields

    changes = {"key": "3132333435363738393031323334353637383930", "digits": "8", "step": "60", "t0": "5"}
    changes |= {"drift": "3", "tolerance": "5", "name": "Dana's new name for it"}
    assert administrator.post(url, {**admin_form_data(page), **changes}).status_code == 302
    device.refresh_from_db()
    assert {name: getattr(device, name) for name in before} == before
    assert device.name == "Dana's new name for it" and device.confirmed


# --- The secret, once a phone has it ----------------------------------------------------------


def secrets_of(device):
    """Every spelling of the device's secret a page could show: the key in hex, the base32 secret
    the app is given, and the set-up address the QR code holds."""
    base32 = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return {"key": device.key, "secret": base32, "address": device.config_url, "scheme": "otpauth://"}


def shown_secrets(response, device):
    page = text(response)
    return sorted(name for name, value in secrets_of(device).items() if value in page)


def superuser_client():
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def viewer_client():
    viewer = staff_member(MARKETING_EDITORS, "vic")
    viewer.user_permissions.add(Permission.objects.get(codename="view_totpdevice"))
    client = Client()
    client.force_login(viewer)
    return client


@pytest.mark.parametrize(
    "who",
    [lambda: signed_in(SITE_ADMINISTRATORS, "alex"), superuser_client, viewer_client],
    ids=["site-administrator", "superuser", "may-only-view"],
)
def test_a_confirmed_authenticators_secret_is_shown_nowhere(who):
    """Whoever may open a confirmed device's pages could otherwise copy the staff member's second
    step, and reading a page leaves no trace: the key, the QR code and the set-up address are shown
    only while the device waits to be scanned."""
    device = TOTPDevice.objects.create(user=staff_member(MARKETING_EDITORS, "dana"), name="Phone")
    client = who()
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    listed = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    config = client.get(config_url(device))
    for response in (change, listed, config):
        assert response.status_code == 200
        assert shown_secrets(response, device) == []
    hidden = (
        "To set up a phone again (a new or reset one), add a new authenticator for dana and delete this one."
    )
    assert hidden in text(change) and hidden in text(config)
    assert "key" not in {field for line in change.context["adminform"] for field in line.fields}
    assert reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk]) not in text(config)

    client.raise_request_exception = False
    picture = client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk]))
    assert picture.status_code == 404 and picture["Content-Type"] != "image/svg+xml"


def test_an_authenticator_waiting_to_be_scanned_shows_its_secret(administrator):
    device = TOTPDevice.objects.create(
        user=staff_member(MARKETING_EDITORS, "dana"), name="Phone", confirmed=False
    )
    change = administrator.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert shown_secrets(change, device) == ["key"]  # read-only, for an app that asks for it in hex
    assert shown_secrets(administrator.get(config_url(device)), device) == ["address", "scheme", "secret"]
    assert f'href="{config_url(device)}"' in text(
        administrator.get(reverse("admin:otp_totp_totpdevice_changelist"))
    )
    picture = administrator.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk]))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/svg+xml"


def test_unticking_confirmed_does_not_show_the_secret_again(administrator):
    """Unticking Confirmed must not turn a phone's secret
    back into one to scan: the administrator could read it and confirm it again with a code made
    from it. A code from the app that has it confirms it again."""
    device = TOTPDevice.objects.create(
        user=staff_member(MARKETING_EDITORS, "dana"), name="Phone", confirmed=False
    )
    administrator.post(config_url(device), {"code": totp_code(device)})
    device.refresh_from_db()
    assert device.confirmed

    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    data = admin_form_data(administrator.get(url))
    data.pop("confirmed", None)
    assert administrator.post(url, data).status_code == 302
    device.refresh_from_db()
    assert not device.confirmed

    change, config = administrator.get(url), administrator.get(config_url(device))
    assert shown_secrets(change, device) == [] and shown_secrets(config, device) == []
    assert "its QR code and secret are no longer shown" in text(change)
    assert CONFIRM_LABEL in text(config)  # the phone that has it confirms it again
    administrator.raise_request_exception = False
    assert administrator.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk])).status_code == 404

    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=31)):  # the next code
        administrator.post(config_url(device), {"code": totp_code(device)})
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.parametrize(
    "who",
    [lambda: signed_in(SITE_ADMINISTRATORS, "alex"), superuser_client],
    ids=["site-administrator", "superuser"],
)
def test_a_break_glass_code_is_shown_by_the_command_only(who):
    """The page of a one-time code device listed its codes: an administrator could read another
    staff member's unused break-glass code and sign in as them, leaving no trace of the reading."""
    from django.core.management import call_command
    from django_otp.plugins.otp_static.models import StaticDevice

    staff_member(MARKETING_EDITORS, "dana")
    out = io.StringIO()
    call_command("break_glass_token", "dana", "--reason", "phone lost", stdout=out)
    device = StaticDevice.objects.get(user__username="dana")
    code = device.token_set.get().token
    assert code in out.getvalue()  # shown once, where it is made

    client = who()
    change = client.get(reverse("admin:otp_static_staticdevice_change", args=[device.pk]))
    assert change.status_code == 200
    assert code not in change.content.decode()
    # The page only shows the device: saving it changes nothing.
    client.raise_request_exception = False
    saved = client.post(
        reverse("admin:otp_static_staticdevice_change", args=[device.pk]),
        {"name": "renamed", "user": str(device.user_id), "confirmed": "on"},
    )
    assert saved.status_code == 403
    device.refresh_from_db()
    assert device.name.startswith("break-glass")
    assert list(device.token_set.values_list("token", flat=True)) == [code]


STATIC_ADD = reverse("admin:otp_static_staticdevice_add")


@pytest.mark.parametrize(
    "who",
    [lambda: signed_in(SITE_ADMINISTRATORS, "alex"), superuser_client],
    ids=["site-administrator", "superuser"],
)
def test_nobody_types_a_one_time_code_into_the_admin(who, settings):
    """An administrator added a one-time code of their own choosing to a superuser's account and
    signed in as the superuser with it, a trace only in the admin's history. Codes come from
    `break_glass_token` alone; the admin lists them and deletes them."""
    from django_otp.plugins.otp_static.models import StaticDevice

    root = User.objects.create_user("target", password=PASSWORD, is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=root, name="Root's phone")
    client = who()
    client.raise_request_exception = False
    assert client.get(STATIC_ADD).status_code == 403
    posted = client.post(
        STATIC_ADD,
        {
            "user": str(root.pk),
            "name": "spare",
            "confirmed": "on",
            "token_set-TOTAL_FORMS": "1",
            "token_set-INITIAL_FORMS": "0",
            "token_set-0-token": "letmein",
        },
    )
    assert posted.status_code == 403
    assert not StaticDevice.objects.exists()
    listed = text(client.get(reverse("admin:otp_static_staticdevice_changelist")))
    assert STATIC_ADD not in listed

    # One typed in before (any name but the command's) signs nobody in.
    device = StaticDevice.objects.create(user=root, name="spare", confirmed=True)
    device.token_set.create(token="letmein")
    settings.ADMIN_REQUIRE_OTP = True
    refused = sign_in(Client(), "target", code="letmein")
    assert refused.status_code == 200 and REFUSED in text(refused)
    assert device.token_set.exists()


def test_a_break_glass_code_is_revoked_in_the_admin(administrator):
    from django.core.management import call_command
    from django_otp.plugins.otp_static.models import StaticDevice

    staff_member(MARKETING_EDITORS, "dana")
    call_command("break_glass_token", "dana", stdout=io.StringIO())
    device = StaticDevice.objects.get(user__username="dana")
    url = reverse("admin:otp_static_staticdevice_delete", args=[device.pk])
    assert administrator.post(url, {"post": "yes"}).status_code == 302
    assert not StaticDevice.objects.exists()
