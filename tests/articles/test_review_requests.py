"""An editor asks a clinician to review an article; clinical reviewers see what waits for them; a
review of the text as it stands answers the request (docs/editorial-workflow.md, "Asking for a
clinical review"; docs/roles.md)."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Clinician, ReviewRequest
from carter_site import caching
from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, change_url, edit_in_admin, signed_in, signed_in_as_clinician
from tests.concurrency import just_before_the_first_write_to
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")
WAITING_URL = LIST_URL + "?review=waiting"
REVIEW_DAY = dt.date(2026, 3, 2)


def ask_url(article):
    return reverse("admin:articles_article_ask_for_review", args=[article.pk])


def withdraw_url(article):
    return reverse("admin:articles_article_withdraw_review_request", args=[article.pk])


def withdraw(client, article, request=None):
    """Post the withdraw form as the page shows it: the request it showed."""
    request = request or article.review_requests.open().get()
    return client.post(withdraw_url(article), {"request": str(request.pk)})


def listed(client, url):
    return sorted(article.title for article in client.get(url).context["cl"].result_list)


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def ask(client, article, clinician=None, note=""):
    return client.post(ask_url(article), {"clinician": str(clinician.pk) if clinician else "", "note": note})


def sign(client, article, clinician, day=None):
    form = admin_form_data(client.get(change_url(article)))
    form.update({"reviewed_by": str(clinician.pk), "reviewed_on": (day or timezone.localdate()).isoformat()})
    response = client.post(change_url(article), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_an_editor_asks_for_a_review_from_the_articles_form(editor, morgan):
    article = ArticleFactory(title="What a week of IOP looks like")
    form = editor.get(change_url(article)).content.decode()
    assert f'href="{ask_url(article)}"' in form
    page = editor.get(ask_url(article)).content.decode()
    assert "Morgan Hale, LCSW" in page and "Any clinical reviewer" in page

    response = ask(editor, article, morgan, "The section on cravings is new.")
    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    request = ReviewRequest.objects.get(article=article)
    assert (request.clinician, request.note, request.asked_by.username) == (
        morgan,
        "The section on cravings is new.",
        "sam",
    )
    assert timezone.now() - request.asked_at < dt.timedelta(minutes=1)
    assert request.closed_at is None
    assert "Review asked for." in said(response)[0]

    # The form shows the request to whoever opens it, and offers to withdraw it rather than ask again.
    form = editor.get(change_url(article)).content.decode()
    assert "Review asked for by Sam on " in form and "of Morgan Hale, LCSW." in form
    assert "The section on cravings is new." in form
    assert f'href="{withdraw_url(article)}"' in form and f'href="{ask_url(article)}"' not in form
    reviewer_form = signed_in(CLINICAL_REVIEWERS, "clin1").get(change_url(article)).content.decode()
    assert "Review asked for by Sam on " in reviewer_form
    # And the list's review column.
    assert "Review asked for by Sam on " in editor.get(LIST_URL).content.decode()


def test_an_editor_asks_for_reviews_of_several_articles_with_the_bulk_action(editor, morgan):
    unreviewed = ArticleFactory(title="Unreviewed")
    out_of_date = ArticleFactory(title="Changed since")
    out_of_date.record_review(morgan, REVIEW_DAY)
    out_of_date.save()
    Article.objects.filter(pk=out_of_date.pk).update(body="<p>New words.</p>")
    current = ArticleFactory(title="Reviewed as it reads")
    current.record_review(morgan, REVIEW_DAY)
    current.save()
    waiting = ArticleFactory(title="Asked already")
    ReviewRequest.objects.create(article=waiting, note="First ask")
    selected = [article.pk for article in (unreviewed, out_of_date, current, waiting)]

    # First the page asking whom and why; nothing is asked yet.
    page = editor.post(LIST_URL, {"action": "ask_for_review_selected", "_selected_action": selected})
    assert page.status_code == 200
    assert "Ask for the review" in page.content.decode()
    assert ReviewRequest.objects.count() == 1

    response = editor.post(
        LIST_URL,
        {
            "action": "ask_for_review_selected",
            "_selected_action": selected,
            "ask": "yes",
            "clinician": str(morgan.pk),
            "note": "Before the spring campaign.",
        },
    )
    assert response.status_code == 302
    asked = ReviewRequest.objects.open().exclude(article=waiting)
    assert sorted(request.article.title for request in asked) == ["Changed since", "Unreviewed"]
    assert {(r.clinician, r.note, r.asked_by.username) for r in asked} == {
        (morgan, "Before the spring campaign.", "sam")
    }
    assert ReviewRequest.objects.get(article=waiting).note == "First ask"  # left as it was
    messages = said(response)
    assert "Review asked for 2 articles." in messages[0]
    assert "“Asked already”" in messages[1] and "“Reviewed as it reads”" in messages[2]


def test_the_bulk_action_shows_its_page_again_with_what_to_correct(editor, morgan):
    article = ArticleFactory()
    morgan.is_active = False
    morgan.save()
    response = editor.post(
        LIST_URL,
        {
            "action": "ask_for_review_selected",
            "_selected_action": [article.pk],
            "ask": "yes",
            "clinician": str(morgan.pk),
            "note": "x" * 301,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "clinician" in errors and "note" in errors
    assert not ReviewRequest.objects.exists()


def test_reviewers_see_what_waits_in_the_list_and_on_the_admins_home_page(editor, morgan):
    asked = [ArticleFactory(title="First asked"), ArticleFactory(title="Second asked")]
    ArticleFactory(title="Nobody asked")
    for article in asked:
        assert ask(editor, article).status_code == 302

    reviewer = signed_in_as_clinician(morgan, "morgan")
    home = reviewer.get(reverse("admin:index")).content.decode()
    assert "2 articles wait for a review." in home
    assert f'href="{WAITING_URL}"' in home
    listed = [article.title for article in reviewer.get(WAITING_URL).context["cl"].result_list]
    assert sorted(listed) == ["First asked", "Second asked"]
    # Site administrators see the queue too; editors, who do not review, do not.
    assert (
        "2 articles wait for a review."
        in signed_in(SITE_ADMINISTRATORS, "alex").get(reverse("admin:index")).content.decode()
    )
    assert "wait for a review" not in editor.get(reverse("admin:index")).content.decode()


def test_recording_a_current_review_answers_the_request(editor, morgan):
    article = ArticleFactory()
    ask(editor, article, morgan)
    reviewer = signed_in_as_clinician(morgan, "morgan")
    sign(reviewer, article, morgan)

    request = ReviewRequest.objects.get(article=article)
    assert request.outcome == ReviewRequest.Outcome.REVIEWED and request.closed_at is not None
    assert list(reviewer.get(WAITING_URL).context["cl"].result_list) == []
    assert "No article waits for a review." in reviewer.get(reverse("admin:index")).content.decode()
    assert "Review asked for by" not in editor.get(change_url(article)).content.decode()
    # Now that the review is current, there is nothing to ask.
    assert f'href="{ask_url(article)}"' not in editor.get(change_url(article)).content.decode()


def test_a_request_stays_after_an_edit_until_a_review_of_the_new_text(editor, morgan):
    dana = Clinician.objects.create(name="Dana Reyes", credentials="LPC")
    article = ArticleFactory()
    article.record_review(morgan, REVIEW_DAY)
    article.save()
    edit_in_admin(editor, article, body="<p>A new paragraph on relapse.</p>")
    ask(editor, article)
    edit_in_admin(editor, article, body="<p>A new paragraph on relapse, reworded.</p>")
    article.refresh_from_db()
    assert article.review_is_out_of_date
    assert article.open_review_request is not None

    # Another clinician saving Morgan's out-of-date review does not renew it: still waiting.
    other = signed_in_as_clinician(dana, "dana")
    other.post(change_url(article), admin_form_data(other.get(change_url(article))))
    assert ReviewRequest.objects.open().filter(article=article).exists()

    # Morgan saving their review as it stands would sign today's words with the day they read the
    # old ones: refused, and the request still waits.
    reviewer = signed_in_as_clinician(morgan, "morgan")
    form = admin_form_data(reviewer.get(change_url(article)))
    response = reviewer.post(change_url(article), form)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["reviewed_on"]
    assert ReviewRequest.objects.open().filter(article=article).exists()

    # Morgan recording their review of the text as it stands now, dated today, answers it.
    response = reviewer.post(change_url(article), {**form, "reviewed_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.review_is_current and article.reviewed_on == timezone.localdate()
    assert not ReviewRequest.objects.open().exists()


def test_an_editor_withdraws_a_request(editor):
    article = ArticleFactory()
    ask(editor, article, note="Wrong article")
    page = editor.get(withdraw_url(article)).content.decode()
    assert "Wrong article" in page and "Yes, withdraw the request" in page

    response = withdraw(editor, article)
    assert response.status_code == 302
    request = ReviewRequest.objects.get(article=article)
    assert request.outcome == ReviewRequest.Outcome.WITHDRAWN
    assert request.withdrawn_by.username == "sam"
    assert said(response) == ["The request for a clinical review was withdrawn."]
    assert not Article.objects.waiting_for_review().exists()

    # Withdrawing again finds nothing waiting and says so; asking again works.
    again = editor.post(withdraw_url(article))
    assert said(again)[-1].startswith(
        "Nothing to withdraw: no review is waiting for this article. Its last request: Withdrawn by Sam on "
    )
    assert ask(editor, article).status_code == 302
    assert ReviewRequest.objects.open().count() == 1


def test_withdrawing_acts_only_on_the_request_the_page_showed(editor):
    article = ArticleFactory()
    ask(editor, article, note="First note")
    first = ReviewRequest.objects.get(article=article)
    page = editor.get(withdraw_url(article))
    shown = page.context["form"]["request"].value()
    assert shown == first.pk and f'name="request" value="{first.pk}"' in page.content.decode()

    # A colleague withdraws it and asks again, with a new note, while the page is open.
    colleague = signed_in(MARKETING_EDITORS, "alex")
    withdraw(colleague, article)
    ask(colleague, article, note="Second note, asked of someone else")
    response = editor.post(withdraw_url(article), {"request": str(shown)})
    assert response.status_code == 302 and response["Location"] == change_url(article)
    assert said(response)[-1] == (
        "The request you were withdrawing was answered, withdrawn or declined by someone else meanwhile, "
        "so nothing changed. The article's page shows where its review stands now, with any new request "
        "and its note."
    )
    second = ReviewRequest.objects.open().get(article=article)
    assert (second.note, second.closed_at, second.withdrawn_by) == (
        "Second note, asked of someone else",
        None,
        None,
    )
    first.refresh_from_db()
    assert first.withdrawn_by.username == "alex"

    # A page that does not say which request it showed withdraws nothing, and says so.
    for data in ({}, {"request": "not-a-number"}):
        response = editor.post(withdraw_url(article), data)
        assert response.status_code == 302
        assert said(response)[-1] == (
            "The page did not say which request to withdraw, so nothing changed. Open it again from the "
            "article's page."
        )
    assert ReviewRequest.objects.open().get(article=article) == second

    # The request it shows now is withdrawn as before.
    assert "withdrawn." in said(withdraw(editor, article, second))[-1]
    assert not ReviewRequest.objects.open().exists()


@pytest.mark.parametrize("group", [CLINICAL_REVIEWERS, None])
def test_someone_without_the_permission_cannot_ask_or_withdraw(group, morgan):
    article, asked = ArticleFactory(), ArticleFactory()
    request = ReviewRequest.objects.create(article=asked, note="Kept")
    if group:
        client = signed_in(group, "someone")
        form = client.get(change_url(article)).content.decode()
        assert ask_url(article) not in form
        assert withdraw_url(asked) not in client.get(change_url(asked)).content.decode()
        actions = client.get(LIST_URL).context["action_form"]  # None: no action at all for them
        assert actions is None or "ask_for_review_selected" not in dict(actions.fields["action"].choices)
    else:
        client = Client()
        client.force_login(UserFactory(username="nogroup", is_staff=True))

    assert client.get(ask_url(article)).status_code == 403
    assert ask(client, article, morgan, "Forged").status_code == 403
    assert client.post(withdraw_url(asked)).status_code == 403
    client.post(
        LIST_URL,
        {
            "action": "ask_for_review_selected",
            "_selected_action": [article.pk],
            "ask": "yes",
            "note": "Forged",
        },
    )
    assert list(ReviewRequest.objects.values_list("article", "note", "closed_at")) == [
        (asked.pk, "Kept", None)
    ]
    request.refresh_from_db()
    assert request.closed_at is None


def test_asking_when_there_is_nothing_to_ask_is_refused_with_a_message(editor, morgan):
    current = ArticleFactory()
    current.record_review(morgan, REVIEW_DAY)
    current.save()
    response = ask(editor, current)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Morgan Hale, LCSW's review of this text is current (reviewed March 2, 2026): there is nothing new "
        "to review."
    ]

    waiting = ArticleFactory()
    ask(editor, waiting, note="First")
    response = ask(editor, waiting, note="Second")
    assert response.status_code == 200
    assert "Withdraw it first to ask again." in response.context["form"].non_field_errors()[0]

    morgan.is_active = False
    morgan.save()
    response = ask(editor, ArticleFactory(), morgan)
    assert "no longer reviews" in response.context["form"].errors["clinician"][0]
    response = ask(editor, ArticleFactory(), note="x" * 301)
    assert response.context["form"].errors["note"]
    assert list(ReviewRequest.objects.values_list("note", flat=True)) == ["First"]

    assert editor.get(ask_url(Article(pk=999_999))).status_code == 404
    assert editor.get("/admin/articles/article/not-a-number/ask-for-review/").status_code == 404


def test_a_request_leaves_no_trace_on_the_public_page_nor_in_the_page_cache(editor, morgan):
    article = ArticleFactory()
    before = Client().get(article.get_absolute_url()).content
    version = caching.content_version()
    ask(editor, article, morgan, "A note only staff should read.")
    assert caching.content_version() == version
    assert Client().get(article.get_absolute_url()).content == before
    withdraw(editor, article)
    assert caching.content_version() == version


# --- A clinical reviewer declines a request, saying why.


def decline_url(article):
    return reverse("admin:articles_article_decline_review_request", args=[article.pk])


def decline(client, article, reason, request=None):
    """Post the decline form as the page shows it: the request it showed, and the reason."""
    request = request or article.review_requests.open().get()
    return client.post(decline_url(article), {"request": str(request.pk), "reason": reason})


def test_a_reviewer_declines_a_request_and_the_editor_reads_why(editor, morgan):
    article = ArticleFactory(title="Medications used in recovery")
    ask(editor, article, morgan, "New section on dosages.")
    reviewer = signed_in_as_clinician(morgan, "morgan")
    form = reviewer.get(change_url(article)).content.decode()
    assert f'href="{decline_url(article)}"' in form
    page = reviewer.get(decline_url(article)).content.decode()
    assert "New section on dosages." in page and "Decline the request" in page
    public_before = Client().get(article.get_absolute_url()).content
    version = caching.content_version()

    response = decline(reviewer, article, "  The dosage section needs a pharmacist.\u200b ")
    assert response.status_code == 302 and response["Location"] == change_url(article)
    request = ReviewRequest.objects.get(article=article)
    assert (request.outcome, request.declined_by.username, request.decline_reason) == (
        ReviewRequest.Outcome.DECLINED,
        "morgan",
        "The dosage section needs a pharmacist.",
    )
    assert timezone.now() - request.closed_at < dt.timedelta(minutes=1)
    assert "You declined the review of “Medications used in recovery”." in said(response)[0]
    # It leaves the queue, and nothing public moves.
    assert list(reviewer.get(WAITING_URL).context["cl"].result_list) == []
    assert "No article waits for a review." in reviewer.get(reverse("admin:index")).content.decode()
    assert caching.content_version() == version
    assert Client().get(article.get_absolute_url()).content == public_before

    # The editor sees who declined it and why, and can ask again (the ask page repeats the reason).
    form = editor.get(change_url(article)).content.decode()
    assert "Declined by Morgan Hale, LCSW on " in form
    assert "Reason: “The dosage section needs a pharmacist.”" in form
    assert f'href="{ask_url(article)}"' in form and f'href="{decline_url(article)}"' not in form
    assert "The dosage section needs a pharmacist." in editor.get(ask_url(article)).content.decode()
    assert ask(editor, article, note="Asked of the pharmacist's reviewer").status_code == 302
    assert ReviewRequest.objects.open().get(article=article).note == "Asked of the pharmacist's reviewer"
    # The new request takes its place under "review asked for"; the declined one is among the past.
    form = editor.get(change_url(article)).content.decode()
    assert "<strong>Declined by" not in form and "Review asked for by Sam on " in form


def test_withdrawing_a_request_declined_meanwhile_says_who_declined_it(editor, morgan):
    """The editor opens the withdraw link from an old tab after Morgan declined: the message says
    what became of the request, not a guess between "answered" and "withdrawn"."""
    article = ArticleFactory()
    ask(editor, article, morgan)
    decline(signed_in_as_clinician(morgan, "morgan"), article, "Not my field.")
    response = editor.get(withdraw_url(article))
    assert response.status_code == 302 and response["Location"] == change_url(article)
    assert said(response)[-1].startswith(
        "Nothing to withdraw: no review is waiting for this article. Its last request: Declined by Morgan Hale, LCSW on "
    )
    never_asked = ArticleFactory()
    assert (
        said(editor.get(withdraw_url(never_asked)))[-1]
        == "Nothing to withdraw: no review is waiting for this article."
    )


@pytest.mark.parametrize("reason", ["", "   ", "\u200b\u200e", "x" * 301])
def test_declining_without_a_short_reason_is_refused_and_changes_nothing(morgan, reason):
    article = ArticleFactory()
    ReviewRequest.objects.create(article=article, clinician=morgan)
    reviewer = signed_in_as_clinician(morgan, "morgan")
    response = decline(reviewer, article, reason)
    assert response.status_code == 200
    errors = response.context["form"].errors["reason"]
    assert errors == (
        ["Ensure this value has at most 300 characters (it has 301)."]
        if reason.startswith("x")
        else [
            "Say why you are not reviewing it: the editor reads it to know what to do next, for example "
            "whom to ask instead."
        ]
    )
    assert "errorlist" in response.content.decode()
    request = ReviewRequest.objects.get(article=article)
    assert (request.closed_at, request.outcome, request.decline_reason) == (None, "", "")


def test_declining_a_request_closed_meanwhile_changes_nothing(editor, morgan):
    article = ArticleFactory()
    ask(editor, article, note="First")
    reviewer = signed_in_as_clinician(morgan, "morgan")
    first = ReviewRequest.objects.get(article=article)

    # The editor withdraws it while the reviewer writes their reason.
    assert reviewer.get(decline_url(article)).status_code == 200
    withdraw(editor, article)
    response = decline(reviewer, article, "Not my field", request=first)
    assert "No review is waiting for this article" in said(response)[-1]
    first.refresh_from_db()
    assert (first.outcome, first.withdrawn_by.username, first.declined_by, first.decline_reason) == (
        ReviewRequest.Outcome.WITHDRAWN,
        "sam",
        None,
        "",
    )

    # ... and asks again: the page the reviewer had open was about the old request.
    ask(editor, article, note="Second")
    response = decline(reviewer, article, "Not my field", request=first)
    assert (
        "answered, withdrawn or declined by someone else meanwhile, so nothing changed" in said(response)[-1]
    )
    assert ReviewRequest.objects.open().get(article=article).note == "Second"

    # A page that does not say which request it showed declines nothing.
    response = reviewer.post(decline_url(article), {"reason": "Not my field"})
    assert response.status_code == 302
    assert "did not say which request to decline" in said(response)[-1]

    # A review recorded meanwhile answers it first: declining finds nothing waiting.
    second = ReviewRequest.objects.open().get(article=article)
    sign(reviewer, article, morgan)
    response = decline(reviewer, article, "Not my field", request=second)
    assert "No review is waiting for this article" in said(response)[-1]
    second.refresh_from_db()
    assert (second.outcome, second.answered_by, second.decline_reason) == (
        ReviewRequest.Outcome.REVIEWED,
        morgan,
        "",
    )


def test_declining_is_atomic_for_the_request_that_was_shown(morgan):
    """The model's own guard, under the admin's: a request closed since it was read is left alone."""
    article = ArticleFactory()
    request = ReviewRequest.objects.create(article=article)
    stale = ReviewRequest.objects.get(pk=request.pk)
    assert request.withdraw(None)
    assert stale.decline(None, "Not my field") is False
    request.refresh_from_db()
    assert (request.outcome, request.decline_reason) == (ReviewRequest.Outcome.WITHDRAWN, "")
    with pytest.raises(ValueError):
        ReviewRequest.objects.create(article=ArticleFactory()).decline(None, " \u200b ")


def test_the_database_refuses_a_declined_request_without_a_reason():
    from django.db import IntegrityError, transaction

    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewRequest.objects.create(
            article=article, closed_at=timezone.now(), outcome=ReviewRequest.Outcome.DECLINED
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewRequest.objects.create(article=article, decline_reason="Only with a declined request")


def test_only_those_who_record_reviews_decline_and_only_requests_that_are_theirs(editor, morgan):
    dana = Clinician.objects.create(name="Dana Reyes", credentials="LPC")
    of_morgan, of_anyone = ArticleFactory(title="Of Morgan"), ArticleFactory(title="Of anyone")
    ask(editor, of_morgan, morgan)
    ask(editor, of_anyone)

    # Editors withdraw; they never decline, and neither does staff in no group.
    nobody = Client()
    nobody.force_login(UserFactory(username="nogroup", is_staff=True))
    for client in (editor, nobody):
        assert client.get(decline_url(of_morgan)).status_code == 403
        assert decline(client, of_morgan, "Forged").status_code == 403
    assert f'href="{decline_url(of_morgan)}"' not in editor.get(change_url(of_morgan)).content.decode()

    # A request naming Morgan is Morgan's to decline, not Dana's; one naming nobody is anyone's.
    other = signed_in_as_clinician(dana, "dana")
    assert f'href="{decline_url(of_morgan)}"' not in other.get(change_url(of_morgan)).content.decode()
    response = decline(other, of_morgan, "Not my field")
    assert "This request asks Morgan Hale, LCSW: only they, or a site administrator" in said(response)[-1]
    unlinked = signed_in(CLINICAL_REVIEWERS, "unlinked")
    assert f'href="{decline_url(of_anyone)}"' not in unlinked.get(change_url(of_anyone)).content.decode()
    response = decline(unlinked, of_anyone, "Not my field")
    assert "Your account is not linked to a clinician record" in said(response)[-1]
    assert ReviewRequest.objects.open().count() == 2

    assert other.get(decline_url(Article(pk=999_999))).status_code == 404
    assert other.get("/admin/articles/article/not-a-number/decline-review-request/").status_code == 404

    assert f'href="{decline_url(of_anyone)}"' in other.get(change_url(of_anyone)).content.decode()
    assert decline(other, of_anyone, "Ask Morgan: family therapy is theirs").status_code == 302
    assert ReviewRequest.objects.get(article=of_anyone).declined_by.username == "dana"


def test_a_site_administrator_declines_for_a_clinician_but_withdraws_their_own_request(editor, morgan):
    alex = signed_in(SITE_ADMINISTRATORS, "alex", first_name="Alex")
    theirs, sams = ArticleFactory(), ArticleFactory()
    ask(alex, theirs, morgan)
    ask(editor, sams, morgan)

    assert f'href="{decline_url(theirs)}"' not in alex.get(change_url(theirs)).content.decode()
    response = decline(alex, theirs, "Changed my mind")
    assert "You asked for this review yourself: withdraw the request instead" in said(response)[-1]
    assert ReviewRequest.objects.open().filter(article=theirs).exists()

    assert decline(alex, sams, "Morgan is away until June; ask Dana").status_code == 302
    assert "Declined by Alex on " in editor.get(change_url(sams)).content.decode()


def review_column(client, url=LIST_URL):
    """The article list's review column, by title: the words an editor reads in each row."""
    page = client.get(url).content.decode()
    rows = re.findall(
        r'<tr>.*?<th class="field-title">.*?>([^<]*)</a>.*?<td class="field-review">(.*?)</td>', page
    )
    return {title: re.sub(r"<[^>]+>", " ", cell).split() for title, cell in rows}


