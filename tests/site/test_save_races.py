"""Two saves racing for a value only one page may hold (an address, a question, a redirect's old
address): the form checked it was free, another save took it before this one was written, and
the database refused the row. The editor gets the form again, saying which value is taken, with
everything typed kept; never a 500, and nothing of the refused save is kept.

The other save runs on a connection of its own and is committed, as another editor's would be,
at the one moment that matters: after this form's checks, as this row is about to be written
(tests/concurrency.py)."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.redirects.models import Redirect
from django.db import connection
from django.urls import reverse

from articles.models import Article
from faqs.models import FAQ
from tests.admin_forms import admin_form_data
from tests.concurrency import just_before_the_first_write_to
from tests.factories import ArticleFactory, FAQFactory, TopicFactory

# The other editor's save must be committed on a connection of its own, as it is in production.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("sqlite_reads_take_no_table_locks"),
]


def test_two_new_articles_at_one_address_the_second_is_told(staff_client):
    url = reverse("admin:articles_article_add")
    form = admin_form_data(staff_client.get(url))
    form.update(
        {
            "title": "Your first week",
            "slug": "your-first-week",
            "summary": "What happens.",
            "body": "<p>Hi.</p>",
        }
    )
    other_save = just_before_the_first_write_to(
        Article._meta.db_table, lambda: ArticleFactory(slug="your-first-week", title="Sam's article")
    )
    with connection.execute_wrapper(other_save):
        response = staff_client.post(url, form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["slug"] == [
        "Another article, “Sam's article”, already has this address. Change it here, for example by "
        "adding a word: each article needs an address of its own."
    ]
    assert admin_form_data(response)["title"] == "Your first week"  # what was typed is kept
    assert list(Article.objects.values_list("title", flat=True)) == ["Sam's article"]
    assert not LogEntry.objects.exists()  # no history entry for a save that did not happen


def test_renaming_to_an_address_just_taken_is_told_and_changes_nothing(staff_client):
    article = ArticleFactory(slug="evening-track", title="Evening track")
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = admin_form_data(staff_client.get(url))
    form["slug"] = "evenings"
    other_save = just_before_the_first_write_to(
        Article._meta.db_table, lambda: ArticleFactory(slug="evenings", title="Evenings")
    )
    with connection.execute_wrapper(other_save):
        response = staff_client.post(url, form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "Another article, “Evenings”, already has this address. Change it here, for example by adding a "
        "word: each article needs an address of its own."
    ]
    article.refresh_from_db()
    assert article.slug == "evening-track"


def test_two_editors_adding_the_same_question_the_second_is_told(staff_client):
    topic = TopicFactory()
    url = reverse("admin:faqs_faq_add")
    form = admin_form_data(staff_client.get(url))
    form.update(
        {"question": "Is parking free?", "answer": "<p>Yes.</p>", "topic": str(topic.pk), "order": "0"}
    )
    other_save = just_before_the_first_write_to(
        FAQ._meta.db_table, lambda: FAQFactory(question="Is parking free?", topic=topic)
    )
    with connection.execute_wrapper(other_save):
        response = staff_client.post(url, form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["question"]
    assert FAQ.objects.count() == 1


def test_two_redirects_from_one_old_address_the_second_is_told(staff_client):
    url = reverse("admin:redirects_redirect_add")
    form = {"site": "1", "old_path": "/old-page/", "new_path": "/articles/"}
    other_save = just_before_the_first_write_to(
        Redirect._meta.db_table,
        lambda: Redirect.objects.create(site_id=1, old_path="/old-page/", new_path="/locations/"),
    )
    with connection.execute_wrapper(other_save):
        response = staff_client.post(url, form)

    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors)
    assert list(Redirect.objects.values_list("new_path", flat=True)) == ["/locations/"]


def test_a_warning_from_a_refused_try_is_said_once_after_the_second(staff_client, monkeypatch):
    """The first try said the testimonial is not on the site, then the database refused the save
    (a row placed by someone else at that moment) and the save was tried again, which said it
    too: the editor reads it once, as it stands after the save that held."""
    import datetime as dt

    from django.contrib.messages import get_messages

    from testimonials.admin import TestimonialAdmin
    from tests.concurrency import refuse_the_first_try
    from tests.factories import TestimonialFactory

    tries = refuse_the_first_try(monkeypatch, TestimonialAdmin)
    testimonial = TestimonialFactory(consent_expires_on=dt.date(2025, 1, 6))
    url = reverse("admin:testimonials_testimonial_change", args=[testimonial.pk])
    data = admin_form_data(staff_client.get(url))
    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert len(tries) == 2
    said = [str(m) for m in get_messages(response.wsgi_request) if "saved but not on the site" in str(m)]
    assert len(said) == 1, said
