"""No known XSS vector survives the rich-text sanitiser, or an admin save, into rendered HTML.

The corpus (tests/security/xss_vectors.py) goes through `sanitise_html` one vector at a time,
and through the admin's change forms into an article, an FAQ and a location, whose public pages
are then parsed as a browser would parse them.
"""

import json
import re

import html5lib
import pytest
from django.urls import reverse

from carter_site.richtext import (
    ALLOWED_TAGS,
    pasted_pictures,
    remote_picture_hosts,
    sanitise_html,
    unknown_picture_addresses,
)
from tests.admin_forms import admin_form_data
from tests.factories import FAQFactory, LocationFactory

from .xss_vectors import PAYLOAD, VECTORS

FORBIDDEN_ELEMENTS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "form", "input", "button", "textarea", "select", "base", "link", "meta", "noscript", "template",
    "xmp", "listing", "plaintext", "noembed", "noframes", "video", "audio", "source", "marquee",
    "isindex", "keygen", "map", "area", "title", "details",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite",
    "dynsrc", "lowsrc", "srcset", "to", "values", "from", "longdesc", "usemap", "codebase",
}  # fmt: skip
# Elements of the site's own templates (JSON-LD, the search form, FAQ answers that fold open).
TEMPLATE_ELEMENTS = ("script", "form", "input", "button", "title", "meta", "link", "details")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


def url_is_dangerous(value):
    """As a browser reads a URL: leading/embedded whitespace and control characters are dropped."""
    return _IGNORED_IN_URLS.sub("", value).lower().startswith(DANGEROUS_SCHEMES)


def problems(element_tree, allowed_elements=None):
    """Everything in a parsed tree that could run script, restyle the page or post elsewhere."""
    found = []
    for element in element_tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        local = tag.rsplit("}", 1)[-1].lower()
        if allowed_elements is not None and local and local not in allowed_elements:
            found.append(f"element <{local}>")
        if local in FORBIDDEN_ELEMENTS:
            found.append(f"element <{local}>")
        for name, value in element.attrib.items():
            name = (name if isinstance(name, str) else name[1]).rsplit("}", 1)[-1].lower()
            if name.startswith("on"):
                found.append(f"<{local} {name}>")
            if name == "style":
                found.append(f"<{local} style>")
            if name in URL_ATTRIBUTES and url_is_dangerous(value):
                found.append(f"<{local} {name}={value!r}>")
    return found


@pytest.mark.parametrize("vector", VECTORS, ids=[f"v{n:03d}" for n in range(len(VECTORS))])
def test_no_vector_survives_the_sanitiser(vector):
    clean = sanitise_html(vector)
    fragment = html5lib.parseFragment(clean, namespaceHTMLElements=False)
    assert not problems(fragment, allowed_elements=ALLOWED_TAGS | {"document_fragment"}), clean
    # Sanitising is stable: what was stored comes back unchanged.
    assert sanitise_html(clean) == clean


def test_the_corpus_is_large_and_varied():
    assert len(VECTORS) >= 100
    assert len(set(VECTORS)) == len(VECTORS)
    assert sum(PAYLOAD in vector for vector in VECTORS) >= 100


def page_problems(client, url, baseline):
    """Problems in a public page, beyond what its template always has (the search form)."""
    response = client.get(url)
    assert response.status_code == 200, url
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    found = problems(document)
    for script in document.iter("script"):
        # JSON-LD: data, never run. It must stay one valid JSON document whatever editors wrote.
        assert script.get("type") == "application/ld+json", url
        json.loads(script.text)
    # Elements the templates themselves use are allowed, as many as on the same page without the vectors.
    found = [p for p in found if p not in {f"element <{tag}>" for tag in TEMPLATE_ELEMENTS}]
    counts = {tag: len(list(document.iter(tag))) for tag in TEMPLATE_ELEMENTS}
    assert counts == baseline, (url, counts, baseline)
    return found


