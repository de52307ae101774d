"""The admin stays as quick with three hundred articles as with three: no page or action runs a
query per article, FAQ, placement or version shown.

Each test measures the same page or action with a little content and with more, and compares
the number of SQL queries. Where Django itself runs one query per row (the autocomplete widget
showing each inline row's choice, the checks of each row of an editable list), the allowance is
that one query per row, named in the test.
"""

import datetime as dt
import re
import warnings

import pytest
import reversion
from django.core.paginator import UnorderedObjectListWarning
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Clinician, PreviewLink, ReviewRequest
from carter_site.roles import MARKETING_EDITORS
from faqs.models import FAQ
from locations.models import Location
from testimonials.models import Testimonial
from tests.admin_forms import admin_form_data, changelist_form_data, staff_member
from tests.factories import (
    ArticleFactory,
    ArticleFAQFactory,
    ArticleLocationFactory,
    ArticleTestimonialFactory,
    FAQFactory,
    LocationFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

# The duplicate-question check of faqs.models.FAQ.clean(): it reads the other questions.
READING_QUESTIONS = re.compile(r'SELECT "faqs_faq"\."question"( AS "question")? FROM')


def count_queries(send):
    with CaptureQueriesContext(connection) as queries:
        response = send()
    assert response.status_code in (200, 302), response.status_code
    return len(queries)


@pytest.fixture
def clinician():
    return Clinician.objects.create(name="Dana Reyes", credentials="LCSW")


@pytest.fixture
def location():
    return LocationFactory()


@pytest.fixture
def add_articles(clinician, location):
    """Articles as an editor leaves them: reviewed, with FAQs, a quote, a location and a preview link."""

    def add(count):
        articles = []
        for _ in range(count):
            article = ArticleFactory()
            article.record_review(clinician, dt.date(2026, 5, 1))
            article.save()
            for _ in range(2):
                ArticleFAQFactory(article=article)
            ArticleTestimonialFactory(article=article)
            ArticleLocationFactory(article=article, location=location)
            PreviewLink.objects.create(article=article, note="Dr. Lee")
            articles.append(article)
        return articles

    return add


@pytest.mark.parametrize("query", ["", "?review=reviewed", "?review=out_of_date", "?o=3", "?q=Article"])
def test_the_article_list_runs_the_same_queries_for_ten_articles_as_for_two(
    staff_client, add_articles, query
):
    url = reverse("admin:articles_article_changelist") + query
    add_articles(2)
    few = count_queries(lambda: staff_client.get(url))
    add_articles(8)
    assert count_queries(lambda: staff_client.get(url)) == few


@pytest.fixture
def ask_for_reviews(add_articles, clinician):
    """Articles whose text changed after their review, each with a request for a new one by its
    own editor: the review column names who asked."""

    def ask(count):
        articles = add_articles(count)
        Article.objects.filter(pk__in=[article.pk for article in articles]).update(body="<p>New words.</p>")
        ReviewRequest.objects.bulk_create(
            ReviewRequest(
                article=article,
                clinician=clinician,
                note="New section",
                asked_by=staff_member(MARKETING_EDITORS, f"asker{article.pk}"),
            )
            for article in articles
        )
        return articles

    return ask


@pytest.mark.parametrize("query", ["", "?review=waiting"])
def test_the_article_list_reads_the_requests_for_a_review_with_the_list(staff_client, ask_for_reviews, query):
    url = reverse("admin:articles_article_changelist") + query
    ask_for_reviews(2)
    staff_client.get(url)  # the first request after a content change reads the site settings
    few = count_queries(lambda: staff_client.get(url))
    ask_for_reviews(8)
    response = staff_client.get(url)
    assert response.content.decode().count("Review asked for by asker") == 10
    assert count_queries(lambda: staff_client.get(url)) == few


def test_the_admins_home_page_counts_what_waits_for_review_in_one_query(staff_client, ask_for_reviews):
    url = reverse("admin:index")
    ask_for_reviews(2)
    staff_client.get(url)  # the first request of a session reads what later ones have cached
    few = count_queries(lambda: staff_client.get(url))
    ask_for_reviews(8)
    assert "10 articles wait for a review." in staff_client.get(url).content.decode()
    assert count_queries(lambda: staff_client.get(url)) == few


def test_asking_for_reviews_in_bulk_runs_the_same_queries_for_ten_articles_as_for_two(
    staff_client, add_articles
):
    url = reverse("admin:articles_article_changelist")

    def ask(count):
        articles = add_articles(count)
        ids = [article.pk for article in articles]
        Article.objects.filter(pk__in=ids).update(body="<p>New words.</p>")
        data = {"action": "ask_for_review_selected", "_selected_action": ids, "ask": "yes", "note": "Please"}
        return count_queries(lambda: staff_client.post(url, data))

    ask(2)  # the first request of a session reads what later ones have cached
    assert ask(10) == ask(2)
    assert ReviewRequest.objects.open().count() == 14


def test_the_article_form_reads_its_rows_with_what_they_name(staff_client, clinician, location):
    """Each row names its FAQ, quote or location and the article: read with the rows, not one by one.
    Django's autocomplete widget still reads each row's chosen object: one query per row."""
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])

    def add_rows(count):
        for _ in range(count):
            ArticleFAQFactory(article=article)
            ArticleTestimonialFactory(article=article)
            ArticleLocationFactory(article=article, location=LocationFactory())
            PreviewLink.objects.create(article=article, note="Dr. Lee", created_by=None)

    add_rows(1)
    few = count_queries(lambda: staff_client.get(url))
    add_rows(5)
    autocomplete_rows = 5 * 3  # the FAQ, quote and location rows; preview links have no widget
    assert count_queries(lambda: staff_client.get(url)) <= few + autocomplete_rows


