"""A clinical review outlives its clinician's "can review" tick: only new reviews need it."""

import datetime as dt

import pytest
from django.db.models import TextField, Value
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Clinician
from carter_site.roles import CLINICAL_REVIEWERS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, change_url, edit_in_admin, signed_in, signed_in_as_clinician
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


# --- The words a review vouches for --------------------------------------------------------

OLD_BODY = (
    "<h2>Coming back</h2><p>You can return&nbsp;after a slip.</p><p>&nbsp;</p>"
    "<p><strong> </strong>Call us.</p><p>\u200b</p><ul><li>Mornings</li><li>Evenings</li></ul><p><br></p>"
)


def test_a_text_cleaned_of_what_showed_nothing_keeps_its_review():
    """Saving takes out blank paragraphs and empty bold (carter_site.richtext); no word changed,
    so the clinician's review still stands, in the admin and on the page."""
    clinician = Clinician.objects.create(name="Robin Vale", credentials="LCSW")
    article = ArticleFactory(title="Coming back after a slip")
    # As an older release stored it, before saving cleaned such leftovers (a Value, which the
    # field does not sanitise on its way to the database).
    Article.objects.filter(pk=article.pk).update(body=Value(OLD_BODY, output_field=TextField()))
    article.refresh_from_db()
    assert article.body == OLD_BODY
    article.record_review(clinician, REVIEW_DAY)
    Article.objects.filter(pk=article.pk).update(
        reviewed_by=clinician, reviewed_on=REVIEW_DAY, reviewed_fingerprint=article.reviewed_fingerprint
    )

    edit_in_admin(signed_in(SITE_ADMINISTRATORS, "editor"), article)
    article.refresh_from_db()
    assert "&nbsp;</p>" not in article.body and "<strong>" not in article.body  # it was cleaned
    assert article.review_is_current


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("<p>Call us today.</p>", "<p>Call us tomorrow.</p>"),
        ("<p>Mornings</p><p>Evenings</p>", "<p>MorningsEvenings</p>"),
        ("<p>Ten weeks</p>", "<p>Ten</p><p>weeks are too many</p>"),
    ],
)
def test_a_changed_word_still_ends_the_review(before, after):
    from articles.models import review_fingerprint

    assert review_fingerprint("T", "S", before) != review_fingerprint("T", "S", after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("<p>Call us.</p>", "<p>Call <strong>us</strong>.</p>"),
        ("<p>Re<em>lapse</em></p>", "<p>Relapse</p>"),
        ("<p>A</p><p>&nbsp;</p><p>B</p>", "<p>A</p><p>B</p>"),
        ("<p>A&nbsp;B</p>", "<p>A B</p>"),
        ("<p>A</p>\n\n<p>B</p>", "<p>A</p><p>B</p>"),
    ],
)
def test_markup_and_blank_space_do_not_end_it(before, after):
    from articles.models import review_fingerprint

    assert review_fingerprint("T", "S", before) == review_fingerprint("T", "S", after)


def test_the_migration_keeps_current_reviews_current_and_out_of_date_ones_out_of_date():
    import hashlib
    import importlib

    from django.apps import apps
    from django.utils.html import strip_tags

    migration = importlib.import_module("articles.migrations.0017_review_reads_words_as_shown")

    def old_fingerprint(article):
        parts = [
            " ".join(strip_tags(part or "").split())
            for part in (article.title, article.summary, article.body)
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    clinician = Clinician.objects.create(name="Robin Vale", credentials="LCSW")
    current, stale = ArticleFactory(), ArticleFactory()
    Article.objects.filter(pk__in=[current.pk, stale.pk]).update(
        body=Value(OLD_BODY, output_field=TextField()), reviewed_by=clinician, reviewed_on=REVIEW_DAY
    )
    current.refresh_from_db()
    Article.objects.filter(pk=current.pk).update(reviewed_fingerprint=old_fingerprint(current))
    Article.objects.filter(pk=stale.pk).update(reviewed_fingerprint="0" * 64)

    migration.forwards(apps, None)
    current.refresh_from_db()
    stale.refresh_from_db()
    assert current.review_is_current
    assert not stale.review_is_current and stale.reviewed_fingerprint == "0" * 64

    migration.backwards(apps, None)
    current.refresh_from_db()
    assert current.reviewed_fingerprint == old_fingerprint(current)
