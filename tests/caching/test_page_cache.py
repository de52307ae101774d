"""The page cache: who gets cached pages, what invalidates them, and how long they may live.

Everything here runs in one process through Django's test client; test_two_instances.py runs
the production server twice against one shared cache.
"""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from carter_site import caching
from carter_site.models import SiteSettings
from faqs.models import FAQ
from locations.models import Location
from testimonials.models import Testimonial
from tests.admin_forms import admin_form_data, edit_in_admin
from tests.factories import (
    ArticleFactory,
    ArticleLocationFactory,
    FAQFactory,
    LocationFactory,
    SpecialDayFactory,
    TestimonialFactory,
)

from .helpers import WsgiVisitor, admin_action, cache_status, text

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 13, 0, tzinfo=dt.UTC)


@pytest.fixture
def article(db):
    return ArticleFactory(title="What a week of IOP looks like", slug="week-of-iop")


# --- Served from the cache ---------------------------------------------------------------------


def test_an_anonymous_second_request_is_served_from_the_cache_without_a_query(
    visitor, article, django_assert_num_queries
):
    first = visitor.get(article.get_absolute_url())
    assert first.status_code == 200
    assert cache_status(first) == "miss"
    with django_assert_num_queries(0):
        second = visitor.get(article.get_absolute_url())
    assert cache_status(second) == "hit"
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/articles/",
        "/locations/",
        "/faqs/",
        "/testimonials/",
        "/search/",
        "/sitemap.xml",
        "/feeds/articles/",
    ],
)
def test_every_public_page_is_cached(visitor, article, url, django_assert_num_queries):
    LocationFactory()
    assert cache_status(visitor.get(url)) == "miss"
    with django_assert_num_queries(0):
        assert cache_status(visitor.get(url)) == "hit"


def test_head_requests_are_answered_from_the_cache(visitor, article, django_assert_num_queries):
    body = visitor.get(article.get_absolute_url()).content
    with django_assert_num_queries(0):
        response = visitor.head(article.get_absolute_url())
    assert response.status_code == 200
    assert cache_status(response) == "hit"
    assert response.content == b""
    assert int(response["Content-Length"]) == len(body)


def test_security_headers_are_added_to_pages_from_the_cache(visitor, article):
    first = visitor.get(article.get_absolute_url())
    second = visitor.get(article.get_absolute_url())
    assert cache_status(second) == "hit"
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        if header in first:
            assert second[header] == first[header], header
    assert "Content-Security-Policy" in second


def test_campaign_parameters_share_the_page_and_page_numbers_do_not(visitor, django_assert_num_queries):
    ArticleFactory.create_batch(12)
    visitor.get("/articles/")
    with django_assert_num_queries(0):
        assert cache_status(visitor.get("/articles/?utm_source=news&utm_campaign=spring&fbclid=x")) == "hit"
    page_two = visitor.get("/articles/?page=2")
    assert cache_status(page_two) == "miss"
    assert cache_status(visitor.get("/articles/?page=2")) == "hit"
    assert page_two.content != visitor.get("/articles/").content


@pytest.mark.parametrize("query", ["?page=02", "?page=2&page=3", "?sort=title", "?page=%EF%BC%92"])
def test_other_query_strings_are_never_cached(visitor, query):
    ArticleFactory.create_batch(12)
    response = visitor.get("/articles/" + query)
    assert cache_status(visitor.get("/articles/" + query)) in {None, "skip"}
    assert response.status_code in {200, 301, 404}


@pytest.mark.parametrize("path", ["/", "/faqs/"], ids=["sets-a-cookie", "private"])
def test_a_public_view_that_answers_personally_is_never_stored(visitor, settings, path):
    """A public view whose answer sets a cookie (a form's CSRF token) or says `private` is
    rendered for each visitor: a stored copy would hand one visitor's cookie to everyone."""
    settings.ROOT_URLCONF = "tests.caching.personal_urls"
    first, second = visitor.get(path), visitor.get(path)
    assert first.status_code == second.status_code == 200
    assert cache_status(first) is cache_status(second) is None
    assert first.content != second.content
    if path == "/":
        assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


