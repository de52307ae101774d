"""Pages answered before Django: carter_site.wsgi's PageCacheApplication.

Once a process has sent a page from the page cache through the whole stack, it answers the next
requests for that page itself, with the same bytes and headers, without entering Django. These
tests call the WSGI application that gunicorn serves, as gunicorn calls it, and tell the two
ways apart by Django's `request_started` signal, which only Django's handler sends.
"""

import datetime as dt

import pytest
import time_machine
from django.core.handlers.wsgi import WSGIHandler

from articles.models import Article
from carter_site import caching
from carter_site.caching import PageCacheApplication
from tests.factories import ArticleFactory

from .broken_cache import FailingCache
from .helpers import WsgiVisitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsgi():
    return WsgiVisitor()


@pytest.fixture
def article(db):
    return ArticleFactory(title="What a week of IOP looks like", slug="week-of-iop")


def sent_once(wsgi, path):
    """Request the page once: Django renders and stores it, and from now on it can be replayed."""
    first = wsgi.get(path)
    assert (first.through_django, first.headers["X-Page-Cache"]) == (True, "miss")
    return first


def test_the_server_serves_the_page_cache_in_front_of_django():
    from carter_site.wsgi import HeadWithoutBody, application

    # Outermost, only the body of HEAD answers is left out (tests/ops/test_head_requests.py).
    assert isinstance(application, HeadWithoutBody)
    assert isinstance(application.application, PageCacheApplication)
    assert isinstance(application.application.application, WSGIHandler)


