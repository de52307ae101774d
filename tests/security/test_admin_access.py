"""The admin's door: lockout after failed sign-ins, two-step sign-in, break glass, and its history."""

import io
import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from carter_site.settings.environment import url_path
from tests.factories import ArticleFactory, FAQFactory, StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests/factories.py
LOGIN = reverse("admin:login")


def sign_in(client, username, password=PASSWORD, code=None, address="10.0.0.1"):
    data = {"username": username, "password": password, "next": reverse("admin:index")}
    if code is not None:
        data["otp_token"] = code
    return client.post(LOGIN, data, REMOTE_ADDR=address)


# The one answer the sign-in page gives to every refusal after the password is read.
REFUSED = "The user name, password or code is not right."


def totp_code(device):
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def authenticator(user, confirmed=True):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=confirmed)


# --- Lockout (django-axes) -------------------------------------------------------------------


def test_a_user_name_is_locked_after_the_configured_number_of_failures(client, settings):
    StaffFactory(username="dana")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "dana", "wrong password", address=f"10.0.1.{attempt}")
        assert response.status_code == 200  # the form again, with its error
    # The last allowed failure, from yet another address: the user name itself is now locked.
    locked = sign_in(client, "dana", "wrong password", address="10.0.2.1")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert f"Signing in is paused after {settings.AXES_FAILURE_LIMIT} failed attempts" in text
    assert "axes_reset_username" in text
    # Even the right password, from a fresh address, is refused while the lock holds.
    assert sign_in(client, "dana", address="10.0.3.1").status_code == 429


def test_an_address_is_locked_after_failures_across_user_names(client, settings):
    StaffFactory(username="robin")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{attempt}", "wrong password", address="203.0.113.9")
    assert sign_in(client, "robin", address="203.0.113.9").status_code == 429
    # Another address is not affected.
    assert sign_in(client, "robin", address="198.51.100.7").status_code == 302


def test_an_ipv6_network_of_one_subscriber_is_counted_as_one_address(client, settings):
    # A home or a server is given a whole /64 of IPv6 addresses: counted one by one, each guess
    # could come from a new address of the same network, and the lock per address would never hold.
    StaffFactory(username="robin")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{attempt}", "wrong password", address=f"2001:db8:5:7::{attempt + 1:x}")
    assert sign_in(client, "robin", address="2001:db8:5:7:ffff:1:2:3").status_code == 429
    # The next network is someone else's.
    assert sign_in(client, "robin", address="2001:db8:5:8::1").status_code == 302


def test_an_ipv4_address_written_as_ipv6_is_the_same_address(client, settings):
    StaffFactory(username="robin")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{attempt}", "wrong password", address="::ffff:203.0.113.9")
    assert sign_in(client, "robin", address="203.0.113.9").status_code == 429
    assert sign_in(client, "robin", address="203.0.113.10").status_code == 302


def test_a_sign_in_forgives_typing_mistakes_from_another_address_of_the_same_network(client, settings):
    StaffFactory(username="dana")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "dana", "mistyped", address="2001:db8:6:6::10")
    # The phone's address changed within its network between the tries (privacy addresses do).
    assert sign_in(client, "dana", address="2001:db8:6:6::20").status_code == 302
    client.logout()
    assert sign_in(client, "dana", "mistyped once more", address="2001:db8:6:6::30").status_code == 200


def test_one_staff_members_sign_in_does_not_forgive_guesses_at_another(client, settings):
    StaffFactory(username="admin")
    StaffFactory(username="editor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "admin", "a guess", address="10.0.5.5")
    # The guesser signs in to their own account, from the same address, in between.
    assert sign_in(client, "editor", address="10.0.5.5").status_code == 302
    client.logout()
    assert sign_in(client, "admin", "another guess", address="10.0.5.6").status_code == 429


def test_a_sign_in_forgives_the_same_persons_typing_mistakes_from_there(client, settings):
    StaffFactory(username="dana")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "dana", "mistyped", address="10.0.6.6")
    assert sign_in(client, "dana", address="10.0.6.6").status_code == 302
    client.logout()
    # A full set of tries again: the earlier mistakes no longer count.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "dana", "mistyped again", address="10.0.6.6").status_code == 200


def test_the_lock_lifts_after_the_cool_off_time(client, settings):
    StaffFactory(username="dana")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "dana", "wrong password")
    assert sign_in(client, "dana").status_code == 429
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timezone.timedelta(minutes=1)):
        assert sign_in(client, "dana").status_code == 302


