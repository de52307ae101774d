"""Paginated lists: one address per page, and a garbled page number leads somewhere useful."""

import pytest

from tests.factories import ArticleFactory, TestimonialFactory
from tests.seo.helpers import parse, text

pytestmark = pytest.mark.django_db

LISTS = {"/articles/": (ArticleFactory, 10), "/testimonials/": (TestimonialFactory, 20)}


@pytest.fixture(params=LISTS)
def paged_list(request):
    """A list with exactly three pages."""
    factory, per_page = LISTS[request.param]
    factory.create_batch(per_page * 2 + 1)
    return request.param


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", "", "%00", "1e3", "NaN"])
def test_a_page_number_that_is_no_page_leads_to_the_first_page(client, paged_list, value):
    response = client.get(f"{paged_list}?page={value}")
    assert response.status_code == 301
    assert response["Location"] == paged_list
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "query, page",
    [("page=1", None), ("page=02", 2), ("page=%EF%BC%92", 2), ("page=2&page=3", 3), ("page=+3", 3)],
)
def test_other_spellings_of_a_page_lead_to_its_one_address(client, paged_list, query, page):
    response = client.get(f"{paged_list}?{query}")
    assert response.status_code == 301
    assert response["Location"] == (f"{paged_list}?page={page}" if page else paged_list)


def test_real_pages_are_served_and_a_page_past_the_end_is_not_found(client, paged_list):
    assert client.get(paged_list).status_code == 200
    assert client.get(f"{paged_list}?page=2").status_code == 200
    assert client.get(f"{paged_list}?page=3").status_code == 200
    assert client.get(f"{paged_list}?page=4").status_code == 404
    assert client.get(f"{paged_list}?page=2&utm_source=newsletter").status_code == 200


def test_the_last_page_asked_for_by_name_leads_to_its_own_address_for_now(client, paged_list):
    response = client.get(f"{paged_list}?page=last")
    assert response.status_code == 302  # not permanent: which page is last changes
    assert response["Location"] == f"{paged_list}?page=3"
    factory, per_page = LISTS[paged_list]
    factory.create_batch(per_page)
    assert client.get(f"{paged_list}?page=last")["Location"] == f"{paged_list}?page=4"


def test_the_last_page_of_a_list_of_one_page_is_the_list_itself(client):
    ArticleFactory()
    response = client.get("/articles/?page=last")
    assert response.status_code == 302 and response["Location"] == "/articles/"


def test_a_page_past_the_end_says_the_list_is_shorter_and_leads_back_into_it(client, paged_list):
    """An old link to a later page (from a bookmark, or a search engine that has not looked
    again) got the site's general "it may have moved, or the address may have a typo", which
    blamed the address and left the reader to find the list again."""
    response = client.get(f"{paged_list}?page=4")
    assert response.status_code == 404
    main = parse(response.content.decode()).find(".//main")
    assert "This list is shorter than that now:" in text(main)
    links = {text(link): link.get("href") for link in main.iter("a")}
    assert links["the first page"] == paged_list
    assert links["the last page"] == f"{paged_list}?page=last"
    assert client.get(links["the last page"])["Location"] == f"{paged_list}?page=3"


@pytest.mark.parametrize("path", ["/nope/", "/nope/?page=2", "/articles/no-such-article/?page=2"])
def test_other_pages_not_found_say_nothing_about_a_list(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "This list is shorter" not in response.content.decode()
