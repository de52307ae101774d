"""Passkeys (WebAuthn) as the second step of the admin's sign-in, beside the authenticator app.

- `Passkey` is a django-otp device: a session signed in with one is OTP-verified like one signed
  in with a code (`is_verified()`), deleting the passkey ends it, and `devices_for_user` lists it
  for the last-administrator rules (carter_site.accounts_admin).
- Every check of what the browser sends is py_webauthn's (Duo Labs): the site writes no signature
  checking of its own. What is ours is which challenge, origin and relying party it is checked
  against, and whose credential it may be.
- The challenge for adding a passkey lives in the (signed-in) session. The challenge for signing
  in is asked for by someone not signed in yet, so it is kept in the shared cache under a random id
  that a short-lived signed cookie carries (sign_in_cookie_name): a session row per anonymous
  request would let anyone fill the session table, whose rows outlive the challenge by hours.
  Either is taken out before anything else is checked (for the cache, by the delete that finds it
  there, which only one request can), so it answers once, right or wrong.
- Signing in asks the browser for a *discoverable* credential with an empty allowCredentials
  list, before the user name is known to the server: the page never learns whether an account
  exists or has a passkey. The one form post carries user name, password and the browser's answer
  together (carter_site.two_factor.TwoStepAuthenticationForm), and any failure is refused with the
  same sentence as a wrong code.
- The origin and the relying party id are the address the request came to (checked against
  ALLOWED_HOSTS by Django): a copy of the sign-in page on another address (a phishing proxy that
  relays what is typed) gets an answer the browser signed for that other address, which is refused.
"""

import json
import logging
import secrets
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from django.db import models, transaction
from django.http import HttpResponseNotAllowed, JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django_otp.models import Device, TimestampMixin
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

logger = logging.getLogger("carter_site.security")

ADD_CHALLENGE = "passkey_add_challenge"
# The signed cookie that carries the id of a sign-in challenge kept in the cache.
SIGN_IN_COOKIE_SALT = "carter_site.passkeys.sign_in"
SIGN_IN_CACHE_PREFIX = "passkey-sign-in:"
# How long the browser's answer to a challenge is accepted: time enough to unlock a phone.
CHALLENGE_SECONDS = 300
# The most a post may carry as an answer: real ones are a few hundred bytes to a few kilobytes.
MAX_ANSWER_LENGTH = 16_000


class Passkey(TimestampMixin, Device):
    """A passkey a staff member added for themselves on *My passkeys*: the public key of a key
    pair their phone, computer or security key keeps, and what the browser said about it."""

    credential_id = models.CharField(
        max_length=1400, unique=True, help_text="The credential's id, base64url, as the browser gives it."
    )
    public_key = models.BinaryField(help_text="The credential's public key (COSE).")
    sign_count = models.PositiveBigIntegerField(
        default=0, help_text="How many times the authenticator said it was used, at its last use."
    )
    user_handle = models.CharField(
        max_length=100, help_text="The random id the passkey keeps for its account (base64url)."
    )
    transports = models.JSONField(default=list, blank=True, help_text="How the browser reaches it.")

    class Meta(Device.Meta):
        verbose_name = "passkey"
        verbose_name_plural = "passkeys"

    def verify_token(self, token):
        return False  # a passkey answers a challenge, never a typed code


def relying_party(request):
    """(relying party id, origin) for `request`: the host it came to, and its scheme and host."""
    host = request.get_host()  # one of ALLOWED_HOSTS, or Django refuses the request first
    domain, _port = split_domain_port(host)
    return domain, f"{'https' if request.is_secure() else 'http'}://{host}"


def _new_challenge(request, key, **kept):
    challenge = secrets.token_bytes(32)
    request.session[key] = {"value": bytes_to_base64url(challenge), "at": time.time(), **kept}
    return challenge


