"""The admin's door: two-step sign-in for staff, login lockout, and who may pass.

- `CarterAdminSite` is Django's admin site (installed through carter_site.admin_config). With
  `ADMIN_REQUIRE_OTP` (always on in production) it asks for a code from an authenticator app
  (django-otp TOTP) after the password, and lets in only sessions verified that way. A staff
  member with a password but no confirmed authenticator gets no admin page.
- A break-glass code (`manage.py break_glass_token`, docs/security.md) is a one-time django-otp
  static token: it works once, within BREAK_GLASS_TOKEN_MINUTES, the session it opens ends when
  that time is up, and issuing and using it are both logged and recorded in the admin's history.
- A passkey (carter_site.passkeys) may take the code's place: the sign-in page's script puts the
  browser's signed answer into the same form, and the password and the answer are checked
  together. Any refusal is the same sentence as for a wrong code.
- Wrong codes and refused passkeys count as failed sign-ins for django-axes, like wrong
  passwords; `lockout_response` is the page a locked-out person sees.
"""

import datetime as dt
import functools
import logging

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .admin_input import CheckedInitialValuesMixin, CheckedListRequestsMixin, PlainFieldMessagesMixin

logger = logging.getLogger("carter_site.security")

BREAK_GLASS_PREFIX = "break-glass"


def otp_required():
    return getattr(settings, "ADMIN_REQUIRE_OTP", False)


def confirmed_devices(user):
    from django_otp import devices_for_user

    return list(devices_for_user(user, confirmed=True))


def why_no_way_in(user, refused):
    """The sentence that refuses to give `user` a way to sign in (an authenticator app, a
    break-glass code) when the account may not sign in at all, or None. `refused` says what was
    not done ("no break-glass code was issued")."""
    username = user.get_username()
    if not user.is_active:
        return (
            f"{username}'s account is deactivated, so it may not sign in: {refused}. If {username} is "
            "back, tick Active on the account in the admin (Users) first."
        )
    if not user.is_staff:
        return (
            f"{username} is not staff: only staff sign in to the site editor, so {refused}. If they "
            "should, tick Staff status on the account in the admin (Users) first."
        )
    return None


def is_break_glass(device):
    # A static token device only: a passkey or an app its owner named "break-glass…" is not one.
    return (
        device is not None
        and device.__class__.__name__ == "StaticDevice"
        and device.name.startswith(BREAK_GLASS_PREFIX)
    )


def break_glass_expired(device):
    limit = dt.timedelta(minutes=getattr(settings, "BREAK_GLASS_TOKEN_MINUTES", 60))
    return device.created_at is None or device.created_at + limit < timezone.now()


class TwoStepAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form: user name, password and the code from an authenticator app, or
    the answer of a passkey (put into `passkey` by the page's script, static/js/passkeys.js)."""

    otp_token = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off"}
        ),
        help_text="Six digits, from the app you set up for this site. Break-glass codes also go here.",
    )
    passkey = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    # One answer for every refusal after the password is read: a wrong password, a wrong or
    # expired code, too many codes, no authenticator, a passkey refused. A separate message for a
    # wrong code would tell whoever is guessing that the password was right. The log keeps the reason.
    refused = (
        "The user name, password or code is not right. Check them, and enter the code your app shows "
        "now: codes change every 30 seconds, and after several wrong codes, wait a minute. If you used "
        "a passkey, use one you added for this account, on this address. If no authenticator app is "
        "set up for your account yet, or your break-glass code has expired, ask an administrator."
    )
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": refused,
        "token_required": (
            "Enter the six-digit code from your authenticator app with your password, or use your passkey."
        ),
        **dict.fromkeys(
            ["no_device", "invalid_token", "throttled", "expired_break_glass", "passkey_refused"], refused
        ),
    }

    def clean(self):
        from .passkeys import take_sign_in_challenge

        token = "".join((self.cleaned_data.get("otp_token") or "").split())
        answer = self.cleaned_data.get("passkey") or ""
        # Taken out of the cache whatever follows: a challenge answers one post, right or wrong.
        challenge = take_sign_in_challenge(self.request) if self.request is not None else None
        if not (token or answer):
            # Asked for before the password is read, so it says nothing about the password.
            raise forms.ValidationError(self.error_messages["token_required"], code="token_required")
        cleaned = super().clean()  # the password (django-axes refuses locked-out users here)
        user = self.get_user()
        if user is not None:
            if answer:
                user.otp_device = self.verify_passkey(user, answer, challenge)
            else:
                user.otp_device = self.verify_second_step(user, token)
        return cleaned

    def verify_passkey(self, user, answer, challenge):
        from .passkeys import PasskeyRefused, verify_sign_in

        try:
            return verify_sign_in(self.request, user, answer, challenge)
        except PasskeyRefused as refusal:
            logger.warning(
                "Admin sign-in with a passkey refused: %s.",
                refusal,
                extra={"event": "admin_passkey_refused", "user_id": user.pk},
            )
        self.second_step_failed(user, "passkey_refused")

    def verify_second_step(self, user, token):
        devices = confirmed_devices(user)
        if not devices:
            self.second_step_failed(user, "no_device")
        # Six digits are an app's code; letters a break-glass code. A passkey answers a challenge,
        # never a typed code; and one-time codes count only as `break_glass_token` makes them: any
        # other (typed into the admin before it stopped taking codes) signs nobody in.
        candidates = [
            device
            for device in devices
            if (token.isdigit() and device.__class__.__name__ == "TOTPDevice")
            or (not token.isdigit() and is_break_glass(device))
        ]
        error = "invalid_token"
        for candidate in candidates:
            with transaction.atomic():
                device = type(candidate).objects.select_for_update().get(pk=candidate.pk)
                if is_break_glass(device) and break_glass_expired(device):
                    device.delete()
                    error = "expired_break_glass"
                    continue
                allowed, _details = device.verify_is_allowed()
                if not allowed:
                    error = "throttled"
                    continue
                if device.verify_token(token.lower() if not token.isdigit() else token):
                    return device
        self.second_step_failed(user, error)

    def second_step_failed(self, user, code):
        """A wrong or missing second step counts as a failed sign-in (django-axes locks on it)."""
        logger.warning(
            "Admin sign-in refused at the second step.",
            extra={"event": "admin_second_step_refused", "reason": code},
        )
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username()},
            request=self.request,
        )
        raise forms.ValidationError(self.error_messages[code], code=code)


