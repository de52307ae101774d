"""The production settings: Django's deployment checks, refusals, and configuration from the environment.

Each case loads the settings in a fresh process, as a container would, so nothing the test
run itself configured can hide a problem.
"""

import json
import re
import secrets
import sys

import pytest
from django.core.management.utils import get_random_secret_key

from . import helpers

SETTINGS_DUMP = """
import json
from django.conf import settings
names = {names!r}
print("SETTINGS=" + json.dumps({{name: getattr(settings, name) for name in names}}, default=str))
"""


def prod_settings(env, *names):
    """The named production settings as a process with this environment sees them."""
    result = helpers.run([sys.executable, "-c", SETTINGS_DUMP.format(names=list(names))], env=env)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("SETTINGS="))
    return json.loads(line.removeprefix("SETTINGS="))


def refusal(env):
    """Start the production settings the way manage.py does; the failure's last line."""
    result = helpers.manage("check", env=env)
    assert result.returncode != 0
    return result.stderr.strip().splitlines()[-1]


def test_check_deploy_reports_no_issues(prod_env):
    result = helpers.manage("check", "--deploy", "--fail-level", "DEBUG", env=prod_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."
    # The one silenced check is the documented CKEditor 4 warning, nothing else.
    assert prod_settings(prod_env, "SILENCED_SYSTEM_CHECKS") == {"SILENCED_SYSTEM_CHECKS": ["ckeditor.W001"]}


def test_refuses_to_start_without_secret_key(prod_env):
    line = refusal(helpers.with_env(prod_env, SECRET_KEY=None))
    assert line.endswith("The environment variable SECRET_KEY is required in production and is not set. "
                         "See .env.example for what it means.")  # fmt: skip


def test_the_key_comes_from_secret_key_file_without_the_entrypoint(prod_env, tmp_path):
    """`docker compose exec web python manage.py …` skips the entrypoint, which reads the file;
    the settings read it too, so commands get the server's own key."""
    key_file = tmp_path / "secret_key"
    key_file.write_text(helpers.strong_secret_key() + "\n")
    env = helpers.with_env(prod_env, SECRET_KEY=None, SECRET_KEY_FILE=key_file)
    assert prod_settings(env, "SECRET_KEY") == {"SECRET_KEY": key_file.read_text().strip()}
    assert refusal(helpers.with_env(env, SECRET_KEY_FILE=tmp_path / "missing")).endswith(
        f"SECRET_KEY_FILE={tmp_path / 'missing'} cannot be read."
    )
    key_file.write_text("")
    assert "is empty: put the key in it, or set SECRET_KEY." in refusal(env)
    key_file.write_text("change-me")
    assert "SECRET_KEY is a development value or too weak" in refusal(env)


@pytest.mark.parametrize(
    "key", ["dev-only-insecure-key-never-use-in-production", "change-me", "short-but-random-Zx81"]
)
def test_refuses_development_or_weak_secret_keys(prod_env, key):
    assert "SECRET_KEY is a development value or too weak" in refusal({**prod_env, "SECRET_KEY": key})


@pytest.mark.parametrize(
    "key",
    [
        "abcde" * 11,  # long, but five characters: Django's own check lets it through
        "0123456789" * 5,  # ten different characters, one piece repeated
        "django-insecure-" + helpers.strong_secret_key(),  # what startproject writes
    ],
)
def test_refuses_long_but_weak_secret_keys_in_one_sentence(audited_env, key):
    result = helpers.manage("check", env={**audited_env, "SECRET_KEY": key})
    helpers.assert_one_sentence(
        result,
        "carter-site cannot start: SECRET_KEY is a development value or too weak (it needs at least 50 "
        "characters, 10 of them different, no short piece repeated and no django-insecure- in front): "
        'generate one with python -c "import secrets; print(secrets.token_urlsafe(64))".',
    )
    assert key not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "make_key",
    [
        lambda: secrets.token_urlsafe(64),  # the docs, the entrypoint, the scripts and CI
        lambda: secrets.token_hex(25),  # 50 characters of only 16 kinds
        get_random_secret_key,  # Django's
    ],
    ids=["token_urlsafe", "token_hex", "django"],
)
def test_keys_made_as_the_docs_and_scripts_make_them_are_accepted(audited_env, make_key):
    key = make_key()
    assert prod_settings({**audited_env, "SECRET_KEY": key}, "SECRET_KEY") == {"SECRET_KEY": key}