@pytest.mark.parametrize("page", ["home", "article", "location", "faqs", "sitemap", "feed"])
def test_a_page_number_on_a_page_that_has_no_pages_is_not_a_new_entry(visitor, article, page):
    """Only lists read ?page=. Elsewhere each number would store another copy of the same page,
    and a loop over numbers would push every real page out of the cache."""
    location = LocationFactory()
    path = {
        "home": "/",
        "article": article.get_absolute_url(),
        "location": location.get_absolute_url(),
        "faqs": "/faqs/",
        "sitemap": "/sitemap.xml",
        "feed": "/feeds/articles/",
    }[page]
    assert cache_status(visitor.get(path)) == "miss"
    for number in range(2, 6):
        response = visitor.get(f"{path}?page={number}")
        assert response.status_code == 200
        assert cache_status(response) is None  # rendered, neither looked for nor stored
        assert cache_status(visitor.get(f"{path}?page={number}")) is None
    assert cache_status(visitor.get(path)) == "hit"


def test_host_and_scheme_are_part_of_the_key(visitor, article, settings):
    """Canonical links and structured data are absolute: another host must not get them."""
    settings.ALLOWED_HOSTS = ["testserver", "www.example.org"]
    visitor.get("/")
    other = visitor.get("/", HTTP_HOST="www.example.org")
    assert cache_status(other) == "miss"
    assert "http://www.example.org/" in text(other)
    assert cache_status(visitor.get("/", secure=True)) == "miss"


# --- Invalidation -----------------------------------------------------------------------------


def test_saving_an_article_in_the_admin_shows_the_change_on_the_next_request(visitor, editor, article):
    for url in (article.get_absolute_url(), "/articles/", "/"):
        visitor.get(url)
        assert cache_status(visitor.get(url)) == "hit"

    edit_in_admin(editor, article, title="A week of IOP, hour by hour")

    for url in (article.get_absolute_url(), "/articles/", "/"):
        response = visitor.get(url)
        assert cache_status(response) == "miss", url
        assert "A week of IOP, hour by hour" in text(response), url
        assert "What a week of IOP looks like" not in text(response), url


def test_unpublishing_in_bulk_from_the_admin_list_takes_the_page_down_at_once(visitor, editor, article):
    """The bulk actions use QuerySet.update(), which sends no signal."""
    assert visitor.get(article.get_absolute_url()).status_code == 200
    assert "What a week of IOP" in text(visitor.get("/articles/"))

    admin_action(editor, Article, "unpublish_selected", [article])

    assert visitor.get(article.get_absolute_url()).status_code == 404
    assert "What a week of IOP" not in text(visitor.get("/articles/"))

    admin_action(editor, Article, "publish_selected", [article])
    assert visitor.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("model", [Location, FAQ, Testimonial])
def test_bulk_publishing_other_content_shows_it_at_once(visitor, editor, model):
    obj = {
        Location: lambda: LocationFactory(name="Athens", is_published=False),
        FAQ: lambda: FAQFactory(question="Can I come after work?", is_published=False),
        Testimonial: lambda: TestimonialFactory(
            quote="I kept my job and got my evenings back.", is_published=False
        ),
    }[model]()
    url = {Location: "/locations/", FAQ: "/faqs/", Testimonial: "/testimonials/"}[model]
    words = {Location: "Athens", FAQ: "Can I come after work?", Testimonial: "I kept my job"}[model]
    assert words not in text(visitor.get(url))
    assert cache_status(visitor.get(url)) == "hit"

    admin_action(editor, model, "publish_selected", [obj])
    assert words in text(visitor.get(url))
    admin_action(editor, model, "unpublish_selected", [obj])
    assert words not in text(visitor.get(url))


