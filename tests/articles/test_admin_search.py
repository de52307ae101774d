"""The article list's search in the admin: Django's search (each word in the title, summary, text
or author), with the database reading the articles' texts once a search, not once for each
of the list's queries (the count, the page, the dates above the list)."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin import ArticleAdmin
from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def articles():
    ArticleFactory(title="Your first week", body="<p>Evenings at the Alpharetta office.</p>")
    ArticleFactory(title="Evening track", summary="After work, three evenings a week.")
    ArticleFactory(title="Morning track", body="<p>Before work.</p>", author="Dana Ortiz")
    ArticleFactory(title="Coming back after a break", draft=True, body="<p>No need to start over.</p>")
    ArticleFactory(title="Insurance", body="<p>We check your benefits.</p>")


def djangos_own(client, words, **filters):
    """The articles Django's own search finds for `words`, in the list's order."""
    model_admin = admin.site._registry[Article]
    everything = client.get(LIST, filters)
    found, _ = admin.ModelAdmin.get_search_results(
        model_admin, everything.wsgi_request, Article.objects.filter(**filters), words
    )
    found = set(found.values_list("pk", flat=True))
    return [pk for pk in listed(everything)[1] if pk in found]


def listed(response):
    cl = response.context["cl"]
    return cl.result_count, [article.pk for article in cl.result_list]


@pytest.mark.parametrize(
    "words",
    [
        "evenings",
        "EVENING",
        "work",
        '"three evenings"',
        "track work",
        "Ortiz",
        "nothing like this",
        "a",
        "  ",
    ],
)
def test_the_search_finds_what_djangos_own_finds_in_the_same_order(staff_client, articles, words):
    expected = djangos_own(staff_client, words)
    response = staff_client.get(LIST, {"q": words})
    assert response.status_code == 200
    assert listed(response) == (len(expected), expected)


def test_the_search_within_a_filter_finds_what_djangos_own_finds(staff_client, articles):
    expected = djangos_own(staff_client, "over", status__exact=Article.Status.DRAFT)
    assert expected
    response = staff_client.get(LIST, {"q": "over", "status__exact": Article.Status.DRAFT})
    assert listed(response)[1] == expected


def test_the_articles_texts_are_searched_once_a_list(staff_client, articles):
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(LIST, {"q": "evenings week"})
    assert listed(response)[0] == 2
    searching = [query["sql"] for query in queries if "LIKE" in query["sql"].upper()]
    assert len(searching) == 1, searching


def test_more_matches_than_a_list_of_ids_holds_are_searched_as_before(staff_client, articles, monkeypatch):
    monkeypatch.setattr(ArticleAdmin, "SEARCH_IDS_AT_MOST", 2)
    expected = djangos_own(staff_client, "track")
    assert len(expected) == 2
    assert listed(staff_client.get(LIST, {"q": "track"})) == (2, expected)
    assert listed(staff_client.get(LIST, {"q": "e"}))[0] == Article.objects.count()
