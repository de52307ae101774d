"""Two app instances, one cache: an edit through one is visible through the other at once.

Two production servers (`gunicorn -c gunicorn.conf.py carter_site.wsgi`, production settings,
two workers each) share one database and one cache, in both of the ways production can:

- "redis": a real Redis server (REDIS_URL), as several web containers share it. Pages and the
  content version both live there.
- "folder": one cache folder (CACHE_DIR), as the workers of one container do without Redis.
  Each worker keeps rendered pages in its own memory; the content version in the shared folder
  is what makes all four drop them at the same moment.

On `--db=postgres` the database is PostgreSQL, otherwise a SQLite file both servers open.
"""

import re

import pytest
import redis

from tests.ops import helpers

ADMIN_URL = "site-editor-tests/"
WORKERS = 2
TITLE = "Does insurance cover IOP?"


@pytest.fixture(scope="module", params=["redis", "folder"])
def shared_cache(request, tmp_path_factory):
    """The environment that makes the two servers share their cache."""
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")
        server.flush()
        return {"REDIS_URL": server.url(db=1)}
    return {"CACHE_DIR": tmp_path_factory.mktemp("shared-cache")}


@pytest.fixture(scope="module")
def database_url(request, pytestconfig, tmp_path_factory, shared_cache):
    yield from helpers.module_database(request, pytestconfig, tmp_path_factory, "carter_cache")


@pytest.fixture(scope="module")
def env(database_url, shared_cache, tmp_path_factory):
    static_root = tmp_path_factory.mktemp("static")
    env = helpers.production_env(
        STATIC_ROOT=static_root,
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        DATABASE_URL=database_url,
        **shared_cache,
        ADMIN_URL=ADMIN_URL,
        LOG_LEVEL="warning",
    )
    return helpers.prepare_site(env)


@pytest.fixture(scope="module")
def staff_session(env):
    return helpers.staff_session(env)


@pytest.fixture(scope="module")
def instances(env, tmp_path_factory):
    with helpers.gunicorn_servers(
        env, tmp_path_factory.mktemp("gunicorn"), GUNICORN_WORKERS=WORKERS
    ) as servers:
        yield servers


def every_worker(port, path, **kwargs):
    """Enough requests that each worker of the instance has most likely answered one."""
    return [helpers.request(port, path, **kwargs) for _ in range(WORKERS * 4)]


def article_path(server):
    home = helpers.request(server.port, "/articles/").text
    return re.search(r'href="(/articles/[a-z0-9-]+/)"[^>]*>' + re.escape(TITLE), home).group(1)


def test_an_edit_through_one_instance_is_visible_through_the_other_at_once(instances, staff_session, env):
    a, b = instances
    path = article_path(a)
    for server in (a, b):
        responses = every_worker(server.port, path) + every_worker(server.port, "/articles/")
        assert all(response.status == 200 for response in responses)
        assert any(response.headers["X-Page-Cache"] == "hit" for response in responses)
        assert TITLE in responses[-1].text
    if "REDIS_URL" in env:  # the pages and the version really are in Redis, for both instances
        keys = {key.decode() for key in redis.Redis.from_url(env["REDIS_URL"]).keys("*")}
        assert any(":page:" in key for key in keys) and any(key.endswith(":content-version") for key in keys)

    pk = helpers.article_id(env, path)
    helpers.bulk_action(a.port, staff_session, "unpublish_selected", pk)

    for server in (b, a):  # the other instance first: no delay, no waiting
        assert {response.status for response in every_worker(server.port, path)} == {404}
        assert not any(TITLE in response.text for response in every_worker(server.port, "/articles/"))

    helpers.bulk_action(b.port, staff_session, "publish_selected", pk)
    for server in (a, b):
        assert {response.status for response in every_worker(server.port, path)} == {200}
        assert all(TITLE in response.text for response in every_worker(server.port, "/articles/"))


def test_staff_get_private_pages_from_the_production_server(instances, staff_session):
    a, _ = instances
    path = article_path(a)
    helpers.request(a.port, path)
    response = helpers.request(
        a.port, path, headers={"Cookie": f"{staff_session['cookie']}={staff_session['key']}"}
    )
    assert response.status == 200
    assert "X-Page-Cache" not in response.headers
    assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]


def test_the_production_server_answers_304_and_keeps_the_security_headers(instances):
    a, _ = instances
    first = helpers.request(a.port, "/faqs/")
    assert first.status == 200
    assert "public" in first.headers["Cache-Control"] and "s-maxage=" in first.headers["Cache-Control"]
    again = helpers.request(a.port, "/faqs/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304
    assert again.body == b""
    for header in ("Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options"):
        assert header in again.headers or header in first.headers
        assert first.headers[header]


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_static_files_are_hashed_compressed_and_cached_for_a_year(instances, encoding):
    a, _ = instances
    home = helpers.request(a.port, "/").text
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home).group(1)
    response = helpers.request(a.port, stylesheet, headers={"Accept-Encoding": encoding})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == encoding
    cache_control = response.headers["Cache-Control"]
    assert "immutable" in cache_control and "public" in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= 365 * 24 * 60 * 60
    plain = helpers.request(a.port, stylesheet)
    assert len(response.body) < len(plain.body)