def test_a_page_sent_once_is_answered_before_django_with_the_same_bytes_and_headers(article, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    wsgi = WsgiVisitor()
    first = sent_once(wsgi, article.get_absolute_url())
    again = wsgi.get(article.get_absolute_url())
    assert not again.through_django
    assert again.status_code == 200
    assert again.body == first.body
    assert again.headers["X-Page-Cache"] == "hit"
    different = {"Date", "X-Page-Cache", "Cache-Control"}
    assert {k: v for k, v in again.headers.items() if k not in different} == {
        k: v for k, v in first.headers.items() if k not in different
    }
    assert again.headers["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    # The headers the middleware above the page cache adds are there, as from Django.
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "ETag",
        "Last-Modified",
        "Content-Length",
    ):
        assert header in again.headers, header
    assert len(again.header_names) == len(set(again.header_names)), "no header twice"


def test_head_is_answered_like_get(wsgi, article):
    sent_once(wsgi, article.get_absolute_url())
    head = wsgi.request("HEAD", article.get_absolute_url())
    assert not head.through_django
    assert head.headers["X-Page-Cache"] == "hit"


def test_an_edit_is_visible_at_once(wsgi, article):
    sent_once(wsgi, article.get_absolute_url())
    article.title = "A week of IOP, hour by hour"
    article.save()
    after = wsgi.get(article.get_absolute_url())
    assert after.through_django
    assert after.headers["X-Page-Cache"] == "miss"
    assert b"A week of IOP, hour by hour" in after.body


def test_a_change_without_signals_is_visible_at_once_once_announced(wsgi, article):
    sent_once(wsgi, article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(title="Updated in bulk")
    caching.content_changed()
    after = wsgi.get(article.get_absolute_url())
    assert after.through_django
    assert b"Updated in bulk" in after.body


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_COOKIE": "sessionid=abcdefgh12345678"},
        {"HTTP_COOKIE": "messages=something"},
        {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"},
        {"HTTP_IF_NONE_MATCH": '"not-the-etag"'},
        {"HTTP_IF_MODIFIED_SINCE": "Sun, 01 Jan 2006 00:00:00 GMT"},
        {"QUERY_STRING": "sort=title"},
    ],
    ids=["session", "messages", "credentials", "if-none-match", "if-modified-since", "other-query"],
)
def test_requests_the_page_may_differ_for_go_to_django(wsgi, article, settings, extra):
    settings.SESSION_COOKIE_NAME = "sessionid"
    sent_once(wsgi, article.get_absolute_url())
    answer = wsgi.get(article.get_absolute_url(), **extra)
    assert answer.through_django
    assert answer.status_code == 200


def test_a_matching_etag_gets_its_304_from_django(wsgi, article):
    first = sent_once(wsgi, article.get_absolute_url())
    answer = wsgi.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert answer.through_django
    assert answer.status_code == 304


def test_other_cookies_and_campaign_parameters_still_get_the_replay(wsgi, article):
    sent_once(wsgi, article.get_absolute_url())
    answer = wsgi.get(article.get_absolute_url(), HTTP_COOKIE="theme=dark", QUERY_STRING="utm_source=news")
    assert not answer.through_django
    assert answer.headers["X-Page-Cache"] == "hit"


def test_post_goes_to_django(wsgi, article):
    sent_once(wsgi, article.get_absolute_url())
    assert wsgi.request("POST", article.get_absolute_url()).through_django


def test_a_host_not_allowed_gets_djangos_400(wsgi, article):
    sent_once(wsgi, article.get_absolute_url())
    answer = wsgi.get(article.get_absolute_url(), HTTP_HOST="evil.example")
    assert answer.through_django
    assert answer.status_code == 400


def test_a_page_is_not_replayed_past_its_expiry(wsgi, article, settings):
    settings.PAGE_CACHE_TIMEOUT = 600
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        sent_once(wsgi, article.get_absolute_url())
        assert not wsgi.get(article.get_absolute_url()).through_django
        clock.shift(dt.timedelta(seconds=601))
        late = wsgi.get(article.get_absolute_url())
    assert late.through_django
    assert late.headers["X-Page-Cache"] == "miss"


def test_a_scheduled_article_appears_at_its_time_on_a_replayed_list(wsgi, article):
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        ArticleFactory(
            title="Going live soon", published_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
        )
        first = sent_once(wsgi, "/articles/")
        assert b"Going live soon" not in first.body
        assert not wsgi.get("/articles/").through_django
        clock.shift(dt.timedelta(minutes=5, seconds=1))
        later = wsgi.get("/articles/")
    assert later.through_django
    assert b"Going live soon" in later.body


@pytest.fixture
def failing_version_store(settings):
    """The content version in a cache that can go down while the site runs, as Redis can."""
    settings.CACHES = {
        **settings.CACHES,
        "failing": {"BACKEND": "tests.caching.broken_cache.FailingCache", "LOCATION": "replay-tests"},
    }
    settings.CONTENT_VERSION_CACHE = "failing"
    yield FailingCache
    FailingCache.down = False


def test_nothing_is_replayed_once_the_cache_is_down(wsgi, article, failing_version_store):
    sent_once(wsgi, article.get_absolute_url())
    assert not wsgi.get(article.get_absolute_url()).through_django
    failing_version_store.down = True
    answer = wsgi.get(article.get_absolute_url())
    assert answer.through_django  # which renders the page without the cache
    assert answer.status_code == 200
    assert answer.headers["X-Page-Cache"] == "skip"


def test_nothing_is_replayed_with_the_page_cache_off(wsgi, article, settings):
    sent_once(wsgi, article.get_absolute_url())
    settings.PAGE_CACHE_ENABLED = False
    assert wsgi.get(article.get_absolute_url()).through_django


def test_a_page_that_set_a_cookie_is_never_replayed(wsgi, article):
    caching._note_sent("k", caching.CachedPage([], b"x", '"e"', 0, 10**12, False), [("Set-Cookie", "a=b")])
    assert "k" not in caching._local_pages


def test_a_failure_while_replaying_leaves_the_answer_to_django(wsgi, article, monkeypatch, caplog):
    """Replaying is a shortcut: an error in it (none is known; this one is injected) costs the
    shortcut, never the page."""
    sent_once(wsgi, article.get_absolute_url())

    def unexpected(environ):
        raise RuntimeError("an error nobody foresaw")

    monkeypatch.setattr(caching, "WSGIRequest", unexpected)
    monkeypatch.setattr(caching._replay_failure, "last", 0.0)
    answer = wsgi.get(article.get_absolute_url())
    assert answer.through_django
    assert answer.status_code == 200
    assert answer.headers["X-Page-Cache"] == "hit"
    assert "Could not replay a page" in caplog.text


def test_an_address_outside_latin_1_still_reaches_django_intact(wsgi, article):
    """Looking for a page must leave the environ as the server sent it: Django decodes the path
    again if it answers (found by tests/security/test_hostile_input.py)."""
    sent_once(wsgi, article.get_absolute_url())
    answer = wsgi.get("/articles/%C4%80-caf%C3%A9/")
    assert answer.through_django
    assert answer.status_code == 404


def test_head_of_a_replayed_page_has_the_headers_of_get_and_no_body(article):
    """The server's application leaves out the body of a HEAD answer, replayed ones included
    (a replay is a plain list of bytes, with nothing to close)."""
    from carter_site.wsgi import HeadWithoutBody

    wsgi = WsgiVisitor()
    wsgi.application = HeadWithoutBody(wsgi.application)
    first = sent_once(wsgi, article.get_absolute_url())

    head = wsgi.request("HEAD", article.get_absolute_url())

    assert (head.through_django, head.headers["X-Page-Cache"]) == (False, "hit")
    assert head.body == b""
    assert head.headers["Content-Length"] == str(len(first.body))
    assert head.headers["ETag"] == first.headers["ETag"]
