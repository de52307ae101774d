"""One address per page: the same page written another way is led to it (carter_site.addresses).

gunicorn hands Django the path decoded, and the address as sent in RAW_URI; these requests carry
RAW_URI as gunicorn writes it (tests/ops/test_odd_addresses.py sends the same to gunicorn itself).
Before, "/privacy%2F", "//privacy/" and "/priv%61cy/" answered 200 with the standing page, and the
page cache's replay before Django sent its copy there too.
"""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from carter_site.addresses import address_as_sent, canonical_address
from tests.caching.helpers import WsgiVisitor
from tests.factories import ArticleFactory, PageFactory

pytestmark = pytest.mark.django_db


def get(client, address, **extra):
    """GET `address` (escaped, query string and all) as gunicorn hands it to Django."""
    path, _, query = address.partition("?")
    return client.get(path, QUERY_STRING=query, RAW_URI=address, **extra)


@pytest.fixture
def privacy():
    return PageFactory(title="Privacy on this website", slug="privacy")


@pytest.mark.parametrize(
    ("sent", "canonical"),
    [
        ("/privacy/", "/privacy/"),
        ("/privacy%2F", "/privacy/"),
        ("/privacy%2f", "/privacy/"),
        ("/locations%2Falpharetta/", "/locations/alpharetta/"),
        ("/media/editor/./logo.png", "/media/editor/logo.png"),
        ("/media/editor/%2e/logo.png", "/media/editor/logo.png"),
        ("/media/editor/../editor/logo.png", "/media/editor/logo.png"),
        ("/media/../x", "/x"),
        ("/..", "/"),
        ("/privacy/.", "/privacy/"),
        ("//privacy/", "/privacy/"),
        ("/privacy//", "/privacy/"),
        ("/priv%61cy/", "/privacy/"),
        ("/%7Eteam/", "/~team/"),
        ("/search/%C3%A9t%C3%A9/", "/search/%C3%A9t%C3%A9/"),  # escaped because it must be: kept
        ("/a%3Fb/", "/a%3Fb/"),
        ("/a%252Fb/", "/a%252Fb/"),  # an escaped "%": decoded once by gunicorn, so kept
        ("/privacy;x/", "/privacy;x/"),
    ],
)
def test_the_canonical_address(sent, canonical):
    assert canonical_address(sent) == canonical


@given(st.text(alphabet="/.%2eEfF;a~", max_size=30).map(lambda text: "/" + text))
@example("/%2e%2e//%2F.")
@example("/.%2e/")
def test_the_canonical_address_is_written_one_way(sent):
    """Written the one way, it stays so: a redirect to it is never followed by another."""
    canonical = canonical_address(sent)
    assert canonical.startswith("/") and "//" not in canonical
    assert canonical_address(canonical) == canonical
    assert "." not in canonical.split("/") and ".." not in canonical.split("/")


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ("/privacy%2F?q=1", "/privacy%2F"),
        ("http://localhost/privacy%2F?q=1", "/privacy%2F"),
        ("*", None),
        ("", None),
    ],
)
def test_the_address_as_sent(raw, path):
    assert address_as_sent({"RAW_URI": raw}) == path
    assert address_as_sent({"REQUEST_URI": raw}) == path


@pytest.mark.parametrize(
    "address", ["/privacy%2F", "/privacy%2f", "//privacy/", "/privacy//", "/./privacy/", "/priv%61cy/"]
)
def test_a_page_written_another_way_leads_to_the_page(client, privacy, address):
    response = get(client, address)
    assert response.status_code == 301
    assert response["Location"] == "/privacy/"
    assert get(client, "/privacy/").status_code == 200


def test_the_query_string_is_carried_over(client, privacy):
    response = get(client, "/privacy%2F?utm_source=flyer")
    assert (response.status_code, response["Location"]) == (301, "/privacy/?utm_source=flyer")


def test_other_pages_too(client):
    article = ArticleFactory(slug="first-week")
    response = get(client, "/articles%2Ffirst-week%2F")
    assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())
    assert get(client, "/articles//").status_code == 301


@pytest.mark.parametrize(
    "address", ["/nothing%2F", "/%2F%2Felsewhere.example/", "/.well-known%2Fsecurity.txt"]
)
def test_an_address_that_leads_to_no_page_is_not_found(client, privacy, address):
    response = get(client, address)
    assert response.status_code == 404


def test_a_draft_is_not_confirmed(client):
    PageFactory(slug="coming-soon", is_published=False)
    assert get(client, "/coming-soon%2F").status_code == 404


def test_a_post_is_not_redirected(client, privacy):
    response = client.post("/privacy/", RAW_URI="/privacy%2F")
    assert response.status_code == 405  # the page only reads, at any address


def test_the_page_cache_does_not_send_its_copy_there(privacy):
    """The replay before Django answered "/privacy%2F" with the copy of "/privacy/"."""
    visitor = WsgiVisitor()
    assert visitor.get("/privacy/").status_code == 200
    assert not visitor.get("/privacy/").through_django  # replayed: the copy is there
    answer = visitor.get("/privacy%2F", RAW_URI="/privacy%2F")
    assert answer.status_code == 301
    assert answer.headers["Location"] == "/privacy/"
