"""Addresses visitors did not find are counted per path, and nothing else about them is kept
(carter_site.not_found)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from carter_site import not_found
from carter_site.models import AddressNotFound
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.timezone(dt.timedelta(hours=-5)))


@pytest.fixture(autouse=True)
def each_test_forgets_afresh(monkeypatch):
    monkeypatch.setattr(not_found, "_forgotten_on", None)


def rows():
    return {row.path: row.count for row in AddressNotFound.objects.all()}


def test_the_same_address_twice_is_one_row_counted_twice_and_its_query_string_is_not_kept(client):
    with time_machine.travel(at(TODAY), tick=False):
        assert client.get("/old-site/admissions.html?utm_source=flyer&name=Jo").status_code == 404
        assert client.head("/old-site/admissions.html?ref=someone").status_code == 404
    row = AddressNotFound.objects.get()
    assert (row.path, row.count, row.first_seen, row.last_seen) == (
        "/old-site/admissions.html",
        2,
        TODAY,
        TODAY,
    )


def test_nothing_about_the_visitor_is_kept():
    """A path, a number and two days: no field could hold an address, a browser, a referrer, a
    cookie, a query or a moment of the day."""
    fields = {field.name: type(field).__name__ for field in AddressNotFound._meta.get_fields()}
    assert fields == {
        "id": "BigAutoField",
        "path": "CharField",
        "count": "PositiveIntegerField",
        "first_seen": "DateField",
        "last_seen": "DateField",
    }


def test_a_row_keeps_the_first_and_the_last_day_it_was_not_found(client):
    with time_machine.travel(at(TODAY), tick=False):
        client.get("/programs/evening/")
    with time_machine.travel(at(TODAY + dt.timedelta(days=3)), tick=False):
        client.get("/programs/evening/")
    row = AddressNotFound.objects.get()
    assert (row.count, row.first_seen, row.last_seen) == (2, TODAY, TODAY + dt.timedelta(days=3))


def test_an_unmatched_address_and_a_view_raising_http404_are_both_counted_once(client):
    assert client.get("/no/such/address/").status_code == 404  # no URL pattern
    assert client.get("/articles/not-written-yet/").status_code == 404  # the view raises Http404
    assert client.get("/locations/nowhere/").status_code == 404
    assert rows() == {"/no/such/address/": 1, "/articles/not-written-yet/": 1, "/locations/nowhere/": 1}


def test_an_address_in_capitals_or_with_an_old_address_redirect_is_not_counted(client):
    """Those 404s become redirects before visitors get them: nobody failed to find anything."""
    article = ArticleFactory(slug="first-week")
    Redirect.objects.create(
        site=Site.objects.get_current(), old_path="/old-first-week/", new_path="/articles/first-week/"
    )
    assert client.get("/articles/First-Week/").status_code == 301
    assert client.get("/old-first-week/?fbclid=x").status_code == 301
    assert client.get("/old-first-week/").status_code == 301
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/old-second-week/").status_code == 404  # counted: nothing redirects it
    assert rows() == {"/old-second-week/": 1}


def test_a_missing_slash_is_counted_only_where_it_leads_nowhere(client):
    ArticleFactory(slug="first-week")
    assert client.get("/articles/first-week").status_code == 301
    assert client.get("/articles/no-such-thing").status_code == 404
    assert rows() == {"/articles/no-such-thing": 1}


def test_a_page_past_the_end_of_a_list_is_not_the_lists_address_not_found(client):
    """The 404 comes from ?page=99, which is not kept: /articles/ itself is found."""
    assert client.get("/articles/?page=99").status_code == 404
    assert client.get("/faqs/no-such-topic/?page=2").status_code == 404  # the address names nothing
    assert rows() == {"/faqs/no-such-topic/": 1}


def test_an_address_is_kept_as_a_redirect_would_name_it(client):
    client.get("/über-uns/")
    assert rows() == {"/%C3%BCber-uns/": 1}


@pytest.mark.parametrize("path", ["/admin/no-such-page/", "/admin/carter_site/nothing/"])
def test_the_admins_own_404s_are_not_counted(staff_client, path):
    assert staff_client.get(path).status_code == 404
    assert staff_client.get("/public-but-missing/").status_code == 404
    assert rows() == {"/public-but-missing/": 1}


@pytest.mark.parametrize(
    "path",
    [
        "/static/css/gone.css",
        "/media/uploads/gone.jpg",
        "/.well-known/traffic-advice",
        "/wp-admin/install.php",
        "/blog/wp-login.php",
        "/index.PHP",
        "/.env",
        "/backup/.git/config",
        "/cgi-bin/test",
        "/articles/preview/abc:def/",
        # A token typed or autocorrected with a capital still opens the draft in its own case.
        "/articles/Preview/abc:def/",
        "/ARTICLES/PREVIEW/abc:def/",
        "/" + "a" * 200,
    ],
)
def test_files_probes_previews_and_very_long_paths_are_not_counted(client, path):
    assert client.get(path).status_code == 404
    assert client.get("/" + "a" * 199).status_code == 404  # as long as a redirect's address may be
    assert rows() == {"/" + "a" * 199: 1}


def test_a_post_to_an_unknown_address_is_not_counted(client):
    assert client.post("/old-contact-form/", {"name": "x"}).status_code in (403, 404, 405)
    assert client.get("/old-contact-form/").status_code == 404
    assert rows() == {"/old-contact-form/": 1}


def test_the_404_page_is_the_same_for_visitors(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()
    assert "Set-Cookie" not in response.headers and not response.cookies


def test_when_the_list_is_full_new_addresses_are_not_added_but_known_ones_still_count(client, monkeypatch):
    monkeypatch.setattr(not_found, "MAX_ADDRESSES", 3)
    for path in ("/a/", "/b/", "/c/", "/d/", "/a/"):
        assert client.get(path).status_code == 404
    assert rows() == {"/a/": 2, "/b/": 1, "/c/": 1}
    assert not_found.is_full()


def test_an_address_not_found_for_90_days_is_forgotten(client):
    with time_machine.travel(at(TODAY), tick=False):
        client.get("/old/")
        client.get("/older/")
    with time_machine.travel(at(TODAY + dt.timedelta(days=60)), tick=False):
        client.get("/old/")
    with time_machine.travel(at(TODAY + dt.timedelta(days=91)), tick=False):
        client.get("/new/")
    assert rows() == {"/old/": 2, "/new/": 1}
    with time_machine.travel(at(TODAY + dt.timedelta(days=151)), tick=False):
        client.get("/new/")
    assert rows() == {"/new/": 2}


def test_a_database_that_refuses_still_gives_the_404_page(client, caplog):
    def refuse(execute, sql, params, many, context):
        if AddressNotFound._meta.db_table in sql:
            raise OperationalError("attempt to write a readonly database")
        return execute(sql, params, many, context)

    not_found._count_failure.last = None
    with connection.execute_wrapper(refuse):
        response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()
    assert "Could not count an address not found" in caplog.text
    assert rows() == {}


@pytest.mark.django_db(transaction=True)
def test_a_404_costs_one_statement_more_and_two_on_the_first_of_the_day(client):
    table = AddressNotFound._meta.db_table
    with time_machine.travel(at(TODAY), tick=False):
        with CaptureQueriesContext(connection) as first:
            client.get("/no/such/page/")
        with CaptureQueriesContext(connection) as second:
            client.get("/no/such/page/")
        with CaptureQueriesContext(connection) as another:
            client.get("/another/missing/page/")
    counting = [
        [q["sql"] for q in queries.captured_queries if table in q["sql"]]
        for queries in (first, second, another)
    ]
    assert [len(statements) for statements in counting] == [2, 1, 1]
    assert rows() == {"/no/such/page/": 2, "/another/missing/page/": 1}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_counting_a_new_address_at_once_make_one_row_of_two():
    """Both look for the row before either has written it: the unique path and the upsert make
    the second add 1 to the first's row, not fail and not make another."""
    from django.test import Client

    from tests.concurrency import at_the_same_moment

    def visit():
        return Client().get("/flyer/spring-2019/").status_code

    statuses = at_the_same_moment([visit, visit], AddressNotFound._meta.db_table)
    assert statuses == [404, 404]
    assert rows() == {"/flyer/spring-2019/": 2}


def test_counting_a_new_address_twice_in_one_go_adds_to_the_row():
    """The statement itself, without the middleware: the row written by another worker between
    a look and a write is what ON CONFLICT adds to (SQLite and PostgreSQL alike)."""
    assert not_found.count_not_found("/x/")
    assert not_found.count_not_found("/x/")
    assert rows() == {"/x/": 2}
