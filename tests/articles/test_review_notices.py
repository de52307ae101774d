"""Emails about requests for a clinical review: who hears of a request asked, answered, declined or
withdrawn, that they leave only once the action is committed, that a mail server down or refusing
leaves the action done with a warning, and that each person may turn them off
(docs/editorial-workflow.md, "Emails about review requests"; articles/notices.py)."""

import datetime as dt
import email
import email.policy
import logging
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, NoticePreference, ReviewRequest
from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, change_url, signed_in, signed_in_as_clinician, staff_member
from tests.articles.test_review_requests import ask
from tests.concurrency import just_before_the_first_write_to
from tests.factories import ArticleFactory
from tests.smtp_server import mail_server_down

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")
MY_NOTICES_URL = reverse("admin:my_notices")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://www.carter.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "site@carter.example"


def withdraw(client, article):
    url = reverse("admin:articles_article_withdraw_review_request", args=[article.pk])
    return client.post(url, {"request": str(article.review_requests.open().get().pk)})


def decline(client, article, reason):
    url = reverse("admin:articles_article_decline_review_request", args=[article.pk])
    return client.post(url, {"request": str(article.review_requests.open().get().pk), "reason": reason})


def sign(client, article, clinician):
    form = admin_form_data(client.get(change_url(article)))
    form.update({"reviewed_by": str(clinician.pk), "reviewed_on": timezone.localdate().isoformat()})
    response = client.post(change_url(article), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def admin_link(article):
    return f"https://www.carter.example/admin/articles/article/{article.pk}/change/"


# --- Asked.


def test_a_request_naming_a_clinician_emails_their_account_only(
    editor, morgan, django_capture_on_commit_callbacks
):
    signed_in_as_clinician(morgan, "morgan")
    staff_member(CLINICAL_REVIEWERS, "dana")  # another reviewer: not asked, not emailed
    article = ArticleFactory(title="What a week of IOP looks like")

    with django_capture_on_commit_callbacks(execute=True):
        assert ask(editor, article, morgan, "The section on cravings is new.").status_code == 302

    [email] = mail.outbox
    assert email.to == ["morgan@example.com"]
    assert email.from_email == "site@carter.example"
    assert email.subject == "Clinical review asked for: What a week of IOP looks like"
    assert "Sam asked you for a clinical review of “What a week of IOP looks like”" in email.body
    assert "Their note: The section on cravings is new." in email.body
    assert admin_link(article) in email.body
    assert "https://www.carter.example/admin/my-notices/" in email.body


def test_a_request_for_anyone_emails_every_active_reviewer_with_an_address(
    editor, django_capture_on_commit_callbacks
):
    staff_member(CLINICAL_REVIEWERS, "dana")
    staff_member(CLINICAL_REVIEWERS, "lee")
    staff_member(SITE_ADMINISTRATORS, "alex")  # may record reviews too
    no_address = staff_member(CLINICAL_REVIEWERS, "kim")
    no_address.email = ""
    no_address.save()
    left = staff_member(CLINICAL_REVIEWERS, "former")
    left.is_active = False
    left.save()
    staff_member(MARKETING_EDITORS, "jo")  # does not review
    article = ArticleFactory(title="Sleep in early recovery")

    with django_capture_on_commit_callbacks(execute=True):
        ask(editor, article, note="Before the spring campaign.")

    assert sent_to() == ["alex@example.com", "dana@example.com", "lee@example.com"]
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody sees the others' addresses
    assert "Sam asked any clinical reviewer for a clinical review" in mail.outbox[0].body


def test_a_named_clinician_without_an_address_leaves_it_to_every_reviewer(
    editor, morgan, django_capture_on_commit_callbacks
):
    signed_in_as_clinician(morgan, "morgan")
    morgan.user.email = ""
    morgan.user.save()
    staff_member(CLINICAL_REVIEWERS, "dana")

    with django_capture_on_commit_callbacks(execute=True):
        ask(editor, ArticleFactory(), morgan)

    assert sent_to() == ["dana@example.com"]


def test_the_bulk_action_sends_one_email_per_person_listing_the_articles(
    editor, morgan, django_capture_on_commit_callbacks
):
    signed_in_as_clinician(morgan, "morgan")
    first, second = ArticleFactory(title="First"), ArticleFactory(title="Second")

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            LIST_URL,
            {
                "action": "ask_for_review_selected",
                "_selected_action": [first.pk, second.pk],
                "ask": "yes",
                "clinician": str(morgan.pk),
                "note": "Both before May.",
            },
        )
    assert response.status_code == 302

    [email] = mail.outbox
    assert email.to == ["morgan@example.com"]
    assert email.subject == "Clinical review asked for: 2 articles"
    assert "“First”" in email.body and "“Second”" in email.body
    assert admin_link(first) in email.body and admin_link(second) in email.body
    assert "Their note: Both before May." in email.body