def test_an_administrator_unlocks_with_the_command(client, settings):
    StaffFactory(username="dana")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "dana", "wrong password")
    assert sign_in(client, "dana").status_code == 429
    call_command("axes_reset_username", "dana", stdout=io.StringIO())
    call_command("axes_reset_ip", "10.0.0.1", stdout=io.StringIO())
    assert sign_in(client, "dana").status_code == 302


def test_an_administrator_unlocks_in_the_admin(client, settings):
    from axes.models import AccessAttempt

    StaffFactory(username="dana")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "dana", "wrong password")
    assert sign_in(client, "dana").status_code == 429

    admin_client = type(client)()
    admin_client.force_login(StaffFactory(username="chief"))
    attempts = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert attempts.status_code == 200 and "dana" in attempts.content.decode()
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "dana").status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_the_proxy_saw_is_counted(client, settings):
    from carter_site.security import client_ip

    class Request:
        META = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}

    # The visitor wrote 6.6.6.6 themselves; the proxy appended the address it saw.
    assert client_ip(Request()) == "203.0.113.9"
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(Request()) == "10.0.0.2"


# --- Two-step sign-in (django-otp) ------------------------------------------------------------


@pytest.fixture
def otp_required(settings):
    settings.ADMIN_REQUIRE_OTP = True


def test_without_the_requirement_a_password_is_enough(client):
    """Development and most tests: ADMIN_REQUIRE_OTP is off; production turns it on for good."""
    StaffFactory(username="dana")
    assert sign_in(client, "dana").status_code == 302


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/admin/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"]
)
def test_signing_in_with_a_next_address_on_another_site_lands_on_the_admin(client, elsewhere):
    """A sign-in link made to send staff elsewhere afterwards (phishing) leads to the admin's
    home page, not to the other site, nor to a page that does not exist."""
    StaffFactory(username="dana")
    response = client.post(
        f"{LOGIN}?next={elsewhere}",
        {"username": "dana", "password": PASSWORD, "next": elsewhere},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


def test_a_staff_member_without_a_confirmed_authenticator_cannot_reach_any_admin_page(
    client, otp_required, settings
):
    dana = StaffFactory(username="dana")
    authenticator(dana, confirmed=False)  # set up but never confirmed: does not count
    client.force_login(dana)  # a session with a password only
    for url in [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:carter_site_sitesettings_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN), url
    upload = client.post(reverse("ckeditor_upload"))
    assert upload.status_code == 302 and upload["Location"].startswith(LOGIN)
    assert client.get(reverse("ckeditor_browse")).status_code == 302

    client.logout()
    response = sign_in(client, "dana", code="123456")
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_code_lets_a_staff_member_in(client, otp_required):
    dana = StaffFactory(username="dana")
    device = authenticator(dana)
    login_page = client.get(LOGIN).content.decode()
    assert "Code from your authenticator app" in login_page
    assert 'autocomplete="one-time-code"' in login_page
    response = sign_in(client, "dana", code=totp_code(device))
    assert response.status_code == 302, response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_password_without_a_code_or_with_a_wrong_code_is_refused(client, otp_required):
    dana = StaffFactory(username="dana")
    device = authenticator(dana)
    no_code = sign_in(client, "dana", code="")
    assert "Enter the six-digit code" in no_code.content.decode()
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = sign_in(client, "dana", code=wrong)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def refusal(response):
    """The sign-in page's error list, as text."""
    return re.findall(r'<p class="errornote">\s*(.*?)\s*</p>', response.content.decode(), re.S)


def test_the_sign_in_page_never_tells_whether_the_password_was_right(client, otp_required):
    from axes.models import AccessAttempt

    dana = StaffFactory(username="dana")
    device = authenticator(dana)
    StaffFactory(username="sam")  # a password, and no authenticator app
    wrong_code = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    answers = {
        "wrong password": refusal(sign_in(client, "dana", password="not-it-at-all", code=wrong_code)),
        "right password, wrong code": refusal(sign_in(client, "dana", code=wrong_code)),
        "right password, no authenticator": refusal(sign_in(client, "sam", code=wrong_code)),
        "no such user": refusal(sign_in(client, "nobody", code=wrong_code)),
    }
    assert len(set(map(tuple, answers.values()))) == 1, answers
    assert answers["wrong password"] and "not right" in answers["wrong password"][0]
    # No code at all: refused before the password is read, so right and wrong passwords get the
    # same answer, and neither is counted as a guess.
    attempts = AccessAttempt.objects.count()
    without_code = [
        refusal(sign_in(client, "dana", password=password, code="")) for password in (PASSWORD, "nope")
    ]
    assert without_code[0] == without_code[1] and "Enter the six-digit code" in without_code[0][0]
    assert AccessAttempt.objects.count() == attempts


def test_wrong_codes_count_towards_the_lockout(client, otp_required, settings):
    dana = StaffFactory(username="dana")
    authenticator(dana)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "dana", code="000000", address=f"10.9.0.{attempt}")
    assert sign_in(client, "dana", code="000000", address="10.9.1.1").status_code == 429


