"""The production settings' security choices, loaded in a fresh process as a container would."""

import pytest

from tests.ops import helpers
from tests.ops.test_prod_settings import prod_settings, refusal


@pytest.fixture
def prod_env(tmp_path):
    return helpers.production_env(MEDIA_ROOT=tmp_path / "media")


def test_production_refuses_to_start_without_an_admin_address(prod_env):
    assert "The environment variable ADMIN_URL is required in production" in refusal(
        helpers.with_env(prod_env, ADMIN_URL=None)
    )


@pytest.mark.parametrize("value", ["admin", "/admin/", "Admin/", "wp-admin/", "articles/editor/", "x y/"])
def test_production_refuses_well_known_or_unsafe_admin_addresses(prod_env, value):
    line = refusal({**prod_env, "ADMIN_URL": value})
    assert "ADMIN_URL must" in line


def test_production_requires_two_step_sign_in_and_safe_cookies(prod_env):
    settings = prod_settings(
        prod_env,
        "ADMIN_URL",
        "ADMIN_REQUIRE_OTP",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_NAME",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "CONTENT_SECURITY_POLICY",
    )
    assert settings["ADMIN_URL"] == "editor-ops-tests/"
    assert settings["ADMIN_REQUIRE_OTP"] is True
    assert settings["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert settings["CSRF_COOKIE_NAME"].startswith("__Host-")
    for name in (
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
    ):
        assert settings[name] is True, name
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and settings["SECURE_HSTS_PRELOAD"]
    assert settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["upgrade-insecure-requests"] is True


def test_two_step_sign_in_cannot_be_switched_off_in_production(prod_env):
    assert (
        prod_settings({**prod_env, "ADMIN_REQUIRE_OTP": "false"}, "ADMIN_REQUIRE_OTP")["ADMIN_REQUIRE_OTP"]
        is True
    )
