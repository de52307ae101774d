"""Public pages are sent gzip-compressed to clients that accept it, from the cache or not.

The compressed page is a representation of its own: its own ETag, `Vary: Accept-Encoding` on
both, and exactly the same page once decompressed. Staff pages and search results are never
compressed (nothing personal is ever in a compressed body).
"""

import gzip

import pytest
from django.urls import reverse

from carter_site import caching
from carter_site.caching import accepts_gzip
from tests.factories import ArticleFactory, FAQFactory

from .helpers import WsgiVisitor, cache_status

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def article(db):
    return ArticleFactory(title="What a week of IOP looks like", slug="week-of-iop")


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("*", True),
        ("", False),
        ("identity", False),
        ("br", False),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),
        ("*;q=0", False),
        ("br, *;q=0", False),
        ("gzip;q=abc", False),
        ("gzip;q=2", False),
        ("gzipped", False),
    ],
)
def test_what_counts_as_accepting_gzip(header, accepted):
    assert accepts_gzip(header) is accepted


def test_a_page_is_compressed_for_a_client_that_accepts_it_fresh_and_from_the_cache(visitor, article):
    plain = visitor.get(article.get_absolute_url())
    assert "Content-Encoding" not in plain
    for expected_status in ("hit", "hit"):
        packed = visitor.get(article.get_absolute_url(), **GZIP)
        assert cache_status(packed) == expected_status
        assert packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content) == plain.content
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 2
        assert packed["ETag"] != plain["ETag"]
        assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]


def test_the_first_visitor_gets_it_compressed_too(visitor, article):
    packed = visitor.get(article.get_absolute_url(), **GZIP)
    assert cache_status(packed) == "miss"
    assert packed["Content-Encoding"] == "gzip"
    assert b"What a week of IOP looks like" in gzip.decompress(packed.content)
    plain = visitor.get(article.get_absolute_url())
    assert cache_status(plain) == "hit"
    assert "Content-Encoding" not in plain
    assert gzip.decompress(packed.content) == plain.content


def test_each_representation_answers_its_own_etag_with_304(visitor, article):
    packed = visitor.get(article.get_absolute_url(), **GZIP)
    plain = visitor.get(article.get_absolute_url())
    assert (
        visitor.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=packed["ETag"], **GZIP).status_code == 304
    )
    assert visitor.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304
    # A client that kept the other representation gets the page again.
    again = visitor.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=plain["ETag"], **GZIP)
    assert again.status_code == 200
    assert again["Content-Encoding"] == "gzip"


def test_head_announces_the_compressed_length(visitor, article):
    packed = visitor.get(article.get_absolute_url(), **GZIP)
    head = visitor.head(article.get_absolute_url(), **GZIP)
    assert head["Content-Encoding"] == "gzip"
    assert head["Content-Length"] == packed["Content-Length"]


def test_head_before_any_get_announces_what_get_sends(visitor, article):
    """A HEAD request stores nothing, so on a cold cache its page is compressed for it alone:
    its headers are still those of the GET that follows."""
    head = visitor.head(article.get_absolute_url(), **GZIP)
    packed = visitor.get(article.get_absolute_url(), **GZIP)
    assert (head["X-Page-Cache"], packed["X-Page-Cache"]) == ("skip", "miss")
    for header in ("Content-Encoding", "Content-Length", "ETag"):
        assert head[header] == packed[header], header


def test_every_process_compresses_a_page_to_the_same_bytes():
    """No timestamp in the gzip header: the compressed ETag is the same on every worker."""
    body = b"<p>The same page.</p>" * 100
    assert caching._gzip(body) == caching._gzip(body)


def test_feeds_and_the_sitemap_are_compressed_too(visitor, article):
    for url in (reverse("articles-feed"), reverse("sitemap")):
        response = visitor.get(url, **GZIP)
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip", url
        assert gzip.decompress(response.content).startswith(b"<?xml")


def test_staff_pages_and_search_results_are_never_compressed(editor, visitor, article):
    FAQFactory(question="Is a week of IOP enough?")
    staff = editor.get(article.get_absolute_url(), **GZIP)
    assert staff.status_code == 200 and "Content-Encoding" not in staff
    found = visitor.get(reverse("search"), {"q": "week"}, **GZIP)
    assert found.status_code == 200 and "Content-Encoding" not in found
    assert "week" in found.content.decode()


def test_replayed_pages_are_compressed_like_djangos(article):
    wsgi = WsgiVisitor()
    first = wsgi.get(article.get_absolute_url(), **GZIP)
    assert first.through_django and first.headers["Content-Encoding"] == "gzip"
    packed = wsgi.get(article.get_absolute_url(), **GZIP)
    plain = wsgi.get(article.get_absolute_url())
    assert not packed.through_django and not plain.through_django
    assert packed.body == first.body
    assert packed.headers["ETag"] == first.headers["ETag"]
    assert packed.headers["Content-Length"] == str(len(packed.body))
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(packed.body) == plain.body
    assert plain.headers["ETag"] != packed.headers["ETag"]
