"""Who sees what: drafts, scheduled, live and expired articles, for visitors and staff."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

BANNER = "Draft — not public."
BANNERS = {"draft": BANNER, "scheduled": "Scheduled — not public yet.", "expired": "Taken down — not public."}


def local(*args):
    return timezone.make_aware(dt.datetime(*args))


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
    assert BANNERS[state] in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def banner_text(response):
    html = response.content.decode()
    start = html.index('<div class="draft-banner" role="status">')
    return " ".join(html[start : html.index("</div>", start)].split()[3:])


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        (
            {"status": Article.Status.DRAFT, "published_at": None},
            "<p><strong>Draft — not public.</strong> Only staff can see this page. Visitors get “page not "
            "found” until it is published.</p>",
        ),
        (
            {"published_at": local(2031, 6, 2, 9, 0)},
            "<p><strong>Scheduled — not public yet.</strong> It goes live on June 2, 2031, 9 a.m. Until "
            "then only staff can see this page; visitors get “page not found”.</p>",
        ),
        (
            {"published_at": local(2025, 3, 1, 8, 0), "expires_at": local(2025, 9, 30, 17, 30)},
            "<p><strong>Taken down — not public.</strong> Its take-down time (Sept. 30, 2025, 5:30 p.m.) "
            "has passed, so visitors get “page not found”. To put it back on the site, change or clear "
            "the take-down time.</p>",
        ),
    ],
    ids=["draft", "scheduled", "expired"],
)
def test_the_staff_banner_says_where_the_article_stands(staff_client, fields, said):
    article = ArticleFactory(**fields)
    response = staff_client.get(article.get_absolute_url())
    assert banner_text(response) == said
    assert "no-store" in response["Cache-Control"]
    assert Client().get(article.get_absolute_url()).status_code == 404  # nothing kept for visitors


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        (
            {"status": Article.Status.DRAFT, "published_at": None},
            "<p><strong>Preview — not public.</strong> It is a draft: this is how the page will look "
            "once it is published.</p>",
        ),
        (
            {"published_at": local(2031, 6, 2, 9, 0)},
            "<p><strong>Preview — not public.</strong> It goes live on June 2, 2031, 9 a.m. Until then "
            "only staff can see this page; visitors get “page not found”.</p>",
        ),
        (
            {},
            "<p><strong>Preview of the saved version.</strong> This page is live: visitors see this "
            "version at its public address now.</p>",
        ),
    ],
    ids=["draft", "scheduled", "live"],
)
def test_a_staff_preview_says_where_the_article_stands(staff_client, fields, said):
    article = ArticleFactory(**fields)
    response = staff_client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert banner_text(response) == said
    assert "no-store" in response["Cache-Control"]


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


def test_a_shared_preview_of_a_live_article_does_not_call_it_unpublished(staff_client):
    from articles.models import PreviewLink

    link = PreviewLink.objects.create(article=ArticleFactory())
    response = Client().get(link.get_absolute_url())
    assert banner_text(response) == (
        "<p><strong>Preview shared for review. Please do not forward this link.</strong> This page is "
        "live: visitors see this version at its public address now.</p>"
    )