def test_the_article_list_says_who_declined_the_last_request_until_someone_acts(editor, morgan):
    article = ArticleFactory(title="Medications used in recovery")
    withdrawn = ArticleFactory(title="Withdrawn only")
    ask(editor, withdrawn)
    withdraw(editor, withdrawn)
    ask(editor, article, morgan, "First")
    reviewer = signed_in_as_clinician(morgan, "morgan")
    decline(reviewer, article, "Ask a pharmacist")

    column = review_column(editor)
    declined = " ".join(column["Medications used in recovery"])
    assert declined.startswith("Declined by Morgan Hale, LCSW on ")
    assert column["Withdrawn only"] == ["—"]  # a withdrawn request says nothing in the list

    # Asked again, the list shows the new request, not the decline.
    ask(editor, article, note="Asked of the pharmacist")
    assert " ".join(review_column(editor)["Medications used in recovery"]).startswith(
        "Review asked for by Sam"
    )
    # Declined again, then a review of the text as it stands settles it: the review shows.
    decline(reviewer, article, "Still not my field")
    assert "Declined by Morgan Hale, LCSW" in " ".join(review_column(editor)["Medications used in recovery"])
    sign(signed_in(SITE_ADMINISTRATORS, "alex"), article, morgan)
    assert "Declined" not in " ".join(review_column(editor)["Medications used in recovery"])
    assert " ".join(review_column(editor)["Medications used in recovery"]).startswith("Reviewed ")


