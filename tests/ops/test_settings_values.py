"""Malformed or out-of-range values in the environment are refused in one sentence that says what fits.

Each case loads the production settings through manage.py in a fresh process.
"""

import pytest

from . import helpers

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
        # A generated password with a # or / in it, not percent-encoded: the URL broke elsewhere,
        # and the sentence named a database name or the address's shape instead.
        *[
            (
                {"DATABASE_URL": url},
                "DATABASE_URL has a character in its user name or password that must be percent-encoded: "
                '/ as %2F, ? as %3F, # as %23, @ as %40 (python3 -c "import urllib.parse; '
                "print(urllib.parse.quote(input(), safe=''))\" encodes a password typed in).",
            )
            for url in (
                "postgres://carter:pw-must-not-leak#1@db:5432/carter",
                "postgres://carter:pw-must-not-leak/1@db:5432/carter",
                "postgres://carter:pw-must-not-leak?1@db:5432/carter",
                "postgres://carter:pw-must-not-leak@1#2@db:5432/carter",
            )
        ],
        # Addresses that parse but cannot work: no driver for the database, no database name.
        (
            {"DATABASE_URL": "mysql://u:pw-must-not-leak@host/db"},
            "DATABASE_URL names a mysql database, but the site runs on PostgreSQL "
            "(postgres://user:password@host:5432/name) or SQLite (sqlite:///path/to/file.sqlite3).",
        ),
        (
            {"DATABASE_URL": "postgres://u:pw-must-not-leak@host:5432"},
            "DATABASE_URL has no database name: put it after the host, as in "
            "postgres://user:password@host:5432/name.",
        ),
        (
            {"TIME_ZONE": "Mars/Base"},
            "TIME_ZONE must be a time zone name such as America/New_York or UTC, not 'Mars/Base'.",
        ),
        ({"DB_CONN_MAX_AGE": "-1"}, "DB_CONN_MAX_AGE must be at least 0, not '-1'."),
        (
            {"DATABASE_URL": helpers.UNREACHABLE_DATABASE, "DB_CONNECT_TIMEOUT": "0"},
            "DB_CONNECT_TIMEOUT must be at least 1, not '0'.",
        ),
        ({"PAGE_CACHE_TIMEOUT": "-5"}, "PAGE_CACHE_TIMEOUT must be at least 1, not '-5'."),
        ({"PAGE_CACHE_S_MAXAGE": "-1"}, "PAGE_CACHE_S_MAXAGE must be at least 0, not '-1'."),
        ({"SECURE_HSTS_SECONDS": "-1"}, "SECURE_HSTS_SECONDS must be at least 0, not '-1'."),
        ({"AXES_COOLOFF_MINUTES": "-3"}, "AXES_COOLOFF_MINUTES must be at least 1, not '-3'."),
        ({"AXES_FAILURE_LIMIT": "0"}, "AXES_FAILURE_LIMIT must be at least 1, not '0'."),
        ({"SESSION_COOKIE_AGE": "0"}, "SESSION_COOKIE_AGE must be at least 60, not '0'."),
        ({"BREAK_GLASS_TOKEN_MINUTES": "0"}, "BREAK_GLASS_TOKEN_MINUTES must be at least 1, not '0'."),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be at least 0, not '-1'."),
        ({"MAX_IMAGE_UPLOAD_BYTES": "0"}, "MAX_IMAGE_UPLOAD_BYTES must be at least 1, not '0'."),
        ({"EMAIL_PORT": "70000"}, "EMAIL_PORT must be at most 65535, not '70000'."),
        ({"EMAIL_TIMEOUT": "0"}, "EMAIL_TIMEOUT must be at least 1, not '0'."),
        # Numbers too large to make a date or a timeout of: a sentence, not an OverflowError.
        (
            {"AXES_COOLOFF_MINUTES": "99999999999999999999"},
            "AXES_COOLOFF_MINUTES must be at most 525600, not '99999999999999999999'.",
        ),
        (
            {"SESSION_COOKIE_AGE": "10" * 12},
            f"SESSION_COOKIE_AGE must be at most 2592000, not '{'10' * 12}'.",
        ),
        (
            {"BREAK_GLASS_TOKEN_MINUTES": "99999"},
            "BREAK_GLASS_TOKEN_MINUTES must be at most 1440, not '99999'.",
        ),
        (
            {"PAGE_CACHE_TIMEOUT": "1" + "0" * 20},
            f"PAGE_CACHE_TIMEOUT must be at most 2592000, not '1{'0' * 20}'.",
        ),
        ({"EMAIL_TIMEOUT": "1" + "0" * 20}, f"EMAIL_TIMEOUT must be at most 300, not '1{'0' * 20}'."),
        ({"DB_CONN_MAX_AGE": "1" + "0" * 20}, f"DB_CONN_MAX_AGE must be at most 86400, not '1{'0' * 20}'."),
        (
            {"SECURE_HSTS_SECONDS": "1" + "0" * 20},
            f"SECURE_HSTS_SECONDS must be at most 63072000, not '1{'0' * 20}'.",
        ),
        (
            {"REDIS_URL": "nonsense"},
            "REDIS_URL must be a Redis address such as redis://cache:6379/0 "
            "(redis://, rediss:// or unix://).",
        ),
        (
            {"REDIS_URL": "http://u:pw-must-not-leak@cache:6379/0"},
            "REDIS_URL must be a Redis address such as redis://cache:6379/0 "
            "(redis://, rediss:// or unix://).",
        ),
        # redis-py reads the address only at the cache's first use, then fails at every use (or,
        # for a database that is not a number, quietly uses database 0): the site ran without its
        # cache.
        *(
            (
                {"REDIS_URL": f"redis://:pw-must-not-leak@cache:6379/{database}"},
                "REDIS_URL must name the Redis database by its number after the host, such as "
                "redis://cache:6379/0.",
            )
            for database in ("abc", "-1", "0/1")
        ),
        *(
            (
                {"REDIS_URL": f"redis://:pw-must-not-leak@cache:6379/0?{query}"},
                f"REDIS_URL has an option after the ? that Redis cannot use ({problem}): correct it or leave it out.",
            )
            for query, problem in (
                ("socket_timeout=abc", "socket_timeout has a value it cannot read"),
                ("socket_timeout=-1", "socket_timeout must be a number of seconds above 0"),
                ("db=x", "db has a value it cannot read"),
                ("db=-2", "db must be a number, 0 or more"),
                ("sockettimeout=2", "it has no option sockettimeout"),
                ("protocol=4", "protocol must be either 2 or 3"),
            )
        ),
        # Django's cache takes the address after a , or ; for another server.
        (
            {"REDIS_URL": "redis://cache:6379/0,redis://replica:6379/abc"},
            "REDIS_URL must name the Redis database by its number after the host, such as "
            "redis://cache:6379/0.",
        ),
        (
            {"SITE_URL": "not a url"},
            "SITE_URL must be the site's public address such as https://www.carter.example, not 'not a url'.",
        ),
        (
            {"SITE_URL": "ftp://www.carter.example"},
            "SITE_URL must be the site's public address such as https://www.carter.example, "
            "not 'ftp://www.carter.example'.",
        ),
        # Page addresses are written after it: a path, query or fragment ends up inside each of them.
        *(
            (
                {"SITE_URL": url},
                "SITE_URL must be the scheme and host only, such as https://www.carter.example, with no path, "
                f"query or fragment after them: not {url!r}.",
            )
            for url in (
                "https://typo.example.org/some/path",
                "https://www.carter.example/?",
                "https://www.carter.example?utm=x",
                "https://www.carter.example#top",
                "https://editor@www.carter.example",
            )
        ),
        # Django's SMTP backend refuses both only when it sends: every error mail was then lost, with
        # a traceback on stderr instead of a log line.
        (
            {"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "yes"},
            "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: choose one, STARTTLS (EMAIL_USE_TLS, usually "
            "port 587) or TLS from the first byte (EMAIL_USE_SSL, usually port 465).",
        ),
        # Django imports the email backend only to send: a typo lost every email, error reports too.
        (
            {"EMAIL_BACKEND": "no.such.Backend"},
            "EMAIL_BACKEND is 'no.such.Backend', which cannot be imported: name an email backend class, "
            "such as django.core.mail.backends.smtp.EmailBackend.",
        ),
        (
            {"EMAIL_BACKEND": "django.core.mail.backends.smtp.NoSuchBackend"},
            "EMAIL_BACKEND is 'django.core.mail.backends.smtp.NoSuchBackend', which cannot be imported: "
            "name an email backend class, such as django.core.mail.backends.smtp.EmailBackend.",
        ),
        (
            {"DB_DISABLE_SERVER_SIDE_CURSORS": "maybe"},
            "DB_DISABLE_SERVER_SIDE_CURSORS must be true or false (1/0, yes/no, on/off), not 'maybe'.",
        ),
        # The storage writes https:// before it, and the Content-Security-Policy names it.
        *(
            (
                {"AWS_S3_CUSTOM_DOMAIN": domain},
                "AWS_S3_CUSTOM_DOMAIN is a host name such as media.carter.example, without https:// or a "
                f"path, not {domain!r}.",
            )
            for domain in ("https://media.carter.example", "media.carter.example/media", "*.carter.example")
        ),
        # Uploads among the collected static files: Django refused it only when the static files
        # were first needed, in a traceback at gunicorn's start and a 500 on every page.
        (
            {"MEDIA_ROOT": "/srv/carter/files", "STATIC_ROOT": "/srv/carter/files/"},
            "MEDIA_ROOT and STATIC_ROOT are the same folder, /srv/carter/files: keep uploads apart from "
            "the collected static files (the image's defaults are /app/media and /app/staticfiles).",
        ),
    ],
)
def test_malformed_values_are_refused_in_one_sentence(audited_env, change, sentence):
    result = helpers.manage("check", env=helpers.with_env(audited_env, **change))
    helpers.assert_one_sentence(result, f"carter-site cannot start: {sentence}")
    assert "pw-must-not-leak" not in result.stdout + result.stderr


