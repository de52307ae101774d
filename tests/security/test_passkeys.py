"""Passkeys as the second step (docs/security.md, "Passkeys"): the password and the passkey's
answer are checked together, in one post, and every refusal is the one answer of a wrong code;
a passkey signs in only its own account, answers a challenge once, on this site's own address."""

import json

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from webauthn.helpers import base64url_to_bytes

from carter_site.passkeys import Passkey
from tests.factories import StaffFactory
from tests.security.passkey_device import SoftPasskey
from tests.security.test_admin_access import (
    LOGIN,
    PASSWORD,
    REFUSED,
    authenticator,
    refusal,
    sign_in,
    totp_code,
)

pytestmark = pytest.mark.django_db

OPTIONS = reverse("admin:passkey_sign_in_options")


@pytest.fixture(autouse=True)
def otp_required(settings):
    settings.ADMIN_REQUIRE_OTP = True


@pytest.fixture
def dana():
    user = StaffFactory(username="dana")
    authenticator(user)  # her authenticator app: the passkey is the other way in
    return user


@pytest.fixture
def danas_phone(dana):
    phone = SoftPasskey()
    phone.saved_for(dana)
    return phone


def challenge(client):
    """A challenge for the sign-in page's passkey button, as its script asks for one."""
    response = client.post(OPTIONS)
    assert response.status_code == 200
    options = response.json()
    assert options["allowCredentials"] == []  # nothing said about who has which passkey
    assert options["rpId"] == "testserver"
    return base64url_to_bytes(options["challenge"])


def with_passkey(client, username, answer, password=PASSWORD, address="10.0.0.1"):
    data = {"username": username, "password": password, "passkey": answer, "next": reverse("admin:index")}
    return client.post(LOGIN, data, REMOTE_ADDR=address)


def assert_refused(client, response):
    assert response.status_code == 200
    assert refusal(response) and REFUSED in refusal(response)[0]
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_password_and_a_passkey_sign_in_without_a_code(client, dana, danas_phone):
    page = client.get(LOGIN).content.decode()
    assert 'id="passkey-sign-in"' in page and 'name="passkey"' in page
    response = with_passkey(client, "dana", danas_phone.sign_in_answer(challenge(client)))
    assert response.status_code == 302, refusal(response)
    assert client.get(reverse("admin:index")).status_code == 200  # OTP-verified, like with a code
    device = Passkey.objects.get(user=dana)
    assert client.session["otp_device_id"] == device.persistent_id
    assert device.sign_count == 1 and device.last_used_at is not None


def test_every_refusal_after_the_password_is_the_one_answer_of_a_wrong_code(client, dana, danas_phone):
    sam = StaffFactory(username="sam")
    sams_key = SoftPasskey()
    sams_key.saved_for(sam, "Sam's key")
    answers = {}

    def answer_to(name, username, make_answer, password=PASSWORD):
        address = f"10.0.9.{len(answers)}"  # each from its own address, under the address lock
        answers[name] = refusal(
            with_passkey(client, username, make_answer(challenge(client)), password, address)
        )

    answer_to("wrong password, good passkey", "dana", danas_phone.sign_in_answer, password="not-it-at-all")
    answer_to("another account's passkey", "dana", sams_key.sign_in_answer)
    answer_to("no such user", "nobody", danas_phone.sign_in_answer)
    StaffFactory(username="robin")
    answer_to("an account with no passkey", "robin", danas_phone.sign_in_answer)
    # Under the user name lock too (5 failures): Sam's name takes these.
    answer_to("garbled", "sam", lambda _challenge: "{not json")
    answer_to("empty object", "sam", lambda _challenge: "{}")
    answers["a wrong code"] = refusal(sign_in(client, "dana", code="000000", address="10.0.9.99"))
    assert len({tuple(answer) for answer in answers.values()}) == 1, answers
    assert REFUSED in answers["a wrong code"][0]
    assert Passkey.objects.get(user=dana).sign_count == 0  # nothing signed dana in


@pytest.mark.parametrize(
    "answer",
    [
        "not json at all",
        "[]",
        "null",
        '{"id": 5}',
        '{"id": "abc", "rawId": "abc", "type": "public-key", "response": {}}',
        '{"id": "%%%", "rawId": "%%%", "type": "public-key", "response": {"clientDataJSON": "%%%", '
        '"authenticatorData": "%%%", "signature": "%%%"}}',
        "x" * 100_000,
        "ü\u2028\U0001f511",
    ],
)
def test_a_garbled_answer_is_refused_calmly(client, dana, danas_phone, answer):
    challenge(client)
    assert_refused(client, with_passkey(client, "dana", answer))


