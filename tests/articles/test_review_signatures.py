"""A clinical review is signed in the name of the person who records it: a clinical reviewer signs
only as the clinician linked to their own account, and only site administrators keep the list of
clinicians and which account signs for whom (docs/roles.md, docs/editorial-workflow.md)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Clinician
from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, change_url, signed_in, signed_in_as_clinician, staff_member
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

REVIEW_DAY = dt.date(2026, 3, 2)
# The day the articles reviewed on REVIEW_DAY were written: a review cannot be dated before it.
WRITTEN = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
UNLINKED = (
    "Your account is not linked to a clinician record, so you cannot sign a clinical review. Ask a "
    "site administrator to link your account to your clinician record (Clinicians, “sign-in account”)."
)


@pytest.fixture
def dana():
    return Clinician.objects.create(name="Dana Reyes", credentials="LPC")


def sign(client, article, clinician, day=None):
    """Post the article's review form as `client`, signed by `clinician`; the response."""
    form = admin_form_data(client.get(change_url(article)))
    form.update(
        {
            "reviewed_by": str(clinician.pk) if clinician else "",
            "reviewed_on": (day or timezone.localdate()).isoformat() if clinician else "",
        }
    )
    return client.post(change_url(article), form)


def written_before_the_review(**fields):
    article = ArticleFactory(**fields)
    Article.objects.filter(pk=article.pk).update(created_at=WRITTEN)
    return article


def byline(article):
    return "Clinically reviewed by" in Client().get(article.get_absolute_url()).content.decode()


def test_a_reviewer_whose_account_is_linked_to_no_clinician_cannot_sign_in_anyones_name(morgan):
    article = ArticleFactory()
    reviewer = signed_in(CLINICAL_REVIEWERS, "clin1")
    response = sign(reviewer, article, morgan)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["reviewed_by"] == [UNLINKED]
    article.refresh_from_db()
    assert article.reviewed_by is None
    assert not byline(article)


def test_a_reviewer_cannot_sign_as_another_clinician(morgan, dana):
    article = ArticleFactory()
    reviewer = signed_in_as_clinician(dana, "dana")
    response = sign(reviewer, article, morgan)
    assert response.context["adminform"].form.errors["reviewed_by"] == [
        "You can sign a review only in your own name, Dana Reyes, LPC. Morgan Hale, LCSW records their "
        "reviews with their own account."
    ]
    article.refresh_from_db()
    assert article.reviewed_by is None


def test_a_reviewer_signs_as_the_clinician_linked_to_their_account(morgan):
    article = written_before_the_review()
    reviewer = signed_in_as_clinician(morgan, "morgan")
    page = reviewer.get(change_url(article)).content.decode()
    assert "You sign reviews as Morgan Hale, LCSW." in page
    response = sign(reviewer, article, morgan, REVIEW_DAY)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.reviewed_by, article.reviewed_on) == (morgan, REVIEW_DAY)
    assert article.review_is_current and byline(article)


def test_the_reviewers_picker_offers_only_their_own_clinician(morgan, dana):
    query = {"term": "", "app_label": "articles", "model_name": "article", "field_name": "reviewed_by"}

    def offered(client):
        found = client.get(reverse("admin:autocomplete"), query).json()
        return [item["text"] for item in found["results"]]

    assert offered(signed_in_as_clinician(morgan, "morgan")) == ["Morgan Hale, LCSW"]
    assert offered(signed_in(CLINICAL_REVIEWERS, "clin1")) == []
    # Administrators record reviews on a clinician's behalf: every clinician who reviews.
    assert offered(signed_in(SITE_ADMINISTRATORS, "alex")) == ["Dana Reyes, LPC", "Morgan Hale, LCSW"]


def test_a_reviewer_may_withdraw_their_own_review_but_not_another_clinicians(morgan, dana):
    theirs, own = ArticleFactory(title="Dana's"), ArticleFactory(title="Morgan's")
    for article, clinician in ((theirs, dana), (own, morgan)):
        article.record_review(clinician, REVIEW_DAY)
        article.save()
    reviewer = signed_in_as_clinician(morgan, "morgan")

    errors = sign(reviewer, theirs, None).context["adminform"].form.errors
    assert errors["reviewed_by"] == [
        "This review is Dana Reyes, LPC's: only they, or an administrator, can withdraw it. To vouch for "
        "the text yourself, choose Morgan Hale, LCSW and the day you read it."
    ]
    # A new date on someone else's review would sign it in their name.
    errors = sign(reviewer, theirs, dana).context["adminform"].form.errors
    assert "only in your own name" in errors["reviewed_by"][0]
    theirs.refresh_from_db()
    assert (theirs.reviewed_by, theirs.reviewed_on) == (dana, REVIEW_DAY)

    assert sign(reviewer, own, None).status_code == 302
    own.refresh_from_db()
    assert own.reviewed_by is None
    # Replacing another clinician's review with one's own is vouching for the text oneself.
    assert sign(reviewer, theirs, morgan).status_code == 302
    theirs.refresh_from_db()
    assert theirs.reviewed_by == morgan


