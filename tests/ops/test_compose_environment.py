"""docker-compose.yml passes every variable docs/operations.md documents into the web container.

Compose v1 reads .env only to substitute ${...} in the file, and v2 also passes a bare name
through from it, so each variable is written out as NAME=${NAME:-} (empty when .env does not set
it, which the settings, gunicorn.conf.py and the entrypoint take as "use the default").
"""

import re
import sys

from . import helpers

# Set in the image, not by .env: an empty value would hide the image's own.
SET_BY_THE_IMAGE = {"DJANGO_SETTINGS_MODULE"}


def documented_variables():
    """The variables of the settings tables in docs/operations.md, section "Configuration"."""
    text = (helpers.REPO / "docs" / "operations.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def web_environment():
    """The web service's `environment:` entries (a list of NAME=value lines; PyYAML is not a dependency)."""
    text = (helpers.REPO / "docker-compose.yml").read_text()
    web = text.split("\n  web:\n", 1)[1].split("\n  db:\n", 1)[0]
    block = web.split("\n    environment:\n", 1)[1]
    entries = []
    for line in block.splitlines():
        if line.strip().startswith("#"):
            continue
        if not line.startswith("      - "):
            break
        entries.append(line.removeprefix("      - ").strip())
    return entries


def test_every_documented_variable_reaches_the_web_container():
    passed = {entry.split("=", 1)[0] for entry in web_environment()}
    assert len(documented_variables()) > 60
    assert sorted(documented_variables() - SET_BY_THE_IMAGE - passed) == []


def test_every_variable_is_read_from_env_file_by_compose_v1_and_v2():
    for entry in web_environment():
        name, _, value = entry.partition("=")
        assert value.startswith(f"${{{name}:-"), entry


def test_settings_read_by_the_code_are_documented():
    code = "".join(
        path.read_text()
        for path in [
            *(helpers.REPO / "carter_site" / "settings").glob("*.py"),
            helpers.REPO / "gunicorn.conf.py",
        ]
    )
    read = set(
        re.findall(
            r"""(?:env_\w+|_int|_bool|time_zone|redis_url|site_url|database_config)\(\s*["']([A-Z][A-Z0-9_]+)["']""",
            code,
        )
    )
    assert sorted(read - documented_variables()) == []


def test_empty_variables_mean_their_defaults(prod_env):
    """What the web container gets when .env leaves a variable out."""
    required = {"SECRET_KEY", "ALLOWED_HOSTS", "ADMIN_URL", "DATABASE_URL"}
    empty = documented_variables() - SET_BY_THE_IMAGE - required
    code = (
        "from django.conf import settings as s; "
        "print(s.TIME_ZONE, s.MEDIA_ROOT.name, s.STATIC_ROOT.name, s.DATABASES['default']['ENGINE'], "
        "s.SESSION_COOKIE_AGE, s.PAGE_CACHE_TIMEOUT, s.OTP_TOTP_ISSUER == 'Carter site editor', "
        "s.CACHES['default']['BACKEND'].rsplit('.', 1)[1], s.CSP_MEDIA_ORIGINS, repr(s.SITE_URL))"
    )
    result = helpers.run(
        [sys.executable, "-c", code], env=helpers.with_env(prod_env, **dict.fromkeys(empty, ""))
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "America/New_York",
        "media",
        "staticfiles",
        "django.db.backends.sqlite3",
        "36000",
        "600",
        "True",
        "FileBasedCache",
        "[]",
        "''",
    ]


def test_env_example_lists_every_documented_variable_with_the_codes_defaults():
    text = (helpers.REPO / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    assert sorted(documented_variables() - listed) == []
    # The examples show the defaults the code has (or nothing, where the default is computed).
    assert "# DB_CONNECT_TIMEOUT=2\n" in text
    assert "# GUNICORN_WORKERS=\n" in text