def test_the_article_lists_review_column_costs_the_same_queries_however_many_rows(editor, morgan):
    morgan.user = UserFactory(username="morgan", is_staff=True)
    morgan.save()

    def add_articles(count):
        for number in range(count):
            waiting, declined, withdrawn = ArticleFactory(), ArticleFactory(), ArticleFactory()
            asker = UserFactory(username=f"asker{waiting.pk}", is_staff=True)
            ReviewRequest.objects.create(article=waiting, asked_by=asker, clinician=morgan, note=f"{number}")
            old = ReviewRequest.objects.create(article=declined, asked_by=asker)
            old.withdraw(asker)
            ReviewRequest.objects.create(article=declined, asked_by=asker, clinician=morgan).decline(
                morgan.user, "Not my field"
            )
            ReviewRequest.objects.create(article=withdrawn, asked_by=asker).withdraw(asker)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            column = review_column(editor)
        return len(captured), column

    add_articles(1)
    editor.get(LIST_URL)  # the first request after signing in reads what later ones have cached
    few, column = queries()
    assert len(column) == 3
    add_articles(9)
    editor.get(LIST_URL)  # and the site settings again, as the first request after any content change
    many, column = queries()
    assert len(column) == 30
    said = [" ".join(words) for words in column.values()]
    assert sum(text.startswith("Declined by Morgan Hale, LCSW on ") for text in said) == 10
    assert sum(text.startswith("Review asked for by ") for text in said) == 10
    assert many == few