def test_editing_site_settings_shows_on_every_page_at_once(visitor, editor):
    settings_row = SiteSettings.objects.create(phone="(470) 555-0100")
    assert "(470) 555-0100" in text(visitor.get("/"))
    assert "(470) 555-0100" in text(visitor.get("/faqs/"))
    edit_in_admin(editor, settings_row, phone="(470) 555-0199")
    assert "(470) 555-0199" in text(visitor.get("/"))
    assert "(470) 555-0199" in text(visitor.get("/faqs/"))


def test_a_new_location_appears_in_every_footer_at_once(visitor, article):
    visitor.get(article.get_absolute_url())
    LocationFactory(name="Gainesville")
    response = visitor.get(article.get_absolute_url())
    assert cache_status(response) == "miss"
    assert "Gainesville" in text(response)


def test_linking_a_location_to_an_article_shows_on_both_pages(visitor, article):
    location = LocationFactory(name="Gainesville")
    assert "Where you can start" not in text(visitor.get(article.get_absolute_url()))
    visitor.get(location.get_absolute_url())
    ArticleLocationFactory(article=article, location=location)
    assert "Where you can start" in text(visitor.get(article.get_absolute_url()))
    assert article.title in text(visitor.get(location.get_absolute_url()))


def test_many_to_many_changes_invalidate_too(visitor, article):
    """m2m_changed: `article.locations.add()` and `.remove()` save no model of their own."""
    location = LocationFactory(name="Gainesville")
    visitor.get(article.get_absolute_url())
    article.locations.add(location)
    assert "Where you can start" in text(visitor.get(article.get_absolute_url()))
    article.locations.remove(location)
    assert "Where you can start" not in text(visitor.get(article.get_absolute_url()))


def test_deleting_content_takes_it_off_the_cached_pages(visitor, article):
    faq = FAQFactory(question="Is parking free?")
    assert "Is parking free?" in text(visitor.get("/faqs/"))
    faq.delete()
    assert "Is parking free?" not in text(visitor.get("/faqs/"))
    article.delete()
    assert visitor.get(article.get_absolute_url()).status_code == 404


def test_restoring_an_earlier_version_shows_at_once(visitor, editor, article):
    edit_in_admin(editor, article, body="<p>First wording.</p>")
    edit_in_admin(editor, article, body="<p>Second wording.</p>")
    assert "Second wording." in text(visitor.get(article.get_absolute_url()))
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"

    first = Version.objects.get_for_object(article).order_by("pk").first()
    revision_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    assert editor.post(revision_url, admin_form_data(editor.get(revision_url))).status_code == 302

    html = text(visitor.get(article.get_absolute_url()))
    assert "First wording." in html and "Second wording." not in html


def test_reverting_a_version_in_code_shows_at_once(visitor, editor, article):
    edit_in_admin(editor, article, title="Old title")
    edit_in_admin(editor, article, title="New title")
    assert "New title" in text(visitor.get("/articles/"))
    Version.objects.get_for_object(article).order_by("pk").first().revision.revert()
    assert "Old title" in text(visitor.get("/articles/"))


def test_importing_articles_shows_them_at_once(visitor, tmp_path):
    visitor.get("/articles/")
    source = tmp_path / "evening-groups.txt"
    source.write_text("Evening groups\n\nEvening groups meet after work, three times a week.\n")
    call_command("import_articles", str(source), "--publish", stdout=io.StringIO())
    assert "Evening groups" in text(visitor.get("/articles/"))


def test_loading_the_demo_content_shows_it_at_once(visitor):
    visitor.get("/locations/")
    call_command("load_demo_content", stdout=io.StringIO())
    assert "Alpharetta" in text(visitor.get("/locations/"))


