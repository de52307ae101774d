"""Emails telling a staff member that how they sign in changed (docs/security.md, "Changes to how
someone signs in are emailed to them").

An administrator may reset a colleague's password, remove their authenticator app and set up
another: the colleague must hear of it at once, not at their next sign-in. So whenever, on a
staff account,

- the password is changed, reset or turned off (the admin's password page, a staff member's own
  *Change password*, `manage.py changepassword`),
- an authenticator app starts or stops signing in (confirmed, unticked, deleted: in the admin or
  with `manage.py enroll_totp`),
- a passkey is added or removed (*My passkeys*, the admin's Passkeys),
- a break-glass code is issued or revoked (`manage.py break_glass_token`, the admin),

the account's owner gets an email at their address saying what changed, when (Atlanta time), by
whom ("you", a colleague's name, or "on the server's command line") and what to do if it was not
them. The change is seen where it is saved (signals on the models), so no page or command that
changes these can leave it out.

The email leaves after the change's transaction commits (`transaction.on_commit`): a change undone
sends nothing, and each change sends one. It carries no password, code, secret or link. A mail
server that is down or refuses it is logged (event `sign_in_notice_not_sent`) and the person acting
reads a warning; the change stays made. An account without an address gets nothing, and the log
says so (event `sign_in_notice_no_address`). Not emailed: a new account (nobody to warn yet) or its
first password, a password hash brought up to date at a sign-in, a break-glass code removed once its time was up,
and an authenticator that never signed anyone in (unconfirmed) being removed.
"""

import contextvars
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_init, post_save, pre_save
from django.utils import timezone

from .publishing import local_time

logger = logging.getLogger("carter_site.security")

# The request being answered, for "by whom"; None on the command line.
_current_request = contextvars.ContextVar("sign_in_notices_request", default=None)

COMMAND_LINE = "on the server's command line"


