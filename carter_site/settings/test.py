"""Tests: fast hashing, throwaway media, the database chosen by the test run (see tests/conftest.py)."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test gets its own MEDIA_ROOT (tests/conftest.py); this is only the fallback.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "carter-test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "carter-site-tests",
    }
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The admin where the tests expect it, and two-step sign-in off unless a test turns it on
# (tests/security), whatever the environment the tests run in says.
ADMIN_URL = "admin/"
ADMIN_REQUIRE_OTP = False