@pytest.mark.parametrize("command", [["forget_cached_pages"], ["migrate_once"]])
def test_a_restore_behind_djangos_back_is_shown_once_the_cached_pages_are_forgotten(
    visitor, article, command
):
    """A database restored from a backup sends no signal: forget_cached_pages, and migrate_once
    (which every web container runs as it starts), move the content version on."""
    visitor.get("/articles/")
    assert cache_status(visitor.get("/articles/")) == "hit"
    Article.objects.filter(pk=article.pk).update(title="As it was in the backup")
    assert "As it was in the backup" not in text(visitor.get("/articles/"))
    call_command(*command, stdout=io.StringIO())
    assert "As it was in the backup" in text(visitor.get("/articles/"))


def test_forgetting_cached_pages_while_the_cache_is_down_fails_and_says_so(settings):
    """After a restore, ops run forget_cached_pages and trust its exit status: a cache that does
    not answer has forgotten nothing, so the command must not report success."""
    from django.core.management.base import CommandError

    settings.CACHES = {**settings.CACHES, "broken": {"BACKEND": "tests.caching.broken_cache.BrokenCache"}}
    settings.CONTENT_VERSION_CACHE = "broken"
    output = io.StringIO()
    with pytest.raises(CommandError, match="Cached pages were not forgotten"):
        call_command("forget_cached_pages", stdout=output)
    assert "forgotten:" not in output.getvalue()


def test_code_that_uses_update_says_so_with_content_changed(visitor, article):
    visitor.get("/articles/")
    Article.objects.filter(pk=article.pk).update(title="Renamed in bulk")
    assert "Renamed in bulk" not in text(visitor.get("/articles/"))  # no signal: still the cached page
    caching.content_changed()
    assert "Renamed in bulk" in text(visitor.get("/articles/"))


def test_a_change_inside_a_transaction_invalidates_again_when_it_commits(
    article, django_capture_on_commit_callbacks
):
    version = caching.content_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article.save()
        during = caching.content_version()
    assert during != version  # at once, for code that reads its own writes
    assert callbacks
    assert caching.content_version() != during  # and again after the commit


# --- Time: scheduled publishing and expiry ----------------------------------------------------


def test_a_scheduled_article_appears_at_its_time_though_the_list_was_cached_before(visitor, settings):
    settings.PAGE_CACHE_TIMEOUT = 24 * 60 * 60  # only the schedule may end the cached pages' life
    with time_machine.travel(NOW, tick=False) as clock:
        ArticleFactory(title="Already live", published_at=NOW - dt.timedelta(days=1))
        scheduled = ArticleFactory(title="Goes live at three", published_at=NOW + dt.timedelta(hours=2))
        for url in ("/articles/", "/"):
            assert "Goes live at three" not in text(visitor.get(url))
            assert cache_status(visitor.get(url)) == "hit"
        assert scheduled.get_absolute_url() not in text(visitor.get("/sitemap.xml"))

        clock.shift(dt.timedelta(hours=2) - dt.timedelta(seconds=2))
        assert cache_status(visitor.get("/articles/")) == "hit"  # kept until the moment itself

        clock.shift(dt.timedelta(seconds=3))
        response = visitor.get("/articles/")
        assert cache_status(response) == "miss"
        assert "Goes live at three" in text(response)
        assert "Goes live at three" in text(visitor.get("/"))
        assert scheduled.get_absolute_url() in text(visitor.get("/sitemap.xml"))
        assert visitor.get(scheduled.get_absolute_url()).status_code == 200


def lifetime(cache_control):
    return int(re.search(r"max-age=(\d+)", cache_control)[1])


