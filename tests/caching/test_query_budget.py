"""Lean rendering: at most 4 queries for any public page the cache does not have, whatever the content.

"Page cache cold" is the steady state of a busy site: the page itself is rendered, while the
site-wide data every page shares (settings, published locations, the standing pages in the
footer, the next scheduled change) is
already cached for the current content version. Right after a content change the first page
also loads that data once: at most SITE_WIDE_QUERIES more.
"""

import datetime

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Clinician
from carter_site import caching
from pages.models import Page
from tests.factories import ArticleFactory
from tests.images import photo_bytes
from tests.site.test_query_counts import grow_site

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 4
# Site settings; published locations, their hours and their special days; the footer's standing
# pages; whether clinicians have pages (the footer's link); the next scheduled change.
SITE_WIDE_QUERIES = 7

PAGES = {
    "home": lambda article, location: "/",
    "article-list": lambda article, location: "/articles/",
    "article": lambda article, location: article.get_absolute_url(),
    "location-list": lambda article, location: "/locations/",
    "location": lambda article, location: location.get_absolute_url(),
    "faqs": lambda article, location: "/faqs/",
    "faq-topic": lambda article, location: article.faq_placements.order_by("pk")[
        0
    ].faq.topic.get_absolute_url(),
    "testimonials": lambda article, location: "/testimonials/",
    "search": lambda article, location: "/search/",
    "standing-page": lambda article, location: Page.objects.order_by("pk").first().get_absolute_url(),
}


def site_data_cached():
    """No page in the cache, and every piece of site-wide data in it, as after the first page of
    a content version: what a cold page costs is then its own queries."""
    caches["default"].clear()
    caching.site_settings()
    caching.published_locations()
    caching.footer_pages()
    caching.clinician_pages()
    caching.seconds_until_next_change(caching.content_version())


def page_cold_queries(client, url):
    """Queries to render `url` when the page is not cached but the site-wide data is."""
    site_data_cached()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert response["X-Page-Cache"] == "miss"
    return [query["sql"] for query in queries]


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_a_page_not_in_the_cache_costs_at_most_4_queries_with_1_or_30_of_everything(visitor, page):
    article, location = grow_site(1)
    small = page_cold_queries(visitor, page(article, location))
    article, location = grow_site(30)
    large = page_cold_queries(visitor, page(article, location))
    assert len(large) == len(small), large
    assert len(large) <= PAGE_QUERIES, large


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_the_first_page_after_a_change_loads_the_site_wide_data_once(visitor, page):
    url = page(*grow_site(5))
    caches["default"].clear()
    with CaptureQueriesContext(connection) as queries:
        assert visitor.get(url).status_code == 200
    assert len(queries) <= PAGE_QUERIES + SITE_WIDE_QUERIES


def test_a_page_from_the_cache_costs_no_query(visitor, django_assert_num_queries):
    article, location = grow_site(3)
    urls = [page(article, location) for page in PAGES.values()]
    for url in urls:
        visitor.get(url)
    with django_assert_num_queries(0):
        for url in urls:
            assert visitor.get(url)["X-Page-Cache"] == "hit"


def clinician_with_reviews(n):
    """A clinician with a public page, a photo with its copies, and `n` more live articles whose
    review by them is current."""
    clinician = Clinician.objects.filter(slug="morgan-hale").first()
    if clinician is None:
        clinician = Clinician.objects.create(
            name="Morgan Hale",
            credentials="LCSW",
            slug="morgan-hale",
            has_page=True,
            bio="Leads evening groups.",
            photo_alt="Morgan Hale in front of a bookcase",
        )
        clinician.photo.save("morgan.jpg", ContentFile(photo_bytes((1300, 900))))
    for article in ArticleFactory.create_batch(n):
        article.record_review(clinician, datetime.date(2026, 6, 19))
        article.save()
    return clinician


CLINICIAN_PAGES = {
    "clinician": lambda clinician: clinician.get_absolute_url(),
    "clinician-page-2": lambda clinician: clinician.get_absolute_url() + "?page=2",
    "clinician-list": lambda clinician: "/clinicians/",
}


@pytest.mark.parametrize("page", CLINICIAN_PAGES.values(), ids=CLINICIAN_PAGES.keys())
def test_a_clinicians_page_costs_at_most_4_queries_with_21_or_60_reviews(visitor, page):
    assert clinician_with_reviews(0).photo_copy_widths  # the page shows the photo, with srcset
    small = page_cold_queries(visitor, page(clinician_with_reviews(21)))
    large = page_cold_queries(visitor, page(clinician_with_reviews(39)))
    assert len(large) == len(small), large
    assert len(large) <= PAGE_QUERIES, large


@pytest.mark.parametrize("page", CLINICIAN_PAGES.values(), ids=CLINICIAN_PAGES.keys())
def test_a_clinicians_page_after_a_change_and_from_the_cache(visitor, page, django_assert_num_queries):
    url = page(clinician_with_reviews(25))
    caches["default"].clear()
    with CaptureQueriesContext(connection) as queries:
        assert visitor.get(url).status_code == 200
    assert len(queries) <= PAGE_QUERIES + SITE_WIDE_QUERIES
    with django_assert_num_queries(0):
        assert visitor.get(url)["X-Page-Cache"] == "hit"
