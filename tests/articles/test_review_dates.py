"""A clinical review vouches for the words as they stand, so it cannot be dated before they were
written: not before the day they last changed for readers, the day this save writes them, or
the day the article was created (docs/editorial-workflow.md, "Clinical review"). Through the
admin's change form, as a reviewer's or an administrator's browser posts it."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from articles.models import Article, Clinician, ReviewRequest
from carter_site.models import SiteSettings
from carter_site.roles import MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, change_url, edit_in_admin, signed_in, signed_in_as_clinician
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# Mid-morning in Atlanta: the same day in UTC and in the site's time zone.
MONDAY = dt.datetime(2026, 6, 1, 14, 0, tzinfo=dt.UTC)
WEDNESDAY = MONDAY + dt.timedelta(days=2)


@pytest.fixture
def dana():
    return Clinician.objects.create(name="Dana Reyes", credentials="LPC")


def sign(client, article, clinician, day):
    """Post the article's form as `client`, with the review signed by `clinician` on `day`."""
    form = admin_form_data(client.get(change_url(article)))
    form.update({"reviewed_by": str(clinician.pk), "reviewed_on": day})
    return client.post(change_url(article), form)


def review_date_errors(response):
    assert response.status_code == 200, "the review was saved"
    return response.context["adminform"].form.errors["reviewed_on"]


def public_page(article):
    return Client().get(article.get_absolute_url()).content.decode()


def test_a_review_dated_before_the_article_existed_is_refused_and_names_the_day(dana):
    """Signed 1990-11-24, an article created that morning said "Clinically reviewed … on November
    24, 1990", and its structured data lastReviewed 1990-11-24."""
    with time_machine.travel(MONDAY, tick=False):
        article = ArticleFactory()
        reviewer = signed_in_as_clinician(dana, "dana")
        errors = review_date_errors(sign(reviewer, article, dana, "1990-11-24"))
        assert errors == [
            "It was created here on June 1, 2026, so no clinician can have read these words on Nov. 24, "
            "1990: a review vouches for the words as they stand. Give the day the clinician read them, "
            "today, June 1, 2026."
        ]
        article.refresh_from_db()
        assert (article.reviewed_by, article.reviewed_on) == (None, None)
        page = public_page(article)
        assert "Clinically reviewed" not in page and "lastReviewed" not in page


def test_a_review_dated_the_day_the_words_were_written_is_recorded_and_shown(dana):
    with time_machine.travel(MONDAY, tick=False):
        article = ArticleFactory()
        reviewer = signed_in_as_clinician(dana, "dana")
        assert sign(reviewer, article, dana, "2026-06-01").status_code == 302
        article.refresh_from_db()
        assert (article.reviewed_by, article.reviewed_on) == (dana, dt.date(2026, 6, 1))
        page = public_page(article)
        assert '<time datetime="2026-06-01">June 1, 2026</time>' in page
        assert re.search(r'"lastReviewed":\s*"2026-06-01"', page)


def test_a_review_dated_before_the_words_last_changed_is_refused_and_the_day_they_changed_is_not(dana):
    """Once an article has been public, the day its words last changed is the one readers see as
    "Updated" and search engines as dateModified: a review of those words starts there."""
    with time_machine.travel(MONDAY - dt.timedelta(days=40), tick=False):
        article = ArticleFactory()  # live since the day before
    with time_machine.travel(MONDAY, tick=False):
        edit_in_admin(signed_in(MARKETING_EDITORS, "sam"), article, body="<p>New advice on cravings.</p>")
    with time_machine.travel(WEDNESDAY, tick=False):
        reviewer = signed_in_as_clinician(dana, "dana")
        errors = review_date_errors(sign(reviewer, article, dana, "2026-05-31"))
        assert errors == [
            "Its words were last changed on June 1, 2026, so no clinician can have read these words on "
            "May 31, 2026: a review vouches for the words as they stand. Give the day the clinician read "
            "them, June 1, 2026 or later."
        ]
        assert sign(reviewer, article, dana, "2026-06-01").status_code == 302
        article.refresh_from_db()
        assert article.review_is_current and article.reviewed_on == dt.date(2026, 6, 1)


