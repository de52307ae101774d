"""Email to ADMINS: one for each server error, none for what Django merely logs at ERROR.

The production logging configuration, applied for each test, with Django's test client and its
in-memory email outbox.
"""

import logging

import pytest
from django.core import mail
from django.db.utils import OperationalError
from django.test import Client
from django.urls import include, path
from django.utils.log import configure_logging

from carter_site import health
from carter_site.logging import REFUSED_REQUEST_LOGGERS
from carter_site.settings.base import logging_from_environment
from carter_site.urls import handler403, handler404, handler500  # noqa: F401 (the site's error pages)


def broken_view(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", broken_view), path("", include("carter_site.urls"))]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def production_logging(settings):
    settings.ADMINS = [("Ops", "ops@carter.example")]
    configure_logging(settings.LOGGING_CONFIG, logging_from_environment("json"))
    yield
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    for name in REFUSED_REQUEST_LOGGERS:  # dictConfig keeps the filters of loggers it no longer names
        logging.getLogger(name).filters.clear()


class _BrokenConnection:
    def cursor(self):
        raise OperationalError("connection to server failed: Connection refused")


def test_an_unhandled_exception_emails_the_admins():
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@carter.example"]
    assert "/broken/" in mail.outbox[0].subject


def test_a_503_from_readyz_sends_no_email(client, monkeypatch):
    monkeypatch.setattr(health, "connections", {"default": _BrokenConnection()})
    assert client.get("/readyz").status_code == 503
    assert mail.outbox == []


def test_a_request_for_a_foreign_host_sends_no_email(db):
    response = Client(raise_request_exception=False).get("/healthz", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert mail.outbox == []


def test_a_request_refused_as_suspicious_sends_no_email_and_is_a_warning(db, caplog):
    """More query parameters than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS): anyone can send
    it, and its record was an ERROR, the level alerts are set on."""
    too_many = "&".join("x" for _ in range(1001))
    response = Client(raise_request_exception=False).get("/search/", QUERY_STRING=f"q=private&{too_many}")
    assert response.status_code == 400
    assert mail.outbox == []
    refused = [record for record in caplog.records if record.name.startswith("django.security.")]
    assert [(record.name, record.levelname) for record in refused] == [
        ("django.security.TooManyFieldsSent", "WARNING")
    ]
    assert refused[0].getMessage().endswith("(refused: GET /search/)")
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
