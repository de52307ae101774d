"""Two people with one article open: no save silently undoes another, and no review signs text
its clinician never saw. Also what restoring an old version must not bring back."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Clinician, PreviewLink
from carter_site.roles import MARKETING_EDITORS, SITE_ADMINISTRATORS
from faqs.models import FAQ
from tests.admin_forms import admin_form_data, change_url, signed_in, signed_in_as_clinician
from tests.factories import ArticleFactory, FAQFactory

pytestmark = pytest.mark.django_db


def test_the_second_of_two_editors_is_told_instead_of_undoing_the_first():
    article = ArticleFactory(title="First title", summary="First summary.")
    dana = signed_in(MARKETING_EDITORS, "dana", "Dana")
    sam = signed_in(MARKETING_EDITORS, "sam", "Sam")
    danas_form = admin_form_data(dana.get(change_url(article)))
    sams_form = admin_form_data(sam.get(change_url(article)))

    danas_form["title"] = "A corrected title"
    assert dana.post(change_url(article), danas_form).status_code == 302

    sams_form["summary"] = "Sam's new summary."
    response = sam.post(change_url(article), sams_form)
    assert response.status_code == 200  # the form again, nothing saved
    [error] = response.context["adminform"].form.non_field_errors()
    assert re.match(r"Dana saved this article at \d{1,2}:\d\d [AP]M, after you opened it", error)
    article.refresh_from_db()
    assert (article.title, article.summary) == ("A corrected title", "First summary.")
    # Sam's typing is all there, and saving again (having been told) keeps Sam's version.
    again = admin_form_data(response)
    assert again["summary"] == "Sam's new summary."
    second = sam.post(change_url(article), again)
    assert second.status_code == 302, (second.context["adminform"].form.errors, again.get("edit_stamp"))
    article.refresh_from_db()
    assert (article.title, article.summary) == ("First title", "Sam's new summary.")


def test_a_bulk_change_made_meanwhile_is_not_undone_by_an_open_form():
    faq = FAQFactory(question="Is parking free?", is_published=True)
    editor = signed_in(MARKETING_EDITORS, "dana")
    form = admin_form_data(editor.get(change_url(faq)))
    other = signed_in(MARKETING_EDITORS, "sam")
    changelist = reverse("admin:faqs_faq_changelist")
    other.post(changelist, {"action": "unpublish_selected", "_selected_action": [faq.pk]})
    assert not FAQ.objects.get(pk=faq.pk).is_published
    form["answer"] = "<p>Yes, all day.</p>"
    response = editor.post(change_url(faq), form)
    assert response.status_code == 200
    assert "saved this FAQ" in response.context["adminform"].form.non_field_errors()[0]
    assert not FAQ.objects.get(pk=faq.pk).is_published


def test_a_review_never_signs_text_changed_after_the_reviewer_opened_it():
    clinician = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    article = ArticleFactory(body="<p>What the clinician read.</p>")
    reviewer = signed_in_as_clinician(clinician, "dana")
    editor = signed_in(MARKETING_EDITORS, "sam")
    review_form = admin_form_data(reviewer.get(change_url(article)))
    edit_form = admin_form_data(editor.get(change_url(article)))

    edit_form["body"] = "<p>Most people are fully better after two weeks.</p>"
    assert editor.post(change_url(article), edit_form).status_code == 302
    review_form.update({"reviewed_by": str(clinician.pk), "reviewed_on": timezone.localdate().isoformat()})
    response = reviewer.post(change_url(article), review_form)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.reviewed_by is None
    # The page now shows the text as saved, for the reviewer to read before saving again.
    assert "Most people are fully better after two weeks." in response.content.decode()


def test_a_new_headline_or_summary_puts_the_review_out_of_date():
    clinician = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    article = ArticleFactory(title="What IOP is", summary="A plain account.")
    article.record_review(clinician, timezone.localdate())
    article.save()
    editor = signed_in(MARKETING_EDITORS, "sam")
    for field, words in [
        ("title", "IOP works for everyone in two weeks"),
        ("summary", "Guaranteed results."),
    ]:
        article.refresh_from_db()
        article.record_review(clinician, timezone.localdate())
        article.save()
        form = admin_form_data(editor.get(change_url(article)))
        form[field] = words
        assert editor.post(change_url(article), form).status_code == 302
        article.refresh_from_db()
        assert article.review_is_out_of_date, field
        assert "Clinically reviewed by" not in Client().get(article.get_absolute_url()).content.decode()


def test_restoring_an_old_version_never_brings_back_a_withdrawn_review(staff_client):
    clinician = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    article = ArticleFactory(body="<p>Reviewed words.</p>")
    article.record_review(clinician, timezone.localdate())
    form = admin_form_data(staff_client.get(change_url(article)))
    form.update({"reviewed_by": str(clinician.pk), "reviewed_on": timezone.localdate().isoformat()})
    assert staff_client.post(change_url(article), form).status_code == 302  # a version with the review
    form = admin_form_data(staff_client.get(change_url(article)))
    form.update({"reviewed_by": "", "reviewed_on": ""})  # the clinician withdraws it
    assert staff_client.post(change_url(article), form).status_code == 302
    article.refresh_from_db()
    assert article.reviewed_by is None

    reviewed = Version.objects.get_for_object(article).order_by("pk").first()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, reviewed.pk])
    response = staff_client.get(revision_url)
    assert (
        "but not “Clinically reviewed by” and “Clinical review date”: they keep" in response.content.decode()
    )
    assert staff_client.post(revision_url, admin_form_data(response)).status_code == 302
    article.refresh_from_db()
    assert article.reviewed_by is None and not article.reviewed_fingerprint
    assert "Clinically reviewed by" not in Client().get(article.get_absolute_url()).content.decode()


def test_restoring_an_old_version_leaves_shared_preview_links_as_they_are(staff_client):
    article = ArticleFactory(draft=True, body="<p>First draft.</p>")
    form = admin_form_data(staff_client.get(change_url(article)))
    form.update(
        {
            "preview_links-TOTAL_FORMS": "1",
            "preview_links-0-note": "For Dr. Lee",
            "preview_links-0-expires_at_0": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
            "preview_links-0-expires_at_1": "12:00:00",
        }
    )
    assert staff_client.post(change_url(article), form).status_code == 302
    link = PreviewLink.objects.get(article=article)
    assert Client().get(link.get_absolute_url()).status_code == 200
    link.revoked = True
    link.save()
    form = admin_form_data(staff_client.get(change_url(article)))
    form["body"] = "<p>Second draft.</p>"
    assert staff_client.post(change_url(article), form).status_code == 302
    later_link = PreviewLink.objects.create(article=article, note="Made after the first version")

    first = Version.objects.get_for_object(article).order_by("pk").first()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    assert staff_client.post(revision_url, admin_form_data(staff_client.get(revision_url))).status_code == 302
    assert Article.objects.get(pk=article.pk).body == "<p>First draft.</p>"
    link.refresh_from_db()
    assert link.revoked
    assert Client().get(link.get_absolute_url()).status_code == 404
    assert PreviewLink.objects.filter(pk=later_link.pk).exists()


def test_a_review_date_in_the_future_or_by_a_clinician_who_no_longer_reviews_is_refused():
    """Whoever records it: here a site administrator, who may choose any clinician
    (tests/articles/test_review_signatures.py)."""
    article = ArticleFactory()
    retired = Clinician.objects.create(name="Pat Former", credentials="LPC", is_active=False)
    active = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    reviewer = signed_in(SITE_ADMINISTRATORS, "alex")
    form = admin_form_data(reviewer.get(change_url(article)))
    form.update({"reviewed_by": str(retired.pk), "reviewed_on": timezone.localdate().isoformat()})
    errors = reviewer.post(change_url(article), form).context["adminform"].form.errors
    assert "reviewed_by" in errors
    form.update(
        {
            "reviewed_by": str(active.pk),
            "reviewed_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        }
    )
    errors = reviewer.post(change_url(article), form).context["adminform"].form.errors
    assert errors["reviewed_on"] == [
        "A review date cannot be in the future: give the day the clinician read it."
    ]
    # The autocomplete offers only clinicians who review.
    found = reviewer.get(
        reverse("admin:autocomplete"),
        {"term": "", "app_label": "articles", "model_name": "article", "field_name": "reviewed_by"},
    ).json()
    assert [item["text"] for item in found["results"]] == ["Dana Reyes, LCSW"]
    article.refresh_from_db()
    assert article.reviewed_by is None


def test_an_editor_who_saved_in_another_tab_is_told_it_was_their_own_save():
    """Two tabs on one article, both saved: the second is refused as for two people, but the
    message names the editor as "you", not as a third person whose changes would be lost."""
    article = ArticleFactory(title="First title", summary="First summary.")
    dana = signed_in(MARKETING_EDITORS, "dana", "Dana")
    first_tab = admin_form_data(dana.get(change_url(article)))
    second_tab = admin_form_data(dana.get(change_url(article)))
    first_tab["summary"] = "From the first tab."
    assert dana.post(change_url(article), first_tab).status_code == 302

    second_tab["summary"] = "From the second tab."
    response = dana.post(change_url(article), second_tab)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.non_field_errors()
    assert re.match(
        r"You saved this article at \d{1,2}:\d\d [AP]M, after this page was opened \(in another tab or "
        r"window, say\)\. Nothing was saved now",
        error,
    )
    assert "Dana" not in error and "theirs" not in error
    article.refresh_from_db()
    assert article.summary == "From the first tab."


def test_a_save_made_on_an_earlier_day_is_told_with_its_day():
    """A tab left open past midnight: "at 6:10 PM" alone reads as today."""
    with time_machine.travel(dt.datetime(2026, 11, 23, 23, 0, tzinfo=dt.UTC), tick=False):
        article = ArticleFactory(title="First title")
        dana = signed_in(MARKETING_EDITORS, "dana", "Dana")
        sam = signed_in(MARKETING_EDITORS, "sam", "Sam")
        sams_form = admin_form_data(sam.get(change_url(article)))
        danas_form = admin_form_data(dana.get(change_url(article)))
    with time_machine.travel(dt.datetime(2026, 11, 23, 23, 10, tzinfo=dt.UTC), tick=False):
        danas_form["title"] = "Dana's title"
        assert dana.post(change_url(article), danas_form).status_code == 302
    with time_machine.travel(dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC), tick=False):
        sams_form["title"] = "Sam's title"
        response = sam.post(change_url(article), sams_form)
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    [error] = response.context["adminform"].form.non_field_errors()
    assert error.startswith("Dana saved this article on Nov. 23 at 6:10 PM, after you opened it.")
