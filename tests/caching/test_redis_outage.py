"""Redis out of reach under a running production server, then back with the keys it held.

A Redis with persistence (snapshots or an append-only file, as most are configured) that
restarts comes back with the content version and the pages it held before: unlike one that
restarts empty, it does not start afresh by itself. A change saved meanwhile could not move the
version on, so these tests check that it still reaches visitors once Redis answers again. The
server is the production command (gunicorn with gunicorn.conf.py and the production settings),
one worker, so that each request lands in the process that holds the copies under test. Redis
is the suite's real server, stopped after a snapshot and started again from it.

On `--db=postgres` the database is PostgreSQL, otherwise a SQLite file.
"""

import contextlib
import re
import sys
import time

import pytest

from carter_site.caching import CACHE_RETRY_SECONDS
from tests.ops import helpers

ADMIN_URL = "site-editor-tests/"
OLD_PHONE, NEW_PHONE = "tel:+14702841834", "tel:+14705550142"


@pytest.fixture(scope="module")
def database_url(request, pytestconfig, tmp_path_factory):
    yield from helpers.module_database(request, pytestconfig, tmp_path_factory, "carter_redis_outage")


@pytest.fixture(scope="module")
def env(database_url, redis_server, tmp_path_factory):
    env = helpers.production_env(
        STATIC_ROOT=tmp_path_factory.mktemp("static"),
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        DATABASE_URL=database_url,
        REDIS_URL=redis_server.url(db=3),
        ADMIN_URL=ADMIN_URL,
        LOG_LEVEL="warning",
    )
    return helpers.prepare_site(env)


@pytest.fixture
def server(env, redis_server, tmp_path):
    redis_server.flush()
    with helpers.gunicorn_server(env, tmp_path / "gunicorn.log", PAGE_CACHE_TIMEOUT=2) as running:
        yield running


@contextlib.contextmanager
def redis_restarted_from_a_snapshot(redis_server):
    """Redis stops, and starts again with what it held when it stopped."""
    redis_server.snapshot()
    redis_server.stop_server()
    try:
        yield
    finally:
        redis_server.start()
        redis_server.forget_snapshot()


def phones(server):
    response = helpers.request(server.port, "/faqs/")
    assert response.status == 200
    return set(re.findall(r'href="(tel:\+1\d{10})"', response.text))


def save_phone_number(env, phone):
    """Change the site's number from a process of its own: another container's admin, a shell."""
    code = (
        "import django; django.setup(); from carter_site.models import SiteSettings; "
        f"s = SiteSettings.objects.get(pk=1); s.phone = {phone!r}; s.save()"
    )
    result = helpers.run([sys.executable, "-c", code], env=env)
    assert result.returncode == 0, result.stderr


def test_a_number_changed_while_redis_was_down_shows_once_the_cached_pages_expire(server, env, redis_server):
    assert OLD_PHONE in phones(server)
    assert OLD_PHONE in phones(server)  # the page, the site settings: all cached, in Redis and in the worker

    with redis_restarted_from_a_snapshot(redis_server):
        save_phone_number(env, "(470) 555-0142")  # could not move the content version on

    # The version in Redis is the one from before the change. The pages under it expire after
    # PAGE_CACHE_TIMEOUT (2 s); the pages rendered then must carry the new number.
    deadline = time.monotonic() + 2 + CACHE_RETRY_SECONDS + 10
    seen = phones(server)
    while NEW_PHONE not in seen and time.monotonic() < deadline:
        time.sleep(0.5)
        seen = phones(server)
    assert NEW_PHONE in seen and OLD_PHONE not in seen, f"still {seen} after Redis answered again"
    for _ in range(5):
        assert phones(server) == seen


def test_an_article_taken_down_while_redis_was_down_stays_down_when_redis_answers_again(
    env, redis_server, tmp_path
):
    redis_server.flush()
    staff_session = helpers.staff_session(env)
    # Pages kept as long as by default: the change must not wait for them to expire.
    with helpers.gunicorn_server(env, tmp_path / "gunicorn.log") as server:
        listing = helpers.request(server.port, "/articles/").text
        path = re.search(r'href="(/articles/[a-z0-9-]+/)"', listing).group(1)
        assert helpers.request(server.port, path).status == 200
        assert helpers.request(server.port, path).headers["X-Page-Cache"] == "hit"
        pk = helpers.article_id(env, path)

        with redis_restarted_from_a_snapshot(redis_server):
            helpers.bulk_action(server.port, staff_session, "unpublish_selected", pk)
            assert helpers.request(server.port, path).status == 404

        # Redis answers again, holding the page under the version from before the take-down.
        deadline = time.monotonic() + CACHE_RETRY_SECONDS + 5
        statuses = []
        while time.monotonic() < deadline:
            statuses.append(helpers.request(server.port, path).status)
            time.sleep(0.25)
        assert set(statuses) == {404}, statuses
        # ...and the cache is in use again, under a version of its own.
        assert helpers.request(server.port, "/faqs/").headers["X-Page-Cache"] in {"miss", "hit"}
        assert helpers.request(server.port, "/faqs/").headers["X-Page-Cache"] == "hit"