def test_an_answer_is_refused_when_it_is_posted_again(client, dana, danas_phone):
    answer = danas_phone.sign_in_answer(challenge(client))
    assert with_passkey(client, "dana", answer).status_code == 302
    client.logout()
    # The same post again (a copy of it, read off the wire or the logs), with or without a new challenge.
    assert_refused(client, with_passkey(client, "dana", answer))
    challenge(client)
    assert_refused(client, with_passkey(client, "dana", answer))


def test_a_challenge_answers_one_post_even_a_refused_one(client, dana, danas_phone):
    issued = challenge(client)
    # A first post with a mistyped password uses the challenge up; the right password after it,
    # with a fresh signature of the same challenge, is refused too.
    assert_refused(client, with_passkey(client, "dana", danas_phone.sign_in_answer(issued), password="typo"))
    assert_refused(client, with_passkey(client, "dana", danas_phone.sign_in_answer(issued)))
    # A challenge the server never issued, or none at all.
    assert_refused(
        client, with_passkey(client, "dana", danas_phone.sign_in_answer(b"made up by the browser"))
    )


def test_a_challenge_ends_after_a_few_minutes(client, dana, danas_phone):
    issued = challenge(client)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=6)):
        assert_refused(client, with_passkey(client, "dana", danas_phone.sign_in_answer(issued)))


def test_an_answer_signed_for_another_address_is_refused(client, dana, danas_phone):
    """A copy of the sign-in page on another address (a phishing proxy relaying what is typed):
    the browser signs for that address, and the site refuses it."""
    forwarded = danas_phone.sign_in_answer(challenge(client), origin="https://carter-sign-in.example")
    assert_refused(client, with_passkey(client, "dana", forwarded))
    other_site = danas_phone.sign_in_answer(challenge(client), rp_id="carter-sign-in.example")
    assert_refused(client, with_passkey(client, "dana", other_site))


def test_a_passkey_that_did_not_ask_who_is_there_is_refused(client, dana, danas_phone):
    from tests.security.passkey_device import UP

    assert_refused(
        client, with_passkey(client, "dana", danas_phone.sign_in_answer(challenge(client), flags=UP))
    )


def test_a_sign_count_that_goes_back_is_refused(client, dana, danas_phone):
    """A count lower than the last one seen means a copy of the key may be in use elsewhere."""
    assert with_passkey(client, "dana", danas_phone.sign_in_answer(challenge(client))).status_code == 302
    client.logout()
    danas_phone.sign_count = 0
    assert_refused(client, with_passkey(client, "dana", danas_phone.sign_in_answer(challenge(client))))


def test_a_passkey_of_a_deactivated_account_is_refused(client, dana, danas_phone):
    dana.is_active = False
    dana.save()
    assert_refused(client, with_passkey(client, "dana", danas_phone.sign_in_answer(challenge(client))))


def test_a_passkey_does_not_stand_for_a_typed_code(client, dana, danas_phone):
    """Typing letters (a break-glass code's shape) into the code field never asks the passkey."""
    assert_refused(client, sign_in(client, "dana", code=danas_phone.id[:16]))


def test_refused_passkeys_count_towards_the_lock(client, dana, danas_phone, settings):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert_refused(client, with_passkey(client, "dana", "{}"))
    assert AccessAttempt.objects.get(username="dana").failures_since_start == settings.AXES_FAILURE_LIMIT - 1
    assert with_passkey(client, "dana", "{}").status_code == 429
    # Locked: the right password and a good passkey wait too.
    assert with_passkey(client, "dana", danas_phone.sign_in_answer(challenge(client))).status_code == 429


def test_no_code_and_no_passkey_is_asked_for_before_the_password_is_read(client, dana):
    answers = [refusal(with_passkey(client, "dana", "", password=password)) for password in (PASSWORD, "x")]
    assert answers[0] == answers[1] and "or use your passkey" in answers[0][0]


