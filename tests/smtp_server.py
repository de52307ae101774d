"""A real SMTP server for the tests of the site's emails: aiosmtpd, in a thread of its own, on a
free port of this machine, which the site reaches through Django's SMTP backend as it would its
mail server in production. `unused_port()` is a port nothing listens on: a mail server that is down.
"""

import contextlib
import socket

import pytest


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RefusingSome:
    """An aiosmtpd handler: a mail server that refuses the addresses in `refused` (550, no such
    mailbox) and keeps what it accepts, as (recipients, bytes of the message)."""

    def __init__(self, refused=()):
        self.refused, self.accepted = set(refused), []

    async def handle_RCPT(self, server, exchange, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, exchange, envelope):
        self.accepted.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def running_smtp_server(settings, refused=()):
    """The site's email sent to a real SMTP server while the block runs; yields its handler."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        pytest.fail("aiosmtpd is missing: .venv/bin/pip install -r requirements-dev.txt", pytrace=False)
    handler = RefusingSome(refused)
    controller = Controller(handler, hostname="127.0.0.1", port=unused_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 5
    try:
        yield handler
    finally:
        controller.stop()


def mail_server_down(settings):
    """The site's email sent to a port of this machine where no server listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", unused_port(), 2
