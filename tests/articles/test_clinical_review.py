"""A clinical review outlives its clinician's "can review" tick: only new reviews need it."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Clinician
from carter_site.roles import CLINICAL_REVIEWERS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, change_url, signed_in, signed_in_as_clinician
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

REVIEW_DAY = dt.date(2026, 3, 2)


def reviewed_by_retired_clinician(**fields):
    retired = Clinician.objects.create(name="Pat Former", credentials="LPC")
    article = ArticleFactory(**fields)
    article.record_review(retired, REVIEW_DAY)
    article.save()
    retired.is_active = False
    retired.save()
    return article, retired


@pytest.mark.parametrize("group", [SITE_ADMINISTRATORS, CLINICAL_REVIEWERS])
def test_an_article_reviewed_by_a_clinician_who_no_longer_reviews_can_still_be_saved(group):
    article, retired = reviewed_by_retired_clinician()
    client = signed_in(group, "someone")
    page = client.get(change_url(article))
    # The browser can only post back the clinician the form shows as chosen.
    assert f'<option value="{retired.pk}" selected>Pat Former, LPC</option>' in page.content.decode()
    form = admin_form_data(page)
    if group == SITE_ADMINISTRATORS:
        form["author"] = "Carter admissions team"
    response = client.post(change_url(article), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.reviewed_by, article.reviewed_on) == (retired, REVIEW_DAY)
    assert article.review_is_current
    assert "Clinically reviewed by Pat Former" in Client().get(article.get_absolute_url()).content.decode()


def test_a_new_review_by_a_clinician_who_no_longer_reviews_is_refused_by_name():
    article, retired = reviewed_by_retired_clinician()
    reviewer = signed_in_as_clinician(retired, "pat")
    form = admin_form_data(reviewer.get(change_url(article)))
    form["reviewed_on"] = timezone.localdate().isoformat()  # the same clinician, a new review
    errors = reviewer.post(change_url(article), form).context["adminform"].form.errors
    assert errors["reviewed_by"] == [
        "Pat Former, LPC no longer reviews (“can review” is unticked on their clinician record), so "
        "they cannot sign a new review. Choose a clinician who reviews, or keep the saved review date."
    ]
    article.refresh_from_db()
    assert article.reviewed_on == REVIEW_DAY


def test_saving_an_out_of_date_review_by_a_clinician_who_no_longer_reviews_does_not_renew_it():
    article, retired = reviewed_by_retired_clinician()
    Article.objects.filter(pk=article.pk).update(body="<p>New words nobody reviewed.</p>")
    reviewer = signed_in_as_clinician(retired, "pat")
    response = reviewer.post(
        change_url(article), admin_form_data(reviewer.get(change_url(article))), follow=True
    )
    article.refresh_from_db()
    assert article.review_is_out_of_date
    said = [str(message) for message in response.context["messages"]]
    assert any(
        "The review stays out of date: Pat Former, LPC no longer reviews" in message for message in said
    ), said


@pytest.mark.parametrize(
    ("sent", "field", "said"),
    [
        (
            {"reviewed_by": ""},
            "reviewed_by",
            "Choose the clinician who reviewed the article on March 2, 2026, or clear the review date.",
        ),
        (
            {"reviewed_on": ""},
            "reviewed_on",
            "Give the day Dana Reyes, LCSW reviewed the article, or clear the clinician.",
        ),
    ],
)
def test_a_review_missing_its_clinician_or_its_date_says_which(sent, field, said):
    active = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    article = ArticleFactory()
    reviewer = signed_in_as_clinician(active, "dana")
    form = admin_form_data(reviewer.get(change_url(article)))
    form.update({"reviewed_by": str(active.pk), "reviewed_on": REVIEW_DAY.isoformat(), **sent})
    errors = reviewer.post(change_url(article), form).context["adminform"].form.errors
    assert errors[field] == [said]
    assert "A clinical review needs both" not in str(errors)


def test_the_article_list_filters_reviews_that_are_current_and_out_of_date(staff_client):
    clinician = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    ArticleFactory(title="Never reviewed")
    for title in ("Reviewed as it reads", "Reviewed, then edited"):
        article = ArticleFactory(title=title)
        article.record_review(clinician, REVIEW_DAY)
        article.save()
    edited = Article.objects.get(title="Reviewed, then edited")
    edited.body += "<p>A sentence added after the review.</p>"
    edited.save()

    def listed(review):
        response = staff_client.get(reverse("admin:articles_article_changelist"), {"review": review})
        return sorted(article.title for article in response.context["cl"].result_list)

    assert listed("none") == ["Never reviewed"]
    assert listed("reviewed") == ["Reviewed as it reads"]
    assert listed("out_of_date") == ["Reviewed, then edited"]
    page = staff_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Review out of date</a>" in page
