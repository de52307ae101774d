"""A real SMTP server for the tests of the site's emails: aiosmtpd, in a thread of its own, on a
free port of this machine, which the site reaches through Django's SMTP backend as it would its
mail server in production. `unused_port()` is a port nothing listens on: a mail server that is down.
"""

import contextlib
import email
import email.policy
import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


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


def received(handler):
    """{address: the email it got} of what the server `handler` accepted; each email was sent to
    one address only (nobody sees the others'), and each person got one."""
    got = {}
    for to, content in handler.accepted:
        assert len(to) == 1  # nobody sees the others' addresses
        assert to[0] not in got  # one email per person
        got[to[0]] = email.message_from_bytes(content, policy=email.policy.default)
    return got


def run_command(name, *args):
    """(what it printed, what it printed as errors, the CommandError or None) of `manage.py name`."""
    out, err = StringIO(), StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None