def test_nobody_is_emailed_about_what_they_asked_themselves(django_capture_on_commit_callbacks):
    administrator = signed_in(SITE_ADMINISTRATORS, "alex")  # may ask, and record reviews
    staff_member(CLINICAL_REVIEWERS, "dana")
    with django_capture_on_commit_callbacks(execute=True):
        ask(administrator, ArticleFactory())
    assert sent_to() == ["dana@example.com"]  # not alex


# --- Answered, declined, withdrawn.


def test_the_editor_hears_that_a_review_answered_their_request(
    editor, morgan, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title="Cravings at night")
    ask(editor, article, morgan)
    reviewer = signed_in_as_clinician(morgan, "morgan")

    with django_capture_on_commit_callbacks(execute=True):
        sign(reviewer, article, morgan)

    [email] = mail.outbox
    assert email.to == ["sam@example.com"]
    assert email.subject == "Clinical review done: Cravings at night"
    assert "is answered by a review from Morgan Hale, LCSW." in email.body
    assert admin_link(article) in email.body


def test_a_review_recorded_on_a_clinicians_behalf_says_who_entered_it(
    editor, morgan, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title="Cravings at night")
    ask(editor, article, morgan)
    administrator = signed_in(SITE_ADMINISTRATORS, "alex", first_name="Alex")

    with django_capture_on_commit_callbacks(execute=True):
        sign(administrator, article, morgan)

    [email] = mail.outbox
    assert "is answered by a review from Morgan Hale, LCSW (recorded by Alex)." in email.body


def test_a_review_saved_on_the_second_try_is_emailed_once(
    editor, morgan, monkeypatch, django_capture_on_commit_callbacks
):
    """A save the database refuses is undone and tried again (RetryRefusedSaveMixin): the first
    try's email is undone with it."""
    from articles.admin import ArticleAdmin
    from tests.concurrency import refuse_the_first_try

    article = ArticleFactory()
    ask(editor, article, morgan)
    reviewer = signed_in_as_clinician(morgan, "morgan")
    tries = refuse_the_first_try(monkeypatch, ArticleAdmin)

    with django_capture_on_commit_callbacks(execute=True):
        sign(reviewer, article, morgan)

    assert len(tries) == 2
    assert sent_to() == ["sam@example.com"]


def test_the_editor_reads_the_reason_a_clinician_declined(editor, morgan, django_capture_on_commit_callbacks):
    article = ArticleFactory(title="Medication and IOP")
    ask(editor, article, morgan)
    reviewer = signed_in_as_clinician(morgan, "morgan")

    with django_capture_on_commit_callbacks(execute=True):
        decline(reviewer, article, "The dosage section needs a pharmacist.")

    [email] = mail.outbox
    assert email.to == ["sam@example.com"]
    assert email.subject == "Clinical review declined: Medication and IOP"
    assert "was declined by Morgan Hale, LCSW." in email.body
    assert "Their reason: The dosage section needs a pharmacist." in email.body


def test_a_withdrawal_is_emailed_to_the_asker_only_when_someone_else_withdrew(
    editor, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title="Your first week")
    ask(editor, article)
    colleague = signed_in(MARKETING_EDITORS, "jo", first_name="Jo")
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(colleague, article)
    [email] = mail.outbox
    assert email.to == ["sam@example.com"]
    assert "was withdrawn by Jo." in email.body

    mail.outbox.clear()
    ask(editor, article)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(editor, article)
    assert mail.outbox == []


# --- After the commit, and never breaking the action.


