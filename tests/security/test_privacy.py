"""Nothing on a public page reports the visit to anyone else, search words reach no log, and the
browser is not asked to remember what a visitor typed.

Every public page type is walked; any address that would make the browser fetch something from
another origin fails the test: `src`, `srcset`, `poster`, `data`, stylesheet, script, icon,
preload or prefetch links, `url()` and `@import` in the site's CSS, preconnect hints, `ping`.
"""

import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from carter_site.logging import JsonFormatter

from .conftest import public_pages

pytestmark = pytest.mark.django_db

# <link rel=...> values that make the browser fetch (or connect to) the address by itself.
FETCHING_RELS = {
    "stylesheet", "icon", "shortcut", "apple-touch-icon", "mask-icon", "manifest", "preload",
    "prefetch", "preconnect", "dns-prefetch", "modulepreload", "prerender",
}  # fmt: skip
FETCHING_ATTRIBUTES = {"src", "poster", "data", "background", "ping", "action", "formaction"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)


def is_external(url):
    """Anything with a host, or a scheme other than our own pages' (data: URLs are inline)."""
    url = url.strip()
    if not url or url.startswith("#"):
        return False
    parts = urlsplit(url)
    if url.startswith("//") or parts.netloc:
        return parts.netloc not in {"testserver"}
    return parts.scheme not in {"", "data"}


def fetched_addresses(html):
    """(what, address) for everything the page makes a browser fetch."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    for element in document.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        for attribute in FETCHING_ATTRIBUTES & set(element.attrib):
            yield f"<{tag} {attribute}>", element.get(attribute)
        if "srcset" in element.attrib:
            for candidate in element.get("srcset").split(","):
                yield f"<{tag} srcset>", candidate.strip().split(" ")[0]
        if tag == "link" and FETCHING_RELS & set(element.get("rel", "").lower().split()):
            yield f"<link rel={element.get('rel')}>", element.get("href")
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            yield "<meta refresh>", element.get("content", "").partition("url=")[2]
        if tag == "style" or "style" in element.attrib:
            css = element.text if tag == "style" else element.get("style")
            for match in CSS_URL.finditer(css or ""):
                yield f"<{tag}> css", match.group(1) or match.group(2)


def stylesheets(html):
    document = html5lib.parse(html, namespaceHTMLElements=False)
    for link in document.iter("link"):
        if "stylesheet" in link.get("rel", "").split():
            yield link.get("href")


def test_no_public_page_type_makes_a_request_to_another_origin(client, site):
    checked = 0
    for name, path in public_pages(site):
        response = client.get(path)
        assert response.status_code in {200, 404}, name
        for what, address in fetched_addresses(response.content):
            assert not is_external(address), f"{name}: {what} {address}"
            checked += 1
    assert checked > 20  # the walk really saw the stylesheet, icons, pictures and the search form


def test_the_sites_stylesheets_load_nothing_from_elsewhere(client, site):
    hrefs = set(stylesheets(client.get("/").content))
    assert hrefs, "no stylesheet found"
    for href in hrefs:
        path = finders.find(href.removeprefix("/static/"))
        assert path, href
        css = Path(path).read_text(encoding="utf-8")
        for match in CSS_URL.finditer(css):
            address = match.group(1) or match.group(2)
            assert not is_external(address), f"{href}: {address}"


def test_an_editor_cannot_put_a_tracking_pixel_or_remote_picture_into_an_article(client, site):
    article = site["article"]
    article.body = (
        '<p>Hi</p><img src="https://tracker.example/pixel.gif?u=1" alt="">'
        '<img src="//cdn.example/a.png" alt=""><img src="/media/editor/ok.png" alt="ours">'
    )
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "tracker.example" not in html and "cdn.example" not in html
    assert 'src="/media/editor/ok.png"' in html


def test_public_pages_set_no_cookies(client, site):
    for name, path in public_pages(site):
        assert not client.get(path).cookies, name


def test_no_answer_to_a_visitor_sets_a_cookie_after_a_form_or_an_error(site):
    """Beyond the pages themselves: the nearest-location form's answers, a link that has ended, a
    refused host, a form sent to a page that only reads. A CSRF or session cookie on any of them
    would tell whoever opens the browser's cookie list that this site was visited."""
    from django.test import Client

    from articles.models import PreviewLink

    ended = PreviewLink.objects.create(article=site["article"], note="Reviewer", revoked=True)
    browser = Client(enforce_csrf_checks=True)
    locations = reverse("locations:list")
    answers = {
        "nearest location": browser.get(locations, {"near": "30009"}),
        "place not found": browser.get(locations, {"near": "Atlantis"}),
        "empty place": browser.get(locations, {"near": ""}),
        "ended preview link": browser.get(ended.get_absolute_url()),
        "foreign host": browser.get("/", headers={"host": "elsewhere.example"}),
        "form sent to a page": browser.post(reverse("search"), {"q": "relapse"}),
        "page past the end": browser.get(reverse("articles:list"), {"page": "99"}),
    }
    assert [answer.status_code for answer in answers.values()] == [200, 200, 200, 404, 400, 405, 404]
    for name, answer in answers.items():
        assert not answer.cookies, name
        assert not browser.cookies, name


def typed_fields(html):
    """(id, autocomplete) of every field of a public page that a visitor types words into."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    for field in document.iter("input"):
        if field.get("type", "text").lower() in {"text", "search"}:
            yield field.get("id"), field.get("autocomplete")
    for field in document.iter("textarea"):
        yield field.get("id"), field.get("autocomplete")


def test_browsers_are_not_asked_to_remember_what_a_visitor_types(client, site):
    """Browsers keep what is typed into a form's fields (Chromium's autofill table, Firefox's form
    history) and offer it to whoever uses the device next, unless the field says
    autocomplete="off": the header search, the search page and the nearest-location form, on its
    own or refilled after an answer or a place that could not be found."""
    pages = [
        *public_pages(site),
        ("nearest location", reverse("locations:list") + "?near=30009"),
        ("place not found", reverse("locations:list") + "?near=Atlantis"),
    ]
    seen = set()
    for name, path in pages:
        for field, autocomplete in typed_fields(client.get(path).content):
            assert autocomplete == "off", f"{name}: #{field} has autocomplete={autocomplete!r}"
            seen.add(field)
    assert {"header-search-q", "search-page-q", "home-near", "near"} <= seen


def test_search_words_reach_no_log_record(client, site, caplog):
    caplog.set_level(logging.DEBUG)
    client.get(reverse("search"), {"q": "private-words-about-my-drinking"})
    client.get("/no-such-page/", {"q": "private-words-about-my-drinking"})
    assert "private-words" not in caplog.text
    # As production writes them: one JSON object per record, the request reduced to method and path.
    formatter = JsonFormatter()
    assert caplog.records
    for record in caplog.records:
        assert "private-words" not in formatter.format(record)


def test_error_reports_to_sentry_carry_no_query_string():
    from carter_site.error_reports import scrub_error_report

    event = {
        "request": {
            "url": "https://carter.example/search/?q=relapse",
            "query_string": "q=relapse",
            "headers": {"Referer": "https://carter.example/search/?q=relapse", "User-Agent": "x"},
        }
    }
    scrubbed = scrub_error_report(event, {})
    assert "relapse" not in str(scrubbed)
    assert scrubbed["request"]["url"] == "https://carter.example/search/"