def test_asking_for_challenges_writes_nothing_to_the_session_table(dana, danas_phone):
    """Anyone may ask for a challenge (the page's CSRF token is all it takes): each used to start a
    session, a row kept for hours, so posting in a loop filled the table. The challenge is kept in
    the cache for minutes instead, and still signs in."""
    from django.contrib.sessions.models import Session
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    token = client.cookies["csrftoken"].value
    for _ in range(20):
        response = client.post(OPTIONS, HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 200
    assert Session.objects.count() == 0 and "sessionid" not in client.cookies
    assert client.post(OPTIONS).status_code == 403  # still the page's CSRF token first

    issued = base64url_to_bytes(client.post(OPTIONS, HTTP_X_CSRFTOKEN=token).json()["challenge"])
    data = {"username": "dana", "password": PASSWORD, "passkey": danas_phone.sign_in_answer(issued)}
    data |= {"next": reverse("admin:index"), "csrfmiddlewaretoken": token}
    assert client.post(LOGIN, data).status_code == 302
    assert Session.objects.count() == 1  # the one of the sign-in


def test_a_flood_of_challenges_never_culls_the_content_version(client, settings, tmp_path):
    """Without Redis the caches are folders, and Django culls a third of a full one's files at
    random: challenges kept beside the content version would take it with them, and every cached
    page would be rendered again. They have a cache of their own (carter_site/settings/base.py)."""
    from carter_site.caching import content_version

    folder = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}
    settings.CACHES = {
        "default": {**folder, "LOCATION": str(tmp_path / "cache"), "OPTIONS": {"MAX_ENTRIES": 10}},
        "passkeys": {
            **folder,
            "LOCATION": str(tmp_path / "cache" / "passkey-challenges"),
            "OPTIONS": {"MAX_ENTRIES": 10},
        },
    }
    version = content_version()
    for _ in range(40):
        assert client.post(OPTIONS).status_code == 200
    assert content_version() == version
    assert len(list((tmp_path / "cache" / "passkey-challenges").iterdir())) <= 10


def test_the_challenge_cookie_is_a_host_cookie_in_production(client, settings):
    """As the session and CSRF cookies: Secure, HttpOnly, host-only, and gone with the challenge."""
    settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE = "__Host-sessionid", True
    cookie = client.post(OPTIONS, secure=True).cookies["__Host-passkey_sign_in"]
    assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/" and not cookie["domain"]
    assert cookie["max-age"] == 300 and cookie["samesite"] == "Lax"


def test_a_challenge_cookie_not_signed_by_the_site_is_refused(client, dana, danas_phone):
    from carter_site.passkeys import sign_in_cookie_name

    issued = challenge(client)
    cookie = client.cookies[sign_in_cookie_name()]
    challenge_id = cookie.value.split(":", 1)[0]
    assert challenge_id  # the random id, then the signature and its time
    client.cookies[sign_in_cookie_name()] = challenge_id
    assert_refused(client, with_passkey(client, "dana", danas_phone.sign_in_answer(issued)))
    client.cookies[sign_in_cookie_name()] = f"{challenge_id}:forged:signature"
    assert_refused(client, with_passkey(client, "dana", danas_phone.sign_in_answer(issued)))


def test_a_cache_that_does_not_answer_leaves_the_code(client, dana, danas_phone, settings):
    """With the shared cache (Redis) down, the button says passkeys cannot be used just now (its
    script shows its sentence and the code field stays), and a passkey answer is refused calmly."""
    issued = challenge(client)
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "carter_site.cache_backends.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"},
    }
    response = client.post(OPTIONS)
    assert response.status_code == 503 and "use the code" in response.json()["error"]
    assert_refused(client, with_passkey(client, "dana", danas_phone.sign_in_answer(issued)))


def test_the_challenge_is_asked_for_with_a_post_only(client):
    assert client.get(OPTIONS).status_code == 405
    assert (
        "no-cache" in client.post(OPTIONS)["Cache-Control"]
        or "max-age=0" in client.post(OPTIONS)["Cache-Control"]
    )


def test_removing_a_passkey_signs_out_the_sessions_opened_with_it(client, dana, danas_phone):
    assert with_passkey(client, "dana", danas_phone.sign_in_answer(challenge(client))).status_code == 302
    Passkey.objects.filter(user=dana).delete()
    assert client.get(reverse("admin:index")).status_code == 302