def test_editors_find_the_articles_whose_request_was_declined_until_they_act(editor, morgan):
    declined_url = LIST_URL + "?review=declined"
    first, second, waiting = (ArticleFactory(title=title) for title in ("First", "Second", "Waiting"))
    ask(editor, first, morgan)
    ask(editor, second)
    reviewer = signed_in_as_clinician(morgan, "morgan")
    decline(reviewer, first, "Not my field")
    decline(reviewer, second, "Needs a pharmacist")
    ask(editor, waiting)

    home = editor.get(reverse("admin:index")).content.decode()
    assert "Clinicians declined to review 2 articles: read why, and ask again." in home
    assert f'href="{declined_url}"' in home
    assert listed(editor, declined_url) == ["First", "Second"]
    assert "declined to review" not in reviewer.get(reverse("admin:index")).content.decode()

    # Asking again takes an article off the list, as does a review recorded since.
    ask(editor, second, note="Asked of the pharmacist")
    assert listed(editor, declined_url) == ["First"]
    assert "A clinician declined to review 1 article" in editor.get(reverse("admin:index")).content.decode()
    sign(signed_in(SITE_ADMINISTRATORS, "alex"), first, morgan)
    assert listed(editor, declined_url) == []
    assert "declined to review" not in editor.get(reverse("admin:index")).content.decode()