# --- Break glass -----------------------------------------------------------------------------


def break_glass(username, *args):
    out = io.StringIO()
    call_command("break_glass_token", username, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_break_glass_code_works_once_and_leaves_an_audit_trail(
    client, otp_required, caplog, mailoutbox, settings
):
    settings.ADMINS = [("Ops", "ops@carter.example")]
    dana = StaffFactory(username="dana")
    output = break_glass("dana", "--reason", "phone lost")
    code = re.search(r"One-time code for dana: (\w+)", output).group(1)
    assert len(code) == 16
    assert "Break-glass code issued" in caplog.text
    assert LogEntry.objects.filter(
        object_id=str(dana.pk), change_message__contains="Break-glass code issued"
    ).exists()
    assert mailoutbox and "Break-glass" in mailoutbox[0].subject

    response = sign_in(client, "dana", code=code)
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert "Admin sign-in with a break-glass code" in caplog.text
    assert LogEntry.objects.filter(change_message__contains="Signed in with a break-glass code").exists()

    client.logout()
    again = sign_in(client, "dana", code=code)
    assert again.status_code == 200  # used up


def test_each_use_of_a_break_glass_code_is_a_security_warning_under_the_event_the_docs_name(
    client, otp_required, caplog
):
    """Ops alert on these events (docs/security.md, "Break glass"): a sign-in with the code must be
    found under the name the page gives it, as its issue and its revocation are."""
    StaffFactory(username="dana")
    code = re.search(r"One-time code for dana: (\w+)", break_glass("dana")).group(1)
    assert sign_in(client, "dana", code=code).status_code == 302
    break_glass("dana", "--revoke")

    logged = [
        (record.name, record.levelname, record.event)
        for record in caplog.records
        if getattr(record, "event", "").startswith("break_glass")
    ]
    assert logged == [
        ("carter_site.security", "WARNING", "break_glass"),
        ("carter_site.security", "WARNING", "break_glass_sign_in"),
        ("carter_site.security", "WARNING", "break_glass"),
    ]
    docs = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text()
    for event in ("break_glass", "break_glass_sign_in"):
        assert f"`{event}`" in docs


def test_a_break_glass_code_and_its_session_expire(client, otp_required, settings):
    StaffFactory(username="dana")
    code = re.search(r"One-time code for dana: (\w+)", break_glass("dana")).group(1)
    later = timezone.now() + timezone.timedelta(minutes=settings.BREAK_GLASS_TOKEN_MINUTES + 1)
    with time_machine.travel(later):
        assert REFUSED in sign_in(client, "dana", code=code).content.decode()

    code = re.search(r"One-time code for dana: (\w+)", break_glass("dana")).group(1)
    assert sign_in(client, "dana", code=code).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    with time_machine.travel(later + timezone.timedelta(minutes=1)):
        assert client.get(reverse("admin:index")).status_code == 302  # the emergency session ended


# What each command says to an account that may not sign in, and why.
MAY_NOT_SIGN_IN = {
    "not-staff": ({"is_staff": False}, "dana is not staff: only staff sign in to the site editor, so "),
    "deactivated": ({"is_active": False}, "dana's account is deactivated, so it may not sign in: "),
}


@pytest.mark.parametrize("account, sentence", MAY_NOT_SIGN_IN.values(), ids=MAY_NOT_SIGN_IN.keys())
def test_no_break_glass_code_is_issued_for_someone_who_may_not_edit(account, sentence):
    from django_otp.plugins.otp_static.models import StaticDevice

    StaffFactory(username="dana", **account)
    with pytest.raises(CommandError, match=re.escape(sentence + "no break-glass code was issued")):
        break_glass("dana")
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        break_glass("nobody")
    assert not StaticDevice.objects.exists()
    assert not LogEntry.objects.exists()


def test_no_break_glass_code_is_issued_for_an_account_without_a_password():
    """The code goes with the password at sign-in: alone it would let nobody in."""
    from django_otp.plugins.otp_static.models import StaticDevice

    dana = StaffFactory(username="dana")
    dana.set_unusable_password()
    dana.save()
    with pytest.raises(CommandError, match="dana has no password to sign in with") as refused:
        break_glass("dana")
    assert "python manage.py changepassword dana" in str(refused.value)
    assert not StaticDevice.objects.exists()
    assert not LogEntry.objects.exists()


def test_revoking_break_glass_codes_ends_their_sessions(client, otp_required):
    from django_otp.plugins.otp_static.models import StaticDevice

    StaffFactory(username="dana")
    code = re.search(r"One-time code for dana: (\w+)", break_glass("dana")).group(1)
    assert sign_in(client, "dana", code=code).status_code == 302
    assert "Removed 1 break-glass code(s)" in break_glass("dana", "--revoke")
    assert not StaticDevice.objects.exists()
    assert client.get(reverse("admin:index")).status_code == 302


def test_enrolling_an_authenticator_from_the_command_line(client, otp_required):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    StaffFactory(username="dana")
    out = io.StringIO()
    call_command("enroll_totp", "dana", stdout=out)
    assert "otpauth://totp/" in out.getvalue()
    device = TOTPDevice.objects.get(user__username="dana")
    assert not device.confirmed
    assert REFUSED in sign_in(client, "dana", code=totp_code(device)).content.decode()
    call_command("enroll_totp", "dana", "--confirm", totp_code(device), stdout=io.StringIO())
    device.refresh_from_db()
    assert device.confirmed
    # The confirming code is used up (django-otp refuses a code twice); the next one works.
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=31)):
        assert sign_in(client, "dana", code=totp_code(device)).status_code == 302


