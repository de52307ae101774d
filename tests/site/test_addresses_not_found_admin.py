"""The admin's "Addresses not found": who sees it, the way to a redirect, Dismiss, fixed rows and
the line on the admin's home page (carter_site.not_found_admin)."""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carter_site import not_found
from carter_site.models import AddressNotFound
from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS
from tests.admin_forms import signed_in, staff_member
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:carter_site_addressnotfound_changelist")
TODAY = dt.date(2026, 3, 2)


def at(day):
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.timezone(dt.timedelta(hours=-5)))


def address(path, count=1, first=TODAY, last=TODAY):
    return AddressNotFound.objects.create(path=path, count=count, first_seen=first, last_seen=last)


def dismiss_url(row):
    return reverse("admin:carter_site_addressnotfound_dismiss", args=[row.pk])


@pytest.fixture
def editor():
    return signed_in(MARKETING_EDITORS, "marketing")


@pytest.fixture
def today():
    with time_machine.travel(at(TODAY), tick=False):
        yield TODAY


def test_who_may_add_redirects_sees_the_list_most_found_first_and_private(editor, today):
    address("/flyer/", count=3)
    address("/old-programs/", count=12)
    address("/typo/", count=1)
    response = editor.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("/old-programs/") < html.index("/flyer/") < html.index("/typo/")
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control


def test_a_clinical_reviewer_who_may_not_add_redirects_does_not(today):
    reviewer = signed_in(CLINICAL_REVIEWERS, "reviewer")
    row = address("/flyer/")
    assert reviewer.get(LIST).status_code == 403
    assert reviewer.post(dismiss_url(row)).status_code == 403
    assert AddressNotFound.objects.filter(pk=row.pk).exists()
    assert "Addresses not found" not in reviewer.get(reverse("admin:index")).content.decode()


def test_redirect_it_opens_the_redirect_form_with_the_old_address_filled_in(editor, today):
    address("/old site/intake form.html")
    html = editor.get(LIST).content.decode()
    [link] = re.findall(r'<a class="button" href="([^"]+)">Redirect it…</a>', html)
    form = editor.get(unescape(link))
    assert form.status_code == 200
    assert 'name="old_path" value="/old site/intake form.html"' in form.content.decode()


def test_the_redirect_forms_own_checks_still_decide(editor, today):
    """A redirect to a page that does not exist is refused there, as for any redirect."""
    url = f"{reverse('admin:redirects_redirect_add')}?old_path=/flyer/"
    response = editor.post(url, {"old_path": "/flyer/", "new_path": "/nowhere/"})
    assert response.status_code == 200
    assert "There is no page at /nowhere/" in response.content.decode()
    assert not Redirect.objects.exists()


def test_a_row_a_redirect_or_a_page_now_answers_is_shown_as_fixed(editor, today):
    ArticleFactory(slug="first-week")
    Redirect.objects.create(
        site=Site.objects.get_current(), old_path="/flyer/", new_path="/articles/first-week/"
    )
    address("/flyer/", count=5)
    address("/articles/first-week/", count=4)  # not found before the article was published
    address("/still-missing/", count=3)
    html = editor.get(LIST).content.decode()
    rows = {
        path: html[html.index(f">{path}<") :][:600]
        for path in ("/flyer/", "/articles/first-week/", "/still-missing/")
    }
    assert "Fixed" in rows["/flyer/"] and "redirected to /articles/first-week/" in rows["/flyer/"]
    assert "Fixed" in rows["/articles/first-week/"] and "a page answers" in rows["/articles/first-week/"]
    assert "Fixed" not in rows["/still-missing/"] and "Redirect it…" in rows["/still-missing/"]
    assert "Redirect it…" not in rows["/flyer/"] and "Redirect it…" not in rows["/articles/first-week/"]