def test_the_home_page_counts_declined_requests_in_the_same_queries_however_many(editor, morgan):
    def decline_some(count):
        for _ in range(count):
            article = ArticleFactory()
            article.record_review(morgan, REVIEW_DAY)  # reviewed once, changed since: out of date
            article.save()
            Article.objects.filter(pk=article.pk).update(body="<p>New words.</p>")
            ReviewRequest.objects.create(article=article).decline(None, "Not my field")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            home = editor.get(reverse("admin:index"))
        return len(captured), home.content.decode()

    # The first request of a session, and the first after a change, read what later ones find
    # cached (the session's user, the site settings): each count is of the request after it.
    decline_some(2)
    editor.get(reverse("admin:index"))
    few, _ = queries()
    decline_some(8)
    editor.get(reverse("admin:index"))
    many, home = queries()
    assert "Clinicians declined to review 10 articles" in home
    assert many == few


# --- Requests naming a clinician reach that clinician first.

ASKED_OF_ME_URL = LIST_URL + "?review=asked_of_me"
FOR_ANYONE_URL = LIST_URL + "?review=for_anyone"


def test_a_reviewer_finds_what_was_asked_of_them_first(editor, morgan):
    dana = Clinician.objects.create(name="Dana Reyes", credentials="LPC")
    ask(editor, ArticleFactory(title="Of Morgan"), morgan)
    ask(editor, ArticleFactory(title="Also of Morgan"), morgan)
    ask(editor, ArticleFactory(title="Of Dana"), dana)
    ask(editor, ArticleFactory(title="Of anyone"))
    ArticleFactory(title="Nobody asked")
    reviewer = signed_in_as_clinician(morgan, "morgan")

    # The clinical review filter offers "Asked of me" first.
    page = reviewer.get(LIST_URL)
    review_filter = next(spec for spec in page.context["cl"].filter_specs if spec.parameter_name == "review")
    assert review_filter.lookup_choices[0][0] == "asked_of_me"
    assert listed(reviewer, ASKED_OF_ME_URL) == ["Also of Morgan", "Of Morgan"]
    assert listed(reviewer, FOR_ANYONE_URL) == ["Of anyone"]
    assert listed(signed_in_as_clinician(dana, "dana"), ASKED_OF_ME_URL) == ["Of Dana"]

    # The home page counts them apart, each with its link.
    home = reviewer.get(reverse("admin:index")).content.decode()
    assert "4 articles wait for a review." in home
    assert f'href="{ASKED_OF_ME_URL}"' in home and "2 of them ask you by name." in home
    assert f'href="{FOR_ANYONE_URL}"' in home and "1 of them is for any reviewer." in home


