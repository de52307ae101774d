"""Break glass: a one-time sign-in code for a staff member who cannot use their authenticator app.

    python manage.py break_glass_token dana            # prints one code, valid for an hour
    python manage.py break_glass_token dana --revoke   # removes unused codes and ends their sessions

For emergencies only (a lost or broken phone when no other administrator can help in the site
editor). Whoever can run this already controls the server. The code works once, within
BREAK_GLASS_TOKEN_MINUTES (60); the session it opens ends then too. Issuing it, using it and
revoking it are logged as warnings, recorded in the admin's history of the user, and issuing
emails the ADMINS. Procedure: docs/security.md, "Break glass".
"""

import base64
import datetime as dt
import getpass
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import mail_admins
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from carter_site.audit import log_account_event
from carter_site.text import typed_on_the_command_line
from carter_site.two_factor import BREAK_GLASS_PREFIX, why_no_way_in


def new_code():
    """16 characters from a 80-bit random number, in letters and digits that are easy to read out."""
    return base64.b32encode(os.urandom(10)).decode("ascii").lower()


class Command(BaseCommand):
    help = "Issue (or revoke) a one-time break-glass sign-in code for a staff member."

    def add_arguments(self, parser):
        parser.add_argument("username", type=typed_on_the_command_line)
        parser.add_argument("--revoke", action="store_true", help="Remove the user's break-glass codes.")
        parser.add_argument(
            "--reason",
            default="",
            type=typed_on_the_command_line,
            help="Why: goes into the log and the audit trail.",
        )

    def handle(self, *args, username, revoke, reason, **options):
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"There is no user {username!r}.") from None
        operator = _operator()
        devices = StaticDevice.objects.filter(user=user, name__startswith=BREAK_GLASS_PREFIX)

        if revoke:
            count = devices.count()
            devices.delete()
            log_account_event(
                user,
                event="break_glass",
                message=f"Break-glass codes revoked on the server by {operator} ({count} removed).",
            )
            self.stdout.write(self.style.SUCCESS(f"Removed {count} break-glass code(s) for {username}."))
            return

        refusal = why_no_way_in(user, "no break-glass code was issued")
        if refusal:
            raise CommandError(refusal)
        if not user.has_usable_password():
            raise CommandError(
                f"{username} has no password to sign in with (password sign-in is disabled), and the "
                "code only works with one: no break-glass code was issued. Set a password first: "
                f"python manage.py changepassword {username}"
            )
        minutes = settings.BREAK_GLASS_TOKEN_MINUTES
        expires = timezone.now() + dt.timedelta(minutes=minutes)
        code = new_code()
        with transaction.atomic():
            devices.delete()  # one code at a time
            device = StaticDevice.objects.create(
                user=user, name=f"{BREAK_GLASS_PREFIX} {timezone.now():%Y-%m-%d %H:%M} UTC", confirmed=True
            )
            StaticToken.objects.create(device=device, token=code)
            message = (
                f"Break-glass code issued on the server by {operator}, valid until "
                f"{expires:%Y-%m-%d %H:%M} UTC." + (f" Reason: {reason}" if reason else "")
            )
            log_account_event(user, event="break_glass", message=message)
        try:
            mail_admins(f"Break-glass sign-in code issued for {username}", message, fail_silently=False)
        except Exception as error:  # the code still works; say that the email did not go out
            self.stderr.write(f"Could not email ADMINS about this ({error}); tell them yourself.")
        self.stdout.write(
            f"One-time code for {username}: {code}\n"
            f"It works once, until {expires:%H:%M} UTC ({minutes} minutes). Enter it in the "
            "“Code from your authenticator app” field with the user name and password.\n"
            "Afterwards: set up a new authenticator app for this user, then run\n"
            f"  python manage.py break_glass_token {username} --revoke\n"
        )


def _operator():
    try:
        return getpass.getuser()
    except Exception:
        return "an unknown operating-system user"
