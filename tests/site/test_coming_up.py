"""The admin's "Coming up" page: what the site will change by itself in the next days, each change
on its day in the center's time zone, in plain words, linked to the row that decides it; and the
line on the admin's home page that counts the next week's (carter_site/coming_up.py)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Clinician, PreviewLink, ReviewRequest, months_after
from carter_site.models import SiteSettings
from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS
from tests.admin_forms import signed_in
from tests.factories import (
    ArticleFactory,
    LocationFactory,
    PageFactory,
    SpecialDayFactory,
    TestimonialFactory,
    UserFactory,
)
from tests.seo.helpers import parse, text

pytestmark = pytest.mark.django_db

COMING_UP = reverse("admin:coming_up")
MONDAY = dt.date(2026, 11, 23)
THANKSGIVING = dt.date(2026, 11, 26)


def at(day, hour=10, minute=0):
    """`day` at `hour`:`minute` in the center's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


NOW = at(MONDAY)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def days_of(response):
    """{"2026-11-25": [row text, …], …}: the page's changes by the day they are listed under."""
    assert response.status_code == 200, response.status_code
    page = parse(response.content.decode())
    return {
        section.get("id").removeprefix("day-"): [text(row) for row in section.iterfind(".//tbody/tr")]
        for section in page.iterfind(".//section")
        if section.get("id", "").startswith("day-")
    }


def rows_of(response):
    return [row for rows in days_of(response).values() for row in rows]


def link_in(response, words):
    """The address of the links whose words are `words` (one address, however many links)."""
    page = parse(response.content.decode())
    [address] = {link.get("href") for link in page.iterfind(".//section//a") if text(link) == words}
    return address