def test_an_account_linked_to_no_clinician_is_asked_nothing_by_name(editor, morgan):
    ask(editor, ArticleFactory(title="Of Morgan"), morgan)
    ask(editor, ArticleFactory(title="Of anyone"))
    for client in (signed_in(CLINICAL_REVIEWERS, "unlinked"), signed_in(SITE_ADMINISTRATORS, "alex")):
        page = client.get(LIST_URL)
        review_filter = next(
            spec for spec in page.context["cl"].filter_specs if spec.parameter_name == "review"
        )
        assert "asked_of_me" not in [value for value, _ in review_filter.lookup_choices]
        assert listed(client, ASKED_OF_ME_URL) == []  # a link kept from someone else's screen
        home = client.get(reverse("admin:index")).content.decode()
        assert "2 articles wait for a review." in home and "1 of them is for any reviewer." in home
        assert "by name" not in home and ASKED_OF_ME_URL not in home
    # Nothing waits: one line, nothing to break down.
    ReviewRequest.objects.update(closed_at=timezone.now(), outcome=ReviewRequest.Outcome.WITHDRAWN)
    home = signed_in_as_clinician(morgan, "morgan").get(reverse("admin:index")).content.decode()
    assert "No article waits for a review." in home and "by name" not in home


# --- Closed requests are kept, and the article's page lists them.