def test_dismiss_removes_the_row_with_the_lists_own_csrf_protected_form(today):
    editor = Client(enforce_csrf_checks=True)
    editor.force_login(staff_member(MARKETING_EDITORS, "marketing"))
    row, kept = address("/typo/"), address("/kept/")
    html = editor.get(f"{LIST}?q=typo").content.decode()
    assert f'formaction="{dismiss_url(row)}?q=typo"' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    assert editor.post(dismiss_url(row)).status_code == 403  # without the token
    assert AddressNotFound.objects.filter(pk=row.pk).exists()
    response = editor.post(f"{dismiss_url(row)}?q=typo", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == f"{LIST}?q=typo"
    assert list(AddressNotFound.objects.values_list("path", flat=True)) == [kept.path]
    assert "Dismissed /typo/" in editor.get(response["Location"]).content.decode()


def test_dismiss_is_a_post_only_and_an_unknown_or_odd_row_is_no_error(editor, today):
    row = address("/typo/")
    assert editor.get(dismiss_url(row)).status_code == 405
    for pk in ("999999", "99999999999999999999999", "x"):
        response = editor.post(reverse("admin:carter_site_addressnotfound_dismiss", args=[pk]), follow=True)
        assert response.status_code == 200
        assert "dismissed or forgotten already" in response.content.decode()
    assert AddressNotFound.objects.filter(pk=row.pk).exists()


def test_the_chosen_rows_can_be_dismissed_together(editor, today):
    rows = [address("/a/"), address("/b/"), address("/c/")]
    response = editor.post(
        LIST, {"action": "dismiss", "_selected_action": [rows[0].pk, rows[1].pk]}, follow=True
    )
    assert "Dismissed 2 addresses" in response.content.decode()
    assert list(AddressNotFound.objects.values_list("path", flat=True)) == ["/c/"]


def test_nobody_adds_or_changes_a_row_by_hand(editor, today):
    row = address("/a/")
    assert editor.get(reverse("admin:carter_site_addressnotfound_add")).status_code == 403
    assert editor.post(reverse("admin:carter_site_addressnotfound_delete", args=[row.pk])).status_code == 403


def test_search_and_pages(editor, today):
    for number in range(55):
        address(f"/old/{number:02}/", count=100 - number)
    address("/flyer/")
    assert ">/flyer/<" in editor.get(f"{LIST}?q=flyer").content.decode()
    assert ">/old/00/<" not in editor.get(f"{LIST}?q=flyer").content.decode()
    second = editor.get(f"{LIST}?p=2").content.decode()
    assert ">/old/50/<" in second and ">/old/00/<" not in second


def test_a_full_list_says_so(editor, today, monkeypatch):
    monkeypatch.setattr(not_found, "MAX_ADDRESSES", 2)
    address("/a/")
    assert "The list is full" not in editor.get(LIST).content.decode()
    address("/b/")
    assert "The list is full" in editor.get(LIST).content.decode()


def test_opening_the_list_forgets_what_was_not_found_for_90_days(editor):
    with time_machine.travel(at(TODAY + dt.timedelta(days=91)), tick=False):
        address("/old/", last=TODAY)
        address("/recent/", last=TODAY + dt.timedelta(days=1))
        html = editor.get(LIST).content.decode()
    assert ">/recent/<" in html and ">/old/<" not in html
    assert list(AddressNotFound.objects.values_list("path", flat=True)) == ["/recent/"]


def test_the_lists_queries_do_not_grow_with_its_rows(editor, today):
    ArticleFactory(slug="first-week")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert editor.get(LIST).status_code == 200
        return len(captured)

    address("/articles/first-week/")
    address("/articles/gone/")
    few = queries()
    for number in range(20):
        address(f"/articles/gone-{number}/")
        address(f"/elsewhere-{number}/")
    assert queries() == few


def test_the_admin_home_says_how_many_were_not_found_this_week_in_one_query(editor, rf):
    with time_machine.travel(at(TODAY), tick=False):
        address("/a/", last=TODAY)
        address("/b/", last=TODAY - dt.timedelta(days=6))
        address("/last-month/", last=TODAY - dt.timedelta(days=30))
        address("/redirected/", last=TODAY)
        Redirect.objects.create(site=Site.objects.get_current(), old_path="/redirected/", new_path="/")
        html = editor.get(reverse("admin:index")).content.decode()
        assert "2 addresses visitors could not find this week have no redirect yet" in html
        assert f'href="{LIST}"' in html

        request = rf.get("/")
        request.user = staff_member(MARKETING_EDITORS, "another-editor")
        request.user.has_perm("redirects.add_redirect")  # the user's permissions, read once
        with CaptureQueriesContext(connection) as captured:
            assert not_found.not_found_this_week(request) == 2
        assert len(captured) == 1


def test_the_admin_home_says_nothing_when_nothing_was_missed(editor, today):
    address("/last-month/", last=TODAY - dt.timedelta(days=30))
    assert "could not find this week" not in editor.get(reverse("admin:index")).content.decode()
