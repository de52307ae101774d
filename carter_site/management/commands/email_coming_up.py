"""`manage.py email_coming_up`: email each staff member what the site will change by itself in the
next days, as *Coming up* shows it to them (carter_site.coming_up_email).

    python manage.py email_coming_up            # the next 7 days
    python manage.py email_coming_up --days 30  # or 30, or 90: the page's choices

For a weekly cron job. Nothing is sent to someone with nothing coming up. The exit status is 0
when every email left, 3 when one could not be sent (the mail server down, or refusing an
address; the others still go) or the accounts could not be read, and 2 when the command cannot
work as asked: --days not one of the page's choices, or SITE_URL not set (the emails' links to the
site editor need it). Each with a sentence, never a traceback.
"""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from carter_site.coming_up import WINDOWS
from carter_site.coming_up_email import digests_for, message_of
from carter_site.link_report import log_not_sent, mail_server, people, send_reports, why_not_sent

logger = logging.getLogger("carter_site.coming_up")

NOT_EMAILED = 3  # the exit status when an email could not be sent
CANNOT_EMAIL = 2  # the exit status when the command cannot work as asked or as the site is set up
DEFAULT_DAYS = 7


def spoken_windows():
    *first, last = (str(days) for days in WINDOWS)
    return f"{', '.join(first)} or {last}"


class Command(BaseCommand):
    help = (
        "Email each staff member who may see Coming up, unless they turned it off on My notices, what the "
        "site will change by itself in the next days."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            default=str(DEFAULT_DAYS),
            help=f"How many days ahead to look: {spoken_windows()}, as on the Coming up page "
            f"(default {DEFAULT_DAYS}).",
        )

    def handle(self, *args, days=str(DEFAULT_DAYS), **options):
        try:
            days = int(str(days).strip())
        except ValueError:
            days = None
        if days not in WINDOWS:
            raise CommandError(
                f"--days is how many days ahead to look: {spoken_windows()}, as on the Coming up page.",
                returncode=CANNOT_EMAIL,
            )
        if not settings.SITE_URL:
            raise CommandError(
                "email_coming_up needs SITE_URL (the site's public address, such as https://www.example.org) "
                "to write the links to the site editor in the emails; set it and run the command again.",
                returncode=CANNOT_EMAIL,
            )
        try:
            found = digests_for(days)
        except DatabaseError as error:
            raise CommandError(
                f"The staff accounts or what is coming up could not be read from the database ({error}), "
                "so no email was sent.",
                returncode=NOT_EMAILED,
            ) from None
        digests = found.digests
        failed = send_reports(digests, settings.SITE_URL.rstrip("/"), compose=message_of) if digests else []
        if digests:
            self.stdout.write(
                f"Emailed what is coming up in the next {days} days to {len(digests) - len(failed)} of "
                f"{len(digests)} staff member(s)."
            )
        elif not found.nothing and not found.without_address:
            self.stdout.write(
                "No email sent: nobody who may see Coming up has this email turned on (My notices)."
            )
        if found.nothing:
            self.stdout.write(
                f"Nothing coming up for {len(found.nothing)} staff member(s): no email sent to them."
            )
        if found.without_address:
            self.stdout.write(
                f"{len(found.without_address)} staff member(s) with something coming up have no email address "
                f"and got nothing: {people(found.without_address)}. Add one under Users."
            )
        if not failed:
            return
        log_not_sent(
            logger, failed, "The weekly email of what is coming up could not be sent.", "coming_up_not_sent"
        )
        raise CommandError(
            f"What is coming up could not be emailed to {people([digest.recipient for digest, _ in failed])} "
            f"({len(failed)} of {len(digests)}): {mail_server()} did not take it ({why_not_sent(failed[0][1])}).",
            returncode=NOT_EMAILED,
        )