def past_requests(client, article):
    """The article form's table of past requests: its rows' text, and what follows it."""
    html = client.get(change_url(article)).content.decode()
    table = html.split('<table class="past-review-requests">', 1)[1].split("</table>", 1)
    rows = [row.split("</tr>")[0] for row in table[0].split("<tbody>", 1)[1].split("<tr>")[1:]]
    return rows, table[1][:200]


def test_the_articles_page_lists_its_past_requests_newest_first(editor, morgan):
    article = ArticleFactory()
    reviewer = signed_in_as_clinician(morgan, "morgan")
    ask(editor, article, morgan, "First draft")
    sign(reviewer, article, morgan)
    edit_in_admin(editor, article, body="<p>New words on relapse.</p>")
    ask(editor, article, note="Wrong one")
    withdraw(editor, article)
    ask(editor, article, morgan, "Second look")
    decline(reviewer, article, "Ask a <b>pharmacist</b>")
    ask(editor, article, note="Still waiting")

    rows, after = past_requests(editor, article)
    assert len(rows) == 3  # the waiting request shows above, not among the past ones
    assert "by Sam, of Morgan Hale, LCSW" in rows[0] and "Second look" in rows[0]
    assert "Declined by Morgan Hale, LCSW on " in rows[0]
    assert "Reason: “Ask a &lt;b&gt;pharmacist&lt;/b&gt;”" in rows[0]  # plain text, shown as typed
    assert "Wrong one" in rows[1] and "Withdrawn by Sam on " in rows[1]
    assert "First draft" in rows[2] and "Answered by a review from Morgan Hale, LCSW on " in rows[2]
    assert "older request" not in after
    # Reviewers, who can change nothing on the form, read it too.
    assert len(past_requests(reviewer, article)[0]) == 3


