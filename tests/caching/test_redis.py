"""The page cache on a real Redis server, as production runs it with REDIS_URL.

Settings exactly as carter_site.settings.base builds them for a REDIS_URL: the content version
and the pages both in Redis, shared by every process of every web container. These tests run
in-process against tests/redis_server.py; test_two_instances.py runs two production servers
on it. The outage test stops the server for real: no fake backend.
"""

import logging
import pickle

import pytest
import redis
from django.core.cache import caches

from carter_site import caching
from tests.admin_forms import edit_in_admin

from .helpers import cache_status, text

pytestmark = pytest.mark.django_db

PREFIX = "carter-tests"


@pytest.fixture
def redis_cache(settings, redis_server):
    """Both caches in Redis, as with REDIS_URL in production; an empty database for each test."""
    redis_server.flush()
    config = {
        "BACKEND": "carter_site.cache_backends.RedisCache",
        "LOCATION": redis_server.url(db=2),
        "KEY_PREFIX": PREFIX,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    settings.CACHES = {"default": config, "pages": config}
    yield redis.Redis.from_url(redis_server.url(db=2))
    caches["default"].close()


@pytest.fixture
def article(db):
    from tests.factories import ArticleFactory

    return ArticleFactory(title="Evenings in IOP", slug="evenings-in-iop")


def keys(client):
    return {key.decode() for key in client.keys(f"{PREFIX}:*")}


def test_a_second_anonymous_request_comes_from_redis_without_a_query(
    visitor, article, redis_cache, django_assert_num_queries
):
    first = visitor.get(article.get_absolute_url())
    assert cache_status(first) == "miss"
    assert any(":page:" in key for key in keys(redis_cache))
    assert f"{PREFIX}:1:content-version" in keys(redis_cache)
    with django_assert_num_queries(0):
        second = visitor.get(article.get_absolute_url())
    assert cache_status(second) == "hit"
    assert second.content == first.content and second["ETag"] == first["ETag"]


def test_an_edit_in_the_admin_writes_a_new_version_to_redis_and_shows_at_once(
    visitor, editor, article, redis_cache
):
    visitor.get(article.get_absolute_url())
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"
    version_before = redis_cache.get(f"{PREFIX}:1:content-version")

    edit_in_admin(editor, article, title="Evenings in IOP, week by week")

    assert redis_cache.get(f"{PREFIX}:1:content-version") != version_before
    response = visitor.get(article.get_absolute_url())
    assert cache_status(response) == "miss"
    assert "Evenings in IOP, week by week" in text(response)
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"


def test_when_redis_stops_pages_are_rendered_and_edits_still_show_then_caching_resumes(
    visitor, article, redis_cache, redis_server, monkeypatch, caplog
):
    now = [1000.0]
    monkeypatch.setattr(caching, "_clock", lambda: now[0])
    monkeypatch.setattr(caching._cache_failure, "last", 0.0)  # an earlier test's warning may be recent
    visitor.get(article.get_absolute_url())
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"

    redis_server.stop_server()
    try:
        with caplog.at_level(logging.WARNING, logger="carter_site.caching"):
            for _ in range(3):
                response = visitor.get(article.get_absolute_url())
                assert response.status_code == 200
                assert cache_status(response) != "hit"
        assert "The cache failed" in caplog.text
        article.title = "Saved while Redis was down"
        article.save()  # saving never fails because the cache does
        assert "Saved while Redis was down" in text(visitor.get(article.get_absolute_url()))
    finally:
        redis_server.start()

    now[0] += caching.CACHE_RETRY_SECONDS + 1  # the process tries the cache again
    assert cache_status(visitor.get(article.get_absolute_url())) == "miss"
    response = visitor.get(article.get_absolute_url())
    assert cache_status(response) == "hit"
    assert "Saved while Redis was down" in text(response)


def redis_calls(client, command):
    stats = client.info("commandstats").get(f"cmdstat_{command}", {})
    return stats.get("calls", 0)


def test_a_page_this_process_has_costs_one_redis_read_the_version(visitor, article, redis_cache):
    visitor.get(article.get_absolute_url())  # rendered, stored in Redis and in this process
    reads = redis_calls(redis_cache, "get")
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"
    assert redis_calls(redis_cache, "get") - reads == 1  # the content version; the page was local


def test_a_change_made_by_another_container_reaches_this_process_at_once(visitor, article, redis_cache):
    """Another container's save writes a new version into Redis; this process's copy of the page
    is then unreachable: the next request renders it afresh, with the other container's edit."""
    visitor.get(article.get_absolute_url())
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"
    type(article).objects.filter(pk=article.pk).update(title="Changed elsewhere")  # no signal here
    # The other container's bump, as its Django cache writes it (pickled).
    redis_cache.set(f"{PREFIX}:1:content-version", pickle.dumps(caching._new_version()))
    response = visitor.get(article.get_absolute_url())
    assert cache_status(response) == "miss"
    assert "Changed elsewhere" in text(response)


def test_pages_another_release_rendered_are_not_served_by_this_one(visitor, article, redis_cache, settings):
    """A rolling upgrade: old and new containers share Redis and the content version, but the
    new code's page cache keys carry its own release (settings: the "pages" KEY_PREFIX)."""
    config = settings.CACHES["default"]

    def run_release(name):
        settings.CACHES = {"default": config, "pages": {**config, "KEY_PREFIX": f"{PREFIX}.{name}"}}
        caching._local_pages.clear()  # another process: nothing of the other's in its memory

    run_release("old")
    assert cache_status(visitor.get(article.get_absolute_url())) == "miss"
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"
    run_release("new")
    assert cache_status(visitor.get(article.get_absolute_url())) == "miss"  # rendered by the new code
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"
    assert any(key.startswith(f"{PREFIX}.old:") for key in redis_cache_keys(redis_cache))
    assert any(key.startswith(f"{PREFIX}.new:") for key in redis_cache_keys(redis_cache))


def redis_cache_keys(client):
    return {key.decode() for key in client.keys("*")}
