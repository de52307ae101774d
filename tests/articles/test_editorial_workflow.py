"""Issue: editorial workflow — scheduling, preview, history, clinical review, slugs, roles."""

import datetime as dt
import re

import pytest
import reversion
import time_machine
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.redirects.models import Redirect
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Clinician, PreviewLink
from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS, SITE_ADMINISTRATORS
from faqs.models import FAQ
from tests.admin_forms import admin_form_data, edit_in_admin
from tests.factories import (
    ArticleFactory,
    ArticleFAQFactory,
    ArticleTestimonialFactory,
    FAQFactory,
    LocationFactory,
    LocationFAQFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


# --- Scheduling -----------------------------------------------------------------------------


def test_a_scheduled_article_goes_live_by_itself_at_its_time(client):
    with time_machine.travel(NOW, tick=False) as clock:
        article = ArticleFactory(title="Scheduled for noon", published_at=NOW + dt.timedelta(hours=3))
        lists = [reverse("articles:list"), reverse("home"), reverse("articles-feed"), reverse("sitemap")]
        assert client.get(article.get_absolute_url()).status_code == 404
        for url in lists:
            html = client.get(url).content.decode()
            assert "Scheduled for noon" not in html and article.get_absolute_url() not in html, url
        clock.shift(dt.timedelta(hours=3, seconds=1))  # no command, no save: only time passes
        assert client.get(article.get_absolute_url()).status_code == 200
        for url in lists:
            assert article.get_absolute_url() in client.get(url).content.decode(), url


def test_an_article_disappears_by_itself_at_its_take_down_time(client):
    with time_machine.travel(NOW, tick=False) as clock:
        article = ArticleFactory(title="Summer groups", published_at=NOW - dt.timedelta(days=1),
                                 expires_at=NOW + dt.timedelta(hours=1))  # fmt: skip
        assert "Summer groups" in client.get(reverse("articles:list")).content.decode()
        assert article.get_absolute_url() in client.get(reverse("articles-feed")).content.decode()
        clock.shift(dt.timedelta(hours=1))
        assert client.get(article.get_absolute_url()).status_code == 404
        for url in (reverse("articles:list"), reverse("articles-feed"), reverse("sitemap")):
            assert article.get_absolute_url() not in client.get(url).content.decode(), url
        assert article.get_state() == Article.State.EXPIRED


def test_a_publish_time_typed_with_am_or_pm_schedules_the_article_at_that_hour_eastern(staff_client):
    article = ArticleFactory(draft=True)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data.update({"status": "published", "published_at_0": "11/03/2026", "published_at_1": "9:00 AM",
                 "expires_at_0": "11/30/2026", "expires_at_1": "11:59 PM"})  # fmt: skip
    response = staff_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    # After the clocks go back on November 1: 9 a.m. Eastern is 14:00 UTC.
    assert article.published_at == dt.datetime(2026, 11, 3, 14, 0, tzinfo=dt.UTC)
    assert article.expires_at == dt.datetime(2026, 12, 1, 4, 59, tzinfo=dt.UTC)


def test_saved_times_are_shown_back_on_a_12_hour_clock_and_an_unchanged_save_keeps_them(staff_client):
    """Editors write "9:00 AM"; the form showed "09:00:00" back. A time with seconds keeps them, so
    saving the form as shown changes nothing."""
    article = ArticleFactory(
        published_at=dt.datetime(2026, 11, 3, 14, 0, tzinfo=dt.UTC),  # 9:00 AM Eastern
        expires_at=dt.datetime(2026, 12, 1, 4, 59, 30, tzinfo=dt.UTC),  # 11:59:30 PM on November 30
    )
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    assert (data["published_at_1"], data["expires_at_1"]) == ("9:00 AM", "11:59:30 PM")
    response = staff_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.published_at == dt.datetime(2026, 11, 3, 14, 0, tzinfo=dt.UTC)
    assert article.expires_at == dt.datetime(2026, 12, 1, 4, 59, 30, tzinfo=dt.UTC)
    assert LogEntry.objects.filter(object_id=str(article.pk)).latest("action_time").get_change_message() == (
        "No fields changed."
    )


def test_a_take_down_date_without_a_time_asks_for_the_time_and_keeps_the_form(staff_client):
    article = ArticleFactory(title="Kept as it was")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data.update({"title": "Typed today", "expires_at_0": "11/30/2026", "expires_at_1": ""})
    response = staff_client.post(change_url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["expires_at"] == [
        "Give the time too, for example 9:00 AM or 17:30."
    ]
    assert 'value="Typed today"' in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Kept as it was" and article.expires_at is None


def test_a_take_down_time_without_a_date_asks_for_the_date_and_keeps_the_form(staff_client):
    """Django said "Enter a valid date." of a date box left empty beside a time."""
    article = ArticleFactory(title="Kept as it was")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data.update({"title": "Typed today", "expires_at_0": "", "expires_at_1": "5:00 PM"})
    response = staff_client.post(change_url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["expires_at"] == [
        "Give the date too, for example 2026-06-30 or 6/30/2026 (the month first)."
    ]
    article.refresh_from_db()
    assert article.title == "Kept as it was" and article.expires_at is None


@pytest.mark.parametrize("typed", ["25/11/2026", "11/31/2026", "tomorrow"])
def test_a_publish_date_that_is_no_date_says_how_to_write_one_and_keeps_the_form(staff_client, typed):
    """Django said only "Enter a valid date.": no clue for an editor who wrote the day first."""
    article = ArticleFactory(title="Kept as it was", status="draft")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data.update({"title": "Typed today", "published_at_0": typed, "published_at_1": "9:00 AM"})
    response = staff_client.post(change_url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["published_at"] == [
        f"“{typed}” is not a date. Write it as 2026-06-30 or 6/30/2026 (the month first), or choose it "
        "with the calendar button."
    ]
    assert 'value="Typed today"' in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Kept as it was"


@pytest.mark.parametrize(
    ("day", "typed", "said"),
    [
        (
            "03/14/2027",
            "2:30 AM",
            "March 14, 2027, 2:30 a.m. never comes here: the clocks go forward an hour that night. "
            "Choose another time, such as 3:30 a.m.",
        ),
        (
            "11/01/2026",
            "1:30 AM",
            "Nov. 1, 2026, 1:30 a.m. comes twice here: the clocks go back an hour that night. Choose "
            "another time, such as 2:30 a.m.",
        ),
    ],
    ids=["clocks-forward", "clocks-back"],
)
def test_a_time_the_clock_change_skips_or_repeats_is_refused_in_plain_words(staff_client, day, typed, said):
    article = ArticleFactory(draft=True, title="Kept as it was")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data.update(
        {"title": "Typed today", "status": "published", "published_at_0": day, "published_at_1": typed}
    )
    response = staff_client.post(change_url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["published_at"] == [said]
    assert 'value="Typed today"' in response.content.decode()
    article.refresh_from_db()
    assert (article.title, article.status) == ("Kept as it was", Article.Status.DRAFT)


# --- Preview and shared preview links --------------------------------------------------------


def test_staff_preview_shows_the_saved_draft_as_visitors_will_see_it(staff_client):
    from django.test import Client

    client = Client()  # a visitor, in a browser of their own
    article = ArticleFactory(draft=True, title="Not yet", body="<p>Draft words.</p>")
    url = reverse("admin:articles_article_preview", args=[article.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft words." in html and "Preview — not public." in html
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # A visitor who guesses the address meets the login page, never the content.
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert "Draft words." not in client.get(url, follow=True).content.decode()


def test_a_preview_address_without_an_article_is_not_found(staff_client):
    preview = reverse("admin:articles_article_preview", args=[ArticleFactory().pk])
    for wrong in ("abc", "1/x", "99999", "%00"):
        response = staff_client.get(preview.replace(f"/{preview.split('/')[-3]}/", f"/{wrong}/"))
        assert response.status_code == 404, wrong


def test_change_form_links_to_the_preview(staff_client):
    article = ArticleFactory(draft=True)
    html = staff_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert reverse("admin:articles_article_preview", args=[article.pk]) in html


def test_a_shared_preview_link_works_without_login_until_it_expires(client):
    with time_machine.travel(NOW, tick=False) as clock:
        article = ArticleFactory(draft=True, body="<p>For the outside reviewer.</p>")
        link = PreviewLink.objects.create(article=article, note="Dr. Lee")
        assert link.expires_at == NOW + dt.timedelta(days=7)
        response = client.get(link.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert "For the outside reviewer." in html
        assert "Preview shared for review" in html
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "no-referrer"
        clock.shift(dt.timedelta(days=7))
        assert client.get(link.get_absolute_url()).status_code == 404


def test_the_change_form_shows_the_whole_address_to_send(staff_client, settings):
    link = PreviewLink.objects.create(article=ArticleFactory(draft=True), note="Dr. Lee")
    html = staff_client.get(reverse("admin:articles_article_change", args=[link.article.pk])).content.decode()
    assert f">http://testserver{link.get_absolute_url()}</a>" in html  # copied into an email, it works
    settings.SITE_URL = "https://www.carter.example"
    html = staff_client.get(reverse("admin:articles_article_change", args=[link.article.pk])).content.decode()
    assert f">https://www.carter.example{link.get_absolute_url()}</a>" in html


def test_a_revoked_or_tampered_preview_link_answers_404(client):
    link = PreviewLink.objects.create(article=ArticleFactory(draft=True))
    url = link.get_absolute_url()
    other = PreviewLink.objects.create(article=ArticleFactory(draft=True))
    token = link.token
    assert client.get(reverse("articles:shared_preview", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("articles:shared_preview", args=[other.token + "a"])).status_code == 404
    assert client.get("/articles/preview/not-a-token/").status_code == 404
    link.revoked = True
    link.save()
    assert client.get(url).status_code == 404


ENDED = "This preview link has ended"


@pytest.mark.parametrize("end", ["expired", "revoked", "deleted"])
def test_a_preview_link_that_has_ended_says_so_to_whoever_holds_it(client, end):
    """The clinician who opens an old link learns what happened and what to do, not "page not
    found"; still a 404, never cached, never indexed, and the address is not sent on."""
    with time_machine.travel(NOW, tick=False) as clock:
        link = PreviewLink.objects.create(article=ArticleFactory(draft=True, title="Secret draft"))
        url = link.get_absolute_url()
        if end == "expired":
            clock.shift(dt.timedelta(days=8))
        elif end == "revoked":
            link.revoked = True
            link.save()
        else:
            link.delete()
        response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert ENDED in html and "ask the person who sent it for a new one" in html
    assert "Secret draft" not in html and "We can’t find that page" not in html
    assert '<meta name="robots" content="noindex' in html and "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "no-referrer"


def test_a_preview_token_this_site_did_not_sign_gets_the_plain_not_found_page(client):
    """Only a token that verifies may say that a link existed and has ended."""
    link = PreviewLink.objects.create(article=ArticleFactory(draft=True))
    link.revoked = True
    link.save()
    for token in (link.token[:-2] + "xx", "eyJsaW5rIjoxfQ:forged"):
        response = client.get(reverse("articles:shared_preview", args=[token]))
        assert response.status_code == 404
        html = response.content.decode()
        assert ENDED not in html and "We can’t find that page" in html


def test_staff_create_a_preview_link_from_the_change_form(staff_client):
    article = ArticleFactory(draft=True)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data.update({"preview_links-TOTAL_FORMS": "1", "preview_links-0-note": "Outside reviewer",
                 "preview_links-0-expires_at_0": "2030-01-01", "preview_links-0-expires_at_1": "09:00:00",
                 "preview_links-0-article": str(article.pk), "_continue": "1"})  # fmt: skip
    response = staff_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    link = PreviewLink.objects.get(article=article)
    assert link.created_by.username == "editor" and link.note == "Outside reviewer"
    assert link.get_absolute_url() in staff_client.get(change_url).content.decode()


def test_a_new_preview_link_row_left_as_shown_makes_a_link(staff_client):
    """The note is optional: a row added with "Add another" and saved as the browser shows it
    (the default expiry filled in, and kept in a hidden field to tell whether it was changed) is a
    link, not a row Django drops as untouched while the editor is told "changed successfully"."""
    article = ArticleFactory(draft=True)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    page = staff_client.get(change_url)
    data = admin_form_data(page)
    [inline] = [i for i in page.context["inline_admin_formsets"] if i.formset.model is PreviewLink]
    # The new row's inputs as the page renders them: the expiry and its hidden copy, no note.
    shown = re.findall(r'name="([^"]+)" value="([^"]*)"', str(inline.formset.empty_form))
    assert {name.rsplit("-", 1)[-1] for name, _ in shown} >= {"expires_at_0", "expires_at_1"}
    data.update({name.replace("__prefix__", "0"): value for name, value in shown})
    data.update({"preview_links-TOTAL_FORMS": "1", "preview_links-0-article": str(article.pk)})
    response = staff_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    link = PreviewLink.objects.get(article=article)
    assert link.is_active and link.created_by.username == "editor"
    assert link.get_absolute_url() in staff_client.get(change_url).content.decode()


def test_a_new_preview_link_that_has_expired_already_is_refused_on_the_field(staff_client):
    article = ArticleFactory(draft=True, title="Kept as it was")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data.update({"title": "Changed", "preview_links-TOTAL_FORMS": "1", "preview_links-0-note": "Dr. Lee",
                 "preview_links-0-expires_at_0": "2025-01-06", "preview_links-0-expires_at_1": "09:00:00",
                 "preview_links-0-article": str(article.pk)})  # fmt: skip
    response = staff_client.post(change_url, data)
    assert response.status_code == 200
    [inline] = [i for i in response.context["inline_admin_formsets"] if i.formset.model is PreviewLink]
    assert inline.formset.forms[0].errors["expires_at"] == [
        "This time has passed (Jan. 6, 2025, 9 a.m.), so the link would not work for anyone. Choose a "
        "later time: 7 days from now is usual."
    ]
    article.refresh_from_db()
    assert article.title == "Kept as it was" and not PreviewLink.objects.filter(article=article).exists()


def test_a_saved_preview_link_can_be_ended_by_moving_its_expiry_into_the_past(staff_client):
    article = ArticleFactory(draft=True)
    link = PreviewLink.objects.create(article=article, note="Dr. Lee")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data.update({"preview_links-0-expires_at_0": "2025-01-06", "preview_links-0-expires_at_1": "09:00:00"})
    assert staff_client.post(change_url, data).status_code == 302
    link.refresh_from_db()
    assert not link.is_active


@pytest.mark.parametrize(
    "field",
    ["published_at", "expires_at", "preview_links-0-expires_at"],
)
def test_a_time_too_far_ahead_to_store_is_a_form_error_and_nothing_is_saved(staff_client, field):
    """9999-12-31 23:00 in Atlanta is in the year 10000 in UTC: a clear error, never a 500."""
    article = ArticleFactory(title="Kept as it was")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data.update({"title": "Changed", f"{field}_0": "9999-12-31", f"{field}_1": "23:00:00"})
    if field.startswith("preview_links"):
        data.update({"preview_links-TOTAL_FORMS": "1", "preview_links-0-article": str(article.pk)})
    response = staff_client.post(change_url, data)
    assert response.status_code == 200
    assert "Choose a time before the year 9999." in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Kept as it was" and not PreviewLink.objects.filter(article=article).exists()


@pytest.mark.parametrize("field", ["published_at", "expires_at", "preview_links-0-expires_at"])
@pytest.mark.parametrize(("day", "year"), [("0001-01-01", 1), ("0026-05-01", 26), ("1999-12-31", 1999)])
def test_a_time_before_the_year_2000_is_a_form_error_and_nothing_is_saved(staff_client, field, day, year):
    """0001-01-01 went live as "January 1, 0001", with the time zone's offset of 1883 in its
    datetime attribute and a year 1 in the list's dates: a mistyped year, refused on its field."""
    article = ArticleFactory(title="Kept as it was", draft=True)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data.update({"title": "Changed", "status": "published", f"{field}_0": day, f"{field}_1": "09:00:00"})
    if field.startswith("preview_links"):
        data.update({"preview_links-TOTAL_FORMS": "1", "preview_links-0-article": str(article.pk)})
    response = staff_client.post(change_url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    errors = (
        response.context["inline_admin_formsets"][-1].formset.forms[0].errors
        if field.startswith("preview_links")
        else form.errors
    )
    assert errors[field.rsplit("-", 1)[-1]] == [
        f"Choose a time in the year 2000 or later: nothing on this site is from the year {year}, so the "
        "year was probably mistyped."
    ]
    article.refresh_from_db()
    assert (article.title, article.status) == ("Kept as it was", Article.Status.DRAFT)
    assert not PreviewLink.objects.filter(article=article).exists()


def test_an_article_published_as_of_0001_is_refused_and_never_goes_live(staff_client, client):
    add_url = reverse("admin:articles_article_add")
    data = admin_form_data(staff_client.get(add_url))
    data.update({"title": "Back-dated", "slug": "back-dated", "summary": "A summary.",
                 "body": "<p>Words.</p>", "status": "published",
                 "published_at_0": "0001-01-01", "published_at_1": "00:00:00"})  # fmt: skip
    response = staff_client.post(add_url, data)
    assert response.status_code == 200
    assert "Choose a time in the year 2000 or later" in response.content.decode()
    assert not Article.objects.filter(slug="back-dated").exists()
    assert client.get("/articles/back-dated/").status_code == 404


def test_the_first_moment_of_2000_is_a_time_an_editor_may_give(staff_client, client):
    article = ArticleFactory(draft=True)
    edit_in_admin(
        staff_client, article, status="published", published_at_0="2000-01-01", published_at_1="00:00:00"
    )
    article.refresh_from_db()
    assert timezone.localtime(article.published_at) == dt.datetime(
        2000, 1, 1, tzinfo=timezone.get_current_timezone()
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<time datetime="2000-01-01T00:00:00-05:00"' in html


# --- Content checks --------------------------------------------------------------------------


def messages_after_saving(staff_client, article, **changes):
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data.update(changes)
    response = staff_client.post(change_url, data, follow=True)
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def test_content_checks_warn_without_blocking_the_save(staff_client):
    article = ArticleFactory()
    crafted = (
        "<h2>Start</h2><h4>Skipped a level</h4><p><img src='/media/editor/room.png'> "
        "<a href='https://example.org/x'>click here</a> <a href='https://example.org/y'>https://example.org/y</a></p>"
    )
    found = messages_after_saving(staff_client, article, body=crafted, summary="x" * 200, meta_description="")
    joined = "\n".join(found)
    assert "room.png has no description" in joined
    assert "A Heading 4 follows a Heading 2" in joined
    assert "“click here” does not say where it goes" in joined
    assert "https://example.org/y is a bare web address" in joined
    assert "meta description is 200 characters" in joined
    article.refresh_from_db()
    assert "Skipped a level" in article.body  # saved anyway


def test_content_checks_stay_quiet_on_a_clean_article(staff_client):
    article = ArticleFactory()
    clean = "<h2>Start</h2><h3>First day</h3><p><a href='https://example.org/'>our admissions page</a></p>"
    found = messages_after_saving(staff_client, article, body=clean)
    assert not [m for m in found if m.startswith("Check:")]


@pytest.mark.parametrize(
    "body, said",
    [
        (
            "<p>"
            + "You can come back to the program at any time. " * 11
            + "</p><h2>A heading is not prose</h2>",
            "About grade 1 (Flesch–Kincaid), on 110 words of running text; the site aims for grade 8 or "
            "below. Its longest sentence has 10 words (the site aims for under 25).",
        ),
        (
            "<p>You can come back. We will help you. It is not too late.</p>",
            "Too short for a grade: 13 words of running text, and a grade needs 100; its longest sentence "
            "has 5 words (the site aims for under 25).",
        ),
        (
            "<h2>Only a heading</h2><blockquote><p>A client's words are theirs.</p></blockquote>",
            "No running text yet: paragraphs are measured, not headings, short list items, tables or quotes.",
        ),
    ],
)
def test_reading_level_on_the_change_form_is_measured_as_the_check_measures_it(staff_client, body, said):
    article = ArticleFactory(body=body)
    response = staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    [shown] = [
        field.contents()
        for fieldset in response.context["adminform"]
        for line in fieldset
        for field in line
        if field.is_readonly and field.field["name"] == "reading_level"
    ]
    assert shown == said


def test_search_result_preview_counts_characters_against_the_limits(staff_client):
    article = ArticleFactory(seo_title="A" * 70, meta_description="Short and clear.")
    html = staff_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Title: 70 of about 60 characters (too long: it will be cut)" in html
    assert "Description: 16 of about 160 characters" in html


# --- History, restore and recover -----------------------------------------------------------


def edit_body(staff_client, article, body):
    edit_in_admin(staff_client, article, body=body)


def test_restoring_an_earlier_version_puts_its_text_back_on_the_public_page(staff_client, client):
    article = ArticleFactory()
    edit_body(staff_client, article, "<p>First wording.</p>")
    edit_body(staff_client, article, "<p>Second wording.</p>")
    assert "Second wording." in client.get(article.get_absolute_url()).content.decode()

    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    first = versions.order_by("pk").first()
    history = staff_client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Compare" in history or "compare" in history
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    response = staff_client.post(revision_url, admin_form_data(staff_client.get(revision_url)))
    assert response.status_code == 302
    html = client.get(article.get_absolute_url()).content.decode()
    assert "First wording." in html and "Second wording." not in html


def test_restoring_with_save_and_add_another_says_so_and_opens_an_empty_form(staff_client, client):
    article = ArticleFactory()
    edit_body(staff_client, article, "<p>First wording.</p>")
    edit_body(staff_client, article, "<p>Second wording.</p>")
    first = Version.objects.get_for_object(article).order_by("pk").first()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])

    data = {**admin_form_data(staff_client.get(revision_url)), "_addanother": "Save and add another"}
    response = staff_client.post(revision_url, data, follow=True)

    assert response.redirect_chain == [(reverse("admin:articles_article_add"), 302)]
    assert [str(message) for message in response.context["messages"]] == [
        f'The article “<a href="{reverse("admin:articles_article_change", args=[article.pk])}">'
        f"{article.title}</a>” was restored."
    ]
    assert "First wording." in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("placed", ["faq", "testimonial"])
def test_a_version_that_placed_something_deleted_since_opens_and_restores_without_it(
    staff_client, client, placed
):
    """The FAQ or testimonial an old version showed was taken off and deleted: the version still
    opens, says the place is left out, and restoring it brings back the rest."""
    article = ArticleFactory()
    if placed == "faq":
        placement = ArticleFAQFactory(article=article, faq=FAQFactory(question="Is parking free?"))
    else:
        placement = ArticleTestimonialFactory(article=article)
    edit_body(staff_client, article, "<p>First wording.</p>")
    thing = placement.faq if placed == "faq" else placement.testimonial
    placement.delete()
    thing.delete()
    edit_body(staff_client, article, "<p>Second wording.</p>")

    first = Version.objects.get_for_object(article).order_by("pk").first()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    response = staff_client.get(revision_url)
    assert response.status_code == 200
    assert "that was deleted since: left out here." in response.content.decode()
    response = staff_client.post(revision_url, admin_form_data(response))
    assert response.status_code == 302
    assert "First wording." in client.get(article.get_absolute_url()).content.decode()
    assert not article.faq_placements.exists() and not article.testimonial_placements.exists()


def test_a_clinical_reviewer_cannot_restore_an_old_version_of_an_article(staff_client):
    from django.test import Client

    article = ArticleFactory(title="Kept title")
    edit_body(staff_client, article, "<p>First wording.</p>")
    edit_body(staff_client, article, "<p>Second wording.</p>")
    first = Version.objects.get_for_object(article).order_by("pk").first()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    editor_data = admin_form_data(staff_client.get(revision_url))  # what saving the old version sends
    reviewer = Client()
    reviewer.force_login(member_of(CLINICAL_REVIEWERS, "reviewer"))
    history_url = reverse("admin:articles_article_history", args=[article.pk])
    assert reviewer.get(history_url).status_code == 200  # reviewers read the history
    for data in (None, editor_data):  # opening the old version, and saving it
        response = reviewer.post(revision_url, data) if data else reviewer.get(revision_url)
        assert response.status_code == 302 and response["Location"] == history_url
        refused = [str(m) for m in reviewer.get(history_url).context["messages"]]
        assert any("Nothing was changed" in m for m in refused), refused
    article.refresh_from_db()
    assert article.body == "<p>Second wording.</p>"
    assert Version.objects.get_for_object(article).count() == 2
    assert "Second wording." in reviewer.get(article.get_absolute_url()).content.decode()


def test_a_clinical_reviewer_cannot_recover_a_deleted_article(staff_client):
    from django.test import Client

    article = ArticleFactory(title="Deleted on purpose")
    response = staff_client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 302
    version = Version.objects.get_deleted(Article).get(object_id=str(article.pk))
    recover_url = reverse("admin:articles_article_recover", args=[version.pk])
    editor_data = admin_form_data(staff_client.get(recover_url))
    reviewer = Client()
    reviewer.force_login(member_of(CLINICAL_REVIEWERS, "reviewer"))
    listing = reviewer.get(reverse("admin:articles_article_changelist")).content.decode()
    assert reverse("admin:articles_article_recoverlist") not in listing  # not offered
    for data in (None, editor_data):
        response = (
            reviewer.post(recover_url, data, follow=True) if data else reviewer.get(recover_url, follow=True)
        )
        assert response.redirect_chain == [(reverse("admin:articles_article_changelist"), 302)]
        refused = [str(m) for m in response.context["messages"]]
        assert any("Nothing was changed" in m for m in refused), refused
    assert not Article.objects.filter(pk=article.pk).exists()


def test_a_marketing_editor_restores_an_old_version_of_an_article(staff_client, client):
    article = ArticleFactory()
    edit_body(staff_client, article, "<p>First wording.</p>")
    edit_body(staff_client, article, "<p>Second wording.</p>")
    first = Version.objects.get_for_object(article).order_by("pk").first()
    client.force_login(member_of(MARKETING_EDITORS, "marketer"))
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    response = client.post(revision_url, admin_form_data(client.get(revision_url)))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>First wording.</p>"


def test_a_deleted_faq_is_recovered_with_its_places_on_articles(staff_client, client):
    placement = ArticleFAQFactory(faq__question="Can I bring a friend?", order=4)
    article, faq_pk = placement.article, placement.faq.pk
    response = staff_client.post(reverse("admin:faqs_faq_delete", args=[faq_pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not FAQ.objects.filter(pk=faq_pk).exists()
    assert "Can I bring a friend?" not in client.get(article.get_absolute_url()).content.decode()

    recover_list = staff_client.get(reverse("admin:faqs_faq_recoverlist")).content.decode()
    assert "Can I bring a friend?" in recover_list
    version = Version.objects.get_deleted(FAQ).get(object_id=str(faq_pk))
    recover_url = reverse("admin:faqs_faq_recover", args=[version.pk])
    response = staff_client.post(recover_url, admin_form_data(staff_client.get(recover_url)))
    assert response.status_code == 302
    faq = FAQ.objects.get(pk=faq_pk)
    assert list(faq.article_placements.values_list("article_id", "order")) == [(article.pk, 4)]
    assert "Can I bring a friend?" in client.get(article.get_absolute_url()).content.decode()


def test_restore_and_recover_speak_an_editors_words_on_the_page_and_in_history(staff_client):
    """django-reversion's own words were "Revert article", "Press the save button below to revert
    to this version of the object" and, in History, "Reverted to previous version, saved on …" for
    a restore and a recovery alike."""
    from django.utils.formats import date_format

    article = ArticleFactory(title="Coming back after a break")
    edit_body(staff_client, article, "<p>First wording.</p>")
    edit_body(staff_client, article, "<p>Second wording.</p>")
    first = Version.objects.get_for_object(article).order_by("pk").first()
    saved = date_format(timezone.localtime(first.revision.date_created), "DATETIME_FORMAT")
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    page = staff_client.get(revision_url).content.decode()
    assert "<h1>Restore an earlier version of this article</h1>" in page
    assert f"This is the article as it was saved on {saved}. Nothing changes until you save" in page
    assert "revert" not in page.lower().replace("reversion", "")
    assert staff_client.post(revision_url, admin_form_data(staff_client.get(revision_url))).status_code == 302
    assert (
        Version.objects.get_for_object(article).first().revision.comment
        == f"Restored the version of {saved}."
    )

    staff_client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    deleted = Version.objects.get_deleted(Article).get(object_id=str(article.pk))
    recover_url = reverse("admin:articles_article_recover", args=[deleted.pk])
    page = staff_client.get(recover_url).content.decode()
    when = date_format(timezone.localtime(deleted.revision.date_created), "DATETIME_FORMAT")
    assert "<h1>Recover this deleted article</h1>" in page
    assert f"This is the deleted article as it was last saved, on {when}." in page
    assert staff_client.post(recover_url, admin_form_data(staff_client.get(recover_url))).status_code == 302
    comment = Version.objects.get_for_object(Article.objects.get(pk=article.pk)).first().revision.comment
    assert comment == f"Recovered after it was deleted (the version of {when})."


@pytest.mark.parametrize("place", ["article", "location"])
def test_a_faq_is_recovered_without_its_places_on_what_was_deleted_since(staff_client, client, place):
    """Delete the FAQ, then the article or location it was on: recovering the FAQ brings it back
    where it can be, and says the rest was left out, rather than failing on a row pointing at nothing."""
    kept = ArticleFAQFactory(faq__question="Is parking free?", order=1)
    faq = kept.faq
    gone = (ArticleFAQFactory if place == "article" else LocationFAQFactory)(faq=faq, order=2)
    response = staff_client.post(reverse("admin:faqs_faq_delete", args=[faq.pk]), {"post": "yes"})
    assert response.status_code == 302
    getattr(gone, place).delete()

    version = Version.objects.get_deleted(FAQ).get(object_id=str(faq.pk))
    recover_url = reverse("admin:faqs_faq_recover", args=[version.pk])
    form = staff_client.get(recover_url)
    assert form.status_code == 200
    response = staff_client.post(recover_url, admin_form_data(form), follow=True)
    assert response.status_code == 200 and response.redirect_chain
    messages = [str(m) for m in response.context["messages"]]
    one = "article" if place == "article" else "location"
    assert any(
        f"This version placed 1 {one} that was deleted since: left out here." in m for m in messages
    ), messages
    faq = FAQ.objects.get(pk=faq.pk)
    assert list(faq.article_placements.values_list("article_id", flat=True)) == [kept.article_id]
    assert not faq.location_placements.exists()
    assert "Is parking free?" in client.get(kept.article.get_absolute_url()).content.decode()


# --- Clinical review -------------------------------------------------------------------------


def member_of(group_name, username):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_a_marketing_editor_cannot_set_the_review_fields(client):
    clinician = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    article = ArticleFactory()
    client.force_login(member_of(MARKETING_EDITORS, "marketer"))
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.get(change_url)
    assert "reviewed_by" not in response.context["adminform"].form.fields  # the form refuses
    data = admin_form_data(response)
    data.update({"reviewed_by": str(clinician.pk), "reviewed_on": "2026-05-01"})
    assert client.post(change_url, data).status_code == 302
    article.refresh_from_db()
    assert article.reviewed_by is None  # and posting the field anyway changes nothing
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.get(username="marketer").has_perm("articles.review_article")


def test_a_clinical_reviewer_records_a_review_and_changes_nothing_else(client):
    clinician = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    article = ArticleFactory(title="Original title")
    # Written before the day it is reviewed (a review cannot be dated before its words).
    Article.objects.filter(pk=article.pk).update(created_at=dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC))
    clinician.user = member_of(CLINICAL_REVIEWERS, "reviewer")  # the clinician they sign as
    clinician.save()
    client.force_login(clinician.user)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.get(change_url)
    form_fields = set(response.context["adminform"].form.fields)
    assert {"reviewed_by", "reviewed_on"} <= form_fields
    assert "title" not in form_fields and "body" not in form_fields
    data = admin_form_data(response)
    data.update({"reviewed_by": str(clinician.pk), "reviewed_on": "2026-05-01", "title": "Changed title"})
    response = client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.reviewed_by == clinician and article.title == "Original title"
    assert article.review_is_current
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Clinically reviewed by Dana Reyes, LCSW on" in html


def test_a_clinical_reviewer_reviews_the_new_text_again_by_saving_the_same_review(client, staff_client):
    """After an editor's change, the reviewer reads the article and saves it as it stands: the
    review (same clinician, same date) now vouches for the new text."""
    clinician = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    article = ArticleFactory()
    article.record_review(clinician, timezone.localdate())
    article.save()
    edit_body(staff_client, article, "<p>A new claim the clinician has not seen yet.</p>")
    article.refresh_from_db()
    assert article.review_is_out_of_date
    clinician.user = member_of(CLINICAL_REVIEWERS, "reviewer")  # only Dana renews Dana's review
    clinician.save()
    client.force_login(clinician.user)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    assert client.post(change_url, admin_form_data(client.get(change_url))).status_code == 302
    article.refresh_from_db()
    assert article.review_is_current and article.reviewed_on == timezone.localdate()
    assert (
        "Clinically reviewed by Dana Reyes, LCSW on"
        in client.get(article.get_absolute_url()).content.decode()
    )


def test_an_editor_saving_an_article_never_renews_its_review(staff_client):
    clinician = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    article = ArticleFactory()
    article.record_review(clinician, timezone.localdate())
    article.save()
    edit_body(staff_client, article, "<p>Changed after the review.</p>")
    edit_body(staff_client, article, "<p>Changed after the review.</p>")
    article.refresh_from_db()
    assert article.review_is_out_of_date


def test_a_clinical_reviewer_can_neither_publish_nor_unpublish_with_the_bulk_actions(client):
    draft, live = ArticleFactory(draft=True), ArticleFactory()
    client.force_login(member_of(CLINICAL_REVIEWERS, "reviewer"))
    url = reverse("admin:articles_article_changelist")
    action_form = client.get(url).context["action_form"]
    offered = [name for name, _ in action_form.fields["action"].choices] if action_form else []
    assert "publish_selected" not in offered and "unpublish_selected" not in offered
    for action, article in (("publish_selected", draft), ("unpublish_selected", live)):
        # What a browser would send if the reviewer added the action to the list by hand.
        response = client.post(
            url, {"action": action, "_selected_action": [article.pk], "index": "0"}, follow=True
        )
        assert response.status_code == 200
        assert "Nothing was changed" in " ".join(str(m) for m in response.context["messages"]), action
    draft.refresh_from_db()
    live.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and draft.published_at is None
    assert live.status == Article.Status.PUBLISHED and live.is_public
    assert not LogEntry.objects.exists()


def test_a_marketing_editor_publishes_and_unpublishes_with_the_bulk_actions(client):
    draft = ArticleFactory(draft=True)
    client.force_login(member_of(MARKETING_EDITORS, "marketer"))
    url = reverse("admin:articles_article_changelist")
    offered = [name for name, _ in client.get(url).context["action_form"].fields["action"].choices]
    assert {"publish_selected", "unpublish_selected"} <= set(offered)
    client.post(url, {"action": "publish_selected", "_selected_action": [draft.pk], "index": "0"})
    draft.refresh_from_db()
    assert draft.is_public
    client.post(url, {"action": "unpublish_selected", "_selected_action": [draft.pk], "index": "0"})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_bulk_publish_says_what_is_public_now_what_later_and_what_was_already(staff_client):
    """'Published 3 articles' hid that one stays scheduled and one was public already."""
    draft = ArticleFactory(draft=True)
    scheduled = ArticleFactory(draft=True, published_at=timezone.now() + dt.timedelta(days=2))
    live = ArticleFactory()
    response = staff_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk, scheduled.pk, live.pk], "index": "0"},
        follow=True,
    )
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "1 article is public now. 1 will go live at its scheduled time. 1 was published already."
    ], said
    scheduled.refresh_from_db()
    assert scheduled.status == Article.Status.PUBLISHED and not scheduled.is_public


def test_bulk_unpublish_counts_only_the_articles_it_took_down_and_records_them(staff_client):
    live, draft = ArticleFactory.create_batch(2), ArticleFactory(draft=True)
    response = staff_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [a.pk for a in [*live, draft]], "index": "0"},
        follow=True,
    )
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "2 live articles are drafts again and no longer public. 1 was a draft already and is unchanged."
    ], said
    comments = [v.revision.comment for v in Version.objects.get_for_object(live[0])]
    assert comments == ["Unpublished (back to draft) with the bulk action."]
    assert not Version.objects.get_for_object(draft).exists()


def test_bulk_unpublish_counts_as_no_longer_public_only_what_was_live(staff_client):
    """One live, one scheduled, one expired and one draft were "3 articles are drafts again and no
    longer public": only one was. Each is counted for what it was, and each changed one recorded."""
    live = ArticleFactory(title="Live")
    scheduled = ArticleFactory(title="Scheduled", scheduled=True)
    expired = ArticleFactory(title="Expired", expired=True)
    draft = ArticleFactory(title="Draft", draft=True)
    response = staff_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [a.pk for a in (live, scheduled, expired, draft)],
         "index": "0"},
        follow=True,
    )  # fmt: skip
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "1 live article is a draft again and no longer public. "
        "1 scheduled article is a draft again and will not go live at its time. "
        "1 article past its take-down time, already off the site, is a draft again. "
        "1 was a draft already and is unchanged."
    ], said
    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.DRAFT}
    for article in (live, scheduled, expired):
        comments = [v.revision.comment for v in Version.objects.get_for_object(article)]
        assert comments == ["Unpublished (back to draft) with the bulk action."], article
    assert not Version.objects.get_for_object(draft).exists()
    logged = LogEntry.objects.filter(change_message="Unpublished (back to draft) with the bulk action.")
    assert sorted(entry.object_repr for entry in logged) == ["Expired", "Live", "Scheduled"]


