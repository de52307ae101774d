"""Malformed values in the environment are refused in one sentence that says what fits.

Each case loads the production settings through manage.py in a fresh process.
"""

import pytest

from . import helpers

UNREACHABLE_DATABASE = "postgres://nobody:pw-must-not-leak@127.0.0.1:1/x"


def assert_one_sentence(result, sentence):
    """The process failed with exactly this one line on stderr, and no traceback anywhere."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.strip() == sentence
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture
def env(prod_env):
    """The production environment of the audit: a real host name and admin path."""
    return helpers.with_env(prod_env, ALLOWED_HOSTS="www.carter.example", ADMIN_URL="editor-3f9c1a7b/")


# --- Malformed values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        (
            {"DATABASE_URL": "garbage"},
            "DATABASE_URL is not a database address: it must look like "
            "postgres://user:password@host:5432/name (or sqlite:///path/to/file.sqlite3).",
        ),
        (
            {"DATABASE_URL": "postgres://u:pw-must-not-leak@host:notaport/db"},
            "DATABASE_URL is not a database address: it must look like "
            "postgres://user:password@host:5432/name (or sqlite:///path/to/file.sqlite3).",
        ),
        (
            {"DATABASE_URL": "mongodb://u:pw-must-not-leak@host/db"},
            "DATABASE_URL is not a database address: it must look like "
            "postgres://user:password@host:5432/name (or sqlite:///path/to/file.sqlite3).",
        ),
        (
            {"TIME_ZONE": "Mars/Base"},
            "TIME_ZONE must be a time zone name such as America/New_York or UTC, not 'Mars/Base'.",
        ),
    ],
)
def test_malformed_values_are_refused_in_one_sentence(env, change, sentence):
    result = helpers.manage("check", env=helpers.with_env(env, **change))
    assert_one_sentence(result, f"carter-site cannot start: {sentence}")
    assert "pw-must-not-leak" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "change",
    [{"TIME_ZONE": "UTC"}, {"TIME_ZONE": "Europe/Berlin"}],
)
def test_valid_values_are_accepted(env, change):
    result = helpers.manage("check", env=helpers.with_env(env, **change))
    assert result.returncode == 0, result.stderr
