"""Passkeys in Chromium, with the browser's own virtual authenticator (the DevTools protocol's
WebAuthn domain) standing in for a phone's: a staff member who signs in with a code adds a
passkey on My passkeys, signs out, and signs in again with password and passkey, no code; a
passkey of another account, offered for theirs, gets the one answer of a wrong code."""

import re

import pytest

from .browser import DESKTOP, admin_url

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REFUSED = "The user name, password or code is not right."
# Chromium asks for /favicon.ico, which the admin's pages do not have; nothing else may fail.
FAVICON = [r"status of 404"]


@pytest.fixture
def otp_required(settings):
    settings.ADMIN_REQUIRE_OTP = True  # as in production; the live server reads the same settings


def with_authenticator(page):
    """A platform authenticator that keeps passkeys and checks who is there (a phone's)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def app_of(user):
    """A confirmed authenticator app: how `user` signs in before adding a passkey."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name=f"{user.username}'s app", confirmed=True)


def another_staff_member(username):
    from carter_site.roles import MARKETING_EDITORS
    from tests.admin_forms import staff_member

    return staff_member(MARKETING_EDITORS, username)  # same password as the editor's (tests/factories.py)


def fill_sign_in(page, username, password):
    page.goto(admin_url("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)


def sign_in_with_code(page, username, password, device):
    from tests.security.test_admin_access import totp_code

    fill_sign_in(page, username, password)
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"**{admin_url('index')}")


def add_passkey(page, name, password):
    page.get_by_role("link", name="My passkeys").click()
    page.get_by_label("Name of this passkey").fill(name)
    page.get_by_label("Your password").fill(password)
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_text(f"“{name}” is added.").wait_for()


def test_a_staff_member_adds_a_passkey_and_signs_in_with_it_instead_of_a_code(
    editor, otp_required, new_context, live_server, guard_page
):
    from carter_site.passkeys import Passkey

    maria, app = editor.user, app_of(editor.user)
    page = new_context(**DESKTOP).new_page()
    guard = guard_page(page, live_server.url)
    cdp, authenticator = with_authenticator(page)

    sign_in_with_code(page, maria.username, editor.password, app)
    add_passkey(page, "Maria's laptop", editor.password)
    passkey = Passkey.objects.get(user=maria)
    assert passkey.name == "Maria's laptop" and passkey.confirmed
    assert page.get_by_role("cell", name="Maria's laptop", exact=True).is_visible()
    kept = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(kept) == 1 and kept[0]["isResidentCredential"], "a discoverable passkey, kept on the device"

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/logout/")

    fill_sign_in(page, maria.username, editor.password)
    assert page.get_by_label("Code from your authenticator app").input_value() == ""
    page.get_by_role("button", name="Log in with a passkey").click()
    page.wait_for_url(f"**{admin_url('index')}")
    page.get_by_role("link", name="My passkeys").wait_for()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    # An OTP-verified session: a page that asks for the second step opens.
    page.goto(admin_url("articles_article_changelist"))
    assert page.url.endswith(admin_url("articles_article_changelist"))
    assert guard.problems(ignore_errors=FAVICON) == []


def test_another_accounts_passkey_does_not_sign_in_the_first(
    editor, otp_required, new_context, live_server, guard_page
):
    from carter_site.passkeys import Passkey

    maria = editor.user
    app_of(maria)
    sam = another_staff_member("sam")
    sam_app = app_of(sam)

    # Sam adds a passkey on his own computer.
    page = new_context(**DESKTOP).new_page()
    guard = guard_page(page, live_server.url)
    with_authenticator(page)
    sign_in_with_code(page, sam.username, editor.password, sam_app)
    add_passkey(page, "Sam's computer", editor.password)
    assert Passkey.objects.filter(user=sam).count() == 1
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/logout/")

    # On that computer, with Maria's user name and password, Sam's passkey is what the browser offers.
    fill_sign_in(page, maria.username, editor.password)
    page.get_by_role("button", name="Log in with a passkey").click()
    page.get_by_text(REFUSED).wait_for()
    assert page.url.split("?")[0].endswith(admin_url("login"))
    page.goto(admin_url("index"))
    assert admin_url("login") in page.url, "not signed in"
    assert Passkey.objects.get(user=sam).last_used_at is None
    assert guard.problems(ignore_errors=FAVICON) == []


def test_a_passkey_that_cannot_be_made_leaves_the_keyboard_on_its_button_which_says_why(
    editor, otp_required, new_context, live_server, guard_page
):
    """This device has a passkey for the account already, so the browser refuses a second one.
    The button was disabled while the browser asked, which took the keyboard's focus off the
    page: Tab then left it, and a screen reader was told nothing of the message beside the
    button. The focus comes back to the button, and the message is its description."""
    from playwright.sync_api import expect

    from carter_site.passkeys import Passkey

    page = new_context(**DESKTOP).new_page()
    guard = guard_page(page, live_server.url)
    with_authenticator(page)
    sign_in_with_code(page, editor.username, editor.password, app_of(editor.user))
    add_passkey(page, "Maria's laptop", editor.password)

    page.get_by_label("Name of this passkey").fill("The same laptop")
    page.get_by_label("Your password").fill(editor.password)
    button = page.get_by_role("button", name="Add a passkey")
    button.focus()
    page.keyboard.press("Enter")
    said = "No passkey was made: the request was cancelled or timed out"
    page.get_by_text(said).wait_for()

    expect(button).to_be_enabled()
    expect(button).to_be_focused()
    expect(button).to_have_accessible_description(re.compile(f"^{re.escape(said)}"))
    assert Passkey.objects.filter(user=editor.user).count() == 1
    assert guard.problems(ignore_errors=FAVICON) == []