@pytest.mark.django_db(transaction=True)
def test_an_ask_undone_by_the_database_sends_nothing(editor, morgan):
    """Another editor's request is committed just before this one is written: the database
    refuses the second open request, the action's transaction is rolled back, and its email with it."""
    signed_in_as_clinician(morgan, "morgan")
    article = ArticleFactory()

    def colleague_asks():
        ReviewRequest.objects.create(article=Article.objects.get(pk=article.pk), note="Theirs")

    wrapper = just_before_the_first_write_to(ReviewRequest._meta.db_table, colleague_asks)
    with connection.execute_wrapper(wrapper):
        response = ask(editor, article, morgan, "Mine")

    assert response.status_code == 200
    assert "Someone else asked for a review of this article a moment ago" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_emails_leave_once_the_request_is_committed(editor, morgan):
    signed_in_as_clinician(morgan, "morgan")
    response = ask(editor, ArticleFactory(), morgan)
    assert response.status_code == 302
    assert sent_to() == ["morgan@example.com"]
    assert len(said(response)) == 1  # the success message, no warning


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_is_down_leaves_the_request_saved_with_a_warning(editor, morgan, settings, caplog):
    mail_server_down(settings)
    signed_in_as_clinician(morgan, "morgan")
    article = ArticleFactory()

    with caplog.at_level(logging.WARNING, logger="articles.notices"):
        response = ask(editor, article, morgan, "A note only staff should read.")

    assert response.status_code == 302
    assert (
        ReviewRequest.objects.open().filter(article=article, note="A note only staff should read.").exists()
    )
    assert any(message.startswith("Review asked for.") for message in said(response))
    [warning] = [message for message in said(response) if message.startswith("The request is saved;")]
    assert warning.startswith("The request is saved; the email to Morgan Hale, LCSW could not be sent")
    [record] = [r for r in caplog.records if getattr(r, "event", "") == "review_notice_not_sent"]
    assert record.recipient_user == morgan.user.pk and record.error == "ConnectionRefusedError"
    assert record.review_requests == [ReviewRequest.objects.get(article=article).pk]
    # The log line names ids and the kind of error: not the note, not an address.
    logged = record.getMessage() + str(record.__dict__)
    assert "A note only staff should read." not in logged and "morgan@example.com" not in logged


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_is_down_leaves_a_declined_request_declined(editor, morgan, settings):
    article = ArticleFactory(title="Medication and IOP")
    ask(editor, article, morgan)
    reviewer = signed_in_as_clinician(morgan, "morgan")
    mail_server_down(settings)

    response = decline(reviewer, article, "Not my field.")

    assert response.status_code == 302
    assert ReviewRequest.objects.get(article=article).outcome == ReviewRequest.Outcome.DECLINED
    assert any(
        message.startswith("The request is declined; the email to Sam could not be sent")
        for message in said(response)
    )


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_refusing_one_address_still_gets_the_others_email(editor, smtp_server):
    staff_member(CLINICAL_REVIEWERS, "dana")  # refused by the server
    staff_member(CLINICAL_REVIEWERS, "lee")
    article = ArticleFactory(title="Sleep in early recovery")

    response = ask(editor, article, note="Before the “spring” campaign.")

    assert response.status_code == 302
    [(to, content)] = smtp_server.accepted
    assert to == ["lee@example.com"]
    received = email.message_from_bytes(content, policy=email.policy.default)
    assert received["Subject"] == "Clinical review asked for: Sleep in early recovery"
    assert received["From"] == "site@carter.example"
    body = received.get_content()
    assert "Sam asked any clinical reviewer for a clinical review of “Sleep in early recovery”" in body
    assert "Their note: Before the “spring” campaign." in body
    [warning] = [message for message in said(response) if message.startswith("The request is saved;")]
    assert "the email to dana could not be sent" in warning and "lee" not in warning
    assert ReviewRequest.objects.open().filter(article=article).exists()


# --- My notices.