# The admin's forms refuse NUL characters outright (Django's CharField), and pictures inside the
# text (`<img src="data:...">`) or from anywhere but this site (carter_site.richtext), before any
# sanitising: those vectors are checked against the sanitiser only, and the refusals below.
REFUSED_BY_THE_ADMIN = [
    vector
    for vector in VECTORS
    if "\x00" in vector
    or pasted_pictures(vector)
    or remote_picture_hosts(vector)
    or unknown_picture_addresses(vector)
]
ADMIN_CORPUS = "\n".join(vector for vector in VECTORS if vector not in REFUSED_BY_THE_ADMIN)
# An FAQ's answer is refused a heading, whatever its attributes (faqs.models.validate_no_headings).
HEADINGS = [
    vector
    for vector in VECTORS
    if vector not in REFUSED_BY_THE_ADMIN and re.search(r"<h[1-6][\s>]", sanitise_html(vector))
]
ANSWER_CORPUS = "\n".join(
    vector for vector in VECTORS if vector not in REFUSED_BY_THE_ADMIN and vector not in HEADINGS
)


@pytest.mark.django_db
def test_the_admin_refuses_text_with_nul_characters(staff_client, site):
    article = site["article"]
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    data["body"] = "<p>fine</p><script\x00>alert(7)</script>"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_refuses_a_picture_inside_the_text_or_from_elsewhere_and_stores_nothing(staff_client, site):
    article = site["article"]
    before = article.body
    url = reverse("admin:articles_article_change", args=[article.pk])
    pictures = [vector for vector in REFUSED_BY_THE_ADMIN if "\x00" not in vector]
    assert pictures
    for vector in pictures:
        data = admin_form_data(staff_client.get(url))
        data["body"] = f"<p>fine</p>{vector}"
        response = staff_client.post(url, data)
        assert response.status_code == 200
        page = response.content.decode()
        assert any(
            said in page
            for said in ("pasted into it", "from another website", "not one of this site&#x27;s uploads")
        ), vector
        article.refresh_from_db()
        assert article.body == before


def element_counts(client, url):
    document = html5lib.parse(client.get(url).content, namespaceHTMLElements=False)
    return {tag: len(list(document.iter(tag))) for tag in TEMPLATE_ELEMENTS}


def save_through_admin(client, model_name, obj, **changes):
    url = reverse(f"admin:{model_name}_change", args=[obj.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    obj.refresh_from_db()
    return obj


@pytest.mark.django_db
def test_no_vector_survives_an_admin_save_into_the_public_article(staff_client, client, site):
    article = site["article"]
    baseline = element_counts(client, article.get_absolute_url())
    save_through_admin(
        staff_client,
        "articles_article",
        article,
        body=ADMIN_CORPUS,
        # Plain-text fields go into <title>, meta tags and JSON-LD: escaping must hold there too.
        title=f'Week "</script><script>{PAYLOAD}</script>',
        summary=f"</title><img src=x onerror={PAYLOAD}> '\" <!--",
    )
    assert "<script" not in article.body  # stored sanitised: what the admin saved is clean already
    assert page_problems(client, article.get_absolute_url(), baseline) == []


@pytest.mark.django_db
def test_no_vector_survives_an_admin_save_into_faqs_and_locations(staff_client, client, site):
    faq = FAQFactory(question="Can I bring a friend?")
    location = LocationFactory(name="Jefferson", slug="jefferson")
    faq_baseline = element_counts(client, reverse("faqs:list"))
    location_baseline = element_counts(client, location.get_absolute_url())
    save_through_admin(staff_client, "faqs_faq", faq, answer=ANSWER_CORPUS)
    save_through_admin(staff_client, "locations_location", location, body=ADMIN_CORPUS)
    assert page_problems(client, reverse("faqs:list"), faq_baseline) == []
    assert page_problems(client, location.get_absolute_url(), location_baseline) == []
    # The heading vectors are refused in an answer, with the editor's message, and nothing is saved.
    assert HEADINGS
    url = reverse("admin:faqs_faq_change", args=[faq.pk])
    data = {**admin_form_data(staff_client.get(url)), "answer": "\n".join(HEADINGS)}
    response = staff_client.post(url, data)
    assert response.status_code == 200 and "An answer cannot hold a heading" in response.content.decode()
    faq.refresh_from_db()
    assert "<h" not in faq.answer
