"""Who sees what: drafts, scheduled, live and expired articles, for visitors and staff."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

BANNER = "Draft — not public."


@pytest.mark.parametrize("state", ["draft", "scheduled", "expired"])
def test_unpublished_articles_are_404_for_visitors_and_missing_from_lists(client, state):
    article = ArticleFactory(title=f"A {state} article", **{state: True})
    assert client.get(article.get_absolute_url()).status_code == 404
    for url in (reverse("articles:list"), reverse("home")):
        assert f"A {state} article" not in client.get(url).content.decode()


@pytest.mark.parametrize("state", ["draft", "scheduled", "expired"])
def test_staff_see_unpublished_articles_with_a_banner_never_cached_or_indexed(staff_client, state):
    article = ArticleFactory(title=f"A {state} article", **{state: True})
    response = staff_client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert BANNER in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_live_article_has_no_banner_even_for_staff(staff_client):
    article = ArticleFactory()
    html = staff_client.get(article.get_absolute_url()).content.decode()
    assert BANNER not in html


def test_staff_without_view_permission_get_404_like_visitors(client):
    article = ArticleFactory(draft=True)
    user = UserFactory(username="marketing-intern", is_staff=True)
    client.force_login(user)
    assert client.get(article.get_absolute_url()).status_code == 404
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_article_states_follow_the_clock(time_machine_now):
    article = ArticleFactory(scheduled=True)
    assert article.get_state() == Article.State.SCHEDULED
    assert article not in Article.objects.published()
    later = article.published_at + time_machine_now(minutes=1)
    assert article.get_state(later) == Article.State.LIVE
    assert article in Article.objects.published(now=later)


@pytest.fixture
def time_machine_now():
    import datetime as dt

    return lambda **kwargs: dt.timedelta(**kwargs)


def test_publishing_without_a_time_sets_it_to_now():
    article = ArticleFactory(draft=True)
    article.status = Article.Status.PUBLISHED
    article.save()
    article.refresh_from_db()
    assert article.published_at is not None
    assert article.is_public


def test_reading_time_is_derived_from_the_body():
    article = ArticleFactory(body="<p>" + "word " * 450 + "</p>")
    assert article.word_count == 450
    assert article.reading_minutes == 3
