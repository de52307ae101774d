"""Each public page costs a small number of queries, whatever the amount of content."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pages.models import Page
from tests.factories import (
    ArticleFactory,
    ArticleFAQFactory,
    ArticleLocationFactory,
    ArticleTestimonialFactory,
    FAQFactory,
    LocationFactory,
    LocationFAQFactory,
    OpeningHoursFactory,
    PageFactory,
    SpecialDayFactory,
    TestimonialFactory,
)

pytestmark = pytest.mark.django_db
# The page's own queries and, on a cache this cold, the site-wide data every page shows
# (tests/caching/test_query_budget.py counts them apart).
MAX_QUERIES = 11  # 4 + 7 (test_query_budget.py)


def count_queries(client, url):
    """Queries for one request on a cold cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def grow_site(n):
    """Add n of everything that lists show, around the same location and article."""
    location = LocationFactory.create_batch(n)[0]
    article = ArticleFactory.create_batch(n)[0]
    for i in range(n):
        ArticleFAQFactory(article=article)
        LocationFAQFactory(location=location)
        ArticleTestimonialFactory(article=article, testimonial__is_featured=True)
        TestimonialFactory(location=location)
        OpeningHoursFactory(location=location, weekday=i % 7, opens=f"{6 + i // 7}:00", closes="23:00")
        SpecialDayFactory(location=location, first_day=timezone.localdate() + dt.timedelta(days=i))
        ArticleLocationFactory(article=ArticleFactory(), location=location)
    FAQFactory.create_batch(n)
    PageFactory.create_batch(n)  # each linked in every page's footer
    return article, location


@pytest.mark.parametrize(
    "page",
    [
        lambda article, location: reverse("home"),
        lambda article, location: reverse("articles:list"),
        lambda article, location: article.get_absolute_url(),
        lambda article, location: reverse("locations:list"),
        lambda article, location: location.get_absolute_url(),
        lambda article, location: reverse("faqs:list"),
        lambda article, location: reverse("testimonials:list"),
        lambda article, location: Page.objects.order_by("pk").first().get_absolute_url(),
    ],
    ids=[
        "home",
        "article-list",
        "article",
        "location-list",
        "location",
        "faqs",
        "testimonials",
        "standing-page",
    ],
)
def test_queries_stay_the_same_with_1_or_30_of_everything(client, page):
    article, location = grow_site(1)
    small = count_queries(client, page(article, location))
    article, location = grow_site(30)
    large = count_queries(client, page(article, location))
    assert small == large
    assert large <= MAX_QUERIES


def test_article_list_with_1_or_50_articles_costs_the_same(client):
    ArticleFactory()
    one = count_queries(client, reverse("articles:list"))
    ArticleFactory.create_batch(49)
    fifty = count_queries(client, reverse("articles:list"))
    fifty_page_5 = count_queries(client, reverse("articles:list") + "?page=5")
    assert one == fifty == fifty_page_5


def test_article_with_1_or_30_faqs_costs_the_same(client):
    article = ArticleFactory()
    ArticleFAQFactory(article=article)
    one = count_queries(client, article.get_absolute_url())
    for _ in range(29):
        ArticleFAQFactory(article=article)
    assert len(client.get(article.get_absolute_url()).context["faqs"]) == 30
    assert count_queries(client, article.get_absolute_url()) == one
