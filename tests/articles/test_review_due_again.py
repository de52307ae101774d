"""A clinical review falls due again after the months the site settings give (12 unless changed),
though the words have not changed: the admin lists those articles, counts them on its home page
and says so on the article. Nothing changes on the public site."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article, Clinician, ReviewRequest, months_after
from carter_site.models import SiteSettings
from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, change_url, signed_in
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

DUE_ROW = "Due for another review"


@pytest.fixture
def clinician():
    return Clinician.objects.create(name="Dana Reyes", credentials="LPC")


@pytest.fixture
def editor():
    return signed_in(MARKETING_EDITORS, "sam")


def months_ago(months, days=0):
    return months_after(timezone.localdate(), -months) - dt.timedelta(days=days)


def reviewed(clinician, on, **fields):
    article = ArticleFactory(**fields)
    article.record_review(clinician, on)
    article.save()
    return article


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (dt.date(2026, 3, 31), 6, dt.date(2026, 9, 30)),  # September has no 31st
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2027, 1, 31), -1, dt.date(2026, 12, 31)),
        (dt.date(2026, 11, 24), -12, dt.date(2025, 11, 24)),
        (dt.date(2026, 11, 24), -24, dt.date(2024, 11, 24)),
    ],
)
def test_months_after_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert months_after(day, months) == expected


def test_which_articles_are_due_for_another_review(clinician):
    due = reviewed(clinician, months_ago(12), title="Reviewed a year ago today")
    long_ago = reviewed(clinician, months_ago(30), title="Reviewed long ago, edited since")
    Article.objects.filter(pk=long_ago.pk).update(body="<p>Changed since.</p>")  # out of date counts too
    scheduled = reviewed(clinician, months_ago(13), title="Scheduled", scheduled=True)
    reviewed(clinician, months_ago(11, days=27), title="Reviewed eleven months ago")
    reviewed(clinician, months_ago(13), title="A draft", draft=True)
    reviewed(clinician, months_ago(13), title="Taken down", expired=True)
    asked = reviewed(clinician, months_ago(13), title="Asked already")
    ReviewRequest.objects.create(article=asked)
    ArticleFactory(title="Never reviewed")

    found = Article.objects.review_due_again(12)
    assert sorted(found.values_list("title", flat=True)) == sorted(
        [due.title, long_ago.title, scheduled.title]
    )
    assert set(Article.objects.review_due_again(24).values_list("title", flat=True)) == {long_ago.title}
    assert not Article.objects.review_due_again(0).exists()  # the site never asks again
    for article in Article.objects.all():
        assert article.review_is_due_again(12) == (article in found or article == asked), article.title


def test_the_home_page_counts_them_for_who_asks_for_reviews_and_who_records_them(clinician, editor):
    reviewed(clinician, months_ago(14), title="Old review")
    reviewed(clinician, months_ago(20), title="Older review")
    reviewed(clinician, months_ago(2), title="Recent review")
    link = reverse("admin:articles_article_changelist") + "?review=due_again"
    reviewer = signed_in(CLINICAL_REVIEWERS, "rita")
    for client in (editor, reviewer, signed_in(SITE_ADMINISTRATORS, "ada")):
        page = client.get(reverse("admin:index")).content.decode()
        assert f'<a href="{link}">{DUE_ROW}</a>' in page
        assert "2 published articles were last reviewed 12 months ago or more, and nobody has asked" in page


def test_the_home_page_tells_a_reviewer_what_they_can_do_rather_than_to_ask_a_clinician(clinician, editor):
    """A clinical reviewer cannot ask for a review: the line told them to "ask a clinician", which
    is what they are, and left them wondering whom to ask and how."""
    reviewed(clinician, months_ago(14), title="Old review")
    reviewer = signed_in(CLINICAL_REVIEWERS, "rita")
    page = reviewer.get(reverse("admin:index")).content.decode()
    assert (
        "nobody has asked for a new review yet: you can read it again and record your review on its page."
        in page
    )
    assert "ask a clinician" not in page
    for client in (editor, signed_in(SITE_ADMINISTRATORS, "ada")):
        page = client.get(reverse("admin:index")).content.decode()
        assert "nobody has asked for a new review yet: ask a clinician to read it again." in page
    reviewed(clinician, months_ago(20), title="Older review")
    page = reviewer.get(reverse("admin:index")).content.decode()
    assert "you can read each again and record your review on the article's page." in page


def test_the_home_page_says_nothing_when_none_is_due_or_the_site_never_asks(clinician, editor):
    reviewed(clinician, months_ago(6), title="Recent review")
    assert DUE_ROW not in editor.get(reverse("admin:index")).content.decode()
    reviewed(clinician, months_ago(12), title="Old review")
    assert (
        "1 published article was last reviewed 12 months ago"
        in editor.get(reverse("admin:index")).content.decode()
    )
    SiteSettings.objects.update_or_create(pk=1, defaults={"review_again_after_months": 0})
    assert DUE_ROW not in editor.get(reverse("admin:index")).content.decode()


def test_the_list_filters_and_marks_them(clinician, editor):
    old = reviewed(clinician, months_ago(13), title="Old review")
    reviewed(clinician, months_ago(3), title="Recent review")
    url = reverse("admin:articles_article_changelist")
    listed = editor.get(url, {"review": "due_again"})
    assert [row.title for row in listed.context["cl"].result_list] == [old.title]
    page = editor.get(url).content.decode()
    assert page.count(f"<strong>{DUE_ROW}</strong>") == 1
    assert DUE_ROW in dict(editor.get(url).context["cl"].filter_specs[1].lookup_choices).values()
    SiteSettings.objects.update_or_create(pk=1, defaults={"review_again_after_months": 0})
    assert DUE_ROW not in editor.get(url).content.decode()  # neither the filter nor the mark


def test_the_article_says_when_its_review_falls_due(clinician, editor):
    recent = reviewed(clinician, months_ago(2), title="Recent review")
    due_on = months_after(recent.reviewed_on, 12)
    page = editor.get(change_url(recent)).content.decode()
    assert f"The site asks for another review 12 months after one: on {date_format(due_on)}." in page

    old = reviewed(clinician, months_ago(13), title="Old review")
    page = editor.get(change_url(old)).content.decode()
    since = date_format(months_after(old.reviewed_on, 12))
    assert (
        f"<strong>Due for another review since {since}:</strong> the site asks for one every 12 months"
        in page
    )


def test_the_review_status_says_what_comes_next_truly_for_a_reviewer_and_once_a_review_is_asked_for(
    clinician, editor
):
    """It said "Ask for a new review." to clinical reviewers, who cannot, and to everyone when a
    request already waited; and "Ask a clinician to read it again." to clinicians."""
    changed = reviewed(clinician, months_ago(2), title="Changed since its review")
    Article.objects.filter(pk=changed.pk).update(summary="Words nobody has reviewed.")
    due = reviewed(clinician, months_ago(13), title="Old review")
    reviewer = signed_in(CLINICAL_REVIEWERS, "rita")
    ask = "Editors ask a clinician for one with “Ask for clinical review” at the top of the page."
    asked = "A new review is asked for: see “Review asked for” below."
    for client in (editor, reviewer):
        page = client.get(change_url(changed)).content.decode()
        assert f"Out of date: the text changed after the review. {ask}" in page
        assert "Ask for a new review." not in page
        page = client.get(change_url(due)).content.decode()
        assert f"though the words have not changed. {ask}" in page
        assert "Ask a clinician to read it again." not in page
    for article in (changed, due):
        ReviewRequest.objects.create(article=article)
    for client in (editor, reviewer):
        assert f"Out of date: the text changed after the review. {asked}" in (
            client.get(change_url(changed)).content.decode()
        )
        assert f"though the words have not changed. {asked}" in client.get(change_url(due)).content.decode()


def test_a_new_review_date_ends_it(clinician):
    article = reviewed(clinician, months_ago(13))
    assert Article.objects.review_due_again(12).exists()
    article.record_review(clinician, timezone.localdate())
    article.save()
    assert not Article.objects.review_due_again(12).exists()
    assert article.review_is_current  # the public page says the new date, and nothing else changes


def test_only_site_administrators_choose_when_a_review_falls_due(editor):
    SiteSettings.objects.create()
    url = change_url(SiteSettings.objects.get())
    data = {**admin_form_data(editor.get(url)), "review_again_after_months": "6"}
    assert "review_again_after_months" not in editor.get(url).context["adminform"].form.fields
    assert editor.post(url, data).status_code == 302
    assert SiteSettings.objects.get().review_again_after_months == 12

    admin = signed_in(SITE_ADMINISTRATORS, "ada")
    data = {**admin_form_data(admin.get(url)), "review_again_after_months": "6"}
    assert admin.post(url, data).status_code == 302
    assert SiteSettings.objects.get().review_again_after_months == 6

    data["review_again_after_months"] = "7"  # not a choice: a form error, nothing saved
    response = admin.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice. 7 is not one of the available choices." in response.content.decode()
    assert SiteSettings.objects.get().review_again_after_months == 6


def test_the_database_refuses_a_time_that_is_not_a_choice():
    from django.db import IntegrityError, transaction

    SiteSettings.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteSettings.objects.update(review_again_after_months=7)
    assert SiteSettings.objects.get().review_again_after_months == 12