def test_saving_another_clinicians_out_of_date_review_does_not_renew_it_in_their_name(morgan, dana):
    article = ArticleFactory()
    article.record_review(dana, REVIEW_DAY)
    article.save()
    Article.objects.filter(pk=article.pk).update(body="<p>New words Dana never read.</p>")
    reviewer = signed_in_as_clinician(morgan, "morgan")
    response = reviewer.post(
        change_url(article), admin_form_data(reviewer.get(change_url(article))), follow=True
    )
    article.refresh_from_db()
    assert article.reviewed_by == dana and article.review_is_out_of_date
    assert not byline(article)
    said = [str(message) for message in response.context["messages"]]
    assert (
        "The review stays out of date: it is Dana Reyes, LPC's, and only they can renew it. To record "
        "your own review, choose Morgan Hale, LCSW and the day you read it."
    ) in said


def test_a_site_administrator_records_a_review_on_a_clinicians_behalf(morgan):
    """For a clinician who read the article without an account here (on paper, or through a
    shared preview link); the admin's history says who entered it."""
    article = written_before_the_review()
    admin = signed_in(SITE_ADMINISTRATORS, "alex")
    response = sign(admin, article, morgan, REVIEW_DAY)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.reviewed_by == morgan and byline(article)


def test_only_site_administrators_sign_on_a_clinicians_behalf():
    reviewer = staff_member(CLINICAL_REVIEWERS, "clin1")
    editor = staff_member(MARKETING_EDITORS, "sam")
    admin = staff_member(SITE_ADMINISTRATORS, "alex")
    assert not reviewer.has_perm("articles.review_for_any_clinician")
    assert not editor.has_perm("articles.review_for_any_clinician")
    assert admin.has_perm("articles.review_for_any_clinician")


@pytest.mark.parametrize("group", [CLINICAL_REVIEWERS, MARKETING_EDITORS])
def test_only_site_administrators_add_or_change_clinicians(morgan, group):
    """A reviewer who could add a clinician, or link an account to one, could sign as anyone."""
    member = signed_in(group, "someone")
    assert member.get(reverse("admin:articles_clinician_changelist")).status_code == 200  # they see the list
    assert member.get(reverse("admin:articles_clinician_add")).status_code == 403
    made_up = {"name": "Invented Person", "credentials": "MD", "bio": "", "is_active": "on"}
    assert member.post(reverse("admin:articles_clinician_add"), made_up).status_code == 403
    assert not Clinician.objects.filter(name="Invented Person").exists()
    form = admin_form_data(member.get(change_url(morgan)))
    form.update(name="Someone Else")
    assert member.post(change_url(morgan), form).status_code == 403
    morgan.refresh_from_db()
    assert morgan.name == "Morgan Hale"


def test_a_site_administrator_links_a_reviewers_account_to_one_clinician_only(morgan, dana):
    reviewer = staff_member(CLINICAL_REVIEWERS, "clin1")
    admin = signed_in(SITE_ADMINISTRATORS, "alex")
    form = admin_form_data(admin.get(change_url(morgan)))
    form["user"] = str(reviewer.pk)
    response = admin.post(change_url(morgan), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    morgan.refresh_from_db()
    assert morgan.user == reviewer

    form = admin_form_data(admin.get(change_url(dana)))
    form["user"] = str(reviewer.pk)
    errors = admin.post(change_url(dana), form).context["adminform"].form.errors
    assert errors["user"] == [
        "This account is linked to another clinician already. An account signs reviews for one clinician only."
    ]


def test_restoring_an_old_version_of_a_clinician_keeps_the_account_linked_now(morgan):
    """Which account signs for a clinician is a fact about today: an old version must not link
    back an account an administrator has unlinked (someone who left, say)."""
    from reversion.models import Version

    admin = signed_in(SITE_ADMINISTRATORS, "alex")
    former = staff_member(CLINICAL_REVIEWERS, "former")
    form = admin_form_data(admin.get(change_url(morgan)))
    form.update(user=str(former.pk), bio="Leads the evening groups.")
    assert admin.post(change_url(morgan), form).status_code == 302
    form = admin_form_data(admin.get(change_url(morgan)))
    form.update(user="", bio="Leads the evening groups and the family sessions.")
    assert admin.post(change_url(morgan), form).status_code == 302

    linked = Version.objects.get_for_object(morgan).order_by("pk").first()
    url = reverse("admin:articles_clinician_revision", args=[morgan.pk, linked.pk])
    response = admin.get(url)
    assert "but not “Sign-in account” and “Show a page on the site”: they keep" in response.content.decode()
    assert admin.post(url, admin_form_data(response)).status_code == 302
    morgan.refresh_from_db()
    assert morgan.bio == "Leads the evening groups."
    assert morgan.user is None
