"""An article links to up to three related live articles: same location or same FAQ topic."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    ArticleFAQFactory,
    ArticleLocationFactory,
    FAQFactory,
    LocationFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.now() - dt.timedelta(days=n)


def related_titles(client, article):
    return [a.title for a in client.get(article.get_absolute_url()).context["related_articles"]]


@pytest.fixture
def article_with_neighbours():
    location = LocationFactory()
    topic = TopicFactory()
    article = ArticleFactory(title="This one")
    ArticleLocationFactory(article=article, location=location)
    ArticleFAQFactory(article=article, faq=FAQFactory(topic=topic))

    same_location = ArticleFactory(title="Same location", published_at=days_ago(2))
    ArticleLocationFactory(article=same_location, location=location)
    same_topic = ArticleFactory(title="Same topic", published_at=days_ago(3))
    ArticleFAQFactory(article=same_topic, faq=FAQFactory(topic=topic))
    both = ArticleFactory(title="Same location and topic", published_at=days_ago(9))
    ArticleLocationFactory(article=both, location=location)
    ArticleFAQFactory(article=both, faq=FAQFactory(topic=topic))

    ArticleFactory(title="Unrelated")
    draft = ArticleFactory(draft=True, title="Draft, same location")
    ArticleLocationFactory(article=draft, location=location)
    hidden_faq_only = ArticleFactory(title="Only through an unpublished FAQ")
    ArticleFAQFactory(article=hidden_faq_only, faq=FAQFactory(topic=topic, is_published=False))
    return {"article": article, "location": location, "topic": topic}


def test_related_articles_share_a_location_or_topic_closest_first(client, article_with_neighbours):
    titles = related_titles(client, article_with_neighbours["article"])
    assert titles == ["Same location and topic", "Same location", "Same topic"]


def test_related_articles_are_at_most_three_and_shown_as_links(client, article_with_neighbours):
    for n in range(3):
        extra = ArticleFactory(title=f"Also same location {n}", published_at=days_ago(1))
        ArticleLocationFactory(article=extra, location=article_with_neighbours["location"])
    article = article_with_neighbours["article"]
    titles = related_titles(client, article)
    assert len(titles) == 3 and titles[0] == "Same location and topic"
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('class="card__title"') == 3
    assert "Read next" in html


def test_an_article_with_nothing_in_common_shows_no_related_section(client, db):
    article = ArticleFactory()
    ArticleFactory()
    response = client.get(article.get_absolute_url())
    assert list(response.context["related_articles"]) == []
    assert "Read next" not in response.content.decode()


def test_related_articles_cost_one_query_however_many_match(client, article_with_neighbours):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = article_with_neighbours["article"]

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(article.get_absolute_url())
        return len(captured)

    before = queries()
    for _ in range(10):
        neighbour = ArticleFactory()
        ArticleLocationFactory(article=neighbour, location=article_with_neighbours["location"])
        ArticleFAQFactory(article=neighbour, faq=FAQFactory(topic=article_with_neighbours["topic"]))
    assert queries() == before


def test_a_topic_shared_through_several_faqs_counts_once(client, article_with_neighbours):
    """Closeness counts shared topics, not shared FAQs: three FAQs of one topic are still one."""
    topic = article_with_neighbours["topic"]
    many_faqs = ArticleFactory(title="Three FAQs of the same topic", published_at=days_ago(1))
    for _ in range(3):
        ArticleFAQFactory(article=many_faqs, faq=FAQFactory(topic=topic))
    titles = related_titles(client, article_with_neighbours["article"])
    assert titles == ["Same location and topic", "Three FAQs of the same topic", "Same location"]


def test_scheduled_and_expired_articles_are_never_related(client, article_with_neighbours):
    location = article_with_neighbours["location"]
    scheduled = ArticleFactory(title="Scheduled", published_at=timezone.now() + dt.timedelta(days=1))
    expired = ArticleFactory(
        title="Expired", published_at=days_ago(30), expires_at=timezone.now() - dt.timedelta(hours=1)
    )
    for article in (scheduled, expired):
        ArticleLocationFactory(article=article, location=location)
        ArticleFAQFactory(article=article, faq=FAQFactory(topic=article_with_neighbours["topic"]))
    titles = related_titles(client, article_with_neighbours["article"])
    assert "Scheduled" not in titles and "Expired" not in titles
    assert titles == ["Same location and topic", "Same location", "Same topic"]