def test_the_list_of_past_requests_stops_at_ten_and_counts_the_older_ones(editor):
    article = ArticleFactory()
    start = timezone.now() - dt.timedelta(days=30)
    ReviewRequest.objects.bulk_create(
        ReviewRequest(
            article=article,
            note=f"Request {number}",
            asked_at=start + dt.timedelta(days=number),
            closed_at=start + dt.timedelta(days=number, hours=1),
            outcome=ReviewRequest.Outcome.WITHDRAWN,
        )
        for number in range(1, 14)
    )
    rows, after = past_requests(editor, article)
    assert [row.split("<td>")[2].split("</td>")[0] for row in rows] == [
        f"Request {number}" for number in range(13, 3, -1)
    ]
    assert "And 3 older requests, not shown." in after
    assert "None yet" in editor.get(change_url(ArticleFactory())).content.decode()


def test_the_past_requests_cost_the_same_queries_however_many_there_are(editor, morgan):
    """Each row names who asked, of whom, and who closed it: read with the rows, not one by one."""
    article = ArticleFactory()
    url = change_url(article)
    morgan.user = UserFactory(username="morgan", is_staff=True)
    morgan.save()
    outcomes = [
        {"outcome": ReviewRequest.Outcome.DECLINED, "declined_by": morgan.user, "decline_reason": "Not mine"},
        {"outcome": ReviewRequest.Outcome.REVIEWED, "answered_by": morgan},
        {"outcome": ReviewRequest.Outcome.WITHDRAWN},
    ]

    def close_requests(count):
        for number in range(count):
            asker = UserFactory(username=f"asker{ReviewRequest.objects.count()}", is_staff=True)
            fields = outcomes[number % len(outcomes)]
            fields = {"withdrawn_by": asker, **fields} if "declined_by" not in fields else fields
            ReviewRequest.objects.create(
                article=article, clinician=morgan, asked_by=asker, closed_at=timezone.now(), **fields
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert editor.get(url).status_code == 200
        return len(captured)

    close_requests(2)
    editor.get(url)  # the first request of a session reads what later ones have cached
    few = queries()
    close_requests(8)
    assert len(past_requests(editor, article)[0]) == 10
    assert queries() == few
    close_requests(20)
    assert len(past_requests(editor, article)[0]) == 10
    assert queries() == few + 1  # and one to count the older ones


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sqlite_reads_take_no_table_locks")
def test_a_review_recorded_at_the_moment_of_declining_wins_and_the_decline_changes_nothing(morgan):
    """Both read the request as waiting; the review, committed on another connection just before
    the decline writes (as another worker's would be), answers it, and the decline finds nothing
    left to close (tests/concurrency.py)."""
    article = ArticleFactory()
    ReviewRequest.objects.create(article=article, clinician=morgan)
    reviewer = signed_in_as_clinician(morgan, "morgan")

    def morgans_review_in_another_tab():
        saved = Article.objects.get(pk=article.pk)
        saved.record_review(Clinician.objects.get(pk=morgan.pk), timezone.localdate())
        saved.save()

    wrapper = just_before_the_first_write_to(ReviewRequest._meta.db_table, morgans_review_in_another_tab)
    with connection.execute_wrapper(wrapper):
        response = decline(reviewer, article, "Not my field")

    assert (
        "answered, withdrawn or declined by someone else meanwhile, so nothing changed" in said(response)[-1]
    )
    request = ReviewRequest.objects.get(article=article)
    assert (request.outcome, request.answered_by, request.declined_by, request.decline_reason) == (
        ReviewRequest.Outcome.REVIEWED,
        morgan,
        None,
        "",
    )