@pytest.mark.parametrize(
    ("model", "make", "actions"),
    [
        ("articles_article", "articles", ["unpublish_selected", "publish_selected"]),
        ("faqs_faq", "faqs", ["unpublish_selected", "publish_selected"]),
        ("testimonials_testimonial", "testimonials", ["unpublish_selected", "publish_selected"]),
    ],
)
def test_bulk_actions_run_the_same_queries_for_ten_items_as_for_two(
    staff_client, add_articles, model, make, actions
):
    url = reverse(f"admin:{model}_changelist")
    makers = {
        "articles": lambda count: [article.pk for article in add_articles(count)],
        "faqs": lambda count: [placement.faq_id for placement in [ArticleFAQFactory() for _ in range(count)]],
        "testimonials": lambda count: [
            placement.testimonial_id for placement in [ArticleTestimonialFactory() for _ in range(count)]
        ],
    }
    warm_up, few, many = makers[make](2), makers[make](2), makers[make](10)
    for action in actions:
        counts = [
            count_queries(
                lambda ids=ids, action=action: staff_client.post(
                    url, {"action": action, "_selected_action": ids}
                )
            )
            for ids in (warm_up, few, many)
        ]
        assert counts[2] == counts[1], (action, counts)
    # The action did what it says, with its versions.
    model_class = {"articles": Article, "faqs": FAQ, "testimonials": Testimonial}[make]
    versions = reversion.models.Version.objects.get_for_object_reference(model_class, many[0])
    comments = [version.revision.comment for version in versions]
    assert (
        len(comments) == 2 and comments[0].startswith("Published") and comments[1].startswith("Unpublished")
    )


def versions_of(obj):
    with reversion.create_revision():
        obj.save()
    with reversion.create_revision():
        obj.save()
    return list(reversion.models.Version.objects.get_for_object(obj).values_list("pk", flat=True))


@pytest.mark.parametrize("which", ["location", "clinician"])
def test_comparing_versions_reads_no_version_of_the_articles_that_use_it(
    staff_client, add_articles, location, clinician, which
):
    obj = {"location": location, "clinician": clinician}[which]
    first, second = versions_of(obj)[:2]
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_compare", args=[obj.pk])
    url += f"?version_id1={second}&version_id2={first}"
    add_articles(2)
    staff_client.get(url)  # the first request of a session reads what later ones have cached
    few = count_queries(lambda: staff_client.get(url))
    for article in add_articles(6):  # each with versions of its own
        versions_of(article)
    assert count_queries(lambda: staff_client.get(url)) == few


