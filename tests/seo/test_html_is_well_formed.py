"""Every public page type parses under a strict HTML5 parser (html5lib) without a single error."""

import pytest
from django.urls import reverse
from html5lib.html5parser import ParseError

from tests.factories import ArticleFactory

from .helpers import parse, public_pages

pytestmark = pytest.mark.django_db


def pages(site):
    return {
        **public_pages(site),
        "article-list-page-2": "/articles/?page=2",
        "search-empty": reverse("search"),
        "search-results": reverse("search") + "?q=week",
        "search-no-results": reverse("search") + "?q=zebra",
        "search-odd": reverse("search") + "?q=%3C%2Fmark%3E%22%27%26",
        "not-found": "/no-such-page/",
    }


def test_every_public_page_type_is_well_formed_html5(client, site):
    ArticleFactory.create_batch(10)
    for name, url in pages(site).items():
        response = client.get(url)
        assert response.status_code in (200, 404), name
        assert response["Content-Type"] == "text/html; charset=utf-8", name
        try:
            parse(response.content.decode())
        except ParseError as error:  # names the problem
            pytest.fail(f"{name} ({url}) is not well-formed HTML: {error}")


def test_staff_preview_of_a_draft_is_well_formed_too(staff_client, site):
    response = staff_client.get(site["hidden_articles"]["draft"].get_absolute_url())
    assert response.status_code == 200
    parse(response.content.decode())


def test_server_error_page_is_well_formed(rf, db):
    from carter_site.views import server_error

    parse(server_error(rf.get("/")).content.decode())


@pytest.mark.parametrize(
    "broken",
    ["<p></div>", '<a title="a" title="b">x</a>', "<p>&nbsp</p>", "<title>x</title>"],
)
def test_the_parser_used_here_is_strict(broken):
    document = broken if broken.startswith("<title>") else f"<!doctype html><title>x</title>{broken}"
    with pytest.raises(ParseError):
        parse(document)


def test_refusal_pages_are_well_formed(rf, db):
    from django.core.exceptions import PermissionDenied
    from django.test import Client
    from django.urls import reverse

    from carter_site.views import permission_denied

    parse(permission_denied(rf.get("/"), PermissionDenied()).content.decode())
    refused = Client(enforce_csrf_checks=True).post(reverse("admin:login"), {})  # the CSRF page
    assert refused.status_code == 403
    parse(refused.content.decode())
    not_taken = Client(enforce_csrf_checks=True).post("/", {})  # a public page's 405
    assert not_taken.status_code == 405
    parse(not_taken.content.decode())


def test_the_bad_request_page_is_well_formed(client):
    response = client.get("/", HTTP_HOST="not-ours.example")
    assert response.status_code == 400
    parse(response.content.decode())