@pytest.mark.parametrize("value", ["1", "true", "on"])
def test_refuses_to_start_with_debug_on(prod_env, value):
    assert "DEBUG is on, but these are the production settings" in refusal({**prod_env, "DEBUG": value})


def test_refuses_to_start_without_allowed_hosts(prod_env):
    assert "ALLOWED_HOSTS is required in production" in refusal(
        helpers.with_env(prod_env, ALLOWED_HOSTS=None)
    )


def test_refuses_to_start_without_database_url(prod_env):
    """Not the development SQLite file: the image cannot write it, and nobody meant it."""
    assert refusal(helpers.with_env(prod_env, DATABASE_URL=None)).endswith(
        "The environment variable DATABASE_URL is required in production and is not set. "
        "See .env.example for what it means."
    )
    assert refusal(helpers.with_env(prod_env, DATABASE_URL=" ")).endswith(
        "The environment variable DATABASE_URL is required in production and is not set. "
        "See .env.example for what it means."
    )


def test_an_explicit_sqlite_database_url_is_accepted(prod_env, tmp_path):
    env = helpers.with_env(prod_env, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    databases = prod_settings(env, "DATABASES")["DATABASES"]
    assert databases["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert databases["default"]["NAME"] == str(tmp_path / "db.sqlite3")


def test_without_a_writable_tmp_the_settings_say_to_mount_one(prod_env):
    """A container run read-only without a tmpfs on /tmp has no folder for temporary files."""
    helpers.skip_unless_namespaces(helpers.without_writable_tmp([]))
    env = helpers.with_env(prod_env, TMPDIR=None, TEMP=None, TMP=None)
    result = helpers.run(helpers.without_writable_tmp([sys.executable, "manage.py", "check"]), env=env)
    helpers.assert_one_sentence(
        result,
        "carter-site cannot start: No folder for temporary files is writable: with a read-only root "
        "filesystem, mount a tmpfs on /tmp (docker run --tmpfs /tmp; docker-compose.yml does).",
    )


def start_production_server(env, **variables):
    """The production command, `gunicorn -c gunicorn.conf.py carter_site.wsgi`, as the image runs
    it, with `variables` set: for the tests of what it refuses to start with."""
    return helpers.run(
        [helpers.GUNICORN, "-c", "gunicorn.conf.py", "carter_site.wsgi"],
        env=helpers.with_env(env, BIND_ADDRESS="127.0.0.1", **variables),
        timeout=60,
    )


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        (
            {"SECRET_KEY": None},
            "The environment variable SECRET_KEY is required in production and is not set.",
        ),
        ({"DEBUG": "true"}, "DEBUG is on, but these are the production settings."),
        (
            {"LOG_LEVEL": "loud"},
            "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not 'loud'.",
        ),
        ({"GUNICORN_WORKERS": "many"}, "GUNICORN_WORKERS must be a whole number, not 'many'."),
    ],
)
def test_the_production_command_refuses_in_one_sentence_without_a_traceback(prod_env, change, sentence):
    result = start_production_server(prod_env, **change)
    assert result.returncode != 0
    assert result.stderr.startswith(f"carter-site cannot start: {sentence}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stdout + result.stderr


def test_logs_are_json_by_default_and_plain_on_request(prod_env):
    assert prod_settings(prod_env, "LOGGING")["LOGGING"]["formatters"]["default"] == {
        "()": "carter_site.logging.JsonFormatter"
    }
    plain = prod_settings({**prod_env, "LOG_FORMAT": "plain", "LOG_LEVEL": "warning"}, "LOGGING")["LOGGING"]
    assert plain["formatters"]["default"] == {"()": "carter_site.logging.PlainFormatter"}
    assert plain["root"]["level"] == "WARNING"


def test_a_production_process_logs_json_lines_on_stdout(prod_env):
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('carter_site.example').warning('Hello %s', 'ops', extra={'order': 7})"
    )
    result = helpers.run([sys.executable, "-c", code], env=prod_env)
    assert result.returncode == 0, result.stderr
    [record] = helpers.json_lines(result.stdout)
    assert record["message"] == "Hello ops"
    assert record["level"] == "WARNING"
    assert record["logger"] == "carter_site.example"
    assert record["order"] == 7