def test_the_sitemap_from_the_cache_tells_a_cdn_only_the_time_left_before_the_next_change():
    """The sitemap sets its own max-age (up to the next scheduled change) when rendered; a copy
    served later, through Django or before it, must count the time spent in the cache."""
    wsgi = WsgiVisitor()
    with time_machine.travel(NOW, tick=False) as clock:
        ArticleFactory(title="Already live", published_at=NOW - dt.timedelta(days=1))
        ArticleFactory(title="Goes live soon", published_at=NOW + dt.timedelta(minutes=50))
        first = wsgi.get("/sitemap.xml")
        assert first.headers["X-Page-Cache"] == "miss"
        assert lifetime(first.headers["Cache-Control"]) == 50 * 60
        clock.shift(dt.timedelta(minutes=8))
        replayed = wsgi.get("/sitemap.xml")
        through_django = wsgi.request("GET", "/sitemap.xml", django_only=True)
        for answer in (replayed, through_django):
            assert answer.headers["X-Page-Cache"] == "hit"
            assert answer.headers["Cache-Control"].startswith("public")
            assert 42 * 60 - 1 <= lifetime(answer.headers["Cache-Control"]) <= 42 * 60
        assert (replayed.through_django, through_django.through_django) == (False, True)


def test_an_article_leaves_the_cached_pages_at_its_take_down_time(visitor):
    with time_machine.travel(NOW, tick=False) as clock:
        article = ArticleFactory(title="Summer groups", expires_at=NOW + dt.timedelta(minutes=30))
        assert visitor.get(article.get_absolute_url()).status_code == 200
        assert "Summer groups" in text(visitor.get("/articles/"))
        assert cache_status(visitor.get("/articles/")) == "hit"
        clock.shift(dt.timedelta(minutes=30))
        assert visitor.get(article.get_absolute_url()).status_code == 404
        assert "Summer groups" not in text(visitor.get("/articles/"))


def test_a_testimonial_leaves_the_cached_pages_when_consent_expires(visitor):
    start = timezone.make_aware(dt.datetime(2026, 6, 1, 22, 0))  # 10 pm in the site's time zone
    with time_machine.travel(start, tick=False) as clock:
        TestimonialFactory(quote="Evening groups saved my job.", consent_expires_on=dt.date(2026, 6, 2))
        assert "Evening groups saved my job." in text(visitor.get("/testimonials/"))
        assert cache_status(visitor.get("/testimonials/")) == "hit"
        clock.shift(dt.timedelta(hours=2))  # midnight: consent has expired
        assert "Evening groups saved my job." not in text(visitor.get("/testimonials/"))


def test_a_closure_reads_closed_today_from_midnight_and_leaves_the_cached_pages_the_day_after(
    visitor, settings
):
    """Thanksgiving 2026 is a Thursday; the pages were cached on the Wednesday evening, and no
    save happens after that. Midnight in the center's time zone ends them, through Django or
    before it (the process replays pages it has sent)."""
    settings.PAGE_CACHE_TIMEOUT = 24 * 60 * 60  # only the schedule may end the cached pages' life
    wednesday_night = timezone.make_aware(dt.datetime(2026, 11, 25, 23, 59, 58))
    wsgi = WsgiVisitor()
    with time_machine.travel(wednesday_night, tick=False) as clock:
        location = LocationFactory()
        SpecialDayFactory(location=location, first_day=dt.date(2026, 11, 26), reason="Thanksgiving")
        urls = (location.get_absolute_url(), "/locations/")
        for url in urls:
            assert "<strong>Closed</strong> Thursday, November 26 (Thanksgiving)" in text(visitor.get(url))
            assert cache_status(visitor.get(url)) == "hit"
            assert wsgi.get(url).headers["X-Page-Cache"] in {"hit", "miss"}

        clock.shift(dt.timedelta(seconds=3))  # Thursday, 00:00:01
        for url in urls:
            response = visitor.get(url)
            assert cache_status(response) == "miss", url
            assert "<strong>Closed today</strong>, Thursday, November 26 (Thanksgiving)" in text(response)
            assert b"Closed today" in wsgi.get(url).body
        assert cache_status(visitor.get(urls[0])) == "hit"  # and cached again for the day

        clock.shift(dt.timedelta(days=1))  # Friday, 00:00:01
        for url in urls:
            for body in (text(visitor.get(url)), wsgi.get(url).body.decode()):
                assert "Thanksgiving" not in body, url
                assert "specialOpeningHoursSpecification" not in body