def test_bulk_unpublish_of_articles_nobody_could_see_says_visitors_see_no_change(staff_client):
    scheduled = ArticleFactory.create_batch(2, scheduled=True)
    expired = ArticleFactory(expired=True)
    response = staff_client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "unpublish_selected",
            "_selected_action": [a.pk for a in [*scheduled, expired]],
            "index": "0",
        },
        follow=True,
    )
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "2 scheduled articles are drafts again and will not go live at their times. "
        "1 article past its take-down time, already off the site, is a draft again. "
        "None of them was on the site, so visitors see no change."
    ], said


def test_editing_the_text_after_review_flags_the_review_out_of_date(staff_client, client):
    clinician = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    article = ArticleFactory(title="Reviewed article")
    article.record_review(clinician, dt.date(2026, 5, 1))
    article.save()
    listing = staff_client.get(reverse("admin:articles_article_changelist")).content.decode()
    # (the words are also those of the list's filter: the row's column is in bold)
    assert "<strong>Review out of date</strong>" not in listing and "Reviewed May 1, 2026" in listing
    edit_body(staff_client, article, "<p>A new claim the clinician has not seen.</p>")
    listing = staff_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "<strong>Review out of date</strong>" in listing
    assert "Clinically reviewed by" not in client.get(article.get_absolute_url()).content.decode()