@pytest.mark.parametrize("folder", ["a-file", "a-file/cache"])
def test_a_cache_folder_that_cannot_be_made_is_refused_in_one_sentence(audited_env, tmp_path, folder):
    blocker = tmp_path / "a-file"
    blocker.write_text("")  # a file where the folder, or the one to make it in, should be
    path = tmp_path / folder
    result = helpers.manage("check", env=helpers.with_env(audited_env, CACHE_DIR=str(path)))
    helpers.assert_one_sentence(
        result,
        f"carter-site cannot start: CACHE_DIR={path} cannot be the cache folder ({blocker} is not a "
        "folder): name a folder this user can write to, or leave it unset.",
    )


@pytest.mark.parametrize("name", ["CACHE_DIR", "STATIC_ROOT", "MEDIA_ROOT"])
def test_a_folder_path_the_system_cannot_name_is_refused_in_one_sentence(audited_env, tmp_path, name):
    """A folder's name over 255 characters ended in a traceback (OSError: File name too long)."""
    path = f"{tmp_path}/{'uploads' * 40}"
    result = helpers.manage("check", env=helpers.with_env(audited_env, **{name: path}))
    helpers.assert_one_sentence(
        result,
        f"carter-site cannot start: {name}={path[:60]}… ({len(path)} characters) is longer than this "
        "system allows a path (each folder's name at most 255 characters): name another folder, or "
        "leave it unset.",
    )