def take_challenge(request, key, keeping=None):
    """The session's challenge for `key`, removed from the session (it answers once), or None when
    there is none or its time is up. With `keeping`, (challenge, what was kept with it by that name)."""
    from webauthn.helpers import base64url_to_bytes

    stored = request.session.pop(key, None)
    challenge, kept = None, None
    if isinstance(stored, dict):
        try:
            if time.time() - float(stored["at"]) <= CHALLENGE_SECONDS:
                challenge, kept = base64url_to_bytes(stored["value"]), stored.get(keeping)
        except (KeyError, TypeError, ValueError):
            pass
    return challenge if keeping is None else (challenge, kept if challenge is not None else None)


def _json(options):
    return JsonResponse(json.loads(options_to_json(options)))


def challenge_store():
    """The cache of sign-in challenges: `passkeys` (the settings give it its own folder without
    Redis), else the default cache; either is shared by every process that serves the site."""
    return caches["passkeys" if "passkeys" in settings.CACHES else "default"]


def sign_in_cookie_name():
    """`__Host-` like the session's and CSRF cookies where they have it (production)."""
    prefix = "__Host-" if settings.SESSION_COOKIE_NAME.startswith("__Host-") else ""
    return f"{prefix}passkey_sign_in"


def sign_in_options_view(request):
    """What the sign-in page's script asks the browser with: a fresh challenge, and no list of
    credentials (the server does not know yet who is signing in). The challenge is kept in the
    cache for CHALLENGE_SECONDS under a random id, sent back in a signed cookie that lasts as
    long: nothing is written to the session table for whoever asks."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    rp_id, _origin = relying_party(request)
    challenge, challenge_id = secrets.token_bytes(32), secrets.token_urlsafe(32)
    try:
        challenge_store().set(
            SIGN_IN_CACHE_PREFIX + challenge_id, bytes_to_base64url(challenge), timeout=CHALLENGE_SECONDS
        )
    except Exception as error:  # a cache that does not answer (Redis down): no passkey just now
        logger.warning(
            "No passkey challenge could be kept: the cache did not answer (%s).",
            type(error).__name__,
            extra={"event": "passkey_challenge_not_kept"},
        )
        return JsonResponse({"error": "Passkeys cannot be used just now: use the code."}, status=503)
    options = generate_authentication_options(
        rp_id=rp_id,
        challenge=challenge,
        timeout=CHALLENGE_SECONDS * 1000,
        allow_credentials=[],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    response = _json(options)
    response.set_signed_cookie(
        sign_in_cookie_name(),
        challenge_id,
        salt=SIGN_IN_COOKIE_SALT,
        max_age=CHALLENGE_SECONDS,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def take_sign_in_challenge(request):
    """The sign-in challenge whose id the request's cookie carries, removed from the cache (it
    answers once), or None: no cookie or a forged one, time up, or taken already. Two posts with
    the same cookie at once both may read it, but only one delete finds it there."""
    from webauthn.helpers import base64url_to_bytes

    try:
        challenge_id = request.get_signed_cookie(
            sign_in_cookie_name(), default=None, salt=SIGN_IN_COOKIE_SALT, max_age=CHALLENGE_SECONDS
        )
    except Exception:  # a cookie no browser of ours sent back (bad encoding)
        return None
    if not challenge_id:
        return None
    key = SIGN_IN_CACHE_PREFIX + challenge_id
    try:
        store = challenge_store()
        stored = store.get(key)
        if stored is None or not store.delete(key):
            return None
    except Exception:  # the cache does not answer: refused like any other answer without a challenge
        return None
    # The cache's timeout is the challenge's time: an entry past it is never read.
    try:
        return base64url_to_bytes(stored)
    except (TypeError, ValueError):
        return None


def user_handle_for(user):
    """The random id a new passkey of `user` keeps for the account: the one their other passkeys
    keep, so that a phone replaces, not doubles, a passkey for the same account."""
    existing = Passkey.objects.filter(user=user).values_list("user_handle", flat=True).first()
    return existing or bytes_to_base64url(secrets.token_bytes(32))


def add_options_view(request):
    """What *My passkeys*' script asks the browser with to make a new passkey for the signed-in
    staff member: a fresh challenge, kept in the session, and the passkeys they already have."""
    from webauthn.helpers import base64url_to_bytes

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = request.user
    rp_id, _origin = relying_party(request)
    handle = user_handle_for(user)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=getattr(settings, "OTP_TOTP_ISSUER", "Site editor"),
        user_name=user.get_username(),
        user_display_name=user.get_full_name() or user.get_username(),
        user_id=base64url_to_bytes(handle),
        # The account's id given to the device is kept with the challenge: the passkey made keeps it.
        challenge=_new_challenge(request, ADD_CHALLENGE, user_handle=handle),
        timeout=CHALLENGE_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))
            for credential_id in Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
        ],
    )
    return _json(options)


class PasskeyRefused(Exception):
    """The browser's answer does not sign this user in; the message is for the log only."""