def test_words_changed_in_the_same_save_can_only_have_been_read_today(dana):
    """A site administrator may change the words and record a review in one save: those words
    exist from today, whenever the article was created."""
    with time_machine.travel(MONDAY - dt.timedelta(days=40), tick=False):
        article = ArticleFactory(draft=True)
    with time_machine.travel(MONDAY, tick=False):
        admin = signed_in(SITE_ADMINISTRATORS, "alex")
        form = admin_form_data(admin.get(change_url(article)))
        form.update({"body": "<p>Rewritten today.</p>", "reviewed_by": str(dana.pk)})
        errors = review_date_errors(admin.post(change_url(article), {**form, "reviewed_on": "2026-05-20"}))
        assert errors == [
            "Its headline, summary or text change with this save, so no clinician can have read these "
            "words on May 20, 2026: a review vouches for the words as they stand. Give the day the "
            "clinician read them, today, June 1, 2026."
        ]
        article.refresh_from_db()
        assert article.reviewed_by is None and "Rewritten today." not in article.body
        assert admin.post(change_url(article), {**form, "reviewed_on": "2026-06-01"}).status_code == 302
        article.refresh_from_db()
        assert article.review_is_current and "Rewritten today." in article.body


def test_a_new_article_added_with_a_review_cannot_be_dated_before_today(dana):
    with time_machine.travel(MONDAY, tick=False):
        admin = signed_in(SITE_ADMINISTRATORS, "alex")
        add_url = reverse("admin:articles_article_add")
        form = admin_form_data(admin.get(add_url))
        form.update({"title": "New", "slug": "new", "summary": "A summary.", "body": "<p>Words.</p>"})
        form.update(
            {"author": "Carter clinical team", "reviewed_by": str(dana.pk), "reviewed_on": "2026-05-29"}
        )
        errors = review_date_errors(admin.post(add_url, form))
        assert errors[0].startswith("This article is new with this save, so no clinician can have read")
        assert not Article.objects.exists()


def reviewed_on_april_22(dana):
    """An article made 40 days before MONDAY, reviewed by `dana` on April 22, 2026."""
    with time_machine.travel(MONDAY - dt.timedelta(days=40), tick=False):
        article = ArticleFactory()
        article.record_review(dana, dt.date(2026, 4, 22))
        article.save()
    return article


def test_saving_an_out_of_date_review_as_it_stands_cannot_sign_words_written_since(dana):
    """A reviewer saving their out-of-date review unchanged renews it for the words as they stand:
    it kept the old date, earlier than the words it then signed. The request it would answer
    waits until a review is dated on or after them."""
    article = reviewed_on_april_22(dana)
    editor = signed_in(MARKETING_EDITORS, "sam")
    with time_machine.travel(MONDAY, tick=False):
        edit_in_admin(editor, article, body="<p>A new section on relapse.</p>")
        editor.post(reverse("admin:articles_article_ask_for_review", args=[article.pk]), {"note": ""})
    with time_machine.travel(WEDNESDAY, tick=False):
        reviewer = signed_in_as_clinician(dana, "dana")
        form = admin_form_data(reviewer.get(change_url(article)))
        assert form["reviewed_on"] == "2026-04-22"
        errors = review_date_errors(reviewer.post(change_url(article), form))
        assert errors[0].startswith(
            "Its words were last changed on June 1, 2026, so no clinician can have read these words on "
            "April 22, 2026"
        )
        article.refresh_from_db()
        assert article.review_is_out_of_date and article.reviewed_on == dt.date(2026, 4, 22)
        assert ReviewRequest.objects.open().filter(article=article).exists()
        assert "Clinically reviewed" not in public_page(article)


def test_a_saved_review_of_earlier_words_is_kept_by_a_save_that_records_no_review(dana):
    """Only a review being recorded is checked: an editor saving other fields of an article whose
    review is out of date, and older than its words, is not refused for it."""
    article = reviewed_on_april_22(dana)
    editor = signed_in(MARKETING_EDITORS, "sam")
    with time_machine.travel(MONDAY, tick=False):
        edit_in_admin(editor, article, body="<p>A new section on relapse.</p>")
        edit_in_admin(editor, article, meta_description="What changes when you come back.")
    article.refresh_from_db()
    assert article.review_is_out_of_date and article.reviewed_on == dt.date(2026, 4, 22)


def test_a_clinician_renewing_their_review_of_a_scheduled_article_keeps_it_scheduled(dana):
    """With the rule that publishing needs a current review, saving one's out-of-date review as it
    stands records a review of the words: the article is not sent back to draft as unreviewed."""
    with time_machine.travel(MONDAY, tick=False):
        article = ArticleFactory(scheduled=True)
        article.record_review(dana, dt.date(2026, 6, 1))
        article.save()
        Article.objects.filter(pk=article.pk).update(body="<p>Changed before the rule was on.</p>")
        SiteSettings.objects.create(publishing_needs_review=True)
        reviewer = signed_in_as_clinician(dana, "dana")
        response = reviewer.post(change_url(article), admin_form_data(reviewer.get(change_url(article))))
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.review_is_current
        assert article.get_state() == Article.State.SCHEDULED
        said = [str(m) for m in reviewer.get(response.url).context["messages"]]
        assert not any(m.startswith("Back to draft") for m in said), said
