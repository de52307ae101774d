"""The report of links that lead nowhere on *My notices* and on an account's page
(docs/editorial-workflow.md, "The report of links that lead nowhere"; articles/notices.py)."""

import re
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from articles.models import NoticePreference
from carter_site.roles import SITE_ADMINISTRATORS
from tests.admin_forms import signed_in, signed_in_as_clinician
from tests.articles.test_review_notices import account_notices
from tests.factories import ArticleFactory
from tests.smtp_server import running_smtp_server

pytestmark = pytest.mark.django_db

MY_NOTICES_URL = reverse("admin:my_notices")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://www.carter.example"


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def box(page, name):
    """The checkbox `name` of the page, or None."""
    found = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', page)
    return found.group(0) if found else None


def test_an_editor_is_offered_the_report_on_by_default_and_can_turn_it_off(editor, settings):
    page = editor.get(MY_NOTICES_URL).content.decode()
    assert "Email me the weekly report of links that lead nowhere" in page
    assert box(page, "link_report").endswith(" checked>")

    response = editor.post(
        MY_NOTICES_URL, {"review_requests": "on", "coming_up": "on"}
    )  # the report unticked

    assert response.status_code == 302
    sam = response.wsgi_request.user
    preference = NoticePreference.objects.get(user=sam)
    assert preference.link_report is False and preference.review_requests is True
    assert said(response) == [
        "You will get emails about requests for a clinical review. "
        "You will not get the report of links that lead nowhere. "
        "You will get the weekly email of what is coming up."
    ]
    assert not box(editor.get(MY_NOTICES_URL).content.decode(), "link_report").endswith(" checked>")

    ArticleFactory(body='<p><a href="/articles/nowhere/">gone</a></p>')
    with running_smtp_server(settings) as server, pytest.raises(CommandError):
        call_command("check_links", "--email", stdout=StringIO(), stderr=StringIO())
    assert server.accepted == []  # sam said no

    editor.post(MY_NOTICES_URL, {"review_requests": "on", "link_report": "on"})
    assert NoticePreference.objects.get(user=sam).link_report is True


def test_the_review_emails_choice_saves_as_before_beside_it(editor):
    editor.post(MY_NOTICES_URL, {"link_report": "on"})  # review emails unticked
    preference = NoticePreference.objects.get(user__username="sam")
    assert preference.review_requests is False and preference.link_report is True


def test_someone_who_may_edit_no_text_is_not_offered_it_and_keeps_their_choice(morgan):
    reviewer = signed_in_as_clinician(morgan, "morgan")  # records reviews, changes no text
    page = reviewer.get(MY_NOTICES_URL).content.decode()
    assert box(page, "review_requests") is not None
    assert box(page, "link_report") is None
    assert "links that lead nowhere" not in page

    response = reviewer.post(MY_NOTICES_URL, {"coming_up": "on"})
    assert said(response) == [
        "You will get no emails about requests for a clinical review. The admin still shows them. "
        "You will get the weekly email of what is coming up."
    ]
    preference = NoticePreference.objects.get(user=morgan.user)
    assert preference.review_requests is False
    assert preference.link_report is True  # as it was, for the day they may edit texts


def test_an_account_page_says_whether_its_owner_gets_the_report(editor):
    administrator = signed_in(SITE_ADMINISTRATORS, "ada")
    sam = editor.get(MY_NOTICES_URL).wsgi_request.user
    asked = "what became of the requests for a clinical review they asked"
    report = "the weekly report of links that lead nowhere in texts they may edit"
    coming = "the weekly email of what the site will change by itself in the days ahead"

    assert account_notices(administrator, sam) == (
        f"Emails to sam@example.com about {asked}; {report}; and {coming}. "
        "Its owner can turn them off on My notices."
    )

    editor.post(MY_NOTICES_URL, {"review_requests": "on", "coming_up": "on"})
    assert account_notices(administrator, sam) == (
        f"Emails to sam@example.com about {asked}; and {coming}. "
        "Its owner turned off the report of links that lead nowhere on My notices."
    )

    editor.post(MY_NOTICES_URL, {"link_report": "on", "coming_up": "on"})
    assert account_notices(administrator, sam) == (
        f"Emails to sam@example.com with {report}; and {coming}. "
        "Its owner turned off emails about requests for a clinical review on My notices."
    )

    editor.post(MY_NOTICES_URL, {})
    assert account_notices(administrator, sam) == (
        "None: its owner turned off emails about requests for a clinical review, the report of links "
        "that lead nowhere and the weekly email of what is coming up on My notices. "
        "The admin home page still shows them the requests waiting for a review and what is coming up."
    )


def test_an_account_without_an_email_address_is_told_where_it_learns_of_things_instead(editor):
    administrator = signed_in(SITE_ADMINISTRATORS, "ada")
    sam = editor.get(MY_NOTICES_URL).wsgi_request.user
    sam.email = ""
    sam.save()
    assert account_notices(administrator, sam) == (
        "None: this account has no email address, so it gets no emails: it learns of requests for a "
        "clinical review and of what is coming up only from the admin home page. Add one above."
    )