# --- Slugs that never break a link -----------------------------------------------------------


def rename(staff_client, obj, admin_name, new_slug):
    change_url = reverse(f"admin:{admin_name}_change", args=[obj.pk])
    data = admin_form_data(staff_client.get(change_url))
    data["slug"] = new_slug
    response = staff_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.mark.parametrize(
    ("factory", "admin_name", "prefix"),
    [
        (ArticleFactory, "articles_article", "/articles/"),
        (LocationFactory, "locations_location", "/locations/"),
    ],
)
def test_renaming_a_slug_twice_keeps_both_old_addresses_answering_301(staff_client, client, factory, admin_name,
                                                                       prefix):  # fmt: skip
    obj = factory(slug="first-name")
    rename(staff_client, obj, admin_name, "second-name")
    rename(staff_client, obj, admin_name, "third-name")
    for old in ("first-name", "second-name"):
        response = client.get(f"{prefix}{old}/")
        assert response.status_code == 301
        assert response["Location"] == f"{prefix}third-name/"  # chains collapse: one hop
    assert client.get(f"{prefix}third-name/").status_code == 200


@pytest.mark.parametrize(
    ("factory", "admin_name", "prefix", "hide", "show"),
    [
        (ArticleFactory, "articles_article", "/articles/", {"status": "draft"}, {"status": "published"}),
        (LocationFactory, "locations_location", "/locations/", {}, {"is_published": "on"}),
    ],
)
def test_a_page_renamed_while_unpublished_keeps_the_addresses_it_had_in_public(
    staff_client, client, factory, admin_name, prefix, hide, show
):
    """Public as live1, renamed live1-renamed, taken down, renamed again, published again: every
    address it had in public leads to it."""
    obj = factory(slug="live1")
    rename(staff_client, obj, admin_name, "live1-renamed")
    change_url = reverse(f"admin:{admin_name}_change", args=[obj.pk])
    data = admin_form_data(staff_client.get(change_url))
    data.pop("is_published", None)
    data.update(hide)
    assert staff_client.post(change_url, data).status_code == 302
    rename(staff_client, obj, admin_name, "live1-final")
    data = admin_form_data(staff_client.get(change_url))
    data.update(show)
    assert staff_client.post(change_url, data).status_code == 302
    assert client.get(f"{prefix}live1-final/").status_code == 200
    for old in ("live1", "live1-renamed"):
        response = client.get(f"{prefix}{old}/")
        assert (response.status_code, response["Location"]) == (301, f"{prefix}live1-final/"), old


