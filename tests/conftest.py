"""Fixtures for the whole suite.

`pytest` runs on SQLite; `pytest --db=postgres` starts a throwaway PostgreSQL server
(tests/postgres_server.py) for the session and runs the same tests against it.
"""

import pytest
from django.conf import settings
from django.db import connections

from .postgres_server import PostgresUnavailable, ThrowawayPostgres
from .redis_server import RedisUnavailable, ThrowawayRedis
from .s3_server import S3Unavailable, ThrowawayS3
from .smtp_server import running_smtp_server


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="Database for the tests: embedded SQLite (default) or a throwaway PostgreSQL server.",
    )


def pytest_report_header(config):
    return f"database: {config.getoption('db')}"


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres_only` (PostgreSQL features) are skipped unless run with --db=postgres."""
    if config.getoption("db") == "postgres":
        return
    skip = pytest.mark.skip(reason="PostgreSQL only: run with --db=postgres")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def postgres_server(pytestconfig):
    if pytestconfig.getoption("db") != "postgres":
        pytest.skip("needs --db=postgres")
    try:
        server = ThrowawayPostgres().start()
    except PostgresUnavailable as error:
        pytest.exit(str(error), returncode=3)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    """A real Redis for the tests of the shared cache production uses (REDIS_URL). The tests that
    use it fail, saying how to install it, where redis-server is missing: they stand for the
    production configuration with several web containers, so they are not skipped."""
    try:
        server = ThrowawayRedis().start()
    except RedisUnavailable as error:
        pytest.fail(str(error), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_server():
    """An S3-compatible server (moto's, tests/s3_server.py) for the tests of uploads in a bucket,
    the storage several web containers share. Like Redis's, its tests fail rather than skip when
    it cannot start."""
    try:
        server = ThrowawayS3().start()
    except S3Unavailable as error:
        pytest.fail(str(error), pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def media_bucket(settings, s3_server, monkeypatch):
    """Uploads in a bucket of their own on the S3 server, shown from a media domain, as
    production stores them with AWS_STORAGE_BUCKET_NAME and AWS_S3_CUSTOM_DOMAIN set."""
    import uuid

    from ckeditor_uploader.utils import storage as editor_storage
    from django.utils.functional import empty

    # The editor keeps a handle of its own on the storage: emptied first, so that what it held
    # before the test (and not the bucket) is what it gets back after.
    monkeypatch.setattr(editor_storage, "_wrapped", empty)
    bucket = f"carter-media-{uuid.uuid4().hex[:12]}"
    client = s3_server.client()
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "carter_site.storage.MediaBucketStorage",  # as carter_site/settings/base.py
            "OPTIONS": s3_server.storage_options(bucket, custom_domain="media.carter.example"),
        },
    }
    settings.CSP_MEDIA_ORIGINS = ["https://media.carter.example"]
    editor_storage._wrapped = empty  # whatever took it while the settings changed
    return MediaBucket(bucket, client)


class MediaBucket:
    """The bucket of `media_bucket`, read with an S3 client of its own."""

    def __init__(self, name, client):
        self.name, self.client = name, client

    def stored_keys(self):
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def put(self, key, body=b"x"):
        self.client.put_object(Bucket=self.name, Key=key, Body=body)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, pytestconfig):
    if pytestconfig.getoption("db") == "postgres":
        server = request.getfixturevalue("postgres_server")
        settings.DATABASES["default"].update(server.django_settings())
        settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
        # A SQLite connection may already exist; drop it so the next use opens PostgreSQL.
        connections["default"].close()
        del connections["default"]
    request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")


@pytest.fixture
def on_postgres(pytestconfig):
    return pytestconfig.getoption("db") == "postgres"


@pytest.fixture
def smtp_server(settings):
    """A real mail server on a free port, which the settings send to; it refuses
    dana@example.com, for the emails that cannot be delivered (tests/smtp_server.py)."""
    with running_smtp_server(settings, refused={"dana@example.com"}) as handler:
        yield handler


@pytest.fixture
def staff_client(client, db):
    """A logged-in superuser: sees drafts, can use every admin page."""
    from .factories import StaffFactory

    client.force_login(StaffFactory(username="editor"))
    return client


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test writes its uploads into a folder of its own, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Nothing cached by one test (site settings, pages) leaks into the next."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def sqlite_reads_take_no_table_locks():
    """For tests/concurrency.py. The test database on SQLite is one in-memory database shared by
    the test's connections, which lock whole tables for as long as a transaction that read them
    is open: the other editor's connection would wait for this request, as it never does on
    PostgreSQL (nor on a SQLite file). Reads without those locks let it save at the moment the
    race needs; PostgreSQL is left as it is."""
    connection = connections["default"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")
