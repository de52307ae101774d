"""Helpers for the SEO tests: strict HTML parsing, JSON-LD and head tags."""

import json

import html5lib
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.images import png_bytes


def parse(html):
    """The page as a tree; html5lib in strict mode raises on any parse error."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)


def text(element):
    return " ".join("".join(element.itertext()).split())


def squash(value):
    """Text compared without regard to spacing (block boundaries, line breaks)."""
    return "".join(value.split())


def json_ld(response):
    """The page's one JSON-LD block, parsed as JSON: its @graph, a list of nodes."""
    tree = parse(response.content.decode())
    scripts = tree.findall(".//script[@type='application/ld+json']")
    assert len(scripts) == 1, f"expected one JSON-LD block, found {len(scripts)}"
    data = json.loads(scripts[0].text)
    assert data["@context"] == "https://schema.org"
    assert isinstance(data["@graph"], list)
    return data["@graph"]


def types_of(node):
    kind = node.get("@type", [])
    return kind if isinstance(kind, list) else [kind]


def of_type(graph, kind):
    return [node for node in graph if kind in types_of(node)]


def one_of_type(graph, kind):
    nodes = of_type(graph, kind)
    assert len(nodes) == 1, f"expected one {kind}, found {len(nodes)}"
    return nodes[0]


def head_meta(response):
    """{(attribute, name): content} for the <meta> tags of the head, and the <link> tags by rel."""
    tree = parse(response.content.decode())
    metas = {}
    for meta in tree.findall(".//head/meta"):
        key = meta.get("property") or meta.get("name")
        if key:
            metas[key] = meta.get("content")
    links = {}
    for link in tree.findall(".//head/link"):
        links.setdefault(link.get("rel"), []).append(link.attrib)
    return metas, links


def hero_upload():
    return SimpleUploadedFile("hero.png", png_bytes((1200, 630)), content_type="image/png")


def public_pages(site):
    """Every public page type, by name."""
    return {
        "home": "/",
        "article-list": "/articles/",
        "article": site["article"].get_absolute_url(),
        "article-without-extras": site["coming_back"].get_absolute_url(),
        "location-list": "/locations/",
        "location": site["alpharetta"].get_absolute_url(),
        "location-without-coordinates": site["jefferson"].get_absolute_url(),
        "faqs": "/faqs/",
        "faq-topic": "/faqs/insurance/",
        "testimonials": "/testimonials/",
        "standing-page": site["privacy"].get_absolute_url(),
    }
