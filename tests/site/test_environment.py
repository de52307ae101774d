"""Configuration from environment variables: clear errors, safe defaults."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from carter_site.settings.environment import env_bool, env_int, env_list, env_required


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("Yes", True), ("on", True), ("0", False), ("off", False)]
)
def test_booleans_read_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=not expected) is expected


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_an_unset_or_empty_boolean_keeps_its_default(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("FLAG", raising=False)
    else:
        monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=True) is True


def test_a_misspelled_boolean_is_refused_with_its_name(monkeypatch):
    monkeypatch.setenv("SECURE_SSL_REDIRECT", "ture")
    with pytest.raises(ImproperlyConfigured, match="SECURE_SSL_REDIRECT must be true or false"):
        env_bool("SECURE_SSL_REDIRECT")


def test_numbers_lists_and_required_values(monkeypatch):
    monkeypatch.setenv("WORKERS", "x")
    with pytest.raises(ImproperlyConfigured, match="WORKERS must be a whole number"):
        env_int("WORKERS", 2)
    monkeypatch.setenv("HOSTS", " a.example, ,b.example ")
    assert env_list("HOSTS") == ["a.example", "b.example"]
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required in production"):
        env_required("SECRET_KEY")