def test_a_special_day_appears_on_the_cached_pages_two_weeks_ahead_at_midnight(visitor, settings):
    settings.PAGE_CACHE_TIMEOUT = 24 * 60 * 60
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 11, 11, 23, 59)), tick=False) as clock:
        location = LocationFactory()
        SpecialDayFactory(location=location, first_day=dt.date(2026, 11, 26), reason="Thanksgiving")
        assert "Thanksgiving" not in text(visitor.get(location.get_absolute_url()))  # 15 days ahead
        assert cache_status(visitor.get(location.get_absolute_url())) == "hit"
        clock.shift(dt.timedelta(minutes=2))  # November 12: 14 days ahead
        assert "Closed</strong> Thursday, November 26 (Thanksgiving)" in text(
            visitor.get(location.get_absolute_url())
        )


def test_shared_caches_are_never_told_to_keep_a_page_past_the_next_scheduled_change(visitor, settings):
    settings.PAGE_CACHE_S_MAXAGE = 300
    with time_machine.travel(NOW, tick=False):
        ArticleFactory(published_at=NOW + dt.timedelta(seconds=40))
        response = visitor.get("/articles/")
        assert "s-maxage=39" in response["Cache-Control"] or "s-maxage=40" in response["Cache-Control"]
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        assert "s-maxage=300" in visitor.get("/faqs/")["Cache-Control"]


def test_a_page_rendered_in_the_last_second_before_a_scheduled_change_is_not_kept(visitor):
    """Less than a second before an article goes live, a page may be rendered but not stored,
    nor the moment itself: kept even a second, the list would miss the article."""
    with time_machine.travel(NOW, tick=False) as clock:
        ArticleFactory(title="Goes live now", published_at=NOW + dt.timedelta(milliseconds=500))
        before = visitor.get("/articles/")
        assert "Goes live now" not in text(before)
        assert cache_status(before) == "skip"
        assert before["Cache-Control"] == "public, max-age=0, s-maxage=0"
        clock.shift(dt.timedelta(milliseconds=600))
        after = visitor.get("/articles/")
        assert cache_status(after) == "miss"
        assert "Goes live now" in text(after)


# --- Staff, sessions, previews, private and failing responses ---------------------------------


def test_staff_never_receive_a_cached_page(visitor, editor, article):
    visitor.get(article.get_absolute_url())
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"
    response = editor.get(article.get_absolute_url())
    assert response.status_code == 200
    assert cache_status(response) is None
    assert response.context is not None  # rendered for them, not replayed
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_staff_never_poison_the_cache_for_visitors(visitor, editor):
    draft = ArticleFactory(draft=True, title="Unfinished thoughts", slug="unfinished")
    staff_view = editor.get(draft.get_absolute_url())
    assert staff_view.status_code == 200 and "Draft — not public" in text(staff_view)
    staff_list = editor.get("/")
    assert "no-store" in staff_list["Cache-Control"]

    assert visitor.get(draft.get_absolute_url()).status_code == 404
    home = visitor.get("/")
    assert cache_status(home) == "miss"  # nothing was stored while staff browsed
    assert "Unfinished thoughts" not in text(home)
    assert "Draft — not public" not in text(home)