def test_enrolling_refuses_a_wrong_code_a_missing_device_and_someone_not_staff():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def enroll(*args):
        call_command("enroll_totp", *args, stdout=io.StringIO())

    StaffFactory(username="dana")
    StaffFactory(username="visitor", is_staff=False)
    with pytest.raises(CommandError, match="dana has no device waiting for confirmation"):
        enroll("dana", "--confirm", "123456")
    enroll("dana")
    device = TOTPDevice.objects.get(user__username="dana")
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    with pytest.raises(CommandError, match="That code did not match"):
        enroll("dana", "--confirm", wrong)
    device.refresh_from_db()
    assert not device.confirmed
    with pytest.raises(CommandError, match="visitor is not staff: only staff sign in"):
        enroll("visitor")
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        enroll("nobody")
    assert TOTPDevice.objects.count() == 1


def test_wrong_codes_given_to_the_command_count_towards_its_throttling():
    """A refused code was counted inside the transaction its refusal rolled back, so guesses on
    the command line were never slowed down."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def enroll(*args):
        call_command("enroll_totp", *args, stdout=io.StringIO())

    StaffFactory(username="dana")
    enroll("dana")
    device = TOTPDevice.objects.get(user__username="dana")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
        with pytest.raises(CommandError, match="That code did not match"):
            enroll("dana", "--confirm", wrong)
        device.refresh_from_db()
        assert device.throttling_failure_count == 1
        # Within the second that failure costs, even the right code is not checked, and the
        # sentence says until when.
        until = timezone.localtime(start + timezone.timedelta(seconds=1))
        with pytest.raises(CommandError, match=f"codes are not checked until {until:%Y-%m-%d %H:%M:%S}"):
            enroll("dana", "--confirm", totp_code(device))
    device.refresh_from_db()
    assert not device.confirmed
    with time_machine.travel(start + timezone.timedelta(seconds=2), tick=False):
        enroll("dana", "--confirm", totp_code(device))
    device.refresh_from_db()
    assert device.confirmed
    assert device.throttling_failure_count == 0


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        (
            "Dana's phone, the work one " * 3,
            "a device's name holds at most 64 characters, and this one has 80",
        ),
        ("  ", "give the device a name"),
    ],
)
def test_enrolling_refuses_a_device_name_its_column_cannot_hold(name, sentence):
    """PostgreSQL refused a name over 64 characters with a traceback; SQLite kept it whole."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    StaffFactory(username="dana")
    with pytest.raises(CommandError, match=f"argument --name: {sentence}"):
        call_command("enroll_totp", "dana", "--name", name, stdout=io.StringIO())
    assert not TOTPDevice.objects.exists()
    call_command("enroll_totp", "dana", "--name", "  Dana's   phone ", stdout=io.StringIO())
    assert TOTPDevice.objects.get().name == "Dana's phone"


