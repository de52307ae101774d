"""A clinician's public page, with their agreement: the record, its page and the list of them, the
article's link to it, its structured data, the sitemap, the link checker and the page cache."""

import datetime as dt

import pytest
from django.contrib.redirects.models import Redirect
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from articles.credentials import meanings
from articles.models import Clinician
from carter_site.links import check_texts
from carter_site.roles import MARKETING_EDITORS, SITE_ADMINISTRATORS
from pages.models import validate_free_address
from tests.admin_forms import admin_form_data, change_url, signed_in
from tests.factories import ArticleFactory
from tests.seo.helpers import json_ld

pytestmark = pytest.mark.django_db

REVIEWED_ON = dt.date(2026, 6, 19)


def clinician(name="Morgan Hale", credentials="LCSW", slug="morgan-hale", **fields):
    return Clinician.objects.create(name=name, credentials=credentials, slug=slug, **fields)


def reviewed(by, **fields):
    article = ArticleFactory(**fields)
    article.record_review(by, REVIEWED_ON)
    article.save()
    return article


def text(response):
    return response.content.decode()


def review_line(response):
    page = text(response)
    start = page.index('<p class="article__review">')
    return page[start : page.index("</p>", start)]


@pytest.fixture
def morgan():
    return clinician(has_page=True, bio="Morgan leads the evening groups.")


@pytest.fixture
def admin_browser():
    return signed_in(SITE_ADMINISTRATORS, "ada", first_name="Ada")


# --- The record.


def test_a_clinician_has_no_public_page_until_one_is_agreed(client):
    quiet = clinician()
    assert quiet.has_page is False
    assert client.get("/clinicians/morgan-hale/").status_code == 404


def test_the_add_form_makes_the_address_from_the_name_and_keeps_the_page_off(admin_browser):
    form = admin_browser.get(reverse("admin:articles_clinician_add"))
    assert form.status_code == 200
    assert form.context["adminform"].form.fields["has_page"].initial is False
    assert "Ask the clinician first" in form.context["adminform"].form.fields["has_page"].help_text
    assert form.context["adminform"].model_admin.prepopulated_fields == {"slug": ["name"]}