class CurrentRequestMiddleware:
    """Remembers the request while it is answered, so that a change to how someone signs in,
    seen on the model, can say who made it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def _acting():
    """(the request, the signed-in user making the change) or (None, None) on the command line."""
    request = _current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is None or not user.is_authenticated:
        return request, None
    return request, user


def _name(user):
    full = user.get_full_name().strip()
    return f"{full} ({user.get_username()})" if full else user.get_username()


def change_made(owner, what):
    """Email `owner` (a user) that `what` happened to how they sign in ("Your password was
    changed."), once the transaction commits. Call it inside the transaction of the change."""
    request, actor = _acting()
    owner_pk, actor_pk = owner.pk, actor.pk if actor is not None else None
    actor_name = _name(actor) if actor is not None else None
    when = local_time(timezone.now())
    transaction.on_commit(lambda: _send(request, owner_pk, what, when, actor_pk, actor_name))


def _send(request, owner_pk, what, when, actor_pk, actor_name):
    try:
        owner = get_user_model().objects.filter(pk=owner_pk).first()
    except DatabaseError as error:  # the change is committed: a page or command must not fail now
        logger.warning(
            "A change to how a staff member signs in could not be emailed to them.",
            extra={"event": "sign_in_notice_not_sent", "user_id": owner_pk, "error": type(error).__name__},
        )
        return
    if owner is None or not owner.is_staff:
        return  # the account is gone, or is not a staff account
    if not owner.email:
        logger.warning(
            "A change to how a staff member signs in was not emailed to them: their account has no "
            "email address.",
            extra={"event": "sign_in_notice_no_address", "user_id": owner.pk},
        )
        return
    if actor_pk is None:
        by = COMMAND_LINE
    elif actor_pk == owner.pk:
        by = "by you, signed in to the site editor"
    else:
        by = f"by {actor_name}, signed in to the site editor"
    body = (
        f"{what}\n\n"
        f"Account: {owner.get_username()}\n"
        f"When: {when} (Atlanta time)\n"
        f"Done: {by}\n\n"
        "If you did this, or asked for it, there is nothing to do.\n\n"
        "If you did not: someone may be able to sign in as you. Tell a Site administrator at once, "
        "by phone or in person, not by replying to this email. They can end your account's sessions, "
        "set a new password and remove the ways in you do not recognise, and the account's history "
        "in the site editor shows what was done.\n\n"
        "-- \nThis email is sent whenever how you sign in to the site editor changes, and cannot be "
        "turned off. It never contains a password or a code.\n"
    )
    try:
        EmailMessage(
            "How you sign in to the site editor changed",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [owner.email],
        ).send()
    except Exception as error:  # the mail server is down, refused the address, or is misconfigured
        logger.warning(
            "A change to how a staff member signs in could not be emailed to them.",
            extra={
                "event": "sign_in_notice_not_sent",
                "user_id": owner.pk,
                "error": type(error).__name__,
                "smtp_code": getattr(error, "smtp_code", None),
            },
        )
        if request is not None:
            messages.warning(
                request,
                f"The change is saved; the email telling {owner.get_username()} of it could not be sent "
                "(the mail server did not take it). Tell them yourself.",
                fail_silently=True,
            )


# --- What counts as a change, seen on the models.


def _password_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    old = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is None or old == instance.password:
        return
    if old == "":
        # An account saved with no password at all (not even a disabled one, as Django's forms and
        # commands make) given its first: part of making it, like a new account.
        return
    usable = instance.has_usable_password()
    # A sign-in that brings the hash up to date (AbstractBaseUser.check_password) saves only the
    # password, with the raw one forgotten: the same password, in a newer hash.
    if (
        usable
        and instance._password is None
        and update_fields is not None
        and set(update_fields) == {"password"}
    ):
        return
    what = (
        "Your password for the site editor was changed."
        if usable
        else "Signing in to the site editor with your password was turned off for your account."
    )
    change_made(instance, what)


def _kind(device):
    from .two_factor import is_break_glass

    name = device.__class__.__name__
    if name == "TOTPDevice":
        return "authenticator"
    if name == "Passkey":
        return "passkey"
    if is_break_glass(device):
        return "break-glass"
    return None


def _remember_confirmed(sender, instance, **kwargs):
    # Read without a query: a device read with `.only()` leaves it out, and is not saved whole.
    instance._confirmed_when_read = (
        instance.__dict__.get("confirmed", False) if instance.pk is not None else False
    )


def _added(device):
    match _kind(device):
        case "authenticator":
            return f"An authenticator app (“{device.name}”) was added to your account: its codes now sign you in."
        case "passkey":
            return f"A passkey (“{device.name}”) was added to your account: it now signs you in."
        case "break-glass":
            minutes = getattr(settings, "BREAK_GLASS_TOKEN_MINUTES", 60)
            return (
                "A one-time break-glass code was issued for your account: with your password, it signs "
                f"you in once, within {minutes} minutes of being issued."
            )
    return None


def _removed(device):
    match _kind(device):
        case "authenticator":
            return f"The authenticator app “{device.name}” was removed from your account: its codes no longer sign you in."
        case "passkey":
            return f"The passkey “{device.name}” was removed from your account: it no longer signs you in."
        case "break-glass":
            return "A break-glass code of your account was revoked: it no longer signs you in."
    return None


def _device_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    was = False if created else getattr(instance, "_confirmed_when_read", False)
    now = bool(instance.confirmed)
    instance._confirmed_when_read = now
    if now == was:
        return  # a code checked, a passkey used, a name changed: how one signs in is the same
    what = _added(instance) if now else _removed(instance)
    if what:
        change_made(instance.user, what)


def _device_deleted(sender, instance, **kwargs):
    from .two_factor import break_glass_expired, is_break_glass

    if not instance.confirmed:
        return  # it never signed anyone in
    if is_break_glass(instance) and break_glass_expired(instance):
        return  # removed once its time was up: it no longer worked
    what = _removed(instance)
    if what:
        change_made(instance.user, what)


def connect_signals():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .passkeys import Passkey

    pre_save.connect(_password_before_save, sender=get_user_model(), dispatch_uid="sign_in_notices:password")
    for model in (TOTPDevice, StaticDevice, Passkey):
        label = model._meta.label
        post_init.connect(_remember_confirmed, sender=model, dispatch_uid=f"sign_in_notices:init:{label}")
        post_save.connect(_device_saved, sender=model, dispatch_uid=f"sign_in_notices:save:{label}")
        post_delete.connect(_device_deleted, sender=model, dispatch_uid=f"sign_in_notices:delete:{label}")