def bulk(staff_client, admin_name, action, obj):
    response = staff_client.post(
        reverse(f"admin:{admin_name}_changelist"), {"action": action, "_selected_action": [obj.pk]}
    )
    assert response.status_code == 302


def test_an_article_that_went_live_on_its_own_keeps_its_address_after_a_bulk_unpublish(staff_client, client):
    """Scheduled, live at its time with no save, taken down with the bulk action, renamed."""
    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory(slug="shared-on-its-day", published_at=NOW + dt.timedelta(hours=1))
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        assert client.get("/articles/shared-on-its-day/").status_code == 200
        bulk(staff_client, "articles_article", "unpublish_selected", article)
        rename(staff_client, article, "articles_article", "renamed-in-draft")
        response = client.get("/articles/shared-on-its-day/")
        assert (response.status_code, response["Location"]) == (301, "/articles/renamed-in-draft/")


def test_a_location_published_and_unpublished_in_bulk_keeps_its_address(staff_client, client):
    location = LocationFactory(slug="new-office", is_published=False)
    bulk(staff_client, "locations_location", "publish_selected", location)
    assert client.get("/locations/new-office/").status_code == 200
    bulk(staff_client, "locations_location", "unpublish_selected", location)
    rename(staff_client, location, "locations_location", "new-office-renamed")
    response = client.get("/locations/new-office/")
    assert (response.status_code, response["Location"]) == (301, "/locations/new-office-renamed/")


