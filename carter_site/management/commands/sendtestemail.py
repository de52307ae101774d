"""`manage.py sendtestemail`: Django's own, which docs/operations.md suggests for checking the mail
server, except that a server that does not take the email is said in one sentence with exit
status 3, as `check_links --email` and `email_coming_up` say it, instead of a traceback."""

import smtplib

from django.core.management.base import CommandError
from django.core.management.commands import sendtestemail

from carter_site.link_report import mail_server, why_not_sent


class Command(sendtestemail.Command):
    def handle(self, *args, **kwargs):
        try:
            super().handle(*args, **kwargs)
        except (OSError, smtplib.SMTPException) as error:
            raise CommandError(
                f"The test email was not sent: {mail_server()} did not take it ({why_not_sent(error)}). "
                "Check EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER and EMAIL_HOST_PASSWORD, and that the "
                "server accepts mail from this host.",
                returncode=3,
            ) from error
        self.stdout.write(f"Sent: {mail_server()} took the test email.")