def test_saving_the_order_of_the_faq_list_does_not_read_every_question_for_each_row(staff_client):
    """The duplicate-question check reads the other questions only for a question that changed:
    saving the list's order column changes none."""
    url = reverse("admin:faqs_faq_changelist")
    FAQFactory.create_batch(12, topic=TopicFactory())

    def save_list(change=None):
        data = changelist_form_data(staff_client.get(url))
        data["form-0-order"] = "7"
        data.update(change or {})
        data["_save"] = "Save"
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.post(url, data)
        assert response.status_code == 302, response.context["cl"].formset.errors
        return [query for query in queries if READING_QUESTIONS.match(query["sql"])]

    assert save_list() == []
    # The check still runs, as that query, for a question that changed.
    faq = FAQ.objects.first()
    faq.question = "A question an editor just reworded?"
    with CaptureQueriesContext(connection) as queries:
        faq.full_clean()
    assert [query for query in queries if READING_QUESTIONS.match(query["sql"])]


@pytest.mark.parametrize("path", ["changelist", "autocomplete"])
def test_the_topic_list_has_a_stable_order(staff_client, path):
    TopicFactory.create_batch(3)
    if path == "changelist":
        url = reverse("admin:faqs_topic_changelist")
    else:
        url = reverse("admin:autocomplete") + "?app_label=faqs&model_name=faq&field_name=topic"
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        assert staff_client.get(url).status_code == 200


def test_deleting_articles_saves_their_versions_without_a_query_per_row(staff_client, add_articles):
    url = reverse("admin:articles_article_changelist")

    def delete(count):
        ids = [article.pk for article in add_articles(count)]
        return count_queries(
            lambda: staff_client.post(
                url, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
            )
        )

    delete(2)  # the first request of a session reads what later ones have cached
    few = delete(2)
    many = delete(10)
    assert not Article.objects.exists() and Location.objects.exists() and Testimonial.objects.exists()
    assert reversion.models.Version.objects.get_deleted(Article).count() == 14
    # Django's list of what it deletes names each FAQ, quote and location placement (four per
    # article here), read with the article and what each places; the versions add nothing.
    assert many == few, (few, many)


def test_articles_deleted_together_can_each_be_recovered_with_their_places(staff_client, add_articles):
    """django-reversion's own revision around the list used to swallow the versions saved just
    before a bulk delete: nothing was left to recover."""
    articles = add_articles(2)
    staff_client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [article.pk for article in articles],
            "post": "yes",
        },
    )
    assert not Article.objects.exists()
    version = reversion.models.Version.objects.get_deleted(Article).get(object_id=str(articles[0].pk))
    url = reverse("admin:articles_article_recover", args=[version.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    recovered = Article.objects.get(pk=articles[0].pk)
    assert recovered.title == articles[0].title
    assert recovered.faq_placements.count() == 2 and recovered.testimonial_placements.count() == 1


def test_the_delete_confirmation_of_a_much_used_faq_reads_its_articles_with_their_placements(
    staff_client,
):
    """Deleting an FAQ lists each article it is on. The list used to read each article on its
    own: 322 queries for an FAQ on 300 articles."""

    def confirmation(count):
        faq = FAQFactory()
        for _ in range(count):
            ArticleFAQFactory(faq=faq)
        url = reverse("admin:faqs_faq_delete", args=[faq.pk])
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("on “Article number") == count
        return len(queries)

    confirmation(2)  # the first request of a session reads what later ones have cached
    assert confirmation(12) == confirmation(2)


def test_the_refused_delete_of_a_quote_on_many_articles_reads_them_with_their_placements(staff_client):
    """A quote on articles cannot be deleted; the page names each article that uses it, which
    used to take two queries per article (one for Django's list, one for the linked one)."""

    def refusal(count):
        quote = ArticleTestimonialFactory().testimonial
        for _ in range(count - 1):
            ArticleTestimonialFactory(testimonial=quote)
        url = reverse("admin:testimonials_testimonial_delete", args=[quote.pk])
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("Article: Article number") == count
        return len(queries)

    refusal(2)
    assert refusal(12) == refusal(2)