def test_without_redis_url_the_workers_of_a_container_share_a_cache_folder(prod_env, tmp_path):
    """The content version that invalidates cached pages must reach every worker (docs/performance.md)."""
    caches = prod_settings({**prod_env, "CACHE_DIR": str(tmp_path)}, "CACHES")["CACHES"]
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert caches["default"]["LOCATION"] == str(tmp_path)
    assert caches["pages"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    # The passkey sign-in's challenges, which anyone may ask for, in a folder beside it: culled
    # there, a flood of them never takes the content version with it.
    assert caches["passkeys"]["BACKEND"] == caches["default"]["BACKEND"]
    assert caches["passkeys"]["LOCATION"] == str(tmp_path / "passkey-challenges")


def test_redis_url_selects_djangos_redis_cache(prod_env):
    env = {**prod_env, "REDIS_URL": "redis://cache.internal:6379/2"}
    settings = prod_settings(env, "CACHES", "RELEASE")
    caches, release = settings["CACHES"], settings["RELEASE"]
    # Pages too are shared by every container, of one release: another release's rendering of
    # the same content (other templates, other hashed stylesheet names) is not this one's.
    assert re.fullmatch("[0-9a-f]{12}", release)
    assert caches["pages"] == {**caches["default"], "KEY_PREFIX": f"carter.{release}"}
    assert caches["default"]["KEY_PREFIX"] == "carter"  # the content version: one for all releases
    assert caches["passkeys"] == {**caches["default"], "KEY_PREFIX": "carter.passkeys"}
    cache = caches["default"]
    assert cache["BACKEND"] == "carter_site.cache_backends.RedisCache"  # Django's, reusing clients
    assert cache["LOCATION"] == "redis://cache.internal:6379/2"
    assert cache["OPTIONS"]["socket_timeout"] <= 2  # a dead Redis costs seconds, not a hung worker


def test_the_redis_cache_backend_can_be_built(prod_env):
    """The redis package is installed and the backend accepts the options (no connection is made)."""
    code = (
        "import django; django.setup(); from django.core.cache import caches; cache = caches['default']; "
        "print(type(cache).__name__, type(cache._cache).__name__)"
    )
    result = helpers.run([sys.executable, "-c", code], env={**prod_env, "REDIS_URL": "redis://127.0.0.1:1/0"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisCache", "ReusedClientRedisCacheClient"]


def test_media_is_stored_on_the_local_volume_by_default(prod_env, tmp_path):
    settings = prod_settings({**prod_env, "MEDIA_ROOT": str(tmp_path)}, "STORAGES", "MEDIA_ROOT")
    assert settings["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert settings["MEDIA_ROOT"] == str(tmp_path)


def test_s3_variables_select_s3_compatible_media_storage(prod_env):
    env = {
        **prod_env,
        "AWS_STORAGE_BUCKET_NAME": "carter-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.storage.internal",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_CUSTOM_DOMAIN": "media.carter.example",
        "AWS_ACCESS_KEY_ID": "test-access-key-id",
        "AWS_SECRET_ACCESS_KEY": "test-secret-access-key",
    }
    storage = prod_settings(env, "STORAGES")["STORAGES"]["default"]
    assert storage["BACKEND"] == "carter_site.storage.MediaBucketStorage"
    assert storage["OPTIONS"]["bucket_name"] == "carter-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.storage.internal"
    assert storage["OPTIONS"]["location"] == "media"
    assert storage["OPTIONS"]["querystring_auth"] is False
    assert storage["OPTIONS"]["file_overwrite"] is False

    # Django builds the storage from these settings; URLs need no request to the bucket.
    code = (
        "import django; django.setup(); from django.core.files.storage import storages; "
        "storage = storages['default']; print(type(storage).__name__, storage.url('articles/2025/01/photo.jpg'))"
    )
    result = helpers.run([sys.executable, "-c", code], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "MediaBucketStorage",
        "https://media.carter.example/media/articles/2025/01/photo.jpg",
    ]


@pytest.mark.parametrize(
    ("variables", "refusal_ends"),
    [
        (
            {},
            "Serve the bucket from a domain of the site's own (media.example.org) and set AWS_S3_CUSTOM_DOMAIN to it.",
        ),
        # The provider's own domain, allowed by hand: the storage still writes the provider's address.
        ({"CSP_MEDIA_ORIGINS": "https://carter-media.s3.amazonaws.com"}, "set AWS_S3_CUSTOM_DOMAIN to it."),
        (
            {
                "AWS_S3_CUSTOM_DOMAIN": "media.carter.example",
                "CSP_MEDIA_ORIGINS": "https://cdn.elsewhere.example",
            },
            "CSP_MEDIA_ORIGINS leaves out https://media.carter.example, where AWS_S3_CUSTOM_DOMAIN serves the "
            "pictures: add it, or leave CSP_MEDIA_ORIGINS unset (it then holds just that origin).",
        ),
        ({"AWS_S3_CUSTOM_DOMAIN": "media.carter.example"}, None),
        (
            {
                "AWS_S3_CUSTOM_DOMAIN": "media.carter.example",
                "CSP_MEDIA_ORIGINS": "https://media.carter.example,https://cdn.elsewhere.example",
            },
            None,
        ),
    ],
)
def test_a_bucket_starts_only_with_a_domain_of_its_own_that_pages_may_show_pictures_from(
    prod_env, variables, refusal_ends
):
    """The bucket's own address is in no Content-Security-Policy: every picture would be broken."""
    env = helpers.with_env(prod_env, AWS_STORAGE_BUCKET_NAME="carter-media", **variables)
    if refusal_ends is None:
        assert "https://media.carter.example" in prod_settings(env, "CSP_MEDIA_ORIGINS")["CSP_MEDIA_ORIGINS"]
    else:
        line = refusal(env)
        assert line.endswith(refusal_ends), line
        if not variables.get("AWS_S3_CUSTOM_DOMAIN"):
            assert "AWS_STORAGE_BUCKET_NAME is set but AWS_S3_CUSTOM_DOMAIN is not" in line


def test_email_goes_through_smtp_configured_from_the_environment(prod_env):
    env = {
        **prod_env,
        "EMAIL_HOST": "smtp.mail.internal",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "carter",
        "EMAIL_USE_TLS": "true",
        "DEFAULT_FROM_EMAIL": "Carter <web@carter.example>",
        "ADMINS": "ops@carter.example, oncall@carter.example",
    }
    settings = prod_settings(
        env,
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_USE_TLS",
        "DEFAULT_FROM_EMAIL",
        "SERVER_EMAIL",
        "ADMINS",
    )
    assert settings == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.mail.internal",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "Carter <web@carter.example>",
        "SERVER_EMAIL": "Carter <web@carter.example>",
        "ADMINS": [
            ["ops@carter.example", "ops@carter.example"],
            ["oncall@carter.example", "oncall@carter.example"],
        ],
    }


def test_email_is_never_printed_into_production_logs_by_default(prod_env):
    assert prod_settings(prod_env, "EMAIL_BACKEND") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"
    }


@pytest.mark.parametrize("backend", ["console", "filebased", "locmem"])
def test_development_email_backends_are_refused_in_production(prod_env, backend):
    """The console backend prints every email (reset links, staff addresses) into the logs; the
    file and memory ones keep them where nobody reads them, so no error report ever arrives."""
    path = f"django.core.mail.backends.{backend}.EmailBackend"
    result = helpers.manage("check", env=helpers.with_env(prod_env, EMAIL_BACKEND=path))
    helpers.assert_one_sentence(
        result,
        f"carter-site cannot start: EMAIL_BACKEND is {path}, which prints emails into the logs or keeps "
        "them in files or memory nobody reads: leave it unset in production, to send through SMTP (EMAIL_HOST).",
    )


def test_a_backend_that_sends_nothing_may_be_chosen_in_production(prod_env):
    """A copy of the site that must email nobody (a staging copy of real accounts)."""
    env = {**prod_env, "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    assert prod_settings(env, "EMAIL_BACKEND") == {
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"
    }


def test_empty_variables_mean_their_defaults(prod_env):
    """A copied .env.example leaves optional variables empty: that must not change behaviour."""
    env = {
        **prod_env,
        **dict.fromkeys(["REDIS_URL", "LOG_FORMAT", "LOG_LEVEL", "EMAIL_HOST", "SENTRY_DSN"], ""),
    }
    settings = prod_settings(env, "CACHES", "EMAIL_HOST", "LOGGING")
    assert settings["CACHES"]["default"]["BACKEND"].endswith("FileBasedCache")
    assert settings["EMAIL_HOST"] == "localhost"
    assert settings["LOGGING"]["root"]["level"] == "INFO"


def test_postgresql_connections_give_up_after_a_bounded_time(prod_env):
    env = {**prod_env, "DATABASE_URL": "postgres://carter@db.internal:5432/carter", "DB_CONNECT_TIMEOUT": "3"}
    database = prod_settings(env, "DATABASES")["DATABASES"]["default"]
    assert database["OPTIONS"]["connect_timeout"] == 3
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_server_side_cursors_stay_on_unless_a_transaction_pooler_needs_them_off(prod_env):
    """Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator() outside a
    transaction) may be fetched from on another server connection, where it does not exist."""
    env = {**prod_env, "DATABASE_URL": "postgres://carter@pgbouncer.internal:6432/carter"}
    database = prod_settings(env, "DATABASES")["DATABASES"]["default"]
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is False
    for value, expected in [("true", True), ("on", True), ("0", False), ("", False)]:
        env["DB_DISABLE_SERVER_SIDE_CURSORS"] = value
        database = prod_settings(env, "DATABASES")["DATABASES"]["default"]
        assert database["DISABLE_SERVER_SIDE_CURSORS"] is expected, value
        assert database["CONN_MAX_AGE"] == 60  # the pooler is no reason to reconnect per request


def test_a_bucket_domain_given_as_an_address_is_refused_in_one_sentence(prod_env):
    """django-storages writes https:// before the domain: pictures were at https://https://..., and
    the Content-Security-Policy's media origin was https://https://... too."""
    for value in ("https://media.carter.example", "media.carter.example/media", "media.carter.example/"):
        env = helpers.with_env(prod_env, AWS_STORAGE_BUCKET_NAME="carter-media", AWS_S3_CUSTOM_DOMAIN=value)
        helpers.assert_one_sentence(
            helpers.manage("check", env=env),
            "carter-site cannot start: AWS_S3_CUSTOM_DOMAIN is a host name such as media.carter.example, "
            f"without https:// or a path, not {value!r}.",
        )


def test_sentry_dsn_without_sentry_sdk_refuses_to_start(prod_env, tmp_path):
    # The image has no sentry-sdk unless it is built in; the test tools have it: hide it, as
    # Python does for a package that is not there (a None in sys.modules fails the import).
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['sentry_sdk'] = None\n")
    env = {**prod_env, "SENTRY_DSN": "https://public@errors.carter.example/1", "PYTHONPATH": str(tmp_path)}
    line = refusal(env)
    assert "SENTRY_DSN is set but the sentry-sdk package is not installed" in line


@pytest.mark.parametrize("rate", ["5", "-0.1", "nan", "often"])
def test_a_sentry_trace_rate_outside_0_to_1_refuses_to_start(prod_env, rate):
    env = {
        **prod_env,
        "SENTRY_DSN": "https://public@errors.carter.example/1",
        "SENTRY_TRACES_SAMPLE_RATE": rate,
    }
    line = refusal(env)
    assert (
        f"SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1 (the share of requests traced), not '{rate}'"
        in line
    )


@pytest.mark.parametrize(
    "dsn, reason",
    [
        ("https://public@errors.carter.example/1x", "Invalid project in DSN ('1x')"),
        ("https://errors.carter.example/1", "Missing public key"),
        ("errors.carter.example/1", "Unsupported scheme ''"),
    ],
)
def test_a_mistyped_sentry_dsn_refuses_to_start_in_one_sentence(prod_env, dsn, reason):
    """With sentry-sdk built in, a DSN it cannot read ended the start with the SDK's traceback."""
    helpers.assert_one_sentence(
        helpers.manage("check", env={**prod_env, "SENTRY_DSN": dsn}),
        f"carter-site cannot start: SENTRY_DSN is not an address Sentry gives ({reason}): copy it from the "
        "project's Client Keys page, such as https://PUBLIC_KEY@o123.ingest.sentry.io/4567, or unset SENTRY_DSN.",
    )


@pytest.mark.parametrize(
    "name, value, sentence",
    [
        (
            "ADMINS",
            "ops@carter.example; oncall@carter.example",
            "ADMINS has 'ops@carter.example; oncall@carter.example', which is not an email address: "
            "write addresses such as ops@carter.example, separated by commas.",
        ),
        (
            "ADMINS",
            "ops@carter.example, oncall",
            "ADMINS has 'oncall', which is not an email address: "
            "write addresses such as ops@carter.example, separated by commas.",
        ),
        (
            "DEFAULT_FROM_EMAIL",
            "Carter <web@>",
            "DEFAULT_FROM_EMAIL must be an email address such as web@carter.example, or "
            "Carter <web@carter.example>, not 'Carter <web@>'.",
        ),
        (
            "SERVER_EMAIL",
            "errors",
            "SERVER_EMAIL must be an email address such as web@carter.example, or "
            "Carter <web@carter.example>, not 'errors'.",
        ),
    ],
)
def test_a_mail_address_that_is_not_one_refuses_to_start(prod_env, name, value, sentence):
    """Django reads these only when it sends, and sends the error mail silently: a typo lost every
    report of a server error (and every email to staff) without a word."""
    helpers.assert_one_sentence(
        helpers.manage("check", env={**prod_env, name: value}), f"carter-site cannot start: {sentence}"
    )


@pytest.mark.parametrize("value", ["smtp://mail.carter.example", "mail.carter.example:587", "mail carter"])
def test_a_mail_server_written_as_an_address_refuses_to_start(prod_env, value):
    """smtplib took the whole value for a host name, at the first send: every email was lost, the
    error mail without a word."""
    helpers.assert_one_sentence(
        helpers.manage("check", env={**prod_env, "EMAIL_HOST": value}),
        "carter-site cannot start: EMAIL_HOST must be the mail server's host name or IP address such as "
        f"smtp.carter.example, without a scheme or a port (the port goes in EMAIL_PORT), not {value!r}.",
    )


@pytest.mark.parametrize("value", ["mail_relay", "10.0.0.25", "2001:db8::25", "smtp.mail.internal"])
def test_a_mail_server_may_be_a_service_name_or_an_ip_address(prod_env, value):
    assert prod_settings({**prod_env, "EMAIL_HOST": value}, "EMAIL_HOST") == {"EMAIL_HOST": value}


def test_the_production_command_refuses_a_static_root_without_collected_files(prod_env, tmp_path):
    folder = tmp_path / "nonexistent" / "static"
    result = start_production_server(prod_env, STATIC_ROOT=folder)
    helpers.assert_one_sentence(
        result,
        f"carter-site cannot start: STATIC_ROOT={folder} holds no collected static files (staticfiles.json "
        "is missing): run python manage.py collectstatic --noinput, or point STATIC_ROOT at the folder "
        "they were collected into.",
    )


def test_the_production_command_refuses_a_media_folder_it_cannot_write_to(ops_env, tmp_path):
    """A host folder or volume the server's user may not write to started a healthy site whose
    every upload failed (a path through a file stands in for a root-owned or read-only mount)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    folder = blocker / "media"
    result = start_production_server(ops_env, MEDIA_ROOT=folder)
    helpers.assert_one_sentence(
        result,
        f"carter-site cannot start: MEDIA_ROOT={folder} is not a folder this server can create and write to, "
        "so every upload would fail: give the folder or volume to the server's user (uid 10001 in the "
        "image), or keep uploads in a bucket (AWS_STORAGE_BUCKET_NAME).",
    )


def test_with_uploads_in_a_bucket_the_media_folder_is_not_needed(ops_env, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = helpers.with_env(
        ops_env,
        MEDIA_ROOT=blocker / "media",
        AWS_STORAGE_BUCKET_NAME="carter-media",
        AWS_S3_CUSTOM_DOMAIN="media.carter.example",
    )
    result = helpers.run([sys.executable, "-m", "carter_site.startup_check"], env=env, timeout=60)
    assert result.returncode == 0, result.stderr


def test_collectstatic_still_runs_where_nothing_was_collected_yet(prod_env, tmp_path):
    """The check belongs to the server's start, not to the settings: the image's build runs
    collectstatic with the production settings into an empty STATIC_ROOT."""
    result = helpers.manage(
        "collectstatic",
        "--noinput",
        "--verbosity",
        "0",
        env=helpers.with_env(prod_env, STATIC_ROOT=tmp_path / "s"),
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s" / "staticfiles.json").is_file()


DEMO_ADMIN_URL_REFUSED = (
    "carter-site cannot start: ADMIN_URL is site-editor/, the compose file's demo address that the docs "
    "print, but ALLOWED_HOSTS names a host others can reach: set ADMIN_URL in .env to an address of "
    "your own, such as editor- followed by a few random letters and digits (see .env.example)."
)


@pytest.mark.parametrize("hosts", ["www.carter.example", "localhost,203.0.113.5", ".carter.example"])
def test_the_compose_demo_admin_address_is_refused_on_a_published_host(audited_env, hosts):
    result = helpers.manage(
        "check", env=helpers.with_env(audited_env, ADMIN_URL="site-editor/", ALLOWED_HOSTS=hosts)
    )
    helpers.assert_one_sentence(result, DEMO_ADMIN_URL_REFUSED)


def test_the_compose_demo_admin_address_still_serves_a_local_demo(prod_env):
    """`docker compose up` on a fresh checkout: ALLOWED_HOSTS and ADMIN_URL are the compose file's defaults."""
    env = helpers.with_env(prod_env, ADMIN_URL="site-editor/", ALLOWED_HOSTS="localhost,127.0.0.1")
    assert prod_settings(env, "ADMIN_URL") == {"ADMIN_URL": "site-editor/"}


# A request through the production WSGI application with Sentry tracing on: the real SDK, whose
# transport keeps what it would send instead of sending it.
TRACE_SENT = """
import io
import json
import wsgiref.util

import django

django.setup()

import sentry_sdk
from sentry_sdk.transport import Transport


class Kept(Transport):
    def __init__(self, options):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)


client = sentry_sdk.get_client()
kept = client.transport = Kept(client.options)

from carter_site.wsgi import application

environ = {
    "REQUEST_METHOD": "GET",
    "PATH_INFO": "/healthz",
    "QUERY_STRING": "q=fentanyl+detox",
    "HTTP_HOST": "localhost",
    "HTTP_REFERER": "https://localhost/search/?q=relapse+help&near=30004",
    "wsgi.url_scheme": "https",
    "wsgi.input": io.BytesIO(),
}
wsgiref.util.setup_testing_defaults(environ)
b"".join(application(environ, lambda status, headers, exc_info=None: None))
sentry_sdk.flush()
items = [item for envelope in kept.envelopes for item in envelope.items]
print("SENT=" + json.dumps([{"type": item.type, "payload": item.payload.json} for item in items]))
"""


def test_sentry_traces_leave_the_search_words_and_referrer_behind(prod_env):
    """With tracing on, a sampled visit goes to Sentry as a transaction, which skips before_send:
    the address it came from (a search, a ZIP code) must be dropped there too."""
    env = {
        **prod_env,
        "SENTRY_DSN": "https://public@errors.carter.example/1",
        "SENTRY_TRACES_SAMPLE_RATE": "1",
    }
    result = helpers.run([sys.executable, "-c", TRACE_SENT], env=env)
    assert result.returncode == 0, result.stderr
    sent = json.loads(
        next(line for line in result.stdout.splitlines() if line.startswith("SENT=")).removeprefix("SENT=")
    )
    transactions = [item["payload"] for item in sent if item["type"] == "transaction"]
    assert len(transactions) == 1  # the request was traced and would have been sent
    assert transactions[0]["request"]["url"] == "https://localhost/healthz"
    assert "Referer" not in transactions[0]["request"]["headers"]
    for words in ("fentanyl", "relapse", "30004"):
        assert words not in json.dumps(sent)
