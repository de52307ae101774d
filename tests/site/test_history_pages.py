"""An object's history a page at a time: an article edited for years has hundreds of versions,
and its history page listed them all, each with its revision and user.

The versions here are real django-reversion versions: the first saved by django-reversion, the
rest copies of it in revisions of their own, as years of saves leave them."""

import re

import html5lib
import pytest
import reversion
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from tests.admin_forms import admin_form_data
from tests.factories import ArticleFactory, UserFactory
from tests.seo.helpers import text
from tests.versions import copies_of_latest_version

pytestmark = pytest.mark.django_db


def with_versions(count, user=None):
    """An article with `count` versions, the newest last, each saved by `user`."""
    article = ArticleFactory(title="Your first week")
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment("Version 1")
        article.save()
    copies_of_latest_version(article, count - 1, user=user, comment="Version {number}", first_number=2)
    return article


def history(client, article, page=None):
    url = reverse("admin:articles_article_history", args=[article.pk])
    return client.get(url, {"p": page} if page is not None else {})


def comments(response):
    """The comments of the versions listed, as the editor reads them, top to bottom."""
    tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    return [text(row.findall("td")[-1]) for row in tree.iterfind(".//table[@id='change-history']/tbody/tr")]


def page_links(response):
    tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    return {text(link): link.get("href") for link in tree.iterfind(".//nav[@class='paginator']/a")}


def test_the_history_lists_fifty_versions_a_page_newest_first_with_links_to_the_others(staff_client):
    article = with_versions(120)
    first = history(staff_client, article)
    assert first.status_code == 200
    assert comments(first) == [f"Version {number}" for number in range(120, 70, -1)]
    assert "Versions 1 to 50 of 120, newest first." in first.content.decode()
    links = page_links(first)
    assert links["2"] == "?p=2" and links["3"] == "?p=3" and links["Older"] == "?p=2"
    assert "Newer" not in links

    last = history(staff_client, article, 3)
    assert comments(last) == [f"Version {number}" for number in range(20, 0, -1)]
    assert page_links(last)["Newer"] == "?p=2"


def test_a_last_page_of_a_few_versions_goes_with_the_page_before(staff_client):
    """Every page has two versions to compare: no page of one."""
    article = with_versions(51)
    response = history(staff_client, article)
    assert len(comments(response)) == 51
    assert page_links(response) == {}


@pytest.mark.parametrize(
    ("asked", "shown"), [("abc", 1), ("", 1), ("1.5", 1), ("99", 3), ("0", 3), ("-2", 3)]
)
def test_a_page_number_that_is_not_a_page_shows_the_first_or_the_last(staff_client, asked, shown):
    article = with_versions(120)
    response = history(staff_client, article, asked)
    assert response.status_code == 200
    assert f'<span class="this-page" aria-current="page">{shown}</span>' in response.content.decode()


def test_a_page_of_the_history_asks_as_many_queries_for_many_versions_as_for_few(staff_client):
    editor = UserFactory(username="writer", first_name="Dana", last_name="Ortiz")

    def queries(count):
        article = with_versions(count, user=editor)
        history(staff_client, article)  # the session and user, read once
        with CaptureQueriesContext(connection) as captured:
            response = history(staff_client, article, 2 if count > 60 else None)
        assert response.status_code == 200
        assert "writer (Dana Ortiz)" in " ".join(response.content.decode().split())
        # The versions are counted, and read a page at a time, never all of them.
        reading = [query["sql"] for query in captured if 'FROM "reversion_version"' in query["sql"]]
        limits = [int(limit) for sql in reading for limit in re.findall(r"LIMIT (\d+)", sql)]
        assert len(limits) == len(reading) - 1 and all(limit <= 55 for limit in limits), reading
        return len(captured)

    few = queries(3)
    assert queries(300) == few
    assert few <= 8


def compare_labels(response):
    """(the radio button, its name) for each compare button, top to bottom."""
    return re.findall(
        r"<label[^>]*>(<input[^>]*>)<span[^>]*>([^<]*)</span></label>", response.content.decode()
    )


def test_each_compare_button_is_named_by_its_end_of_the_comparison_and_its_versions_number_and_date(
    staff_client,
):
    """A screen reader said only "radio button": each now says what it picks, for which version."""
    from django.utils import formats, timezone

    article = with_versions(3)
    versions = Version.objects.get_for_object(article).order_by("-pk").select_related("revision")
    response = history(staff_client, article)
    labels = compare_labels(response)
    assert len(labels) == 6 and response.content.decode().count('<input type="radio"') == 6
    pairs = zip(labels[::2], labels[1::2], strict=True)
    for number, version, (older, newer) in zip((3, 2, 1), versions, pairs, strict=True):
        when = formats.date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
        assert f'name="version_id1" value="{version.pk}"' in older[0]
        assert older[1] == f"Compare from version {number}, of {when}"
        assert f'name="version_id2" value="{version.pk}"' in newer[0]
        assert newer[1] == f"to version {number}, of {when}"


def test_versions_saved_in_the_same_minute_are_told_apart_by_their_numbers_on_every_page(staff_client):
    """Dates are shown to the minute, and these 120 versions share one: each compare button and
    each row still names its version apart, by a number counted from the oldest, 1."""
    article = with_versions(120)
    for page, newest, rows in ((None, 120, 50), (3, 20, 20)):
        response = history(staff_client, article, page)
        names = [name for _, name in compare_labels(response)]
        assert len(names) == 2 * rows and len(set(names)) == len(names)
        assert names[0].startswith(f"Compare from version {newest}, of ")
        assert names[-1].startswith(f"to version {newest - rows + 1}, of ")
        tree = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
        numbers = [text(row.find("th")) for row in tree.iterfind(".//table[@id='change-history']/tbody/tr")]
        assert numbers == [str(number) for number in range(newest, newest - rows, -1)]


def test_the_page_stays_small_however_long_the_history(staff_client):
    small = len(history(staff_client, with_versions(50)).content)
    large = len(history(staff_client, with_versions(400)).content)
    assert large < small + 2_000


def test_two_versions_on_a_later_page_are_compared_and_one_restored(staff_client):
    article = with_versions(120)
    ids = list(Version.objects.get_for_object(article).order_by("-pk").values_list("pk", flat=True))
    page = history(staff_client, article, 2).content.decode()
    # The two newest of the page are chosen to compare: versions 70 and 69.
    assert f'name="version_id2" value="{ids[50]}" checked' in page
    assert f'name="version_id1" value="{ids[51]}" checked' in page
    compare = reverse("admin:articles_article_compare", args=[article.pk])
    assert staff_client.get(compare, {"version_id1": ids[51], "version_id2": ids[50]}).status_code == 200

    revision_url = reverse("admin:articles_article_revision", args=[article.pk, ids[60]])
    assert revision_url in page
    response = staff_client.post(revision_url, admin_form_data(staff_client.get(revision_url)))
    assert response.status_code == 302


def test_the_history_of_an_object_without_versions_says_so(staff_client):
    article = ArticleFactory()
    response = history(staff_client, article)
    assert response.status_code == 200
    assert "no saved versions yet" in response.content.decode()
