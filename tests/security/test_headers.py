"""Security headers on public pages and on the admin: CSP, HSTS, Permissions-Policy and the rest."""

import pytest
from django.test import override_settings
from django.urls import reverse

from carter_site.security import permissions_policy_header

from .conftest import public_pages

pytestmark = pytest.mark.django_db

DENIED_FEATURES = {"camera", "microphone", "geolocation", "payment"}


def csp(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def permissions(response):
    return {
        item.split("=", 1)[0].strip(): item.split("=", 1)[1].strip()
        for item in response["Permissions-Policy"].split(",")
    }


def assert_common_headers(response, referrer_policies=("strict-origin-when-cross-origin",)):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in referrer_policies
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY" or response["X-Frame-Options"] == "SAMEORIGIN"
    denied = permissions(response)
    for feature in DENIED_FEATURES:
        assert denied[feature] == "()", feature


def assert_public_csp(response, where):
    policy = csp(response)
    assert policy["default-src"] == ["'none'"], where
    assert policy["script-src"] == ["'self'"], where
    assert policy["style-src"] == ["'self'"], where
    assert policy["object-src"] == ["'none'"], where
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["base-uri"] == ["'none'"], where
    for directive, sources in policy.items():
        for source in sources:
            # Keywords only: no other origin, no scheme such as https: or data:, no wildcard.
            assert source.startswith("'") and source.endswith("'"), (where, directive, source)
            assert source not in {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"}, (where, directive)


def test_every_public_page_type_sends_the_strict_policy_and_the_other_headers(client, site):
    for name, path in public_pages(site):
        response = client.get(path)
        assert response.status_code in {200, 404}, name
        # A shared preview's secret address is not even sent to this site's own other pages.
        stricter = ("no-referrer",) if name == "shared preview" else ("strict-origin-when-cross-origin",)
        assert_common_headers(response, stricter)
        assert_public_csp(response, name)
        assert response["X-Frame-Options"] == "DENY", name


def test_pages_served_from_the_page_cache_keep_every_header(client, site):
    first = client.get("/")
    second = client.get("/")
    assert second.status_code == 200
    for header in [
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
    ]:
        assert second[header] == first[header], header
    assert_public_csp(second, "home from the cache")


def test_feeds_sitemap_and_robots_get_the_headers_too(client, site):
    for path in [reverse("articles-feed"), reverse("sitemap"), reverse("robots_txt")]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_public_csp(response, path)
        assert_common_headers(response)


def test_the_admin_has_its_own_looser_policy_and_only_there(staff_client, site):
    login = staff_client.get(reverse("admin:login"))
    change = staff_client.get(reverse("admin:articles_article_change", args=[site["article"].pk]))
    assert change.status_code == 200
    for response in (login, change):
        assert_common_headers(response)
        policy = csp(response)
        # CKEditor 4 needs inline script and style (docs/security.md); nothing else is loosened.
        assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
        assert not [s for sources in policy.values() for s in sources if s == "'unsafe-eval'"]
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        for sources in policy.values():
            assert not [s for s in sources if "://" in s or s in {"*", "https:", "http:"}]
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    # The article's public page, seen by the same staff member, keeps the strict policy.
    assert_public_csp(staff_client.get(site["article"].get_absolute_url()), "article, as staff")


def test_the_admins_preview_of_an_article_keeps_the_public_pages_policy(staff_client, site):
    """The preview shows a draft's text, which nobody but its editors has read yet, at an address
    under the admin's: it is a public page's template and needs none of what the admin's policy
    allows for CKEditor (inline script above all), so it keeps the public pages' policy."""
    article = site["article"]
    preview = staff_client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert preview.status_code == 200
    assert_public_csp(preview, "the admin's preview")
    assert_common_headers(preview, referrer_policies=("no-referrer",))
    assert preview["X-Robots-Tag"] == "noindex, nofollow"
    # The rest of the admin keeps its own policy.
    change = staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert csp(change)["script-src"] == ["'self'", "'unsafe-inline'"]


def test_the_strict_policy_allows_no_inline_script_or_style_in_public_templates(client, site):
    """What the policy forbids, the pages do not need: no inline script (JSON-LD is data) or style."""
    import html5lib

    for name, path in public_pages(site):
        document = html5lib.parse(client.get(path).content, namespaceHTMLElements=False)
        for script in document.iter("script"):
            assert script.get("type") == "application/ld+json", name
        assert not list(document.iter("style")), name
        for element in document.iter():
            assert "style" not in element.attrib, (name, element.tag)
            assert not [a for a in element.attrib if a.lower().startswith("on")], (name, element.tag)


@override_settings(
    SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
def test_hsts_is_preload_ready_over_https(client, site):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    admin = client.get(reverse("admin:login"), secure=True)
    assert admin["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_permissions_policy_header_syntax():
    assert permissions_policy_header(
        {"camera": [], "fullscreen": ["self"], "usb": ["https://a.example"]}
    ) == ('camera=(), fullscreen=(self), usb=("https://a.example")')


def test_a_changed_policy_takes_effect_at_once(client, site, settings):
    """The headers are built once per process, and again whenever the settings change."""
    assert "default-src 'none'" in client.get("/robots.txt")["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    assert client.get("/robots.txt")["Content-Security-Policy"] == "default-src 'self'"