@pytest.mark.parametrize(
    ("typed", "page"),
    [
        ("/locations/Alpharetta/", "/locations/alpharetta/"),
        ("/LOCATIONS/ALPHARETTA/?utm_source=radio", "/locations/alpharetta/?utm_source=radio"),
        ("/Articles/Coming-Back/", "/articles/coming-back/"),
        ("/FAQs/", "/faqs/"),
        ("/faqs/Family/", "/faqs/family/"),
    ],
)
def test_an_address_typed_in_capitals_leads_to_the_page(client, typed, page):
    LocationFactory(slug="alpharetta")
    ArticleFactory(slug="coming-back")
    FAQFactory(topic__slug="family")
    response = client.get(typed)
    assert (response.status_code, response["Location"]) == (301, page)
    assert client.get(page).status_code == 200


@pytest.mark.parametrize(
    "typed",
    [
        "/locations/Nowhere/",
        "/Articles/Draft-One/",
        f"/{settings.ADMIN_URL.upper()}",
        "/faqs/Anything/",
        "/faqs/Hidden/",
        "/faqs/Hidden",
    ],
)
def test_capitals_lead_nowhere_that_is_not_a_public_page(client, typed):
    """Not even by way of a redirect: a topic page answers only while a question of it is
    published, like an article only while it is live."""
    ArticleFactory(slug="draft-one", status="draft")
    FAQFactory(topic__slug="hidden", is_published=False)
    assert client.get(typed).status_code == 404