def test_a_missing_cache_folder_is_made_by_the_cache_for_this_user_only(audited_env, tmp_path):
    path = tmp_path / "shared" / "cache"
    result = helpers.manage("check", env=helpers.with_env(audited_env, CACHE_DIR=str(path)))
    assert result.returncode == 0, result.stderr
    assert path.is_dir() and path.stat().st_mode & 0o777 == 0o700


def test_loading_the_settings_makes_no_cache_folder(audited_env, tmp_path):
    """The image's build loads them as root: a folder made then would be root's at run time."""
    path = tmp_path / "cache"
    result = helpers.manage("collectstatic", "--help", env=helpers.with_env(audited_env, CACHE_DIR=str(path)))
    assert result.returncode == 0, result.stderr
    assert not path.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"REDIS_URL": "rediss://:secret@cache.internal:6380/1"},
        {"REDIS_URL": "unix:///run/redis/redis.sock"},
        {"REDIS_URL": "unix:///run/redis/redis.sock?db=3"},
        {"REDIS_URL": "redis://cache:6379?socket_timeout=2.5&health_check_interval=30"},
        {"REDIS_URL": "redis://cache:6379/0,redis://replica:6379/0"},
        {"SITE_URL": "https://www.carter.example/"},
        {"SITE_URL": "http://localhost:8000"},
        {"TIME_ZONE": "UTC"},
        {"DB_CONN_MAX_AGE": "0", "SECURE_HSTS_SECONDS": "0", "PAGE_CACHE_S_MAXAGE": "0"},
        {"DB_DISABLE_SERVER_SIDE_CURSORS": "true"},
        {"AWS_S3_CUSTOM_DOMAIN": "media.carter.example:8443"},
        {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"},
    ],
)
def test_valid_values_are_accepted(audited_env, change):
    result = helpers.manage("check", env=helpers.with_env(audited_env, **change))
    assert result.returncode == 0, result.stderr


# --- Management command options ------------------------------------------------------------------