# --- My passkeys ------------------------------------------------------------------------------

MY_PASSKEYS = reverse("admin:my_passkeys")
ADD_OPTIONS = reverse("admin:passkey_add_options")


@pytest.fixture
def dana_signed_in(client, dana, danas_phone):
    assert with_passkey(client, "dana", danas_phone.sign_in_answer(challenge(client))).status_code == 302
    return client


def new_passkey_challenge(client):
    options = client.post(ADD_OPTIONS).json()
    assert options["authenticatorSelection"]["residentKey"] == "required"
    return options, base64url_to_bytes(options["challenge"])


def test_a_staff_member_adds_a_passkey_of_their_own(dana_signed_in, dana, danas_phone):
    client = dana_signed_in
    page = client.get(MY_PASSKEYS).content.decode()
    assert "Dana&#x27;s phone" in page and 'id="passkey-add"' in page
    options, issued = new_passkey_challenge(client)
    # Her phone's passkey is listed, so the browser does not make a second one on it.
    assert [known["id"] for known in options["excludeCredentials"]] == [danas_phone.id]
    laptop = SoftPasskey(user_handle=base64url_to_bytes(options["user"]["id"]))
    data = {"name": "Office laptop", "password": PASSWORD, "credential": laptop.new_passkey_answer(issued)}
    response = client.post(MY_PASSKEYS, data)
    assert response.status_code == 302
    added = Passkey.objects.get(name="Office laptop")
    assert added.user == dana and added.confirmed and added.credential_id == laptop.id
    assert added.transports == ["internal", "hybrid"]
    assert LogEntry.objects.filter(object_id=str(dana.pk), change_message__contains="Office laptop").exists()
    # It signs her in.
    client.logout()
    assert with_passkey(client, "dana", laptop.sign_in_answer(challenge(client))).status_code == 302


def test_a_first_passkey_added_after_signing_in_with_a_code_signs_in(client):
    robin = StaffFactory(username="robin")
    assert sign_in(client, "robin", code=totp_code(authenticator(robin))).status_code == 302
    options, issued = new_passkey_challenge(client)
    assert options["excludeCredentials"] == []
    # The device keeps the account's id it was given, and gives it back when it signs.
    laptop = SoftPasskey(user_handle=base64url_to_bytes(options["user"]["id"]))
    data = {"name": "Robin's laptop", "password": PASSWORD, "credential": laptop.new_passkey_answer(issued)}
    assert client.post(MY_PASSKEYS, data).status_code == 302
    client.logout()
    response = with_passkey(client, "robin", laptop.sign_in_answer(challenge(client)))
    assert response.status_code == 302, refusal(response)


@pytest.mark.parametrize(
    "change",
    [
        {"password": "not my password"},
        {"credential": ""},
        {"credential": "{not json"},
        {"credential": "[]"},
        {"credential": "x" * 50_000},
        {"name": ""},
    ],
)
def test_adding_a_passkey_is_refused_with_a_reason(dana_signed_in, change):
    client = dana_signed_in
    _options, issued = new_passkey_challenge(client)
    data = {
        "name": "Office laptop",
        "password": PASSWORD,
        "credential": SoftPasskey().new_passkey_answer(issued),
    }
    response = client.post(MY_PASSKEYS, {**data, **change})
    assert response.status_code == 200
    assert 'class="errornote"' in response.content.decode() or 'class="errorlist' in response.content.decode()
    assert not Passkey.objects.filter(name="Office laptop").exists()


def test_a_new_passkey_answers_its_own_challenge_once_on_this_address(dana_signed_in):
    client = dana_signed_in
    _options, issued = new_passkey_challenge(client)
    laptop = SoftPasskey()
    data = {"name": "Office laptop", "password": PASSWORD}
    other_address = laptop.new_passkey_answer(issued, origin="https://carter-sign-in.example")
    assert client.post(MY_PASSKEYS, {**data, "credential": other_address}).status_code == 200
    # The challenge was used by that refused post.
    assert (
        client.post(MY_PASSKEYS, {**data, "credential": laptop.new_passkey_answer(issued)}).status_code == 200
    )
    assert not Passkey.objects.filter(name="Office laptop").exists()