@pytest.mark.parametrize("query", ["fbclid=IwAR0abc", "utm_source=newsletter&utm_medium=email", "page=2"])
def test_an_old_address_with_a_query_string_still_answers_301(staff_client, client, query):
    """Links shared on social networks and in campaign emails carry a query string."""
    article = ArticleFactory(slug="old-name")
    rename(staff_client, article, "articles_article", "new-name")
    response = client.get(f"/articles/old-name/?{query}")
    assert (response.status_code, response["Location"]) == (301, f"/articles/new-name/?{query}")
    response = client.get(f"/articles/old-name?{query}")  # and without its final slash
    assert (response.status_code, response["Location"]) == (301, f"/articles/new-name/?{query}")
    assert client.get(f"/articles/no-such-name/?{query}").status_code == 404


def test_renaming_back_to_an_old_slug_leaves_no_loop(staff_client, client):
    article = ArticleFactory(slug="alpha")
    rename(staff_client, article, "articles_article", "beta")
    rename(staff_client, article, "articles_article", "alpha")
    assert client.get("/articles/alpha/").status_code == 200
    assert client.get("/articles/beta/")["Location"] == "/articles/alpha/"
    assert not Redirect.objects.filter(old_path="/articles/alpha/").exists()


@pytest.mark.parametrize(
    ("factory", "admin_name", "prefix"),
    [
        (ArticleFactory, "articles_article", "/articles/"),
        (LocationFactory, "locations_location", "/locations/"),
    ],
)
def test_restoring_a_version_with_an_older_slug_keeps_the_newer_address(staff_client, client, factory,
                                                                          admin_name, prefix):  # fmt: skip
    obj = factory(slug="qa-live")
    change_url = reverse(f"admin:{admin_name}_change", args=[obj.pk])
    assert staff_client.post(change_url, admin_form_data(staff_client.get(change_url))).status_code == 302
    rename(staff_client, obj, admin_name, "qa-live-3")
    oldest = Version.objects.get_for_object(obj).order_by("pk").first()
    assert oldest.field_dict["slug"] == "qa-live"
    revision_url = reverse(f"admin:{admin_name}_revision", args=[obj.pk, oldest.pk])
    response = staff_client.post(revision_url, admin_form_data(staff_client.get(revision_url)))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.slug == "qa-live"
    assert client.get(f"{prefix}qa-live/").status_code == 200
    response = client.get(f"{prefix}qa-live-3/")
    assert response.status_code == 301 and response["Location"] == f"{prefix}qa-live/"
    assert list(Redirect.objects.values_list("old_path", "new_path")) == [
        (f"{prefix}qa-live-3/", f"{prefix}qa-live/")
    ]


def test_reverting_a_version_in_code_keeps_the_renamed_address(client):
    article = ArticleFactory(slug="first-slug")
    with reversion.create_revision():
        article.save()
    article.slug = "second-slug"
    article.save()
    Version.objects.get_for_object(article).get().revision.revert()
    response = client.get("/articles/second-slug/")
    assert response.status_code == 301 and response["Location"] == "/articles/first-slug/"
    assert client.get("/articles/first-slug/").status_code == 200


def test_saving_other_fields_only_adds_no_redirect():
    article = ArticleFactory(slug="saved-slug")
    article.slug = "unsaved-slug"
    article.title = "A new title"
    article.save(update_fields=["title"])
    assert not Redirect.objects.exists()


@pytest.mark.parametrize(
    ("factory", "admin_name", "prefix"),
    [
        (ArticleFactory, "articles_article", "/articles/"),
        (LocationFactory, "locations_location", "/locations/"),
    ],
)
def test_renaming_a_public_page_says_its_old_address_still_works(staff_client, factory, admin_name, prefix):
    """The slug's help text warns against changing it; once changed, the editor is told what
    became of the address already shared, instead of finding a redirect in the list later."""
    from django.contrib.messages import get_messages

    obj = factory(slug="first-name")
    change_url = reverse(f"admin:{admin_name}_change", args=[obj.pk])
    data = admin_form_data(staff_client.get(change_url))
    data["slug"] = "second-name"
    response = staff_client.post(change_url, data)
    found = [str(message) for message in get_messages(response.wsgi_request)]
    assert (
        f"The page's address is now {prefix}second-name/. Its old address, {prefix}first-name/, leads "
        "there, so links already shared keep working (see Redirects)."
    ) in found
    data = admin_form_data(staff_client.get(change_url))
    data["summary"] = "Only the summary changed."
    response = staff_client.post(change_url, data)
    assert not [m for m in get_messages(response.wsgi_request) if "old address" in str(m)]


