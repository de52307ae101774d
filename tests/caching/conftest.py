"""Fixtures for the page-cache tests: a visitor who is never logged in, and a staff member apart."""

import pytest
from django.test import Client

from tests.factories import StaffFactory


@pytest.fixture
def visitor():
    """An anonymous browser of its own (pytest-django's `client` is the one staff_client logs in)."""
    return Client()


@pytest.fixture
def editor(db):
    """A logged-in superuser in a browser of their own."""
    browser = Client()
    browser.force_login(StaffFactory(username="cache-editor"))
    return browser