# "josé" typed in a terminal set to Latin-1: Python keeps the byte that is not UTF-8 as a lone
# surrogate, which the database refused with a traceback.
NOT_UTF_8 = "jos\udce9"


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["enroll_totp", NOT_UTF_8], "There is no user 'jos\N{REPLACEMENT CHARACTER}'."),
        (["break_glass_token", NOT_UTF_8], "There is no user 'jos\N{REPLACEMENT CHARACTER}'."),
        (
            ["end_staff_sessions", "--user", NOT_UTF_8],
            "There is no user 'jos\N{REPLACEMENT CHARACTER}': nobody was signed out.",
        ),
    ],
    ids=["enroll_totp", "break_glass_token", "end_staff_sessions"],
)
def test_a_user_name_typed_in_another_encoding_is_a_user_that_does_not_exist(args, sentence):
    StaffFactory(username="dana")
    with pytest.raises(CommandError) as refused:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    assert str(refused.value).startswith(sentence)


def test_a_reason_typed_in_another_encoding_is_kept_in_the_audit_trail(otp_required):
    dana = StaffFactory(username="dana")
    assert "One-time code for dana" in break_glass("dana", "--reason", f"{NOT_UTF_8} lost his phone")
    [entry] = LogEntry.objects.filter(object_id=str(dana.pk))
    assert entry.change_message.endswith("Reason: jos\N{REPLACEMENT CHARACTER} lost his phone")


@pytest.mark.parametrize("account, sentence", MAY_NOT_SIGN_IN.values(), ids=MAY_NOT_SIGN_IN.keys())
def test_no_authenticator_is_set_up_for_someone_who_may_not_sign_in(account, sentence):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    StaffFactory(username="dana", **account)
    out = io.StringIO()
    with pytest.raises(CommandError, match=re.escape(sentence + "no authenticator app was set up")):
        call_command("enroll_totp", "dana", stdout=out)
    assert "otpauth://" not in out.getvalue()
    assert not TOTPDevice.objects.exists()
    assert not LogEntry.objects.exists()


