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
sends nothing. The changes of one transaction (one request, one command) reach each owner as one
email listing them, a break-glass code replaced by a new one said as that; and all the emails of
one transaction share one connection to the mail server, so a server that is down costs one
EMAIL_TIMEOUT, not one per change. It carries no password, code, secret or link. A mail server that
is down or refuses it is logged, one entry per email not sent (event `sign_in_notice_not_sent`),
and the person acting reads a warning; the change stays made. An account without an address gets
nothing, and the log says so (event `sign_in_notice_no_address`). Not emailed: a new account
(nobody to warn yet) or its first password, a password hash brought up to date at a sign-in, a
break-glass code removed once its time was up, and an authenticator that never signed anyone in
(unconfirmed) being removed.
"""

import contextlib
import contextvars
import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_init, post_save, pre_save
from django.utils import timezone

from .publishing import local_time

logger = logging.getLogger("carter_site.security")

# The request being answered, for "by whom"; None on the command line.
_current_request = contextvars.ContextVar("sign_in_notices_request", default=None)

COMMAND_LINE = "on the server's command line"
SUBJECT = "How you sign in to the site editor changed"
BREAK_GLASS_REVOKED = "A break-glass code of your account was revoked: it no longer signs you in."

# Refusals of one message (one address, its data); any other error means the server cannot be
# reached or dropped the connection, and the emails after it are not tried.
_ONE_MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


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


class _Batch:
    """The changes made in one transaction (one savepoint of it), by account, waiting for the commit.
    Each change registers a callback of its own; all of them share the fate of the savepoint they
    were made in, so the first to run after the commit sends the whole batch, and the others find
    it sent."""

    def __init__(self, request, when, actor_pk, actor_name):
        self.request, self.when, self.actor_pk, self.actor_name = request, when, actor_pk, actor_name
        self.changes = {}  # owner's pk: [what, ...], in the order made
        self.callbacks = []
        self.sent = False

    def send(self):
        if self.sent:
            return
        self.sent = True
        _send(self.request, self.changes, self.when, self.actor_pk, self.actor_name)


def _pending_batch(connection, actor_pk):
    """(key, batches, the batch of the savepoint being run or None). A batch whose callbacks are no
    longer pending was rolled back (or sent): it is forgotten, and a new one starts."""
    pending = {id(func) for _sids, func, _robust in connection.run_on_commit}
    batches = {
        key: batch
        for key, batch in connection.__dict__.get("_sign_in_notice_batches", {}).items()
        if not batch.sent and any(id(callback) in pending for callback in batch.callbacks)
    }
    connection._sign_in_notice_batches = batches
    # An atomic block without a savepoint of its own (None: a delete, a save) shares the fate of
    # the block around it.
    key = (tuple(sid for sid in connection.savepoint_ids if sid is not None), actor_pk)
    return key, batches, batches.get(key)


def change_made(owner, what):
    """Email `owner` (a user) that `what` happened to how they sign in ("Your password was
    changed."), once the transaction commits. Call it inside the transaction of the change: the
    changes of one transaction reach each owner as one email, and all its emails share one
    connection to the mail server."""
    request, actor = _acting()
    actor_pk = actor.pk if actor is not None else None
    connection = transaction.get_connection()
    batch = None
    if connection.in_atomic_block:
        key, batches, batch = _pending_batch(connection, actor_pk)
    if batch is None:
        actor_name = _name(actor) if actor is not None else None
        batch = _Batch(request, local_time(timezone.now()), actor_pk, actor_name)
        if connection.in_atomic_block:
            batches[key] = batch
    batch.changes.setdefault(owner.pk, []).append(what)

    def callback():
        batch.send()

    batch.callbacks.append(callback)
    transaction.on_commit(callback)


def _combined(changes):
    """The sentences of one account's changes, a break-glass code replaced by another said once."""
    changes = list(dict.fromkeys(changes))  # the same change twice (a code revoked twice) said once
    issued = _break_glass_issued()
    if BREAK_GLASS_REVOKED in changes and issued in changes:
        changes.remove(BREAK_GLASS_REVOKED)
        changes[changes.index(issued)] = _break_glass_replaced()
    return changes


def _body(owner, changes, when, by):
    if len(changes) == 1:
        what = changes[0]
    else:
        what = "How you sign in to the site editor changed in these ways:\n\n" + "\n".join(
            f"- {change}" for change in changes
        )
    return (
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


def _not_sent(user_pk, error):
    logger.warning(
        "A change to how a staff member signs in could not be emailed to them.",
        extra={
            "event": "sign_in_notice_not_sent",
            "user_id": user_pk,
            "error": type(error).__name__,
            "smtp_code": getattr(error, "smtp_code", None),
        },
    )


def _send(request, changes, when, actor_pk, actor_name):
    """Email each owner in `changes` ({owner's pk: [what, ...]}) one email, all over one connection."""
    try:
        owners = get_user_model().objects.in_bulk(list(changes))
    except DatabaseError as error:  # the change is committed: a page or command must not fail now
        for owner_pk in changes:
            _not_sent(owner_pk, error)
        return
    emails = []
    for owner_pk, whats in changes.items():
        owner = owners.get(owner_pk)
        if owner is None or not owner.is_staff:
            continue  # the account is gone, or is not a staff account
        if not owner.email:
            logger.warning(
                "A change to how a staff member signs in was not emailed to them: their account has no "
                "email address.",
                extra={"event": "sign_in_notice_no_address", "user_id": owner.pk},
            )
            continue
        if actor_pk is None:
            by = COMMAND_LINE
        elif actor_pk == owner.pk:
            by = "by you, signed in to the site editor"
        else:
            by = f"by {actor_name}, signed in to the site editor"
        emails.append((owner, _body(owner, _combined(whats), when, by)))
    if not emails:
        return
    failed = []
    try:
        connection = get_connection()
        connection.open()
    except Exception as error:  # the server cannot be reached, or the backend is misconfigured
        failed = [(owner, error) for owner, _body_text in emails]
        connection = None
    if connection is not None:
        try:
            for index, (owner, body) in enumerate(emails):
                message = EmailMessage(
                    SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [owner.email], connection=connection
                )
                try:
                    message.send()
                except Exception as error:  # refused, or the server dropped the connection
                    failed.append((owner, error))
                    if not isinstance(error, _ONE_MESSAGE_REFUSED):  # the rest would wait in vain
                        failed += [(rest, error) for rest, _body_text in emails[index + 1 :]]
                        break
        finally:
            with contextlib.suppress(Exception):  # closing a connection that broke: nothing more to do
                connection.close()
    for owner, error in failed:
        _not_sent(owner.pk, error)
    if failed and request is not None:
        names = ", ".join(sorted(owner.get_username() for owner, _error in failed))
        if len(failed) == 1:
            said = f"The change is saved; the email telling {names} of it could not be sent"
        else:
            said = f"The changes are saved; the emails telling {names} of them could not be sent"
        messages.warning(
            request,
            f"{said} (the mail server did not take it). Tell them yourself.",
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


def _break_glass_issued():
    minutes = getattr(settings, "BREAK_GLASS_TOKEN_MINUTES", 60)
    return (
        "A one-time break-glass code was issued for your account: with your password, it signs "
        f"you in once, within {minutes} minutes of being issued."
    )


def _break_glass_replaced():
    minutes = getattr(settings, "BREAK_GLASS_TOKEN_MINUTES", 60)
    return (
        "The break-glass code of your account was replaced: the one issued before no longer signs you "
        "in, and a new one-time code was issued, which with your password signs you in once, within "
        f"{minutes} minutes of being issued."
    )


def _added(device):
    match _kind(device):
        case "authenticator":
            return f"An authenticator app (“{device.name}”) was added to your account: its codes now sign you in."
        case "passkey":
            return f"A passkey (“{device.name}”) was added to your account: it now signs you in."
        case "break-glass":
            return _break_glass_issued()
    return None


def _removed(device):
    match _kind(device):
        case "authenticator":
            return f"The authenticator app “{device.name}” was removed from your account: its codes no longer sign you in."
        case "passkey":
            return f"The passkey “{device.name}” was removed from your account: it no longer signs you in."
        case "break-glass":
            return BREAK_GLASS_REVOKED
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
