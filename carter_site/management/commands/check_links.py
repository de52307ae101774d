"""`manage.py check_links`: list the links of published texts that lead visitors nowhere.

Every published text (live articles, published locations, standing pages and FAQs) is read, and
each link to this site is checked as the admin checks it after a save (carter_site.links): a link
to no page, to a page visitors cannot see (a draft, scheduled, taken down, unpublished), to the
admin or a preview, or to a part of a page (`#…`) the page does not have. One line per link:
where it is, its words, its address, why. Links to other websites are not checked (no network),
nor mail or phone links.

    python manage.py check_links                  # exit status 1 when a link leads nowhere
    python manage.py check_links --old-addresses  # also links to old addresses (they work)
    python manage.py check_links --email          # also email each editor their part of the list

For a weekly cron job or CI: the exit status is 1 when a link leads nowhere (or to a part of a
page that is not there), 0 otherwise. Links to an old address that redirects still work: they
are listed with --old-addresses, and never change the exit status.

With --email, the staff who may edit the texts in the list get their part of it by email
(carter_site.link_report): nothing is sent when every link works. The exit status is 3 when an
email could not be sent (the mail server down, or refusing an address), and 2 when SITE_URL is
not set, since the emails' links to the site editor need it; both with a sentence.
"""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from carter_site.link_report import log_not_sent, mail_server, people, reports_for, send_reports, why_not_sent
from carter_site.links import check_texts, describe_text, published_texts, text_to_check

logger = logging.getLogger("carter_site.link_report")

NOT_EMAILED = 3  # the exit status when an email of the report could not be sent
CANNOT_EMAIL = 2  # the exit status when --email cannot work as the site is set up


class Command(BaseCommand):
    help = "List the links of published texts that lead visitors nowhere; exit status 1 if there is one."

    def add_arguments(self, parser):
        parser.add_argument(
            "--old-addresses",
            action="store_true",
            help="Also list links to old addresses, which work by a redirect (they never fail the check).",
        )
        parser.add_argument(
            "--email",
            action="store_true",
            help="Also email the staff who may edit the texts in the list their part of it (those who kept "
            "it on under My notices). Nothing is sent when every link works.",
        )

    def handle(self, *args, old_addresses=False, email=False, **options):
        if email and not settings.SITE_URL:
            raise CommandError(
                "--email needs SITE_URL (the site's public address, such as https://www.example.org) to "
                "write the links to the site editor in the emails; set it and run the command again.",
                returncode=CANNOT_EMAIL,
            )
        try:
            texts = list(published_texts())
            found = check_texts(text_to_check(obj, obj, html) for obj, html, _base in texts)
        except DatabaseError as error:
            raise CommandError(f"The texts could not be read from the database ({error}).") from None
        dead = moved = parts = 0
        for obj, problems in found.items():
            for problem in problems:
                if not problem.dead and not old_addresses:
                    moved += 1
                    continue
                dead += problem.dead
                parts += problem.part
                moved += not problem.dead
                self.stdout.write(f"{describe_text(obj)}: {problem}")
        texts_count = f"{len(texts)} published text" + ("" if len(texts) == 1 else "s")
        if moved and not old_addresses:
            self.stdout.write(
                f"{moved} link(s) lead to an old address that redirects: they work; --old-addresses lists them."
            )
        not_sent = None
        if email:
            nowhere = {obj: [one for one in problems if one.dead] for obj, problems in found.items()}
            not_sent = self.email({obj: problems for obj, problems in nowhere.items() if problems})
        if dead:
            of_them = f" ({parts} of them to a part of a page that is not there)" if parts else ""
            summary = f"{dead} link(s) in {texts_count} lead visitors nowhere{of_them}."
            if not_sent:
                self.stderr.write(summary)
                raise CommandError(not_sent, returncode=NOT_EMAILED)
            raise CommandError(summary)
        self.stdout.write(f"Checked {texts_count}: every link to this site leads to a page.")

    def email(self, nowhere):
        """Email each person who may fix some of the links in `nowhere` their part of the list;
        the sentence saying which emails did not leave, or None."""
        if not nowhere:
            self.stdout.write("No email sent: no link leads nowhere.")
            return None
        try:
            reports, without_address = reports_for(nowhere)
        except DatabaseError as error:
            return f"The staff accounts could not be read from the database ({error}), so no email was sent."
        failed = send_reports(reports, settings.SITE_URL.rstrip("/")) if reports else []
        sent = len(reports) - len(failed)
        if reports:
            self.stdout.write(
                f"Emailed the list to {sent} of {len(reports)} staff member(s) who may fix these links."
            )
        else:
            self.stdout.write(
                "No email sent: nobody who may fix these links has the report turned on (My notices)."
            )
        if without_address:
            self.stdout.write(
                f"{len(without_address)} staff member(s) who may fix some of these links have no email address "
                f"and got nothing: {people(without_address)}. Add one under Users."
            )
        if not failed:
            return None
        log_not_sent(
            logger,
            failed,
            "The report of links that lead nowhere could not be emailed.",
            "link_report_not_sent",
        )
        return (
            f"The list could not be emailed to {people([report.recipient for report, _ in failed])} "
            f"({len(failed)} of {len(reports)}): {mail_server()} did not take it ({why_not_sent(failed[0][1])})."
        )