def test_a_device_set_up_before_its_account_was_deactivated_is_not_confirmed():
    """Someone who left between the two steps: the code their phone shows confirms nothing."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    dana = StaffFactory(username="dana")
    call_command("enroll_totp", "dana", stdout=io.StringIO())
    device = TOTPDevice.objects.get(user=dana)
    dana.is_active = False
    dana.save()
    entries = LogEntry.objects.count()
    with pytest.raises(
        CommandError, match=r"dana's account is deactivated, .*no authenticator app was confirmed"
    ):
        call_command("enroll_totp", "dana", "--confirm", totp_code(device), stdout=io.StringIO())
    device.refresh_from_db()
    assert not device.confirmed
    assert LogEntry.objects.count() == entries


def test_the_two_factor_admin_pages_render_for_administrators(staff_client):
    dana = StaffFactory(username="dana")
    device = authenticator(dana)
    for name in ["otp_totp_totpdevice", "otp_static_staticdevice", "axes_accessattempt", "axes_accesslog"]:
        assert staff_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert staff_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).status_code == 200


# --- Passwords and the admin's address --------------------------------------------------------


@pytest.mark.parametrize("password", ["short1", "password1234", "123456789012345", "dana.reyes.carter"])
def test_weak_passwords_are_refused(password):
    user = StaffFactory.build(username="dana.reyes.carter", email="dana.reyes@carter.example")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_passphrase_is_accepted():
    validate_password("quiet river morning walk 42")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("editor-7f3k", "editor-7f3k/"), ("/team/edit/", "team/edit/"), ("admin", "admin/")],
)
def test_the_admin_address_is_normalised(value, expected):
    assert url_path("ADMIN_URL", value) == expected


@pytest.mark.parametrize("value", ["", "/", "a b/", "../x/", "articles/", "static/admin/", "x?y/", "%2e%2e/"])
def test_unsafe_or_clashing_admin_addresses_are_refused(value):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        url_path("ADMIN_URL", value)


# --- Every admin action is in the admin's history ---------------------------------------------


def test_bulk_publish_and_unpublish_are_logged_per_object(staff_client):
    drafts = [ArticleFactory(draft=True), ArticleFactory(draft=True)]
    url = reverse("admin:articles_article_changelist")
    ids = [str(a.pk) for a in drafts]
    staff_client.post(url, {"action": "publish_selected", "_selected_action": ids})
    staff_client.post(url, {"action": "unpublish_selected", "_selected_action": ids})
    for article in drafts:
        messages = list(
            LogEntry.objects.filter(object_id=str(article.pk), action_flag=CHANGE)
            .order_by("pk")
            .values_list("change_message", flat=True)
        )
        assert messages == [
            "Published with the bulk action.",
            "Unpublished (back to draft) with the bulk action.",
        ]
        assert LogEntry.objects.filter(object_id=str(article.pk)).first().user.username == "editor"


def test_bulk_actions_of_other_content_are_logged(staff_client):
    faq = FAQFactory(is_published=False)
    url = reverse("admin:faqs_faq_changelist")
    staff_client.post(url, {"action": "publish_selected", "_selected_action": [faq.pk]})
    staff_client.post(url, {"action": "unpublish_selected", "_selected_action": [faq.pk]})
    assert list(
        LogEntry.objects.filter(object_id=str(faq.pk)).order_by("pk").values_list("change_message", flat=True)
    ) == ["Published with the bulk action.", "Unpublished with the bulk action."]


def test_deleting_with_the_bulk_action_is_logged(staff_client):
    from django.contrib.admin.models import DELETION

    faq = FAQFactory()
    staff_client.post(
        reverse("admin:faqs_faq_changelist"),
        {"action": "delete_selected", "_selected_action": [faq.pk], "post": "yes"},
    )
    assert LogEntry.objects.filter(object_id=str(faq.pk), action_flag=DELETION).exists()


# --- Drafts at their public addresses: the same door as the admin ------------------------------


def drafts_seen(client):
    """Which of a draft article, location and standing page the client is shown at its address."""
    from tests.factories import LocationFactory, PageFactory

    pages = {
        "article": ArticleFactory(title="A draft article", draft=True),
        "location": LocationFactory(name="A draft location", slug="draft-location", is_published=False),
        "page": PageFactory(title="A draft page", slug="draft-page", is_published=False),
    }
    return {kind: client.get(page.get_absolute_url()).status_code == 200 for kind, page in pages.items()}


def test_a_session_without_the_second_step_sees_no_drafts(client, otp_required):
    """A password alone opens no admin page, and no unpublished page at its public address
    either: staff preview there what the admin would show them."""
    dana = StaffFactory(username="dana")
    authenticator(dana, confirmed=False)
    client.force_login(dana)  # a session with a password only
    assert drafts_seen(client) == {"article": False, "location": False, "page": False}


def test_a_session_with_the_second_step_sees_drafts(client, otp_required):
    StaffFactory(username="dana")
    device = authenticator(StaffFactory._meta.model.objects.get(username="dana"))
    assert sign_in(client, "dana", code=totp_code(device)).status_code == 302
    assert drafts_seen(client) == {"article": True, "location": True, "page": True}


def test_drafts_are_hidden_from_an_ended_break_glass_session(client, otp_required, settings):
    """A break-glass session ends when the code's time is up, or when the codes are revoked: for
    the drafts on the public site as for the admin."""
    StaffFactory(username="dana")
    code = re.search(r"One-time code for dana: (\w+)", break_glass("dana")).group(1)
    assert sign_in(client, "dana", code=code).status_code == 302
    draft = ArticleFactory(title="A draft article", draft=True)
    assert client.get(draft.get_absolute_url()).status_code == 200
    later = timezone.now() + timezone.timedelta(minutes=settings.BREAK_GLASS_TOKEN_MINUTES + 1)
    with time_machine.travel(later):
        assert client.get(draft.get_absolute_url()).status_code == 404
    break_glass("dana", "--revoke")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_removed_authenticator_hides_drafts_from_its_sessions(client, otp_required):
    """An administrator who removes a lost phone's authenticator ends what its sessions may see."""
    StaffFactory(username="dana")
    device = authenticator(StaffFactory._meta.model.objects.get(username="dana"))
    assert sign_in(client, "dana", code=totp_code(device)).status_code == 302
    draft = ArticleFactory(title="A draft article", draft=True)
    assert client.get(draft.get_absolute_url()).status_code == 200
    device.delete()
    assert client.get(draft.get_absolute_url()).status_code == 404