def test_two_clinicians_at_one_address_is_a_clear_form_error_and_nothing_is_saved(admin_browser):
    clinician()
    response = admin_browser.post(
        reverse("admin:articles_clinician_add"),
        {"name": "Morgan Hale", "credentials": "LPC", "slug": "morgan-hale", "is_active": "on"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["slug"]
    assert errors == [
        "Another clinician's page has this address already. Make it different, for example with a "
        "middle initial or the licence letters (morgan-hale-lcsw)."
    ]
    assert Clinician.objects.count() == 1


def test_an_address_in_capitals_is_refused_with_the_lower_case_one_to_use(admin_browser):
    response = admin_browser.post(
        reverse("admin:articles_clinician_add"),
        {"name": "Morgan Hale", "credentials": "LCSW", "slug": "Morgan-Hale", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "morgan-hale" in " ".join(response.context["adminform"].form.errors["slug"])
    assert not Clinician.objects.exists()


def test_renaming_a_public_page_keeps_its_old_address(admin_browser, morgan):
    form = admin_browser.get(change_url(morgan))
    data = admin_form_data(form)
    data["slug"] = "morgan-hale-lcsw"
    response = admin_browser.post(change_url(morgan), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Redirect.objects.filter(old_path="/clinicians/morgan-hale/").get().new_path == (
        "/clinicians/morgan-hale-lcsw/"
    )
    old = Client().get("/clinicians/morgan-hale/")
    assert old.status_code == 301 and old["Location"] == "/clinicians/morgan-hale-lcsw/"


def test_renaming_a_page_never_shown_leaves_no_redirect(morgan):
    never = clinician(name="Jordan Okafor", slug="jordan-okafor")
    never.slug = "jordan-okafor-lpc"
    never.save()
    assert not Redirect.objects.filter(old_path="/clinicians/jordan-okafor/").exists()


def test_the_admin_list_shows_who_has_a_page_and_view_on_site_only_when_public(admin_browser, morgan):
    quiet = clinician(name="Jordan Okafor", slug="jordan-okafor")
    listing = admin_browser.get(reverse("admin:articles_clinician_changelist"))
    assert "has_page" in listing.context["cl"].list_display
    assert text(listing).count('class="field-has_page"') == 2
    assert "/clinicians/morgan-hale/" in text(admin_browser.get(change_url(morgan)))
    assert "View on site" in text(admin_browser.get(change_url(morgan)))
    assert "View on site" not in text(admin_browser.get(change_url(quiet)))


def test_a_marketing_editor_cannot_give_a_clinician_a_page(morgan):
    quiet = clinician(name="Jordan Okafor", slug="jordan-okafor")
    editor = signed_in(MARKETING_EDITORS, "sam")
    response = editor.post(
        change_url(quiet),
        {"name": "Jordan Okafor", "credentials": "LPC", "slug": "jordan-okafor", "has_page": "on"},
    )
    assert response.status_code == 403
    quiet.refresh_from_db()
    assert quiet.has_page is False


# --- The page.


def test_a_public_clinician_has_a_page_with_their_name_letters_and_bio(client, morgan):
    response = client.get("/clinicians/morgan-hale/")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Morgan Hale, LCSW</h1>" in page
    assert "LCSW: licensed clinical social worker" in page
    assert "<p>Morgan leads the evening groups.</p>" in page
    assert "tel:" in page and "988" in page  # the call box and the crisis line, as on every page


@pytest.mark.parametrize("is_active", [True, False])
def test_no_page_without_agreement_whether_or_not_they_still_review(client, is_active):
    clinician(is_active=is_active)
    assert client.get("/clinicians/morgan-hale/").status_code == 404


def test_a_clinician_who_stopped_reviewing_keeps_the_page_they_agreed_to(client):
    clinician(is_active=False, has_page=True)
    assert client.get("/clinicians/morgan-hale/").status_code == 200


def test_staff_see_a_page_not_yet_public_marked_as_such_and_never_cached(staff_client):
    clinician()
    response = staff_client.get("/clinicians/morgan-hale/")
    assert response.status_code == 200
    assert "No public page — only staff see this." in text(response)
    assert "no-store" in response["Cache-Control"]


def test_only_current_reviews_of_live_articles_are_listed(client, morgan):
    other = clinician(name="Jordan Okafor", slug="jordan-okafor", has_page=True)
    reviewed(morgan, title="Listed: live and current")
    changed = reviewed(morgan, title="Hidden: changed since the review")
    changed.body += "<p>A sentence Morgan has not read.</p>"
    changed.save()
    reviewed(morgan, title="Hidden: a draft", draft=True)
    reviewed(morgan, title="Hidden: scheduled", scheduled=True)
    reviewed(morgan, title="Hidden: taken down", expired=True)
    reviewed(other, title="Hidden: reviewed by someone else")
    ArticleFactory(title="Hidden: never reviewed")

    page = text(client.get("/clinicians/morgan-hale/"))
    assert "Listed: live and current" in page
    assert "June 19, 2026" in page
    assert "Hidden:" not in page


def test_a_long_list_of_reviews_comes_a_page_at_a_time(client, morgan):
    for number in range(25):
        reviewed(morgan, title=f"Reviewed article {number:02d}")
    first = text(client.get("/clinicians/morgan-hale/"))
    second = text(client.get("/clinicians/morgan-hale/?page=2"))
    assert first.count("reviewed on <time") == 20 and second.count("reviewed on <time") == 5
    assert "Page 1 of 2" in first
    assert client.get("/clinicians/morgan-hale/?page=3").status_code == 404


def test_the_bio_is_plain_text_escaped_with_its_line_breaks_kept(client):
    clinician(has_page=True, bio='<script>alert("x")</script> & more\nSecond line\n\nNew paragraph')
    page = text(client.get("/clinicians/morgan-hale/"))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more<br>Second line</p>" in page
    assert "<p>New paragraph</p>" in page


@pytest.mark.parametrize(
    ("credentials", "explained"),
    [
        ("LCSW", [("LCSW", "licensed clinical social worker")]),
        (
            "LPC, CAADC",
            [
                ("LPC", "licensed professional counselor"),
                ("CAADC", "certified advanced alcohol and drug counselor"),
            ],
        ),
        ("MD, PhD", [("MD", "doctor of medicine, a physician"), ("PhD", "a research doctorate")]),
        ("LCSW-C", []),  # a state's own variant: not guessed
        ("QMHP", []),
    ],
)
def test_only_well_known_letters_are_explained(credentials, explained):
    assert meanings(credentials) == explained


def test_unknown_letters_are_shown_and_not_explained(client):
    clinician(credentials="LCSW-C", has_page=True)
    page = text(client.get("/clinicians/morgan-hale/"))
    assert "Morgan Hale, LCSW-C" in page
    assert "licensed clinical social worker" not in page


def test_the_list_shows_the_public_clinicians_and_the_footer_links_it_only_then(client):
    clinician(name="Jordan Okafor", slug="jordan-okafor")
    assert 'href="/clinicians/"' not in text(client.get("/"))
    listing = text(client.get("/clinicians/"))
    assert "Jordan Okafor" not in listing

    clinician(has_page=True)
    assert 'href="/clinicians/">Our clinical reviewers</a>' in text(client.get("/"))
    listing = text(client.get("/clinicians/"))
    assert 'href="/clinicians/morgan-hale/"' in listing
    assert "Jordan Okafor" not in listing


# --- The article page.


def test_the_article_links_its_reviewer_to_their_page(client, morgan):
    article = reviewed(morgan)
    line = review_line(client.get(article.get_absolute_url()))
    assert '<a href="/clinicians/morgan-hale/">Morgan Hale, LCSW</a>' in line


def test_the_article_names_a_reviewer_without_a_page_in_plain_text(client):
    article = reviewed(clinician())
    line = review_line(client.get(article.get_absolute_url()))
    assert "Morgan Hale, LCSW" in line and "<a " not in line


def webpage(graph):
    return next(node for node in graph if node.get("@id", "").endswith("#webpage"))


def test_the_reviewer_in_the_articles_structured_data_has_the_pages_url(client, morgan):
    article = reviewed(morgan)
    reviewer = webpage(json_ld(client.get(article.get_absolute_url())))["reviewedBy"]
    assert reviewer == {
        "@type": "Person",
        "@id": "http://testserver/clinicians/morgan-hale/#person",
        "name": "Morgan Hale",
        "honorificSuffix": "LCSW",
        "url": "http://testserver/clinicians/morgan-hale/",
    }


def test_a_reviewer_without_a_page_has_no_url_in_structured_data(client):
    article = reviewed(clinician(bio="Not shown on the article."))
    reviewer = webpage(json_ld(client.get(article.get_absolute_url())))["reviewedBy"]
    assert reviewer == {"@type": "Person", "name": "Morgan Hale", "honorificSuffix": "LCSW"}


def test_the_clinicians_page_is_a_profile_page_about_them(client, morgan):
    graph = json_ld(client.get("/clinicians/morgan-hale/"))
    page = webpage(graph)
    assert page["@type"] == "ProfilePage"
    assert page["mainEntity"] == {"@id": "http://testserver/clinicians/morgan-hale/#person"}
    person = next(node for node in graph if node.get("@type") == "Person")
    assert person == {
        "@type": "Person",
        "@id": "http://testserver/clinicians/morgan-hale/#person",
        "name": "Morgan Hale",
        "honorificSuffix": "LCSW",
        "url": "http://testserver/clinicians/morgan-hale/",
        "description": "Morgan leads the evening groups.",
    }
    crumbs = next(node for node in graph if node.get("@type") == "BreadcrumbList")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == ["Home", "Our clinical reviewers", "Morgan Hale, LCSW"]
    assert webpage(json_ld(client.get("/clinicians/")))["@type"] == "CollectionPage"


# --- The sitemap, the link checker, the page cache.


def test_the_sitemap_lists_public_clinicians_pages_and_their_list(client, morgan):
    clinician(name="Jordan Okafor", slug="jordan-okafor")
    sitemap = text(client.get("/sitemap.xml"))
    assert "<loc>http://testserver/clinicians/morgan-hale/</loc>" in sitemap
    assert "<loc>http://testserver/clinicians/</loc>" in sitemap
    assert "jordan-okafor" not in sitemap


def test_the_sitemap_has_no_list_of_clinicians_while_none_has_a_page(client):
    clinician()
    assert "/clinicians/" not in text(client.get("/sitemap.xml"))


def problems(html):
    return [str(problem) for problem in check_texts([("text", html, "/articles/x/")]).get("text", [])]


def test_the_link_checker_knows_clinicians_pages(morgan):
    clinician(name="Jordan Okafor", slug="jordan-okafor")
    assert problems('<p><a href="/clinicians/morgan-hale/">Morgan</a></p>') == []
    assert problems('<p><a href="/clinicians/">our reviewers</a></p>') == []
    (hidden,) = problems('<p><a href="/clinicians/jordan-okafor/">Jordan</a></p>')
    assert "the page of the clinician “Jordan Okafor, LCSW”, who has no public page" in hidden
    (missing,) = problems('<p><a href="/clinicians/nobody/">someone</a></p>')
    assert "leads to no page" in missing


def test_editing_a_clinician_shows_on_a_cached_article_at_once(admin_browser):
    quiet = clinician()
    article = reviewed(quiet)
    visitor = Client()
    visitor.get(article.get_absolute_url())
    cached = visitor.get(article.get_absolute_url())
    assert cached["X-Page-Cache"] == "hit" and "<a " not in review_line(cached)

    data = admin_form_data(admin_browser.get(change_url(quiet)))
    data.update(name="Morgan Hale-Rivera", has_page="on")
    assert admin_browser.post(change_url(quiet), data).status_code == 302

    fresh = visitor.get(article.get_absolute_url())
    assert fresh["X-Page-Cache"] == "miss"
    assert '<a href="/clinicians/morgan-hale/">Morgan Hale-Rivera, LCSW</a>' in review_line(fresh)
    assert 'href="/clinicians/">Our clinical reviewers' in text(fresh)


def test_clinicians_pages_are_cached_and_answer_304_to_their_etag(morgan, django_assert_num_queries):
    visitor = Client()
    for url in ("/clinicians/", "/clinicians/morgan-hale/"):
        first = visitor.get(url)
        assert first["X-Page-Cache"] == "miss"
        with django_assert_num_queries(0):
            assert visitor.get(url)["X-Page-Cache"] == "hit"
        assert visitor.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_standing_page_cannot_take_the_clinicians_address():
    with pytest.raises(ValidationError, match="already uses the address /clinicians/"):
        validate_free_address("clinicians")


def test_a_clinician_recorded_without_an_address_gets_a_free_one_from_the_name():
    first = Clinician.objects.create(name="Dana Reyes", credentials="LPC")
    second = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    assert (first.slug, second.slug) == ("dana-reyes", "dana-reyes-2")


def test_restoring_an_old_version_never_shows_a_page_the_clinician_took_back(admin_browser, morgan):
    from reversion.models import Version

    form = admin_form_data(admin_browser.get(change_url(morgan)))
    form.update(bio="Leads the evening groups in Alpharetta.")
    assert admin_browser.post(change_url(morgan), form).status_code == 302
    form = admin_form_data(admin_browser.get(change_url(morgan)))
    form.pop("has_page")  # the clinician asked for their page to come down
    assert admin_browser.post(change_url(morgan), form).status_code == 302

    shown = Version.objects.get_for_object(morgan).order_by("pk").first()
    url = reverse("admin:articles_clinician_revision", args=[morgan.pk, shown.pk])
    response = admin_browser.get(url)
    assert admin_browser.post(url, admin_form_data(response)).status_code == 302
    morgan.refresh_from_db()
    assert morgan.bio == "Leads the evening groups in Alpharetta."
    assert morgan.has_page is False
    assert Client().get("/clinicians/morgan-hale/").status_code == 404