def test_my_notices_is_linked_from_every_admin_page_and_turns_the_emails_off(
    editor, morgan, django_capture_on_commit_callbacks
):
    reviewer = signed_in_as_clinician(morgan, "morgan")
    assert f'href="{MY_NOTICES_URL}"' in reviewer.get(reverse("admin:index")).content.decode()
    page = reviewer.get(MY_NOTICES_URL).content.decode()
    assert "morgan@example.com" in page
    assert re.search(r'<input type="checkbox" name="review_requests"[^>]* checked>', page)  # on by default

    response = reviewer.post(MY_NOTICES_URL, {})  # the box unticked
    assert response.status_code == 302
    assert NoticePreference.objects.get(user=morgan.user).review_requests is False

    with django_capture_on_commit_callbacks(execute=True):
        ask(editor, ArticleFactory(), morgan)
        ask(editor, ArticleFactory())  # for anyone: morgan records reviews, but said no
    assert mail.outbox == []

    reviewer.post(MY_NOTICES_URL, {"review_requests": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        ask(editor, ArticleFactory(), morgan)
    assert sent_to() == ["morgan@example.com"]


def test_an_editor_who_turned_them_off_hears_nothing_of_their_requests(
    editor, morgan, django_capture_on_commit_callbacks
):
    sam = editor.get(MY_NOTICES_URL).wsgi_request.user
    editor.post(MY_NOTICES_URL, {})
    article = ArticleFactory()
    ask(editor, article, morgan)
    reviewer = signed_in_as_clinician(morgan, "morgan")
    with django_capture_on_commit_callbacks(execute=True):
        decline(reviewer, article, "Not my field.")
    assert mail.outbox == []
    assert NoticePreference.objects.get(user=sam).review_requests is False


def test_my_notices_is_for_signed_in_staff_only(client):
    response = client.get(MY_NOTICES_URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_each_person_changes_only_their_own_choice(editor, morgan):
    reviewer = signed_in_as_clinician(morgan, "morgan")
    editor.post(MY_NOTICES_URL, {"user": str(morgan.user.pk)})  # a field the form does not have
    assert not NoticePreference.objects.filter(user=morgan.user).exists()
    assert reviewer.get(MY_NOTICES_URL).status_code == 200


def test_my_notices_says_when_the_account_has_no_address(morgan):
    reviewer = signed_in_as_clinician(morgan, "morgan")
    morgan.user.email = ""
    morgan.user.save()
    page = reviewer.get(MY_NOTICES_URL).content.decode()
    assert "Your account has no email address, so no email reaches you." in page


def test_emails_carry_one_line_titles(editor, morgan, django_capture_on_commit_callbacks):
    signed_in_as_clinician(morgan, "morgan")
    article = ArticleFactory(title="Two  spaces")
    Article.objects.filter(pk=article.pk).update(title="A title\nwith a line break")
    with django_capture_on_commit_callbacks(execute=True):
        ask(editor, Article.objects.get(pk=article.pk), morgan)
    assert mail.outbox[0].subject == "Clinical review asked for: A title with a line break"


def test_a_request_asked_long_ago_says_when(editor, morgan, django_capture_on_commit_callbacks):
    article = ArticleFactory()
    ask(editor, article, morgan)
    ReviewRequest.objects.filter(article=article).update(
        asked_at=timezone.make_aware(dt.datetime(2026, 5, 4, 9, 15))
    )
    reviewer = signed_in_as_clinician(morgan, "morgan")
    with django_capture_on_commit_callbacks(execute=True):
        decline(reviewer, article, "Not my field.")
    assert "asked on May 4, 2026, 9:15 a.m.," in mail.outbox[0].body


# --- Whoever looks after staff accounts sees each person's emails.


def account_notices(client, user):
    """The account page's sentence on email notices, as the page shows it."""
    page = client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    found = re.search(r"Emails it gets:</label>\s*<div class=\"readonly\">([^<]*)</div>", page)
    assert found, "the account page has no line on email notices"
    return " ".join(found.group(1).split())


def test_an_account_page_says_which_emails_its_owner_gets_and_why_none(editor, morgan):
    administrator = signed_in(SITE_ADMINISTRATORS, "ada")
    reviewer = signed_in_as_clinician(morgan, "morgan")
    sam = editor.get(MY_NOTICES_URL).wsgi_request.user

    coming = "the weekly email of what the site will change by itself in the days ahead"
    assert account_notices(administrator, morgan.user) == (
        "Emails to morgan@example.com about requests for a clinical review asked of them or of any "
        f"reviewer, and what became of the requests they asked; and {coming}. "
        "Its owner can turn them off on My notices."
    )
    assert account_notices(administrator, sam) == (
        f"Emails to {sam.email} about what became of the requests for a clinical review they asked; the "
        f"weekly report of links that lead nowhere in texts they may edit; and {coming}. "
        "Its owner can turn them off on My notices."
    )

    reviewer.post(MY_NOTICES_URL, {})  # morgan turns them off
    assert account_notices(administrator, morgan.user).startswith(
        "None: its owner turned off emails about requests for a clinical review and the weekly email of "
        "what is coming up on My notices."
    )

    sam.email = ""
    sam.save()
    assert account_notices(administrator, sam).startswith("None: this account has no email address")

    sam.is_active = False
    sam.save()
    assert account_notices(administrator, sam) == (
        "None: this account cannot sign in to the admin, and gets no emails."
    )


def test_the_line_on_email_notices_is_read_only_and_not_on_the_add_form(morgan):
    administrator = signed_in(SITE_ADMINISTRATORS, "ada")
    reviewer = signed_in_as_clinician(morgan, "morgan")
    reviewer.post(MY_NOTICES_URL, {})
    form = admin_form_data(administrator.get(reverse("admin:auth_user_change", args=[morgan.user.pk])))
    assert "email_notices" not in form
    form["email_notices"] = "on"  # a field the form does not have changes nothing
    response = administrator.post(reverse("admin:auth_user_change", args=[morgan.user.pk]), form)
    assert response.status_code == 302
    assert NoticePreference.objects.get(user=morgan.user).review_requests is False
    add_page = administrator.get(reverse("admin:auth_user_add")).content.decode()
    assert "Emails it gets" not in add_page
