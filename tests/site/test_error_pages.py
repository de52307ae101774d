"""Error pages are the site's own: its design, the call button and 988, and what to do next."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from carter_site.views import permission_denied
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def assert_in_site_design(html):
    from carter_site.models import SiteSettings

    assert f'href="{SiteSettings.load().tel_uri}"' in html, "no admissions call button"
    assert 'href="tel:988"' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html


@pytest.mark.parametrize("path", ["/", "/faqs/", "/articles/", "/search/?q=insurance", "/sitemap.xml"])
def test_a_form_sent_to_a_public_page_gets_a_calm_405_in_the_sites_design(path):
    """Public pages take no forms (carter_site.security.read_only): the answer says so, in the
    site's design, and does not tell the visitor to sign in, as the CSRF page would."""
    response = Client(enforce_csrf_checks=True).post(path, {"q": "x"})
    html = response.content.decode()
    assert response.status_code == 405 and response["Content-Type"] == "text/html; charset=utf-8"
    assert "This page is for reading" in html and "nothing was saved" in html
    assert "sign in" not in html
    assert_in_site_design(html)


def test_an_expired_admin_form_gets_the_same_page_and_changes_nothing(admin_user):
    article = ArticleFactory(title="Before")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, {"title": "After"})
    assert response.status_code == 403
    assert "This form could not be sent" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Before"


def test_permission_denied_is_a_page_in_the_site_design(rf):
    response = permission_denied(rf.get("/somewhere/"), PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert "This page is not available to you" in html
    assert_in_site_design(html)


@pytest.mark.parametrize("path", ["/articles/no-such-article/", "/locations/nowhere/", "/faqs/nothing/"])
def test_a_missing_page_marks_no_menu_item_as_current(client, path):
    """Screen readers announce aria-current="page"; a page that does not exist is none of them."""
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert "aria-current" not in html


def main_menu(html):
    return html[
        html.index('<nav class="site-nav"') : html.index("</nav>", html.index('<nav class="site-nav"'))
    ]


def test_a_real_page_still_marks_its_menu_section(client):
    article = ArticleFactory()
    menu = main_menu(client.get(article.get_absolute_url()).content.decode())
    # The menu's link is to the list, not to this article: the current section, not the current page.
    assert '<a href="/articles/" aria-current="true">Articles</a>' in menu
    assert menu.count("aria-current") == 1


def test_only_the_first_page_of_a_list_is_the_menu_links_current_page(client):
    ArticleFactory.create_batch(13)
    assert '<a href="/articles/" aria-current="page">Articles</a>' in main_menu(
        client.get("/articles/").content.decode()
    )
    second = client.get("/articles/", {"page": "2"})
    assert second.status_code == 200
    assert '<a href="/articles/" aria-current="true">Articles</a>' in main_menu(second.content.decode())


@pytest.mark.parametrize("method", ["trace", "put", "delete"])
@pytest.mark.parametrize("name", ["articles-feed", "articles-atom-feed", "sitemap"])
def test_feeds_and_sitemap_answer_only_get_and_head(client, name, method):
    response = client.generic(method.upper(), reverse(name))
    assert response.status_code == 405
    assert sorted(response["Allow"].split(", ")) == ["GET", "HEAD"]


def test_a_form_too_large_to_read_gets_a_page_that_says_what_to_do(staff_client, settings):
    """Over DATA_UPLOAD_MAX_MEMORY_SIZE Django cannot read the form at all: the editor gets the
    site's 400 page, which says why (pictures pasted into the text) and how to avoid it."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = staff_client.post(
        reverse("admin:articles_article_add"), {"title": "Too big", "body": "<p>" + "x" * 20_000 + "</p>"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "This request could not be read" in html and "Image button" in html
    assert_in_site_design(html)
    from articles.models import Article

    assert not Article.objects.filter(title="Too big").exists()


def test_a_host_the_site_does_not_serve_gets_the_400_page_not_an_error(client):
    response = client.get("/", HTTP_HOST="not-ours.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This request could not be read" in html
    assert "not-ours.example" not in html  # nothing of the bad host is echoed back
    assert "For the site's editors" not in html  # a visitor's bad request is not about pasted pictures
    assert_in_site_design(html)


def test_a_visitors_request_with_too_many_fields_gets_no_advice_meant_for_editors(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.get("/", {f"a{n}": "1" for n in range(20)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "This request could not be read" in html
    assert "For the site's editors" not in html and "Image button" not in html


def test_the_ways_on_from_a_missing_page_are_the_home_page_and_every_section_of_the_menu(client):
    """Someone who followed a dead link goes on from the page that says so: to any part of the
    site the menu offers, client stories included."""
    html = client.get("/articles/no-such-article/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    menu = set(re.findall(r'href="([^"]+)"', main_menu(html)))
    ways_on = set(re.findall(r'<li><a href="([^"]+)"', main))
    assert menu | {"/"} <= ways_on
