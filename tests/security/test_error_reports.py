"""Error reports (emails to ADMINS, Sentry events) never carry what a visitor searched for.

A failing search page is the case that matters: Django's own report would include the address
with its query string, the GET values, the Referer and every frame's local variables, so the
visitor's words ("relapse after detox") would be emailed to staff. carter_site.error_reports
removes them wherever they appear, and leaves the rest of the report useful.
"""

import sys

import pytest
from django.core import mail
from django.test import Client, RequestFactory

from carter_site import search as search_module
from carter_site.error_reports import PrivateExceptionReporter, private_words, redact, scrub_error_report

pytestmark = pytest.mark.django_db

WORDS = "Relapse after detox"
PRIVATE = ("relapse", "detox")  # what must not appear, in any case
HIDDEN = "********************"


def without_private_words(text):
    lowered = text.lower()
    return not any(word in lowered for word in PRIVATE)


def broken_search(query, clinicians=()):
    searched_for = f"looking up {query}"  # a local variable holding the words
    raise ValueError(f"the index could not answer {query!r} ({len(searched_for)})")


def test_a_failing_search_emails_the_admins_a_report_without_the_search_words(settings, monkeypatch):
    settings.ADMINS = [("Ops", "ops@carter.example")]
    monkeypatch.setattr(search_module, "search", broken_search)
    browser = Client(raise_request_exception=False)
    response = browser.get(
        "/search/",
        {"q": WORDS, "page": "1"},
        HTTP_REFERER="https://carter.example/search/?q=relapse+after+detox",
    )
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    report = mail.outbox[0].subject + "\n" + mail.outbox[0].body
    assert without_private_words(report), report
    # Still a useful report: what failed, where, and that something was hidden.
    assert "ValueError" in report and "/search/" in report and "broken_search" in report
    assert HIDDEN in report
    assert "page = '********************'" in report  # GET names kept, values hidden


def report_for(path, params, **headers):
    request = RequestFactory().get(path, params, **headers)
    try:
        broken_search(params["q"])
    except ValueError:
        return PrivateExceptionReporter(request, *sys.exc_info())


def test_the_html_report_hides_the_words_in_frame_variables_meta_and_the_message(settings):
    settings.DEBUG = False
    reporter = report_for(
        "/search/",
        {"q": WORDS},
        HTTP_REFERER="https://carter.example/?q=relapse",
        RAW_URI="/search/?q=relapse",
    )
    html = reporter.get_traceback_html()
    assert without_private_words(html)
    frame_variables = dict(reporter.get_traceback_data()["frames"][-1]["vars"])
    assert frame_variables["searched_for"] == f"'looking up {HIDDEN}'"
    assert "ValueError" in html and "broken_search" in html


def test_a_developer_with_debug_on_still_sees_everything(settings):
    settings.DEBUG = True
    text = report_for("/search/", {"q": WORDS}).get_traceback_text()
    assert "relapse after detox" in text.lower()


def test_words_are_hidden_whole_and_one_by_one_but_not_short_common_ones():
    words = private_words([" Relapse   after\tdetox ", "IOP"])
    assert words == ["Relapse after detox", "Relapse", "after", "detox"]
    assert redact("RELAPSE: after the detox, IOP", words) == f"{HIDDEN}: {HIDDEN} the {HIDDEN}, IOP"
    assert redact("nothing to hide", []) == "nothing to hide"


def test_sentry_events_lose_the_words_in_frames_and_messages_too():
    event = {
        "request": {
            "url": "https://carter.example/search/?q=relapse+after+detox",
            "query_string": "q=relapse+after+detox",
        },
        "exception": {
            "values": [
                {
                    "value": "the index could not answer 'relapse after detox'",
                    "stacktrace": {"frames": [{"vars": {"query": "'relapse after detox'", "limit": "5"}}]},
                }
            ]
        },
        "breadcrumbs": {"values": [{"message": "SELECT ... WHERE title LIKE '%detox%'"}]},
    }
    scrubbed = scrub_error_report(event, {})
    assert without_private_words(str(scrubbed))
    frame = scrubbed["exception"]["values"][0]["stacktrace"]["frames"][0]["vars"]
    assert frame == {"query": f"'{HIDDEN}'", "limit": "5"}
    assert scrubbed["request"]["url"] == "https://carter.example/search/"


def test_a_failing_nearest_location_search_emails_no_zip_code_or_town(settings, monkeypatch):
    from locations import nearest

    def broken_lookup(text):
        looking_for = f"place {text}"  # a local variable holding where the visitor lives
        raise ValueError(f"the ZIP code list could not answer {text!r} ({len(looking_for)})")

    settings.ADMINS = [("Ops", "ops@carter.example")]
    monkeypatch.setattr(nearest, "find_place", broken_lookup)
    response = Client(raise_request_exception=False).get("/locations/", {"near": "Lawrenceville 30043"})
    assert response.status_code == 500
    report = mail.outbox[0].subject + "\n" + mail.outbox[0].body
    assert "30043" not in report and "lawrenceville" not in report.lower(), report
    assert "ValueError" in report and "broken_lookup" in report and HIDDEN in report


@pytest.fixture
def production_logging():
    """The site's own logging, as every server runs it (the tests' settings keep Django's)."""
    from django.conf import settings
    from django.utils.log import configure_logging

    from carter_site.settings.base import logging_from_environment

    configure_logging(settings.LOGGING_CONFIG, logging_from_environment("plain"))
    yield
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def test_a_failing_shared_preview_emails_no_token(settings, monkeypatch, production_logging):
    # The token opens the draft for whoever holds it until it expires: a report of a failure on
    # that page names the page, not the key to it (the logs leave it out the same way).
    from articles.models import PreviewLink
    from articles.views import SharedPreviewView
    from tests.factories import ArticleFactory

    settings.ADMINS = [("Ops", "ops@carter.example")]
    link = PreviewLink.objects.create(article=ArticleFactory(draft=True), note="outside review")

    def broken_context(view, **kwargs):
        shown = f"preview {view.kwargs['token']}"  # a local variable holding the token
        raise ValueError(f"could not show {shown!r}")

    monkeypatch.setattr(SharedPreviewView, "get_context_data", broken_context)
    response = Client(raise_request_exception=False).get(link.get_absolute_url())
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    report = mail.outbox[0].subject + "\n" + mail.outbox[0].body
    assert link.token not in report
    for part in link.token.split(":"):
        assert part not in report
    assert "ValueError" in report and "broken_context" in report and "/articles/preview/" in report


def test_sentry_events_lose_a_shared_previews_token():
    token = "eyJhcnRpY2xlIjo3fQ:1tQx9b:Zk3-secret_signature"
    event = {
        "request": {"url": f"https://carter.example/articles/Preview/{token}/"},
        "transaction": f"/articles/preview/{token}/",
        "exception": {"values": [{"value": f"no article for {token}", "stacktrace": {"frames": []}}]},
    }
    scrubbed = scrub_error_report(event, {})
    assert token not in str(scrubbed) and "Zk3-secret_signature" not in str(scrubbed)
    assert scrubbed["request"]["url"] == f"https://carter.example/articles/Preview/{HIDDEN}/"