def test_a_rename_saved_on_the_second_try_is_announced_once(staff_client, monkeypatch):
    """A save the database refuses (a row placed by someone else at the same moment) is undone
    and tried again (RetryRefusedSaveMixin): the first try's rename was undone with it, so only
    what was in the end saved may be announced."""
    from django.contrib.messages import get_messages

    from articles.admin import ArticleAdmin
    from tests.concurrency import refuse_the_first_try

    tries = refuse_the_first_try(monkeypatch, ArticleAdmin)
    article = ArticleFactory(slug="first-name")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data["slug"] = "second-name"
    response = staff_client.post(change_url, data)
    assert response.status_code == 302
    assert len(tries) == 2
    found = [str(m) for m in get_messages(response.wsgi_request) if "old address" in str(m)]
    assert len(found) == 1, found


def test_renaming_a_draft_says_nothing_of_old_addresses(staff_client):
    from django.contrib.messages import get_messages

    article = ArticleFactory(draft=True, slug="draft-name")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    data["slug"] = "better-name"
    response = staff_client.post(change_url, data)
    assert not [m for m in get_messages(response.wsgi_request) if "old address" in str(m)]


def test_renaming_a_draft_adds_no_redirect(staff_client):
    article = ArticleFactory(draft=True, slug="draft-name")
    rename(staff_client, article, "articles_article", "better-name")
    assert not Redirect.objects.exists()


# "/articles/" + 189 + "/" is the 200 characters a redirect keeps (django.contrib.redirects).
LONGEST_SLUG = "-".join(["evening"] * 23) + "-after"  # 189 characters
TOO_LONG_SLUG = LONGEST_SLUG + "-ok"  # 192


def test_an_address_too_long_to_be_redirected_later_is_refused_and_nothing_is_saved(staff_client):
    """A longer one was saved, and renaming the article later failed on PostgreSQL (a 500): its old
    address did not fit in the redirect that keeps it."""
    from django.test import Client

    article = ArticleFactory(slug="evenings", title="Evenings")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    response = staff_client.post(change_url, {**data, "slug": TOO_LONG_SLUG, "title": "Not saved"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "Shorten the address by 3 characters: with /articles/ before it, a page's address may have at "
        "most 200 characters, so that it can still lead readers on if it changes later."
    ]
    article.refresh_from_db()
    assert (article.slug, article.title) == ("evenings", "Evenings")
    rename(staff_client, article, "articles_article", LONGEST_SLUG)
    rename(staff_client, article, "articles_article", "evenings-again")  # its old address fits
    assert Client().get(f"/articles/{LONGEST_SLUG}/")["Location"] == "/articles/evenings-again/"


def test_an_address_saved_too_long_before_may_be_kept_or_renamed_and_says_what_it_loses(staff_client):
    from django.contrib.messages import get_messages

    article = ArticleFactory(slug=TOO_LONG_SLUG)  # saved before the form refused it
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(change_url))
    assert staff_client.post(change_url, {**data, "summary": "Kept as it is."}).status_code == 302
    data = admin_form_data(staff_client.get(change_url))
    response = staff_client.post(change_url, {**data, "slug": "evenings"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.slug == "evenings" and not Redirect.objects.exists()
    assert (
        "The page's address is now /articles/evenings/. Its old address was longer than a redirect can keep "
        "(200 characters), so links already shared to it no longer find the page."
    ) in [str(message) for message in get_messages(response.wsgi_request)]


def test_a_redirect_loop_is_refused_with_a_message(staff_client):
    Redirect.objects.create(site_id=1, old_path="/articles/a/", new_path="/articles/b/")
    response = staff_client.post(
        reverse("admin:redirects_redirect_add"),
        {"site": "1", "old_path": "/articles/b/", "new_path": "/articles/a/"},
    )
    assert response.status_code == 200
    assert "would send visitors in a circle" in response.content.decode()
    response = staff_client.post(
        reverse("admin:redirects_redirect_add"), {"site": "1", "old_path": "/x/", "new_path": "/x/"}
    )
    assert "would send visitors in a circle" in response.content.decode()
    assert Redirect.objects.count() == 1


@pytest.mark.parametrize(
    ("old_path", "new_path", "message"),
    [
        ("/locations/alpharetta/", "/locations/atlanta/", "Visitors get a page at /locations/alpharetta/"),
        ("/articles/", "/faqs/", "Visitors get a page at /articles/"),
        ("/old-page/", "javascript:alert(1)", "Point the redirect at an address on this site"),
        ("/old-page/", "data:text/html,hi", "Point the redirect at an address on this site"),
        ("/old-page/", "articles/new/", "Point the redirect at an address on this site"),
        # Unencrypted: whoever watches the network would see which page a visitor went on to.
        ("/old-page/", "http://www.example.org/summer/", "full address starting with https://"),
    ],
)
def test_a_redirect_that_could_never_work_is_refused(staff_client, old_path, new_path, message):
    LocationFactory(slug="alpharetta")
    response = staff_client.post(
        reverse("admin:redirects_redirect_add"), {"site": "1", "old_path": old_path, "new_path": new_path}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Redirect.objects.exists()


@pytest.mark.parametrize(
    "old_path, new_path",
    [
        ("/articles/taken-down/", "/articles/"),  # no such article: the address is free
        ("/locations/hidden/", "/locations/"),  # an unpublished location
        ("/summer-campaign/", "https://www.example.org/summer/"),
        ("/gone/", ""),  # empty: 410 Gone
    ],
)
def test_a_redirect_from_an_address_no_page_answers_is_saved(staff_client, old_path, new_path):
    LocationFactory(slug="hidden", is_published=False)
    response = staff_client.post(
        reverse("admin:redirects_redirect_add"), {"site": "1", "old_path": old_path, "new_path": new_path}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Redirect.objects.filter(old_path=old_path, new_path=new_path).exists()


# --- Testimonial consent --------------------------------------------------------------------


def test_an_expired_consent_hides_the_testimonial_by_itself(client):
    from tests.factories import TestimonialFactory

    with time_machine.travel(NOW, tick=False) as clock:
        TestimonialFactory(quote="Words with a time limit.", consent_signed_on=dt.date(2025, 1, 1),
                           consent_expires_on=dt.date(2026, 6, 2))  # fmt: skip
        assert "Words with a time limit." in client.get(reverse("testimonials:list")).content.decode()
        clock.shift(dt.timedelta(days=1))
        assert "Words with a time limit." not in client.get(reverse("testimonials:list")).content.decode()


def test_withdrawn_consent_hides_the_testimonial_at_once(client):
    from tests.factories import TestimonialFactory

    testimonial = TestimonialFactory(quote="Please take my words down.")
    testimonial.consent_withdrawn_on = timezone.localdate()
    testimonial.save()
    assert "Please take my words down." not in client.get(reverse("testimonials:list")).content.decode()


# --- Roles ----------------------------------------------------------------------------------


def test_the_roles_exist_with_the_right_powers():
    editors = Group.objects.get(name=MARKETING_EDITORS)
    reviewers = Group.objects.get(name=CLINICAL_REVIEWERS)
    admins = Group.objects.get(name=SITE_ADMINISTRATORS)
    editor_codes = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_article", "change_faq", "delete_testimonial", "change_sitesettings"} <= editor_codes
    assert "review_article" not in editor_codes
    assert not any(code.endswith("_user") or code.endswith("_group") for code in editor_codes)
    reviewer_codes = set(reviewers.permissions.values_list("codename", flat=True))
    assert {"review_article", "view_article", "change_article"} <= reviewer_codes
    assert "add_article" not in reviewer_codes and "delete_article" not in reviewer_codes
    assert {"add_user", "change_group", "review_article"} <= set(
        admins.permissions.values_list("codename", flat=True)
    )


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"published_at": NOW + dt.timedelta(days=3)}, "Scheduled: it goes live on "),
        (
            {"published_at": NOW - dt.timedelta(days=9), "expires_at": NOW - dt.timedelta(days=1)},
            "Not on the site: its take-down time",
        ),
    ],
)
def test_saving_says_when_a_published_article_is_not_live(staff_client, changes, said):
    from django.contrib.messages import get_messages

    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory(**changes)
        url = reverse("admin:articles_article_change", args=[article.pk])
        response = staff_client.post(url, admin_form_data(staff_client.get(url)))
        assert response.status_code == 302
        found = [str(message) for message in get_messages(response.wsgi_request)]
        assert any(message.startswith(said) for message in found), found


