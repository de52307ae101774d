"""Standing pages: the privacy notice, the accessibility statement and the like, at an address of
their own at the top of the site and linked from every page's footer."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.test import Client
from django.urls import reverse

from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS
from pages.models import Page
from tests.admin_forms import edit_in_admin, signed_in
from tests.factories import ArticleFactory, LocationFactory, PageFactory

pytestmark = pytest.mark.django_db


def footer_of(html):
    return html[html.index('<footer class="site-footer">') :]


def page_form_data(**overrides):
    """What the admin's form for a new standing page posts; `overrides` on top."""
    data = {
        "title": "Notice of nondiscrimination",
        "slug": "nondiscrimination",
        "summary": "Who we treat, and how to tell us if you were treated unfairly.",
        "body": "<h2>Our promise</h2><p>We treat everyone who comes to us with the same care.</p>",
        "effective_on": "",
        "in_footer": "on",
        "order": "3",
        "is_published": "on",
        "seo_title": "",
        "meta_description": "",
    }
    data.update(overrides)
    return data


def test_a_published_page_shows_at_its_address_with_its_summary_and_effective_date(client):
    page = PageFactory(
        title="Privacy notice",
        slug="privacy",
        summary="What we keep, and why.",
        body="<h2>What we keep</h2><p>Only what the law asks of us.</p>",
        effective_on=dt.date(2026, 3, 1),
    )
    response = client.get("/privacy/")
    assert page.get_absolute_url() == "/privacy/"
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Privacy notice</h1>" in html
    assert "What we keep, and why." in html
    assert '<h2 id="what-we-keep">What we keep</h2><p>Only what the law asks of us.</p>' in html
    assert 'In effect from <time datetime="2026-03-01">March 1, 2026</time>' in html
    assert "<title>Privacy notice" in html
    assert 'aria-label="Breadcrumb"' in html and '<li aria-current="page">Privacy notice</li>' in html


def test_a_page_without_an_effective_date_says_none(client):
    PageFactory(slug="accessibility", effective_on=None)
    assert "In effect from" not in client.get("/accessibility/").content.decode()


def test_every_page_links_the_published_footer_pages_in_their_order(client):
    PageFactory(title="Accessibility", slug="accessibility", order=2)
    PageFactory(title="Privacy notice", slug="privacy", order=1)
    PageFactory(title="Old notice", slug="old-notice", order=0, is_published=False)
    PageFactory(title="Campaign page", slug="campaign", order=0, in_footer=False)
    article, location = ArticleFactory(), LocationFactory()
    for url in (
        "/",
        "/articles/",
        article.get_absolute_url(),
        location.get_absolute_url(),
        "/faqs/",
        "/campaign/",
    ):
        footer = footer_of(client.get(url).content.decode())
        assert '<nav aria-labelledby="footer-about">' in footer, url
        links = '<li><a href="/privacy/">Privacy notice</a></li><li><a href="/accessibility/">Accessibility</a></li>'
        assert links in footer, url
        assert "Old notice" not in footer and "Campaign page" not in footer, url
    # On a page of the list, its own link says so to screen readers, as the header's do.
    footer = footer_of(client.get("/privacy/").content.decode())
    assert (
        '<li><a href="/privacy/" aria-current="page">Privacy notice</a></li>'
        '<li><a href="/accessibility/">Accessibility</a></li>'
    ) in footer


def test_without_standing_pages_the_footer_has_no_empty_list(client):
    assert "footer-about" not in client.get("/").content.decode()


def test_a_page_left_out_of_the_footer_still_answers_at_its_address(client):
    PageFactory(title="Campaign page", slug="campaign", in_footer=False)
    assert client.get("/campaign/").status_code == 200


def test_an_unpublished_page_is_404_for_visitors_and_left_out_of_the_sitemap(client):
    PageFactory(title="Draft notice", slug="draft-notice", is_published=False)
    PageFactory(title="Privacy notice", slug="privacy")
    assert client.get("/draft-notice/").status_code == 404
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/privacy/</loc>" in sitemap
    assert "draft-notice" not in sitemap


def test_staff_see_an_unpublished_page_with_a_banner_never_cached(staff_client):
    PageFactory(title="Draft notice", slug="draft-notice", is_published=False)
    response = staff_client.get("/draft-notice/")
    assert response.status_code == 200
    assert "Draft — not public." in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_page_answers_only_get_and_head(client):
    PageFactory(slug="privacy")
    assert client.head("/privacy/").status_code == 200
    assert client.post("/privacy/").status_code == 405


def test_an_address_typed_in_capitals_leads_to_the_page(client):
    PageFactory(slug="privacy")
    response = client.get("/Privacy/")
    assert response.status_code == 301
    assert response["Location"] == "/privacy/"


def test_the_rich_text_of_a_page_is_sanitised_on_the_way_in():
    page = PageFactory(body='<p onclick="steal()">Hello</p><script>steal()</script>')
    page.refresh_from_db()
    assert page.body == "<p>Hello</p>"