def verify_sign_in(request, user, answer, challenge):
    """The passkey of `user` that signed `challenge` in `answer` (the JSON the sign-in page's
    script put in the form), its sign count and last use updated; PasskeyRefused otherwise."""
    if challenge is None:
        raise PasskeyRefused("no challenge for this browser, or its time is up, or it was used")
    if len(answer) > MAX_ANSWER_LENGTH:
        raise PasskeyRefused("answer too long")
    try:
        credential = parse_authentication_credential_json(answer)
    except Exception as error:  # py_webauthn's parsing raises several kinds on a bad answer
        raise PasskeyRefused(f"answer not readable ({type(error).__name__})") from None
    credential_id = bytes_to_base64url(credential.raw_id)
    rp_id, origin = relying_party(request)
    with transaction.atomic():
        device = (
            Passkey.objects.select_for_update()
            .filter(credential_id=credential_id, user=user, confirmed=True)
            .first()
        )
        if device is None:
            raise PasskeyRefused("no such passkey for this account")
        handle = credential.response.user_handle
        if handle is not None and bytes_to_base64url(handle) != device.user_handle:
            raise PasskeyRefused("the passkey names another account")
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=rp_id,
                expected_origin=origin,
                credential_public_key=bytes(device.public_key),
                credential_current_sign_count=device.sign_count,
                require_user_verification=True,
            )
        except Exception as error:  # InvalidAuthenticationResponse, and bad keys or encodings
            raise PasskeyRefused(f"not verified ({error})") from None
        device.sign_count = verified.new_sign_count
        device.last_used_at = timezone.now()
        device.save(update_fields=["sign_count", "last_used_at"])
    return device


def verify_new_passkey(request, answer, challenge):
    """py_webauthn's check of the browser's answer when a passkey is made, or PasskeyRefused."""
    if challenge is None:
        raise PasskeyRefused("no challenge in the session, or its time is up")
    if len(answer) > MAX_ANSWER_LENGTH:
        raise PasskeyRefused("answer too long")
    rp_id, origin = relying_party(request)
    try:
        parsed = json.loads(answer)
        verified = verify_registration_response(
            credential=answer,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=True,
        )
    except Exception as error:
        raise PasskeyRefused(f"not verified ({type(error).__name__})") from None
    transports = parsed.get("response", {}).get("transports") if isinstance(parsed, dict) else None
    if not (isinstance(transports, list) and all(isinstance(t, str) and len(t) < 30 for t in transports)):
        transports = []
    return verified, transports[:10]