def signed_out_while_saving():
    """What the sign-in page says to an editor whose session ended before they saved."""
    hours = settings.SESSION_COOKIE_AGE / 3600
    lasts = f"{hours:g} hours" if hours >= 2 else f"{settings.SESSION_COOKIE_AGE // 60} minutes"
    return (
        f"You were signed out before this was sent (a sign-in lasts {lasts}), so the change you were "
        "saving was not saved. Sign in again, open the page again and make the change again."
    )


class CarterAdminSite(admin.AdminSite):
    """Django's admin site, with two-step sign-in when settings.ADMIN_REQUIRE_OTP is on, whose
    model admins answer bad list requests calmly (carter_site.admin_input)."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        missing = tuple(
            mixin
            for mixin in (CheckedListRequestsMixin, CheckedInitialValuesMixin, PlainFieldMessagesMixin)
            if not issubclass(admin_class, mixin)
        )
        if missing:
            admin_class = type(
                admin_class.__name__,
                (*missing, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def admin_view(self, view, cacheable=False):
        """Django's, and when what it sends to the sign-in page is a form that was being saved (the
        session ended while the editor worked on it, SESSION_COOKIE_AGE after signing in), the
        sign-in page says the change was not saved: Django's own page says only "Log in"."""
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def wrapped(request, *args, **kwargs):
            response = inner(request, *args, **kwargs)
            sent_to_sign_in = response.status_code == 302 and response.get("Location", "").startswith(
                reverse("admin:login", current_app=self.name)
            )
            if request.method == "POST" and sent_to_sign_in and request.path != reverse("admin:logout"):
                messages.warning(request, signed_out_while_saving())
            return response

        return wrapped

    def get_urls(self):
        from articles.notices import my_notices_view

        from .coming_up import coming_up_view
        from .passkeys import add_options_view, my_passkeys_view, sign_in_options_view
        from .uploads_admin import uploads_view

        return [
            # Before Django's own "View on site", which answers for any object of any model.
            path(
                "r/<int:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
            # Before signing in: a challenge for the sign-in page's passkey button.
            path("login/passkey/", never_cache(sign_in_options_view), name="passkey_sign_in_options"),
            path("my-passkeys/", self.admin_view(my_passkeys_view), name="my_passkeys"),
            path("my-passkeys/options/", self.admin_view(add_options_view), name="passkey_add_options"),
            path("uploads/", self.admin_view(uploads_view), name="uploads"),
            path("coming-up/", self.admin_view(coming_up_view), name="coming_up"),
            path("my-notices/", self.admin_view(my_notices_view), name="my_notices"),
            *super().get_urls(),
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """The change form's "View on site": the object's page, at this address, for whoever may see
        the object in the admin.

        Django's own (django.contrib.contenttypes' shortcut) asks only for staff status: it sent any
        staff member, one in no group too, to the address of any object of any model, a draft's
        or a shared preview link's (its token, which shows the draft to anyone), and it sent it to
        the host of the Site row (example.com, which this site does not use: docs/seo.md)."""
        from django.contrib.contenttypes.models import ContentType
        from django.core.exceptions import PermissionDenied
        from django.http import Http404, HttpResponseRedirect

        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type is not None else None
        model_admin = self._registry.get(model) if model is not None else None
        if model_admin is None:
            raise Http404("Nothing of that kind has a page of its own.")
        obj = model_admin.get_object(request, object_id)  # an id that is not one: None
        if obj is None:
            raise Http404("Nothing with that id.")
        if not model_admin.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if callable(model_admin.view_on_site):
            url = model_admin.view_on_site(obj)
        elif model_admin.view_on_site and hasattr(obj, "get_absolute_url"):
            url = obj.get_absolute_url()
        else:
            url = None
        if not url:
            raise Http404("This has no page on the site.")
        return HttpResponseRedirect(url)

    def index(self, request, extra_context=None):
        from articles.admin import (
            declined_reviews,
            reviews_due_again,
            scheduled_without_review,
            waiting_for_review,
        )

        from .coming_up import summary
        from .editor_uploads import may_edit_rich_text
        from .not_found import not_found_this_week

        extra_context = {
            "not_found_this_week": not_found_this_week(request),
            "coming_up": summary(request),
            "may_manage_uploads": may_edit_rich_text(request),
            "waiting_for_review": waiting_for_review(request),
            "declined_reviews": declined_reviews(request),
            "scheduled_without_review": scheduled_without_review(request),
            "reviews_due_again": reviews_due_again(request),
            **(extra_context or {}),
        }
        return super().index(request, extra_context)

    @property
    def login_form(self):
        return TwoStepAuthenticationForm if otp_required() else None

    @property
    def login_template(self):
        return "admin/login_two_step.html" if otp_required() else None

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return passed_second_step(request.user)


def passed_second_step(user):
    """Whether `user` (a request's, through django-otp's middleware) signed in with the second step,
    when it is required: with a device that still exists, and not with a break-glass code whose
    time is up. The admin asks it, and so do public pages before they show staff a draft."""
    if not otp_required():
        return True
    is_verified = getattr(user, "is_verified", None)
    if not (is_verified and is_verified()):
        return False
    # A session opened with a break-glass code ends when the code's time is up.
    device = user.otp_device
    return not (is_break_glass(device) and break_glass_expired(device))


def admin_permission_required(view):
    """Let through only requests the admin site itself would let in (two-step sign-in included)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if admin.site.has_permission(request):
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))

    return wrapped


@receiver(user_logged_in)
def _forgive_own_failures(sender, request, user, **kwargs):
    """Clear the failed sign-ins of this user name from this address, and nothing else.

    Failures recorded against other user names, or against this one from elsewhere, still count
    towards their locks (settings.AXES_RESET_ON_SUCCESS is off for this reason)."""
    if request is None:
        return
    from axes.models import AccessAttempt

    from .security import client_ip

    AccessAttempt.objects.filter(username=user.get_username(), ip_address=client_ip(request)).delete()


@receiver(user_logged_in)
def _remove_expired_sessions(sender, request, user, **kwargs):
    """Delete the sessions whose time is up, from whatever store the settings use, at each sign-in.

    Django leaves them in the table for ever (its `clearsessions` command is the only clean-up).
    Signing in is what writes a session here, so cleaning at the same moment keeps the table to
    the sessions of the last SESSION_COOKIE_AGE, with no cron job to forget: one indexed DELETE.
    A failure is logged and the sign-in goes on."""
    from importlib import import_module

    from django.db import DatabaseError

    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the sign-in's transaction usable
            import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    except (DatabaseError, OSError) as error:
        logger.warning(
            "Expired sessions could not be removed at a sign-in (%s).",
            type(error).__name__,
            extra={"event": "expired_sessions_not_removed"},
        )


@receiver(user_logged_in)
def _audit_break_glass_sign_in(sender, request, user, **kwargs):
    """A sign-in with a break-glass code is logged loudly and recorded in the admin's history."""
    device = getattr(user, "otp_device", None)
    if not is_break_glass(device):
        return
    from django.contrib.admin.models import CHANGE, LogEntry

    logger.warning(
        "Admin sign-in with a break-glass code.",
        extra={"event": "break_glass_sign_in", "user_id": user.pk, "device": device.name},
    )
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=f"Signed in with a break-glass code ({device.name}).",
        single_object=True,
    )


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: a clear page, status 429."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Signing in is paused",
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "admin/locked_out.html", context, status=429)