@pytest.mark.parametrize(
    "slug",
    ["articles", "locations", "faqs", "testimonials", "search", "healthz", "readyz", "static", "media"],
)
def test_a_page_may_not_take_an_address_the_site_already_uses(slug):
    editor = signed_in(MARKETING_EDITORS, "dana")
    response = editor.post(reverse("admin:pages_page_add"), page_form_data(slug=slug))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        f"The site already uses the address /{slug}/. Choose another address for this page."
    ]
    assert not Page.objects.exists()


def test_a_page_may_not_take_the_admin_s_address():
    segment = settings.ADMIN_URL.strip("/").split("/")[0]
    editor = signed_in(MARKETING_EDITORS, "dana")
    response = editor.post(reverse("admin:pages_page_add"), page_form_data(slug=segment))
    assert "slug" in response.context["adminform"].form.errors
    assert not Page.objects.exists()


def test_a_page_added_in_the_admin_is_in_every_cached_page_s_footer_at_once(client):
    assert client.get("/").status_code == 200
    assert client.get("/")["X-Page-Cache"] == "hit"  # the home page is in the cache...
    editor = signed_in(MARKETING_EDITORS, "dana")
    response = editor.post(reverse("admin:pages_page_add"), page_form_data())
    assert response.status_code == 302
    response = client.get("/")  # ...and the next visitor gets it with the new link
    assert response["X-Page-Cache"] == "miss"
    assert '<a href="/nondiscrimination/">Notice of nondiscrimination</a>' in footer_of(
        response.content.decode()
    )


def test_the_editor_hears_of_a_redirect_from_the_address_a_published_page_takes():
    """Django's redirects answer only where the site has no page: the page wins, silently."""
    site = Site.objects.get_current()
    Redirect.objects.create(site=site, old_path="/nondiscrimination/", new_path="/legal/")
    Redirect.objects.create(site=site, old_path="/privacy-notice/", new_path="")
    editor = signed_in(MARKETING_EDITORS, "dana")
    warning = (
        "Redirects also sends /nondiscrimination/ to /legal/. That redirect is not used while this page is "
        "published there; delete it in Redirects unless it should take over once the page is unpublished."
    )
    response = editor.post(reverse("admin:pages_page_add"), page_form_data(), follow=True)
    assert warning in [str(message) for message in response.context["messages"]]
    response = edit_in_admin(editor, Page.objects.get(slug="nondiscrimination"), is_published=False)
    assert not any("Redirects also sends" in str(message) for message in response.wsgi_request._messages)
    # A draft published at an address that Redirects marks as gone.
    draft = PageFactory(slug="privacy-notice", is_published=False)
    response = edit_in_admin(editor, draft, is_published=True)
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any(
        message.startswith("Redirects also sends /privacy-notice/ to nowhere (gone).") for message in messages
    )
    assert Redirect.objects.count() == 2  # the editor decides


def test_renaming_a_published_page_keeps_its_old_address(client):
    page = PageFactory(title="Privacy", slug="privacy")
    editor = signed_in(MARKETING_EDITORS, "dana")
    response = edit_in_admin(editor, page, slug="privacy-notice")
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any("Its old address, /privacy/, leads there" in message for message in messages)
    response = client.get("/privacy/")
    assert response.status_code == 301
    assert response["Location"] == "/privacy-notice/"


def test_marketing_editors_write_pages_and_clinical_reviewers_read_them():
    editors = Group.objects.get(name=MARKETING_EDITORS)
    reviewers = Group.objects.get(name=CLINICAL_REVIEWERS)
    codes = {"add_page", "change_page", "delete_page", "view_page"}
    assert codes <= set(
        editors.permissions.filter(content_type__app_label="pages").values_list("codename", flat=True)
    )
    assert set(
        reviewers.permissions.filter(content_type__app_label="pages").values_list("codename", flat=True)
    ) == {"view_page"}
    page = PageFactory()
    reviewer = signed_in(CLINICAL_REVIEWERS, "sam")
    assert reviewer.get(reverse("admin:pages_page_change", args=[page.pk])).status_code == 200
    response = reviewer.post(reverse("admin:pages_page_add"), page_form_data())
    assert response.status_code == 403
    assert not Page.objects.filter(slug="nondiscrimination").exists()


def test_the_admin_list_shows_each_page_s_address(staff_client):
    PageFactory(title="Privacy notice", slug="privacy")
    html = staff_client.get(reverse("admin:pages_page_changelist")).content.decode()
    assert "/privacy/" in html and "Privacy notice" in html


@pytest.mark.parametrize("slug", ["Privacy", "PRIVACY", "Privacy-Notice"])
def test_a_page_s_address_is_refused_in_capitals(slug):
    """Addresses are lower case: one typed in capitals leads to the page in lower case. A page at
    /Privacy/ would be out of that lookup's reach, and could stand beside another at /privacy/."""
    PageFactory(slug="privacy")
    editor = signed_in(MARKETING_EDITORS, "dana")
    response = editor.post(reverse("admin:pages_page_add"), page_form_data(slug=slug))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        f"Write the address in lower case: {slug.lower()}."
    ]
    assert list(Page.objects.values_list("slug", flat=True)) == ["privacy"]