def change_page(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def reviewed(article, on=MONDAY):
    clinician = Clinician.objects.get_or_create(name="Dana Reyes", credentials="LCSW")[0]
    article.record_review(clinician, on)
    article.save()
    return article


# --- Each kind of change, on its day ---------------------------------------------------------


def test_an_article_going_live_is_listed_at_its_local_time_and_day_and_linked(staff_client):
    # 11:30 p.m. on Wednesday in Atlanta is already Thursday in UTC: listed under Wednesday.
    article = reviewed(
        ArticleFactory(title="Your first week", published_at=at(dt.date(2026, 11, 25), 23, 30))
    )
    response = staff_client.get(COMING_UP)
    assert days_of(response) == {"2026-11-25": ["11:30 p.m. The article “Your first week” goes live."]}
    assert link_in(response, "“Your first week”") == change_page(article)
    assert "Wednesday, November 25, 2026" in response.content.decode()


def test_an_article_coming_down_names_the_published_texts_that_link_to_it(staff_client):
    article = ArticleFactory(
        title="Paying for IOP", slug="paying-for-iop", expires_at=at(dt.date(2026, 11, 27), 9)
    )
    page = PageFactory(
        title="Costs", body='<p>See <a href="/articles/paying-for-iop/">what it costs</a>.</p>'
    )
    ArticleFactory(title="Unrelated", body="<p>No link here.</p>")
    response = staff_client.get(COMING_UP)
    [row] = days_of(response)["2026-11-27"]
    assert row.startswith("9 a.m. The article “Paying for IOP” comes down (its take-down time).")
    assert "1 published text links to it: after that time its link leads visitors to “page not found”." in row
    assert link_in(response, "“Paying for IOP”") == change_page(article)
    assert link_in(response, f"standing page “Costs” ({page.get_absolute_url()})") == change_page(page)


def test_an_article_coming_down_counts_the_links_of_articles_coming_down_after_it(staff_client):
    """Between its going and theirs, their links lead nowhere; those that go with it or sooner,
    and its own link to itself, lead nowhere only when nobody can follow them."""
    link = '<p>See <a href="/articles/paying-for-iop/">what it costs</a>.</p>'
    ArticleFactory(
        title="Paying for IOP", slug="paying-for-iop", body=link, expires_at=at(dt.date(2026, 11, 27), 9)
    )
    later = ArticleFactory(title="Later", body=link, expires_at=at(dt.date(2026, 11, 29), 9))
    ArticleFactory(title="Sooner", body=link, expires_at=at(dt.date(2026, 11, 26), 9))
    ArticleFactory(title="Same time", body=link, expires_at=at(dt.date(2026, 11, 27), 9))

    response = staff_client.get(COMING_UP)

    [row] = [row for row in days_of(response)["2026-11-27"] if "“Paying for IOP”" in row]
    assert "1 published text links to it" in row
    assert "“Later”" in row and "“Sooner”" not in row and "“Same time”" not in row
    assert link_in(response, f"article “Later” ({later.get_absolute_url()})") == change_page(later)


def test_an_article_coming_down_counts_the_links_of_articles_going_live_before_it(staff_client):
    link = '<p>See <a href="/articles/paying-for-iop/">what it costs</a>.</p>'
    ArticleFactory(title="Paying for IOP", slug="paying-for-iop", expires_at=at(dt.date(2026, 11, 27), 9))
    sooner = reviewed(
        ArticleFactory(title="Going live sooner", body=link, published_at=at(dt.date(2026, 11, 25)))
    )
    reviewed(ArticleFactory(title="Going live after", body=link, published_at=at(dt.date(2026, 11, 28))))
    ArticleFactory(title="A draft", body=link, draft=True)

    response = staff_client.get(COMING_UP)

    [row] = [row for row in days_of(response)["2026-11-27"] if "“Paying for IOP”" in row]
    assert "1 published text links to it" in row
    assert "“Going live sooner”" in row and "“Going live after”" not in row and "“A draft”" not in row
    assert link_in(response, f"article “Going live sooner” ({sooner.get_absolute_url()})") == change_page(
        sooner
    )


def test_an_article_linked_from_many_texts_names_a_few_and_counts_the_rest(staff_client):
    ArticleFactory(title="Paying for IOP", slug="paying-for-iop", expires_at=at(dt.date(2026, 11, 27), 9))
    for number in range(5):
        PageFactory(title=f"Costs {number}", body='<p><a href="/articles/paying-for-iop/">Costs</a></p>')
    [row] = days_of(staff_client.get(COMING_UP))["2026-11-27"]
    assert "5 published texts link to it" in row
    assert row.count("standing page “Costs") == 3
    assert row.endswith("and 2 more")


def test_a_testimonial_leaves_on_the_day_its_consent_ends_and_starts_on_the_day_it_is_dated(staff_client):
    ending = TestimonialFactory(
        attribution="Former client, 2024", consent_expires_on=dt.date(2026, 12, 1), is_featured=True
    )
    TestimonialFactory(attribution="Evening group, 2026", consent_signed_on=dt.date(2026, 11, 30))
    response = staff_client.get(COMING_UP)
    days = days_of(response)
    assert days["2026-12-01"] == [
        "Start of the day The client's consent for the testimonial of “Former client, 2024” ends: it leaves "
        "every page this day. It is featured on the home page. Record a renewed consent before then to keep it."
    ]
    assert days["2026-11-30"] == [
        "Start of the day The testimonial of “Evening group, 2026” starts showing: its consent is dated this day."
    ]
    assert link_in(response, "“Former client, 2024”") == change_page(ending)


def test_a_closure_starts_on_its_day_and_the_usual_hours_come_back_the_day_after(staff_client):
    location = LocationFactory(name="Alpharetta")
    SpecialDayFactory(location=location, first_day=THANKSGIVING)
    response = staff_client.get(COMING_UP)
    assert days_of(response) == {
        "2026-11-26": [
            "Start of the day Alpharetta is closed all day (Thanksgiving). Its page has said so since "
            "Thursday, November 12. The usual weekly hours are back on Friday, November 27."
        ],
        "2026-11-27": [
            "Start of the day Alpharetta's usual weekly hours are back after Thanksgiving; its page stops mentioning it."
        ],
    }
    assert link_in(response, "Alpharetta") == change_page(location)


def test_special_hours_over_several_days_followed_by_a_closure_come_back_once(staff_client):
    location = LocationFactory(name="Jefferson")
    SpecialDayFactory(
        location=location,
        first_day=dt.date(2026, 12, 21),
        last_day=dt.date(2026, 12, 23),
        reason="Short week",
        closed=False,
        opens=dt.time(9),
        closes=dt.time(12),
    )
    SpecialDayFactory(
        location=location, first_day=dt.date(2026, 12, 24), last_day=dt.date(2026, 12, 25), reason="Christmas"
    )
    days = days_of(staff_client.get(COMING_UP, {"days": "90"}))
    [short_week] = days["2026-12-21"]
    assert (
        "Jefferson keeps special hours, through Wednesday, December 23: 9 a.m. to noon only (Short week)."
        in short_week
    )
    assert "Its page says so from Monday, December 7." in short_week
    assert "usual weekly hours" not in short_week  # Christmas follows without a break
    [christmas] = days["2026-12-24"]
    assert christmas.endswith("The usual weekly hours are back on Saturday, December 26.")
    assert "2026-12-24" in days and sorted(
        day for day, rows in days.items() if "back after" in " ".join(rows)
    ) == ["2026-12-26"]


def test_a_closure_already_under_way_says_when_the_usual_hours_come_back(staff_client):
    SpecialDayFactory(
        location=LocationFactory(name="Atlanta"),
        first_day=MONDAY,
        last_day=dt.date(2026, 11, 24),
        reason="Repairs",
    )
    assert days_of(staff_client.get(COMING_UP)) == {
        "2026-11-25": [
            "Start of the day Atlanta's usual weekly hours are back after Repairs; its page stops mentioning it."
        ]
    }


def test_a_closure_to_the_last_day_of_the_calendar_is_listed_without_a_day_after_it(staff_client):
    # 31 December 9999, the last day a date box takes, typed for "closed until further notice":
    # the day after it cannot be counted, and the page failed for everyone, for as long as the
    # closure was on the site.
    SpecialDayFactory(
        location=LocationFactory(name="Jefferson"),
        first_day=THANKSGIVING,
        last_day=dt.date(9999, 12, 31),
        reason="Renovation",
    )
    [closure] = days_of(staff_client.get(COMING_UP))["2026-11-26"]
    assert closure.startswith(
        "Start of the day Jefferson is closed all day, through Friday, December 31, 9999"
    )
    assert "usual weekly hours" not in closure
    assert rows_of(staff_client.get(COMING_UP, {"days": "90"})) == [closure]


def test_a_shared_preview_link_that_stops_working_is_listed(staff_client):
    article = ArticleFactory(draft=True, title="Draft on sleep")
    PreviewLink.objects.create(article=article, note="Dr. Lee", expires_at=at(dt.date(2026, 11, 24), 15))
    response = staff_client.get(COMING_UP)
    assert days_of(response) == {
        "2026-11-24": ["3 p.m. The shared preview link of “Draft on sleep” (for Dr. Lee) stops working."]
    }
    assert link_in(response, "“Draft on sleep”") == change_page(article)


def test_a_review_falling_due_again_is_listed_on_its_day_unless_someone_asked_already(staff_client):
    year_before = months_after(THANKSGIVING, -12)
    due = reviewed(ArticleFactory(title="Paying for IOP"), on=year_before)
    reviewed(ArticleFactory(title="Already asked"), on=year_before)
    ReviewRequest.objects.create(article=Article.objects.get(title="Already asked"))
    reviewed(ArticleFactory(title="A draft", draft=True), on=year_before)
    reviewed(ArticleFactory(title="Down first", expires_at=at(dt.date(2026, 11, 25))), on=year_before)
    reviewed(ArticleFactory(title="Due already"), on=months_after(MONDAY, -13))  # the admin's home says so
    reviewed(ArticleFactory(title="End of May"), on=dt.date(2026, 5, 31))
    response = staff_client.get(COMING_UP)
    assert days_of(response)["2026-11-26"] == [
        "Start of the day The clinical review of “Paying for IOP” falls due again: Dana Reyes, LCSW read it "
        "on November 26, 2025, and the site asks for a new review every 12 months. Nothing changes for "
        "readers; ask a clinician to read it again."
    ]
    assert link_in(response, "“Paying for IOP”") == change_page(due)
    listed = " ".join(rows_of(staff_client.get(COMING_UP, {"days": 90})))
    for title in ("Already asked", "A draft", "Due already"):
        assert f"“{title}” falls due" not in listed
    assert "“End of May” falls due" not in listed  # in May 2027
    # After six months, a review of 31 May falls due on the last day of November.
    SiteSettings.objects.update_or_create(pk=1, defaults={"review_again_after_months": 6})
    six_months = days_of(staff_client.get(COMING_UP))
    assert [row.split(":")[0] for row in six_months["2026-11-30"]] == [
        "Start of the day The clinical review of “End of May” falls due again"
    ]
    assert "2026-11-26" not in six_months  # the others fell due in May
    SiteSettings.objects.update_or_create(pk=1, defaults={"review_again_after_months": 0})
    assert "falls due again" not in " ".join(rows_of(staff_client.get(COMING_UP, {"days": 90})))


def test_changes_are_in_order_of_time_over_the_days(staff_client):
    ArticleFactory(title="Later", published_at=at(dt.date(2026, 11, 24), 15))
    ArticleFactory(title="Earlier", published_at=at(dt.date(2026, 11, 24), 8))
    TestimonialFactory(attribution="Quote", consent_expires_on=dt.date(2026, 11, 24))
    assert [row.split(" The")[0] for row in days_of(staff_client.get(COMING_UP))["2026-11-24"]] == [
        "Start of the day",
        "8 a.m.",
        "3 p.m.",
    ]


# --- What is not coming up -------------------------------------------------------------------


def test_what_is_past_outside_the_window_or_a_draft_is_not_listed(staff_client):
    ArticleFactory(title="Live already", published_at=NOW - dt.timedelta(minutes=1))
    ArticleFactory(
        title="Draft with a time", status=Article.Status.DRAFT, published_at=at(dt.date(2026, 11, 25))
    )
    ArticleFactory(title="Taken down already", expired=True)
    ArticleFactory(title="Too far", published_at=NOW + dt.timedelta(days=30, minutes=1))
    TestimonialFactory(attribution="Ends today", consent_expires_on=MONDAY)
    TestimonialFactory(
        attribution="Unpublished", is_published=False, consent_expires_on=dt.date(2026, 11, 30)
    )
    TestimonialFactory(
        attribution="Withdrawn",
        consent_withdrawn_on=dt.date(2026, 11, 20),
        consent_expires_on=dt.date(2026, 11, 30),
    )
    SpecialDayFactory(
        location=LocationFactory(name="Ended"),
        first_day=dt.date(2026, 11, 20),
        last_day=dt.date(2026, 11, 22),
    )
    SpecialDayFactory(location=LocationFactory(name="Hidden", is_published=False), first_day=THANKSGIVING)
    PreviewLink.objects.create(
        article=ArticleFactory(draft=True), revoked=True, expires_at=at(dt.date(2026, 11, 24))
    )
    response = staff_client.get(COMING_UP)
    assert days_of(response) == {}
    assert "Nothing is scheduled to change by itself in the next 30 days." in text(
        parse(response.content.decode())
    )


def test_the_window_is_chosen_with_a_link_and_a_longer_one_shows_more(staff_client):
    reviewed(ArticleFactory(title="Near", published_at=at(dt.date(2026, 11, 27))))
    reviewed(ArticleFactory(title="Next month", published_at=at(dt.date(2027, 1, 10))))
    assert [row for row in rows_of(staff_client.get(COMING_UP)) if "Next month" in row] == []
    ninety = staff_client.get(COMING_UP, {"days": "90"})
    assert any("Next month" in row for row in rows_of(ninety))
    week = staff_client.get(COMING_UP, {"days": "7"})
    assert rows_of(week) == ["10 a.m. The article “Near” goes live."]
    page = parse(week.content.decode())
    assert text(page.find(".//*[@aria-current='page']")) == "7 days"
    assert [link.get("href") for link in page.iterfind(".//p[@id='coming-up-windows']/a")] == [
        "?days=30",
        "?days=90",
    ]


@pytest.mark.parametrize("days", ["", "abc", "0", "-7", "31", "7.5", "1e3", "9" * 5000, "\x00", "٣٠"])
def test_a_window_that_is_not_offered_gives_the_usual_30_days(staff_client, days):
    reviewed(ArticleFactory(title="Next month", published_at=at(dt.date(2026, 12, 20))))
    response = staff_client.get(COMING_UP, {"days": days})
    assert response.status_code == 200
    assert text(parse(response.content.decode()).find(".//*[@aria-current='page']")) == "30 days"
    assert rows_of(response) == ["10 a.m. The article “Next month” goes live."]


def test_the_page_is_never_stored_by_a_cache(staff_client):
    response = staff_client.get(COMING_UP)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


# --- The review rule --------------------------------------------------------------------------


def test_an_unreviewed_article_going_live_is_said_to_go_live_without_review_while_the_rule_is_off(
    staff_client,
):
    ArticleFactory(title="Unreviewed", published_at=at(dt.date(2026, 11, 25)))
    [row] = rows_of(staff_client.get(COMING_UP))
    assert "No current clinical review: no clinician has reviewed it." in row
    assert (
        "“Publishing needs a current clinical review” is off in Site settings, so it goes live without one."
        in row
    )


def test_with_the_rule_on_an_unreviewed_scheduled_article_is_said_to_go_live_unreviewed(staff_client):
    SiteSettings.objects.create(publishing_needs_review=True)
    article = reviewed(ArticleFactory(title="Changed", published_at=at(dt.date(2026, 11, 25))))
    Article.objects.filter(pk=article.pk).update(body="<p>New words nobody read.</p>")
    [row] = rows_of(staff_client.get(COMING_UP))
    assert "No current clinical review: Dana Reyes, LCSW's review is of earlier words." in row
    assert "unless a clinician records a review first, it goes live unreviewed" in row


def test_an_article_whose_review_is_current_goes_live_without_a_warning(staff_client):
    SiteSettings.objects.create(publishing_needs_review=True)
    reviewed(ArticleFactory(title="Reviewed", published_at=at(dt.date(2026, 11, 25))))
    assert rows_of(staff_client.get(COMING_UP)) == ["10 a.m. The article “Reviewed” goes live."]


# --- Who sees what ----------------------------------------------------------------------------


@pytest.fixture
def one_of_each():
    ArticleFactory(title="Scheduled", published_at=at(dt.date(2026, 11, 25)))
    TestimonialFactory(attribution="Leaving", consent_expires_on=dt.date(2026, 11, 27))
    SpecialDayFactory(location=LocationFactory(name="Alpharetta"), first_day=THANKSGIVING)
    PreviewLink.objects.create(
        article=ArticleFactory(draft=True, title="Draft"), expires_at=at(dt.date(2026, 11, 24))
    )


def test_someone_who_may_view_only_articles_sees_no_testimonial_or_location(one_of_each):
    user = UserFactory(username="articles-only", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = Client()
    client.force_login(user)
    rows = rows_of(client.get(COMING_UP))
    assert rows and all("article" in row for row in rows)
    assert not any("Leaving" in row or "Alpharetta" in row or "preview link" in row for row in rows)
    assert "1 article goes live" in text(parse(client.get(reverse("admin:index")).content.decode()))
    assert "testimonial" not in text(parse(client.get(reverse("admin:index")).content.decode()))


def test_editors_see_everything_and_reviewers_all_but_the_preview_links(one_of_each):
    editor_rows = rows_of(signed_in(MARKETING_EDITORS, "editor-1").get(COMING_UP))
    assert len(editor_rows) == 5 and any("preview link" in row for row in editor_rows)
    reviewer_rows = rows_of(signed_in(CLINICAL_REVIEWERS, "reviewer-1").get(COMING_UP))
    assert len(reviewer_rows) == 4 and not any("preview link" in row for row in reviewer_rows)


def test_a_staff_member_who_may_see_nothing_is_refused_and_not_shown_the_line(one_of_each):
    client = Client()
    client.force_login(UserFactory(username="nobody", is_staff=True))
    assert client.get(COMING_UP).status_code == 403
    assert COMING_UP not in client.get(reverse("admin:index")).content.decode()
    anonymous = Client().get(COMING_UP)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("admin:login"))


# --- The admin's home page --------------------------------------------------------------------


def home_line(client):
    page = parse(client.get(reverse("admin:index")).content.decode())
    module = page.find(".//div[@id='coming-up-module']")
    return None if module is None else (text(module.find(".//td")), module.find(".//a").get("href"))


def test_the_home_page_counts_the_next_7_days_and_links_to_the_page(staff_client):
    ArticleFactory(published_at=at(dt.date(2026, 11, 24)))
    ArticleFactory(published_at=at(dt.date(2026, 11, 29)))
    ArticleFactory(published_at=at(dt.date(2026, 12, 10)))  # beyond the week
    ArticleFactory(expires_at=at(dt.date(2026, 11, 25)))
    TestimonialFactory(consent_expires_on=dt.date(2026, 11, 28))
    assert home_line(staff_client) == (
        "In the next 7 days: 2 articles go live, 1 comes down, 1 testimonial's consent ends.",
        COMING_UP,
    )


def test_the_home_page_says_plainly_when_nothing_changes_in_the_week(staff_client):
    assert home_line(staff_client) == (
        "Nothing on the site is set to change by itself in the next 7 days.",
        COMING_UP,
    )


# --- Queries ----------------------------------------------------------------------------------


def add_changes(count):
    """`count` of each kind of change in the next 30 days: the articles going live with a review of
    earlier words (the warning names the clinician), those coming down linked from a page."""
    body = ""
    for number in range(count):
        day = MONDAY + dt.timedelta(days=1 + number % 25)
        going_live = reviewed(ArticleFactory(published_at=at(day, 9)))
        Article.objects.filter(pk=going_live.pk).update(body="<p>Changed since its review.</p>")
        coming_down = ArticleFactory(expires_at=at(day, 17))
        body += f'<p><a href="{coming_down.get_absolute_url()}">{number}</a></p>'
        TestimonialFactory(consent_expires_on=day)
        SpecialDayFactory(location=LocationFactory(), first_day=day)
        PreviewLink.objects.create(article=ArticleFactory(draft=True), expires_at=at(day, 12))
        reviewed(ArticleFactory(), on=months_after(day, -12))  # its review falls due that day
    PageFactory(body=body)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_for_many_changes_as_for_few(
    staff_client, django_assert_max_num_queries
):
    add_changes(2)
    staff_client.get(COMING_UP)  # the first request of a session reads what later ones have cached
    few = count_queries(staff_client, COMING_UP)
    add_changes(20)
    staff_client.get(COMING_UP)  # the site's settings, read again once content has changed
    with django_assert_max_num_queries(few):
        response = staff_client.get(COMING_UP)
    assert len(rows_of(response)) == 22 * 7  # live, down, consent, closure and back, preview, review due


def test_the_home_page_line_runs_the_same_queries_for_many_changes_as_for_few(staff_client):
    url = reverse("admin:index")
    staff_client.get(url)
    few = count_queries(staff_client, url)
    add_changes(20)
    staff_client.get(url)  # the site's settings, read again once content has changed
    assert count_queries(staff_client, url) == few
    assert home_line(staff_client)[0].startswith("In the next 7 days: ")
