"""Set up an authenticator app (TOTP) for a staff member, from the server's command line.

    python manage.py enroll_totp dana            # prints a QR code and the secret to type in
    python manage.py enroll_totp dana --confirm 123456

The first command makes a new, unconfirmed device and shows it once; the second confirms it with
a code the app shows, after which the code is asked for at every sign-in. Administrators who are
signed in can do the same in the site editor, under "TOTP devices". See docs/security.md.
"""

import argparse

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from carter_site.audit import log_account_event
from carter_site.text import typed_on_the_command_line
from carter_site.two_factor import why_no_way_in


def device_name(raw):
    """argparse type: a name the device's column holds, said in one line of usage error when it
    is not (PostgreSQL refused a longer one with a traceback, SQLite kept it whole)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    name = " ".join(typed_on_the_command_line(raw).split())
    limit = TOTPDevice._meta.get_field("name").max_length
    if not name:
        raise argparse.ArgumentTypeError('give the device a name, for example "Dana\'s phone"')
    if len(name) > limit:
        raise argparse.ArgumentTypeError(
            f"a device's name holds at most {limit} characters, and this one has {len(name)}"
        )
    return name


class Command(BaseCommand):
    help = "Set up (or confirm) an authenticator app for a staff member's two-step sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username", type=typed_on_the_command_line)
        parser.add_argument(
            "--name", default="Authenticator app", type=device_name, help="A name for the device."
        )
        parser.add_argument(
            "--confirm",
            metavar="CODE",
            help="Confirm the newest unconfirmed device with a code from the app.",
        )

    def handle(self, *args, username, name, confirm, **options):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"There is no user {username!r}.") from None
        refusal = why_no_way_in(
            user, "no authenticator app was confirmed" if confirm else "no authenticator app was set up"
        )
        if refusal:
            raise CommandError(refusal)

        if confirm:
            # A wrong code is counted (django-otp's throttling) and that count is kept: the refusal
            # is raised after the transaction, not inside it, where it undid the count.
            with transaction.atomic():
                device = (
                    TOTPDevice.objects.select_for_update()
                    .filter(user=user, confirmed=False)
                    .order_by("-pk")
                    .first()
                )
                if device is None:
                    raise CommandError(f"{username} has no device waiting for confirmation.")
                allowed, details = device.verify_is_allowed()
                matched = allowed and device.verify_token("".join(confirm.split()))
                if matched:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    log_account_event(
                        user,
                        event="totp_enrolment",
                        message=f"Authenticator app “{device.name}” confirmed on the server.",
                    )
            if not allowed:
                until = (details or {}).get("locked_until")
                when = f"until {timezone.localtime(until):%Y-%m-%d %H:%M:%S %Z}" if until else "for a moment"
                raise CommandError(
                    f"Several wrong codes were entered for this device just now, so codes are not "
                    f"checked {when}: then enter the code the app shows."
                )
            if not matched:
                raise CommandError("That code did not match. Enter the code the app shows now.")
            self.stdout.write(
                self.style.SUCCESS(f"Confirmed. {username} now signs in with a code from the app.")
            )
            return

        device = TOTPDevice.objects.create(user=user, name=name, confirmed=False)
        log_account_event(
            user,
            event="totp_enrolment",
            message=f"Authenticator app “{name}” set up on the server (not yet confirmed).",
        )
        self.stdout.write(
            f"Scan this with the authenticator app on {username}'s phone (or type the secret below).\n"
        )
        try:
            import segno

            qr = segno.make(device.config_url, error="m")
            qr.terminal(out=self.stdout, compact=True)
        except ImportError:  # segno is a dependency; a missing one still leaves the URL
            pass
        secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
        self.stdout.write(f"\nSecret: {secret}\nSet-up address: {device.config_url}\n")
        self.stdout.write(
            "Then confirm it with the code the app shows:\n"
            f"  python manage.py enroll_totp {username} --confirm CODE\n"
        )