def test_my_passkeys_is_for_verified_staff_only(client, dana):
    client.force_login(dana)  # a password only
    for response in (client.get(MY_PASSKEYS), client.post(ADD_OPTIONS)):
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    client.logout()
    assert sign_in(client, "dana", code=totp_code(dana.totpdevice_set.get())).status_code == 302
    assert client.get(MY_PASSKEYS).status_code == 200
    assert client.get(ADD_OPTIONS).status_code == 405  # asked for with a post only


def test_a_staff_member_removes_their_own_passkey_only(dana_signed_in, dana):
    client = dana_signed_in
    sams = SoftPasskey().saved_for(StaffFactory(username="sam"), "Sam's key")
    response = client.post(MY_PASSKEYS, {"remove": str(sams.pk)})
    assert response.status_code == 302
    assert Passkey.objects.filter(pk=sams.pk).exists()
    # Digits Python reads but int() does not ("²"), and more digits than int() reads at all.
    for bad in ["", "abc", "1" * 40, "-1", "²", "9" * 5000]:
        assert client.post(MY_PASSKEYS, {"remove": bad}).status_code == 302
    mine = Passkey.objects.get(user=dana)
    client.post(MY_PASSKEYS, {"remove": str(mine.pk)})
    assert not Passkey.objects.filter(pk=mine.pk).exists()
    assert LogEntry.objects.filter(
        object_id=str(dana.pk), change_message__contains="removed by its owner"
    ).exists()
    # Its session was opened with that passkey: it ends.
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_passkey_counts_as_a_way_in_for_the_last_administrator(client):
    """The last site administrator, whose only way in is a passkey, cannot remove it, on My
    passkeys or in the admin; with an authenticator app as well, they can."""
    from django.contrib.auth.models import Group

    from carter_site.accounts_admin import account_managers
    from carter_site.roles import SITE_ADMINISTRATORS, sync_roles

    sync_roles()
    alex = StaffFactory(username="alex")
    alex.groups.add(Group.objects.get(name=SITE_ADMINISTRATORS))
    key = SoftPasskey()
    device = key.saved_for(alex, "Alex's key")
    assert list(account_managers()) == [alex]
    assert with_passkey(client, "alex", key.sign_in_answer(challenge(client))).status_code == 302

    response = client.post(MY_PASSKEYS, {"remove": str(device.pk)}, follow=True)
    assert "Nobody else could then look after staff accounts" in response.content.decode()
    assert Passkey.objects.filter(pk=device.pk).exists()
    delete_url = reverse("admin:carter_site_passkey_delete", args=[device.pk])
    assert "Nobody else could then look after staff accounts" in client.get(delete_url).content.decode()
    client.post(delete_url, {"post": "yes"})
    assert Passkey.objects.filter(pk=device.pk).exists()

    authenticator(alex)
    client.post(MY_PASSKEYS, {"remove": str(device.pk)})
    assert not Passkey.objects.filter(pk=device.pk).exists()


def test_an_administrator_sees_and_removes_a_lost_phones_passkey(client, dana, danas_phone):
    from django.contrib.auth.models import Group

    from carter_site.roles import SITE_ADMINISTRATORS, sync_roles

    sync_roles()
    alex = StaffFactory(username="alex")
    alex.groups.add(Group.objects.get(name=SITE_ADMINISTRATORS))
    alex_key = SoftPasskey()
    alex_key.saved_for(alex, "Alex's key")
    assert with_passkey(client, "alex", alex_key.sign_in_answer(challenge(client))).status_code == 302
    account = client.get(reverse("admin:auth_user_change", args=[dana.pk])).content.decode()
    assert "Authenticator apps and passkeys" in account
    assert "Passkey: <a" in account and "Dana&#x27;s phone" in account
    device = Passkey.objects.get(user=dana)
    assert client.get(reverse("admin:carter_site_passkey_add")).status_code == 403  # owners add their own
    response = client.post(reverse("admin:carter_site_passkey_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Passkey.objects.filter(pk=device.pk).exists()
    assert LogEntry.objects.filter(
        object_id=str(dana.pk), change_message="Passkey “Dana's phone” removed in the admin by alex."
    ).exists()


def test_the_sign_in_page_names_no_passkey_and_no_account(client, dana, danas_phone):
    page = client.get(LOGIN).content.decode()
    assert danas_phone.id not in page and "dana" not in page
    options = client.post(OPTIONS).json()
    assert json.dumps(options).find(danas_phone.id) == -1