def test_admin_pages_are_private_and_never_stored(editor, visitor):
    response = editor.get(reverse("admin:index"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    login = visitor.get(reverse("admin:login"))
    assert "no-store" in login["Cache-Control"]
    assert cache_status(login) is None


def test_previews_are_never_cached(visitor, editor):
    draft = ArticleFactory(draft=True)
    link = draft.preview_links.create(note="Outside reviewer")
    first = visitor.get(link.get_absolute_url())
    assert first.status_code == 200
    assert "no-store" in first["Cache-Control"]
    assert cache_status(visitor.get(link.get_absolute_url())) in {None, "skip"}
    preview = editor.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    assert "no-store" in preview["Cache-Control"]


def test_a_request_with_a_session_cookie_is_never_served_from_the_cache(visitor, article):
    visitor.get("/")
    visitor.cookies["sessionid"] = "abcdefgh12345678abcdefgh12345678"
    response = visitor.get("/")
    assert cache_status(response) is None
    assert "private" in response["Cache-Control"]


def test_a_request_carrying_messages_is_never_cached(visitor, article):
    visitor.get("/")
    visitor.cookies["messages"] = "a message for this visitor"
    response = visitor.get("/")
    assert cache_status(response) is None
    assert "private" in response["Cache-Control"]


def test_search_results_are_private_and_never_stored(visitor, article):
    response = visitor.get("/search/", {"q": "week"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert cache_status(visitor.get("/search/", {"q": "week"})) is None


def test_not_found_pages_are_never_cached(visitor):
    assert visitor.get("/articles/coming-soon/").status_code == 404
    ArticleFactory(slug="coming-soon")
    assert visitor.get("/articles/coming-soon/").status_code == 200


def test_a_failing_cache_never_fails_a_page(visitor, article, settings):
    settings.CACHES = {
        **settings.CACHES,
        "broken": {"BACKEND": "tests.caching.broken_cache.BrokenCache"},
    }
    settings.PAGE_CACHE_ALIAS = "broken"
    settings.CONTENT_VERSION_CACHE = "broken"
    for _ in range(2):
        response = visitor.get(article.get_absolute_url())
        assert response.status_code == 200
        assert article.title in text(response)
    article.title = "Saved while the cache is down"
    article.save()  # the admin still saves
    assert "Saved while the cache is down" in text(visitor.get(article.get_absolute_url()))


def test_a_dead_cache_is_left_alone_for_a_few_seconds_then_tried_again(
    visitor, article, settings, monkeypatch
):
    """A dead Redis answers after its socket timeout: asking it on every request would cost that each time."""
    from .broken_cache import BrokenCache

    settings.CACHES = {**settings.CACHES, "broken": {"BACKEND": "tests.caching.broken_cache.BrokenCache"}}
    settings.PAGE_CACHE_ALIAS = settings.CONTENT_VERSION_CACHE = "broken"
    now = [1000.0]
    monkeypatch.setattr(caching, "_clock", lambda: now[0])
    assert visitor.get(article.get_absolute_url()).status_code == 200
    calls = BrokenCache.calls
    assert calls >= 1
    for _ in range(3):
        assert visitor.get(article.get_absolute_url()).status_code == 200
    assert BrokenCache.calls == calls  # not asked while it is known to be down
    now[0] += caching.CACHE_RETRY_SECONDS + 1
    assert visitor.get(article.get_absolute_url()).status_code == 200
    assert BrokenCache.calls > calls  # and asked again later


def test_pages_and_the_version_can_live_in_different_caches(visitor, article, settings):
    settings.CACHES = {
        "default": settings.CACHES["default"],
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-pages"},
    }
    caches["pages"].clear()
    visitor.get(article.get_absolute_url())
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"
    assert any(":page:" in key for key in caches["pages"]._cache)  # pages in "pages"...
    assert not any(":page:" in key for key in caches["default"]._cache)  # ...and only the version here
    article.title = "Changed"
    article.save()
    assert "Changed" in text(visitor.get(article.get_absolute_url()))


# --- Conditional GET --------------------------------------------------------------------------


def test_a_matching_if_none_match_gets_304_from_the_cache(visitor, article, django_assert_num_queries):
    first = visitor.get(article.get_absolute_url())
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    with django_assert_num_queries(0):
        response = visitor.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "s-maxage" in response["Cache-Control"]


def test_a_matching_if_none_match_gets_304_when_rendered_too(visitor, article, settings):
    settings.PAGE_CACHE_ENABLED = False
    etag = visitor.get(article.get_absolute_url())["ETag"]
    assert visitor.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_an_old_etag_gets_the_new_page(visitor, article):
    etag = visitor.get(article.get_absolute_url())["ETag"]
    article.title = "A new title"
    article.save()
    response = visitor.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "A new title" in text(response)
    assert response["ETag"] != etag


def test_if_modified_since_gets_304_until_the_page_changes(visitor):
    with time_machine.travel(NOW, tick=False) as clock:
        article = ArticleFactory()
        last_modified = visitor.get(article.get_absolute_url())["Last-Modified"]
        clock.shift(dt.timedelta(seconds=5))
        assert (
            visitor.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
        )
        article.title = "Later"
        article.save()
        clock.shift(dt.timedelta(seconds=5))
        assert (
            visitor.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200
        )


@pytest.mark.parametrize("page_cache", [True, False])
def test_an_edit_within_the_second_of_a_copy_is_not_hidden_by_its_date(visitor, editor, settings, page_cache):
    """Last-Modified is a whole second: a copy rendered just before an edit and the page just
    after it carry the same date. A cache that revalidates by that date alone gets the new page."""
    settings.PAGE_CACHE_ENABLED = page_cache
    with time_machine.travel(NOW + dt.timedelta(milliseconds=100), tick=False) as clock:
        article = ArticleFactory(title="The headline before")
        clock.shift(dt.timedelta(milliseconds=100))
        before = visitor.get(article.get_absolute_url())
        clock.shift(dt.timedelta(milliseconds=300))
        edit_in_admin(editor, article, title="The headline after")
        clock.shift(dt.timedelta(milliseconds=100))
        after = visitor.get(article.get_absolute_url())
        assert after["Last-Modified"] == before["Last-Modified"]  # the same second
        for wait in (dt.timedelta(0), dt.timedelta(seconds=30)):
            clock.shift(wait)
            response = visitor.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
            assert response.status_code == 200 and "The headline after" in text(response)


def test_public_pages_tell_shared_caches_how_long_to_keep_them(visitor, article, settings):
    settings.PAGE_CACHE_S_MAXAGE = 45
    response = visitor.get(article.get_absolute_url())
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=45"} <= directives
    assert "Cookie" in response["Vary"]
    assert response["Last-Modified"]


def test_a_new_version_written_to_the_cache_folder_by_another_process_is_seen_at_once(settings, tmp_path):
    from django.core.cache.backends.filebased import FileBasedCache

    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    settings.CONTENT_VERSION_CACHE = "shared"
    first = caching.content_version()
    assert caching.content_version() == first  # read again without change: the same
    other_process = FileBasedCache(str(tmp_path), {})
    other_process.set(caching.VERSION_KEY, "written-elsewhere", None)
    assert caching.content_version() == "written-elsewhere"
    caching.content_changed()
    assert other_process.get(caching.VERSION_KEY) not in {"written-elsewhere", first}
    other_process.clear()  # emptied (or evicted): a new version, never an old one
    assert caching.content_version() not in {"written-elsewhere", first}


def test_the_staffs_own_records_leave_the_cached_pages_as_they_are(db):
    """A passkey's sign count moves at every sign-in with it, a notice preference when someone
    changes their emails, a request for a review when it is asked: none is on a public page, and
    none may make every page render afresh."""
    from articles.models import NoticePreference, ReviewRequest
    from carter_site.models import AddressNotFound
    from tests.factories import UserFactory
    from tests.security.passkey_device import SoftPasskey

    article = ArticleFactory()
    user = UserFactory(username="dana", is_staff=True)
    before = caching.content_version()
    passkey = SoftPasskey().saved_for(user)
    passkey.sign_count = 7
    passkey.save()
    NoticePreference.objects.create(user=user)
    ReviewRequest.objects.create(article=article, asked_by=user)
    today = timezone.localdate()
    AddressNotFound.objects.create(path="/old-flyer/", first_seen=today, last_seen=today)
    passkey.delete()
    assert caching.content_version() == before
    article.save()
    assert caching.content_version() != before  # content still moves it