class AddPasskeyForm(forms.Form):
    """*My passkeys*: a name, the password again, and what the browser made (put in by the script)."""

    name = forms.CharField(
        label="Name of this passkey",
        max_length=64,
        help_text="Something you will recognise in a list, such as “Dana's phone” or “Office laptop”.",
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Asked again, so that someone who finds your computer signed in cannot add a passkey of their own.",
    )
    credential = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        cleaned = super().clean()
        # Taken out of the session whatever follows: a challenge answers one post, right or wrong.
        challenge, handle = take_challenge(self.request, ADD_CHALLENGE, keeping="user_handle")
        if self.errors:
            return cleaned
        user = self.request.user
        if not user.check_password(cleaned["password"]):
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()}, request=self.request
            )
            self.add_error("password", "That is not your password. Type the one you signed in with.")
            return cleaned
        if not cleaned.get("credential"):
            raise forms.ValidationError(
                "No passkey was made: press “Add a passkey” and follow what your browser asks. "
                "This needs JavaScript, and a browser that can make passkeys.",
                code="no_credential",
            )
        try:
            verified, transports = verify_new_passkey(self.request, cleaned["credential"], challenge)
        except PasskeyRefused as refusal:
            logger.warning(
                "A new passkey was refused: %s.",
                refusal,
                extra={"event": "passkey_refused_at_adding", "user_id": user.pk},
            )
            raise forms.ValidationError(
                "The passkey could not be added: your browser's answer came too late or did not match. "
                "Press “Add a passkey” and try again.",
                code="passkey_refused",
            ) from None
        credential_id = bytes_to_base64url(verified.credential_id)
        if Passkey.objects.filter(credential_id=credential_id).exists():
            raise forms.ValidationError("This passkey is added already.", code="already_added")
        cleaned["verified"], cleaned["transports"], cleaned["user_handle"] = verified, transports, handle
        return cleaned

    def save(self):
        user = self.request.user
        verified = self.cleaned_data["verified"]
        return Passkey.objects.create(
            user=user,
            name=self.cleaned_data["name"],
            confirmed=True,
            credential_id=bytes_to_base64url(verified.credential_id),
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            user_handle=self.cleaned_data["user_handle"],
            transports=self.cleaned_data["transports"],
        )


def my_passkeys_view(request):
    """The signed-in staff member's own passkeys: add one, remove one (linked from the admin's
    user tools)."""
    from django.contrib.admin import site
    from django.contrib.admin.models import DELETION, LogEntry

    from .accounts_admin import NEW_AUTHENTICATOR_FIRST, last_manager_message, leaves_nobody
    from .admin_input import is_id
    from .audit import log_account_event
    from .two_factor import otp_required

    user = request.user
    form = AddPasskeyForm(request=request)
    if request.method == "POST" and "remove" in request.POST:
        # Only an id the column can hold: "²" passes str.isdigit() but not int(), and thousands of
        # digits pass both but not the database.
        removed = request.POST["remove"]
        with transaction.atomic():
            device = (
                Passkey.objects.select_for_update()
                .filter(user=user, pk=removed if is_id(Passkey._meta.pk, removed) else None)
                .first()
            )
            if device is None:
                messages.info(request, "That passkey was removed already.")
                return redirect("admin:my_passkeys")
            if otp_required() and leaves_nobody(leaving_out_devices=[device]):
                messages.error(request, last_manager_message("you are", NEW_AUTHENTICATOR_FIRST))
                return redirect("admin:my_passkeys")
            name = device.name
            LogEntry.objects.log_actions(
                user_id=user.pk, queryset=[device], action_flag=DELETION, single_object=True
            )
            device.delete()
            log_account_event(
                user, event="passkey_removed", message=f"Passkey “{name}” removed by its owner."
            )
        messages.success(request, f"“{name}” is removed: it no longer signs you in.")
        return redirect("admin:my_passkeys")
    if request.method == "POST":
        form = AddPasskeyForm(request.POST, request=request)
        if form.is_valid():
            device = form.save()
            log_account_event(
                user, event="passkey_added", message=f"Passkey “{device.name}” added by its owner."
            )
            messages.success(
                request,
                f"“{device.name}” is added. Next time you sign in, you can use it instead of a code from "
                "your authenticator app.",
            )
            return redirect("admin:my_passkeys")
    context = {
        **site.each_context(request),
        "title": "My passkeys",
        "form": form,
        "passkeys": Passkey.objects.filter(user=user).order_by("created_at", "pk"),
        "options_url": reverse("admin:passkey_add_options"),
    }
    return TemplateResponse(request, "admin/my_passkeys.html", context)
