"""This process's copies of pages from a shared cache: bounded, and never past a page's expiry.

With a shared page store (Redis in production; a cache folder here, which behaves the same for
this purpose), carter_site.caching keeps the pages it reads or writes in its own memory too.
"""

import datetime as dt

import pytest
import time_machine

from carter_site import caching
from tests.factories import ArticleFactory

from .helpers import cache_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_pages(settings, tmp_path):
    """Pages in a cache folder: a store outside this process, as Redis is."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "v"),
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "p"),
        },
    }
    settings.PAGE_CACHE_TIMEOUT = 600


def test_pages_from_a_shared_store_are_kept_in_this_process(visitor, shared_pages):
    article = ArticleFactory()
    assert cache_status(visitor.get(article.get_absolute_url())) == "miss"
    assert len(caching._local_pages) == 1
    caching._page_store().clear()  # gone from the shared store: the local copy still serves
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"


def test_a_local_copy_is_never_served_after_its_page_expires(visitor, shared_pages):
    article = ArticleFactory()
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        assert cache_status(visitor.get(article.get_absolute_url())) == "miss"
        assert cache_status(visitor.get(article.get_absolute_url())) == "hit"
        clock.shift(dt.timedelta(seconds=601))
        assert cache_status(visitor.get(article.get_absolute_url())) == "miss"


def test_local_copies_are_bounded_by_size_least_recently_used_first(shared_pages, monkeypatch):
    monkeypatch.setattr(caching, "LOCAL_PAGE_BYTES", 250)
    page = lambda size: caching.CachedPage([], b"x" * size, '"e"', 0, 10**12, False)  # noqa: E731
    caching._remember_local("a", page(100))
    caching._remember_local("b", page(100))
    assert caching._get_page("a") is not None  # "a" used: "b" is now the oldest
    caching._remember_local("c", page(100))
    assert list(caching._local_pages) == ["a", "c"]
    assert caching._local_bytes == 200


def test_the_compressed_form_counts_towards_the_bound(shared_pages, monkeypatch):
    monkeypatch.setattr(caching, "LOCAL_PAGE_BYTES", 250)
    page = caching.CachedPage([], b"x" * 100, '"e"', 0, 10**12, False, gzipped=b"z" * 40)
    caching._remember_local("a", page)
    caching._remember_local("b", page)  # 2 x 140 bytes: over the bound, though the bodies are 200
    assert list(caching._local_pages) == ["b"]
    assert caching._local_bytes == 140


def test_a_local_store_is_not_copied_twice(visitor):
    article = ArticleFactory()
    visitor.get(article.get_absolute_url())
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"
    assert not caching._local_pages  # the test settings keep pages in local memory already


def test_threads_of_one_worker_share_the_copies_safely(monkeypatch):
    """GUNICORN_THREADS > 1: lookups, additions and evictions interleave, and must neither
    fail (a page evicted between finding and reordering it) nor lose count of the bytes."""
    import sys
    import threading

    monkeypatch.setattr(caching, "LOCAL_PAGE_BYTES", 1000)
    page = caching.CachedPage([], b"x" * 100, '"e"', 0, 10**12, False)
    errors = []

    def churn(offset):
        try:
            for i in range(20000):
                key = f"k{(i + offset) % 40}"
                caching._remember_local(key, page)
                caching._get_page(f"k{(i * 7 + offset) % 40}")
        except Exception as error:  # any failure is the finding
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show up at once
    try:
        threads = [threading.Thread(target=churn, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert caching._local_bytes == sum(caching._size(p) for p in caching._local_pages.values())
    assert caching._local_bytes <= 1000