def test_saving_a_page_warns_of_what_makes_it_hard_to_use():
    """The accessibility statement above all: a picture without a description or a skipped
    heading level is pointed out after saving, as for an article."""
    editor = signed_in(MARKETING_EDITORS, "dana")
    body = '<h2>Our promise</h2><h4>Details</h4><p><img src="/media/editor/ramp.jpg"> Step-free.</p>'
    response = editor.post(reverse("admin:pages_page_add"), page_form_data(body=body), follow=True)
    assert Page.objects.filter(slug="nondiscrimination").exists()
    said = [str(message) for message in response.context["messages"]]
    assert "Check: The image ramp.jpg has no description (alt text) for people who cannot see it." in said
    assert "Check: A Heading 4 follows a Heading 2: a level is skipped." in said


def test_the_warnings_follow_every_way_of_saving_a_change():
    page = PageFactory(title="Accessibility", slug="accessibility")
    editor = signed_in(MARKETING_EDITORS, "dana")
    body = '<h2>What we do</h2><p><img src="/media/editor/ramp.jpg"> A ramp at the door.</p>'
    for button in ("_save", "_continue", "_addanother"):
        response = edit_in_admin(editor, page, body=body, **{button: "Save"})
        said = [str(message) for message in editor.get(response["Location"]).context["messages"]]
        assert "” was changed successfully." in said[0], button  # Django's first, then the checks
        assert (
            "Check: The image ramp.jpg has no description (alt text) for people who cannot see it." in said
        ), button
        page.refresh_from_db()


def test_an_address_without_its_slash_leads_to_a_page_only_where_there_is_one(client):
    """A standing page's pattern matches any "/<slug>/": Django's added slash would otherwise
    answer every unknown address with a permanent redirect, then a 404."""
    PageFactory(slug="privacy")
    article = ArticleFactory(slug="week-of-iop")
    for path, goes_to in [
        ("/privacy", "/privacy/"),
        ("/articles/week-of-iop", article.get_absolute_url()),
        ("/search", "/search/"),
        ("/Privacy", "/privacy/"),  # in one step, not by way of /Privacy/
        ("/PRIVACY?utm_source=radio", "/privacy/?utm_source=radio"),
    ]:
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (301, goes_to), path
    for path in ("/wp-admin", "/no-such-page", "/articles/no-such-article", "/draft-notice"):
        assert client.get(path).status_code == 404, path
    PageFactory(slug="draft-notice", is_published=False)
    assert client.get("/draft-notice").status_code == 404  # not a page visitors get


def test_staff_who_see_drafts_are_led_to_a_draft_s_address_with_its_slash(staff_client):
    PageFactory(slug="draft-notice", is_published=False)
    article = ArticleFactory(slug="week-of-iop", draft=True)
    for path, goes_to in [
        ("/draft-notice", "/draft-notice/"),
        ("/articles/week-of-iop", article.get_absolute_url()),
    ]:
        response = staff_client.get(path)
        assert (response.status_code, response["Location"]) == (301, goes_to), path
        assert staff_client.get(goes_to).status_code == 200
        assert Client().get(path).status_code == 404, path


def footer_warnings(response):
    return [
        str(message) for message in response.context["messages"] if "footer of every page" in str(message)
    ]


def test_a_footer_page_leaving_the_site_in_any_way_says_it_leaves_every_footer():
    """The privacy notice unpublished by a slip: the editor is told the footer lost it, and that a
    notice the center must keep posted needs putting back."""
    privacy = PageFactory(title="Privacy notice", slug="privacy")
    editor = signed_in(MARKETING_EDITORS, "dana")
    response = edit_in_admin(editor, privacy, is_published="")
    [warning] = footer_warnings(editor.get(response["Location"]))
    assert warning == (
        "“Privacy notice” is no longer in the footer of every page, nor anywhere on the site. If it is a "
        "notice the center must keep posted (its Notice of Privacy Practices, its notice of "
        "nondiscrimination), publish it again, or its replacement, today."
    )

    privacy.is_published = True
    privacy.save()
    changelist = reverse("admin:pages_page_changelist")
    response = editor.post(
        changelist, {"action": "unpublish_selected", "_selected_action": [privacy.pk]}, follow=True
    )
    assert footer_warnings(response) == [warning]

    privacy.is_published = True
    privacy.save()
    [warning] = footer_warnings(editor.get(reverse("admin:pages_page_delete", args=[privacy.pk])))
    assert warning.startswith("Deleting “Privacy notice” takes it out of the footer of every page.")
    assert warning.endswith("publish its replacement first.")


def test_a_page_outside_the_footer_leaves_without_that_warning():
    leaflet = PageFactory(title="Parking leaflet", slug="parking", in_footer=False)
    editor = signed_in(MARKETING_EDITORS, "dana")
    response = edit_in_admin(editor, leaflet, is_published="")
    assert footer_warnings(editor.get(response["Location"])) == []
    assert not Page.objects.get(pk=leaflet.pk).is_published