def test_a_time_that_ends_a_sentence_ends_it_with_one_full_stop(staff_client):
    from django.contrib.messages import get_messages

    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory(published_at=NOW + dt.timedelta(days=3))  # 5 a.m. in Atlanta
        url = reverse("admin:articles_article_change", args=[article.pk])
        response = staff_client.post(url, admin_form_data(staff_client.get(url)))
        found = [str(message) for message in get_messages(response.wsgi_request)]
    assert (
        "Scheduled: it goes live on June 4, 2026, 5 a.m. Until then visitors get “page not found”." in found
    )
    assert not [message for message in found if ".." in message], found


def test_saving_a_draft_with_a_future_publish_time_says_it_is_not_scheduled(staff_client):
    from django.contrib.messages import get_messages

    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory(draft=True)
        url = reverse("admin:articles_article_change", args=[article.pk])
        form = admin_form_data(staff_client.get(url))
        form.update({"published_at_0": "2026-06-08", "published_at_1": "09:00:00"})  # Atlanta time
        response = staff_client.post(url, form)
        assert response.status_code == 302
        found = [str(message) for message in get_messages(response.wsgi_request)]
    assert (
        "Still a draft, not scheduled: the publish time (June 8, 2026, 9 a.m.) counts only once the "
        "status is Published. Until then visitors get “page not found”. To schedule it, set the "
        "status to Published and save."
    ) in found, found


def test_the_publish_time_says_it_schedules_only_a_published_article(staff_client):
    page = staff_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "A future time schedules it;" not in page
    assert "With the status Published, a future time schedules it" in page


def test_saving_a_live_article_says_nothing_more(staff_client):
    from django.contrib.messages import get_messages

    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url)))
    found = [str(message) for message in get_messages(response.wsgi_request)]
    assert not [m for m in found if m.startswith(("Scheduled:", "Not on the site:", "Live until"))], found


def test_saving_a_live_article_with_a_take_down_time_says_when_it_comes_down(staff_client):
    from django.contrib.messages import get_messages

    with time_machine.travel(NOW, tick=False):
        # 03:59 UTC on July 2 is a minute before midnight on July 1 in Atlanta.
        article = ArticleFactory(expires_at=dt.datetime(2026, 7, 2, 3, 59, tzinfo=dt.UTC))
        url = reverse("admin:articles_article_change", args=[article.pk])
        response = staff_client.post(url, admin_form_data(staff_client.get(url)))
        assert response.status_code == 302
        found = [str(message) for message in get_messages(response.wsgi_request)]
    assert (
        "Live until July 1, 2026, 11:59 p.m. Then it comes off the site by itself; to keep it up, "
        "change or clear the take-down time."
    ) in found, found


@pytest.mark.parametrize(
    ("published_at", "said"),
    [
        (
            NOW - dt.timedelta(days=3),
            "Unpublished: it is a draft again and no longer on the site. Visitors now get “page not "
            "found” at its address.",
        ),
        (
            NOW + dt.timedelta(days=3),
            "Unpublished: it is a draft again and will not go live on June 4, 2026, 5 a.m. To schedule it "
            "again, set the status to Published and save.",
        ),
    ],
)
def test_taking_an_article_back_to_draft_in_its_form_says_it_is_off_the_site(
    staff_client, published_at, said
):
    """The bulk action says an unpublished article is no longer public; the change form, where an
    editor takes down one article in a hurry, said only "changed successfully"."""
    from django.contrib.messages import get_messages

    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory(published_at=published_at)
        url = reverse("admin:articles_article_change", args=[article.pk])
        form = admin_form_data(staff_client.get(url))
        form["status"] = Article.Status.DRAFT
        response = staff_client.post(url, form)
        assert response.status_code == 302
        found = [str(message) for message in get_messages(response.wsgi_request)]
    assert said in found
    # Saving it again as a draft says nothing of the kind: it was not on the site.
    with time_machine.travel(NOW, tick=False):
        response = staff_client.post(url, admin_form_data(staff_client.get(url)))
        found = [str(message) for message in get_messages(response.wsgi_request)]
    assert not [message for message in found if message.startswith("Unpublished")], found


def test_restoring_a_draft_version_of_a_live_article_says_it_is_off_the_site(staff_client):
    """A restore saves the old version's form: it says what visitors lose as a save in the form does."""
    from django.contrib.messages import get_messages

    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory(published_at=NOW - dt.timedelta(days=3))
        edit_in_admin(staff_client, article, status=Article.Status.DRAFT)
        draft = Version.objects.get_for_object(article).get()
        article.status = Article.Status.PUBLISHED
        article.save()
        revision_url = reverse("admin:articles_article_revision", args=[article.pk, draft.pk])
        response = staff_client.post(revision_url, admin_form_data(staff_client.get(revision_url)))
        assert response.status_code == 302
        found = [str(message) for message in get_messages(response.wsgi_request)]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert (
        "Unpublished: it is a draft again and no longer on the site. Visitors now get “page not found” at "
        "its address."
    ) in found, found


def test_a_scheduled_article_taken_back_to_draft_with_its_time_cleared_names_the_time_it_had(staff_client):
    """The time it will not go live at is the one it was scheduled for, not what the form holds
    now: cleared with the status, it was read as "now"."""
    from django.contrib.messages import get_messages

    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory(published_at=NOW + dt.timedelta(days=3))
        url = reverse("admin:articles_article_change", args=[article.pk])
        form = admin_form_data(staff_client.get(url))
        form.update({"status": Article.Status.DRAFT, "published_at_0": "", "published_at_1": ""})
        response = staff_client.post(url, form)
        assert response.status_code == 302
        found = [str(message) for message in get_messages(response.wsgi_request)]
    article.refresh_from_db()
    assert article.published_at is None
    assert (
        "Unpublished: it is a draft again and will not go live on June 4, 2026, 5 a.m. To schedule it "
        "again, set the status to Published and save."
    ) in found, found


@pytest.mark.parametrize(
    ("adding", "button"),
    [(True, "_save"), (False, "_save"), (False, "_continue")],
    ids=["add", "save", "continue"],
)
def test_what_a_save_means_for_visitors_follows_the_success_message(staff_client, adding, button):
    """ "… was added successfully", then what it means ("Scheduled: …"): read the other way
    round, the qualification comes before what it qualifies."""
    from django.contrib.messages import get_messages

    from tests.admin_forms import article_form_data

    scheduled = {
        "status": "published",
        "published_at_0": "2026-06-08",
        "published_at_1": "09:00:00",
        button: "1",
    }
    with time_machine.travel(NOW, tick=False):
        if adding:
            url, form = reverse("admin:articles_article_add"), article_form_data()
        else:
            url = reverse("admin:articles_article_change", args=[ArticleFactory(draft=True).pk])
            form = admin_form_data(staff_client.get(url))
        response = staff_client.post(url, {**form, **scheduled})
        assert response.status_code == 302
        found = [str(message) for message in get_messages(response.wsgi_request)]
    assert "successfully" in found[0], found
    assert any(message.startswith("Scheduled") for message in found[1:]), found


@pytest.mark.parametrize("address", ["/articles/preview/abc", "/articles/preview/not-a-token/x"])
def test_an_address_under_preview_that_is_no_token_is_a_404_at_once(client, address):
    """It was sent to the same address with a slash (301), and only there told it was not found."""
    assert client.get(address).status_code == 404
