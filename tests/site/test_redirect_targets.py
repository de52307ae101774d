"""A redirect made by hand leads somewhere: an address on this site where there is a page (or a
file), or a full https:// address. Before, /promo6/ -> /articles/nonexistent/ was saved without a
word and sent every visitor to "page not found". And the redirect's site is this one, without a
radio button to choose it (docs/editorial-workflow.md, "Slugs that never break a link")."""

import pytest
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from tests.factories import ArticleFactory, LocationFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:redirects_redirect_add")


def add_redirect(client, old_path, new_path, **kwargs):
    return client.post(ADD, {"old_path": old_path, "new_path": new_path}, **kwargs)


def errors_of(response):
    assert response.status_code == 200, "saved, but should have been refused"
    return response.context["adminform"].form.errors


def test_a_redirect_to_an_address_with_no_page_is_refused(staff_client):
    errors = errors_of(add_redirect(staff_client, "/promo6/", "/articles/nonexistent/"))
    assert errors["new_path"] == [
        "There is no page at /articles/nonexistent/: visitors sent there would get “page not found”. "
        "Open the page on the site and copy its address from the browser (for example "
        "/articles/new-name/), or leave this empty to tell visitors the old page is gone."
    ]
    assert not Redirect.objects.exists()
    assert Client().get("/promo6/").status_code == 404


@pytest.mark.parametrize(
    ("new_path", "said"),
    [
        ("/nowhere-at-all/", "There is no page at /nowhere-at-all/"),  # a standing page's pattern
        ("/locations/nonexistent/", "There is no page at /locations/nonexistent/"),
        ("/media/editor/gone.jpg", "There is no page at /media/editor/gone.jpg"),
        ("/articles/evening-track", "There is no page at /articles/evening-track. Did you mean "
         "/articles/evening-track/?"),
        ("/articles/Evening-Track/", "Did you mean /articles/evening-track/?"),
    ],
)  # fmt: skip
def test_each_address_with_no_page_is_refused_with_what_was_likely_meant(staff_client, new_path, said):
    ArticleFactory(slug="evening-track")
    errors = errors_of(add_redirect(staff_client, "/promo6/", new_path))
    assert said in errors["new_path"][0], errors["new_path"]
    assert not Redirect.objects.exists()


def test_a_redirect_to_another_old_address_is_pointed_at_where_that_one_leads(staff_client):
    ArticleFactory(slug="new-name")
    Redirect.objects.create(site_id=1, old_path="/articles/old-name/", new_path="/articles/new-name/")
    Redirect.objects.create(site_id=1, old_path="/closed/", new_path="")
    errors = errors_of(add_redirect(staff_client, "/promo6/", "/articles/old-name/"))
    assert errors["new_path"] == [
        "/articles/old-name/ is itself an old address, redirected to /articles/new-name/. Point this "
        "redirect at /articles/new-name/, so that visitors get there in one step."
    ]
    errors = errors_of(add_redirect(staff_client, "/promo6/", "/closed/"))
    assert "tells visitors its page is gone" in errors["new_path"][0]


@pytest.mark.parametrize(
    "new_path",
    [
        "/",
        "/faqs/",
        "/locations/",
        "/articles/evening-track/",
        "/articles/evening-track/?utm_source=flyer",
        "/articles/evening-track/#what-to-bring",
        "/locations/alpharetta/",
        "/search/?q=insurance",
        "/media/editor/flyer.jpg",
        "/static/css/site.css",
        "https://www.example.org/summer/",
        "",  # 410 Gone
    ],
)
def test_a_redirect_to_a_page_that_exists_is_saved_and_works(staff_client, new_path):
    ArticleFactory(slug="evening-track")
    LocationFactory(slug="alpharetta")
    default_storage.save("editor/flyer.jpg", ContentFile(b"a picture"))
    response = add_redirect(staff_client, "/promo6/", new_path)
    assert response.status_code == 302, response.context["adminform"].form.errors
    redirect = Redirect.objects.get()
    assert (redirect.site, redirect.new_path) == (Site.objects.get_current(), new_path)
    answer = Client().get("/promo6/")
    if new_path:
        assert (answer.status_code, answer["Location"]) == (301, new_path)
    else:
        assert answer.status_code == 410


@pytest.mark.parametrize("factory", [ArticleFactory, LocationFactory])
def test_a_redirect_to_a_page_not_public_yet_is_saved_with_a_warning(staff_client, factory):
    """Made ahead of the page's publication, for a campaign: it exists, so the redirect is kept,
    and the editor is told what visitors get until then."""
    page = factory(
        slug="spring-campaign", **({"draft": True} if factory is ArticleFactory else {"is_published": False})
    )
    response = add_redirect(staff_client, "/spring/", page.get_absolute_url(), follow=True)
    assert Redirect.objects.filter(old_path="/spring/", new_path=page.get_absolute_url()).exists()
    said = [str(message) for message in response.context["messages"]]
    assert (
        f"“{page}” at {page.get_absolute_url()} is not public now, so visitors this redirect sends there "
        "get “page not found” until it is published."
    ) in said