SECONDS = "must be a number of seconds above 0 and at most 86400 (a day)"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["wait_for_db", "--timeout", "-1"], f"argument --timeout: {SECONDS}, not '-1'"),
        (["wait_for_db", "--interval", "0"], f"argument --interval: {SECONDS}, not '0'"),
        (["migrate_once", "--lock-timeout", "-5"], f"argument --lock-timeout: {SECONDS}, not '-5'"),
        (["wait_for_db", "--timeout", "soon"], f"argument --timeout: {SECONDS}, not 'soon'"),
        # Past what time.sleep() takes, the wait ended in an OverflowError traceback.
        (["wait_for_db", "--timeout", "1e300"], f"argument --timeout: {SECONDS}, not '1e300'"),
        (["wait_for_db", "--timeout", "86401"], f"argument --timeout: {SECONDS}, not '86401'"),
        (["wait_for_db", "--interval", "1e12"], f"argument --interval: {SECONDS}, not '1e12'"),
        (["migrate_once", "--lock-timeout", "1e300"], f"argument --lock-timeout: {SECONDS}, not '1e300'"),
        # A CommandError raised inside argparse's type function was a traceback.
        *(
            (
                ["unused_uploads", "--older-than", hours],
                f"argument --older-than: must be a number of hours from 0 to 876000, not '{hours}'",
            )
            for hours in ("abc", "-1", "99999999999999")
        ),
        # ConnectionDoesNotExist was a traceback.
        (
            ["wait_for_db", "--database", "nosuch"],
            "argument --database: invalid choice: 'nosuch' (choose from 'default')",
        ),
        (
            ["migrate_once", "--database", "nosuch"],
            "argument --database: invalid choice: 'nosuch' (choose from 'default')",
        ),
    ],
)
def test_command_options_out_of_range_are_a_usage_error(audited_env, command, message):
    result = helpers.manage(
        *command, env=helpers.with_env(audited_env, DATABASE_URL=helpers.UNREACHABLE_DATABASE)
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].endswith(message)
    assert "Traceback" not in result.stderr


# --- Host names and origins ----------------------------------------------------------------------

HOST_NAMES_ONLY = (
    "which is not a host name: list host names only, comma-separated, such as "
    "www.carter.example,carter.example (.carter.example allows every subdomain)."
)


@pytest.mark.parametrize(
    "hosts",
    ["https://www.carter.example", "www.carter.example/", "www.carter.example carter.example"],
)
def test_allowed_hosts_that_are_not_host_names_are_refused_naming_the_entry(audited_env, hosts):
    result = helpers.manage(
        "check", env=helpers.with_env(audited_env, ALLOWED_HOSTS=f"carter.example,{hosts}")
    )
    helpers.assert_one_sentence(
        result, f"carter-site cannot start: ALLOWED_HOSTS has {hosts!r}, {HOST_NAMES_ONLY}"
    )


def test_allowed_hosts_refuses_any_host(audited_env):
    result = helpers.manage("check", env=helpers.with_env(audited_env, ALLOWED_HOSTS="*"))
    helpers.assert_one_sentence(
        result,
        "carter-site cannot start: ALLOWED_HOSTS must not be * (any host name) in production: list the "
        "site's host names, comma-separated, such as www.carter.example,carter.example.",
    )


@pytest.mark.parametrize("origin", ["www.carter.example", "https://www.carter.example/", "https://"])
def test_trusted_origins_without_a_scheme_or_with_a_path_are_refused_in_one_sentence(audited_env, origin):
    env = helpers.with_env(audited_env, CSRF_TRUSTED_ORIGINS=f"https://carter.example,{origin}")
    result = helpers.manage("check", "--deploy", env=env)
    helpers.assert_one_sentence(
        result,
        f"carter-site cannot start: CSRF_TRUSTED_ORIGINS has {origin!r}, which is not an origin: write each "
        "with its scheme and host and nothing after, such as https://www.carter.example, comma-separated.",
    )


@pytest.mark.parametrize(
    "origin", ["*", "https://a/x y", "https://media.carter.example/", "media.carter.example"]
)
def test_media_origins_that_are_not_origins_are_refused_in_one_sentence(audited_env, origin):
    """They go into the Content-Security-Policy as they are: * let pages show pictures from
    anywhere, and a space started a source of its own."""
    env = helpers.with_env(audited_env, CSP_MEDIA_ORIGINS=f"https://media.carter.example,{origin}")
    result = helpers.manage("check", env=env)
    helpers.assert_one_sentence(
        result,
        f"carter-site cannot start: CSP_MEDIA_ORIGINS has {origin!r}, which is not an origin: write each "
        "with its scheme and host and nothing after, such as https://media.carter.example, comma-separated.",
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ALLOWED_HOSTS", "www.carter.example,.carter.example,localhost,127.0.0.1,[::1],carter-web"),
        ("CSRF_TRUSTED_ORIGINS", "https://www.carter.example,http://localhost:8000,https://*.carter.example"),
        (
            "CSP_MEDIA_ORIGINS",
            "https://media.carter.example,http://localhost:9000,https://*.cdn.carter.example",
        ),
    ],
)
def test_host_names_and_origins_django_accepts_are_accepted(audited_env, name, value):
    result = helpers.manage(
        "shell", "-c", f"from django.conf import settings; print(settings.{name})",
        env=helpers.with_env(audited_env, **{name: value}),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(value.split(","))