def test_the_form_asks_for_no_site_and_saves_this_one(staff_client):
    """Django's form made editors pick a site with a radio button, not preselected, whose one
    choice was example.com. django.contrib.redirects answers only for the current site
    (SITE_ID), so the choice was never a choice."""
    form = staff_client.get(ADD).context["adminform"].form
    assert list(form.fields) == ["old_path", "new_path"]
    assert 'name="site"' not in staff_client.get(ADD).content.decode()
    assert add_redirect(staff_client, "/promo6/", "/faqs/").status_code == 302
    assert Redirect.objects.get().site_id == Site.objects.get_current().pk


def test_a_second_redirect_from_the_same_old_address_is_refused_on_that_field(staff_client):
    Redirect.objects.create(site_id=1, old_path="/promo6/", new_path="/faqs/")
    errors = errors_of(add_redirect(staff_client, "/promo6/", "/locations/"))
    assert errors["old_path"] == [
        "A redirect from /promo6/ already exists. Change that one in the list of redirects instead."
    ]
    # Changing the existing one is fine, whatever its old address.
    redirect = Redirect.objects.get()
    url = reverse("admin:redirects_redirect_change", args=[redirect.pk])
    response = staff_client.post(url, {"old_path": "/promo6/", "new_path": "/locations/"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Redirect.objects.get().new_path == "/locations/"


def test_a_redirect_into_the_site_editor_is_refused(staff_client):
    # The admin answers at its address, so it passed as a page; a public redirect to it would
    # show every visitor where the site editor is (ADMIN_URL is kept out of public pages).
    article = ArticleFactory(slug="evening-track")
    for new_path in (reverse("admin:index"), reverse("admin:articles_article_change", args=[article.pk])):
        errors = errors_of(add_redirect(staff_client, "/promo6/", new_path))
        assert errors["new_path"] == [
            f"{new_path} is in the site editor, which visitors cannot open: a redirect there would only "
            "show them where it is. Point it at the page on the site instead, such as /articles/new-name/."
        ]
    assert not Redirect.objects.exists()


def test_a_redirect_to_a_shared_preview_link_is_refused(staff_client):
    # A shared preview link opens a draft for whoever has it: a redirect would hand it to everyone.
    from articles.models import PreviewLink

    link = PreviewLink.objects.create(article=ArticleFactory(draft=True, slug="coming-soon"), note="review")
    new_path = reverse("articles:shared_preview", args=[link.token])
    errors = errors_of(add_redirect(staff_client, "/promo6/", new_path))
    assert errors["new_path"] == [
        "This is a shared preview link: a redirect would show the draft to everyone who follows it. "
        "Point it at the article’s own address, /articles/coming-soon/: the redirect can be made before "
        "the article is published."
    ]
    assert not Redirect.objects.exists()
    assert Client().get("/promo6/").status_code == 404


@pytest.mark.parametrize(
    "old_path",
    ["/.well-known/acme-challenge/Zm9vYmFy", "/.well-known/security.txt", "/.Well-Known/change-password"],
)
def test_a_redirect_from_an_address_other_services_check_the_site_at_is_refused(staff_client, old_path):
    # A certificate authority follows redirects when it checks /.well-known/acme-challenge/<token>:
    # a redirect to a server of one's own there got a certificate for the site's address.
    errors = errors_of(add_redirect(staff_client, old_path, "https://elsewhere.example/Zm9vYmFy"))
    assert "Addresses under /.well-known/ are where other services check" in errors["old_path"][0]
    assert not Redirect.objects.exists()
    assert Client().get(old_path).status_code == 404


@pytest.mark.parametrize("query", ["", "?from=ca"])
def test_a_redirect_stored_under_well_known_some_other_way_never_answers(query):
    """Written with the shell, an import or SQL, past the form: visitors still get 404 there."""
    site = Site.objects.get_current()
    Redirect.objects.create(
        site=site, old_path="/.well-known/acme-challenge/Zm9vYmFy", new_path="https://elsewhere.example/x"
    )
    Redirect.objects.create(site=site, old_path="/promo6/", new_path="https://elsewhere.example/x")
    response = Client().get(f"/.well-known/acme-challenge/Zm9vYmFy{query}")
    assert response.status_code == 404
    assert "Location" not in response
    assert Client().get(f"/promo6/{query}").status_code == 301  # any other old address still leads on
