"""Every JSON-LD block of every page kind, on the demo content, parsed and held to schema.org.

The other structured-data tests build small sites of their own; this one reads the site an
editor and a search engine would see after `load_demo_content`: each public page kind (lists,
every article, location and standing page, the FAQ page), and the pages that must carry no
structured data at all (search results, the nearest locations, a page not found).

For each block: valid JSON, one `@graph`, only schema.org types the site means to use, and for
each type only properties schema.org defines for it; every `@id` a node refers to is defined on
the page, and every URL is absolute on the site's own origin. The facts a searcher acts on
(telephone, address, opening hours) must be the ones the page shows.
"""

import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from carter_site.models import SiteSettings
from carter_site.structured_data import international_phone
from faqs.models import FAQ
from locations.hours import grouped
from locations.models import Location
from pages.models import Page

from .helpers import one_of_type, parse, squash, text, types_of

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"

# schema.org properties of each type the site writes (including those each inherits from Thing,
# CreativeWork, WebPage, Organization, Place...). A property outside these is a typo or a claim
# schema.org does not define, which validators flag and search engines ignore.
THING = {"@id", "@type", "name", "url", "description", "image", "sameAs", "mainEntityOfPage"}
CREATIVE_WORK = THING | {
    "about",
    "author",
    "dateModified",
    "datePublished",
    "headline",
    "inLanguage",
    "isPartOf",
    "publisher",
}
WEB_PAGE = CREATIVE_WORK | {
    "breadcrumb",
    "lastReviewed",
    "mainEntity",
    "primaryImageOfPage",
    "reviewedBy",
}
ORGANIZATION = THING | {"address", "logo", "parentOrganization", "telephone"}
PLACE = THING | {
    "address",
    "amenityFeature",
    "geo",
    "openingHoursSpecification",
    "specialOpeningHoursSpecification",
    "telephone",
}
PROPERTIES = {
    "MedicalOrganization": ORGANIZATION,
    "Organization": ORGANIZATION,
    "MedicalClinic": ORGANIZATION | PLACE | {"availableService", "medicalSpecialty"},
    "WebSite": CREATIVE_WORK,
    "WebPage": WEB_PAGE,
    "CollectionPage": WEB_PAGE,
    "MedicalWebPage": WEB_PAGE,
    "FAQPage": WEB_PAGE,
    "Article": CREATIVE_WORK,
    "BreadcrumbList": THING | {"itemListElement"},
    "ListItem": THING | {"position", "item"},
    "ImageObject": CREATIVE_WORK | {"caption", "contentUrl", "width", "height"},
    "Person": THING | {"honorificSuffix"},
    "Question": CREATIVE_WORK | {"acceptedAnswer"},
    "Answer": CREATIVE_WORK | {"text"},
    "PostalAddress": THING
    | {"streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry"},
    "GeoCoordinates": THING | {"latitude", "longitude"},
    "OpeningHoursSpecification": THING | {"dayOfWeek", "opens", "closes", "validFrom", "validThrough"},
    "MedicalTherapy": THING,
    # A PropertyValue: its name and value (a location's step-free access).
    "LocationFeatureSpecification": THING | {"value"},
}
URL_PROPERTIES = {"@id", "url", "item", "contentUrl"}
DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


@pytest.fixture
def demo(db):
    call_command("load_demo_content", verbosity=0)


def indexable_pages():
    """Every public page kind, with every published article, location and standing page."""
    pages = [
        reverse("home"),
        reverse("articles:list"),
        reverse("locations:list"),
        reverse("faqs:list"),
        reverse("testimonials:list"),
    ]
    pages += [article.get_absolute_url() for article in Article.objects.published()]
    pages += [location.get_absolute_url() for location in Location.objects.published()]
    pages += [page.get_absolute_url() for page in Page.objects.published()]
    faq = FAQ.objects.published().first()
    pages.append(f"{reverse('faqs:list')}?open={faq.pk}")  # a search result's link to one answer
    return pages


def blocks(response):
    """Every JSON-LD block of the page, each parsed as JSON."""
    tree = parse(response.content.decode())
    return [
        json.loads(script.text)
        for script in tree.iter("script")
        if script.get("type") == "application/ld+json"
    ]


def nodes_in(value, parent_type=None):
    """(node, the type it is a value of) for every JSON object in `value`, however nested."""
    if isinstance(value, dict):
        yield value, parent_type
        kinds = types_of(value)
        for item in value.values():
            yield from nodes_in(item, kinds[0] if kinds else parent_type)
    elif isinstance(value, list):
        for item in value:
            yield from nodes_in(item, parent_type)


def urls_in(node):
    for key, value in node.items():
        if key in URL_PROPERTIES and isinstance(value, str):
            yield key, value


def check_graph(url, data):
    assert set(data) == {"@context", "@graph"}, url
    assert data["@context"] == "https://schema.org", url
    graph = data["@graph"]
    defined, references = set(), []
    for node, _parent in nodes_in(graph):
        if set(node) == {"@id"}:
            references.append(node["@id"])
            continue
        assert "@type" in node, f"{url}: a node without a type: {node}"
        for kind in types_of(node):
            assert kind in PROPERTIES, f"{url}: unexpected type {kind}"
            unknown = set(node) - set().union(*(PROPERTIES[k] for k in types_of(node)))
            assert not unknown, f"{url}: {kind} has no properties {sorted(unknown)}"
        for key, value in urls_in(node):
            assert value.startswith(f"{ORIGIN}/"), f"{url}: {key} {value} is not on the site"
        if "@id" in node:
            assert node["@id"] not in defined, f"{url}: {node['@id']} defined twice"
            defined.add(node["@id"])
        for key, value in node.items():
            if isinstance(value, str):
                assert value == value.strip() and value, f"{url}: {key} is blank or padded: {value!r}"
                assert "&amp;" not in value and "&#" not in value, f"{url}: {key} double-escaped: {value!r}"
    for reference in references:
        assert reference in defined, f"{url}: {reference} refers to nothing on the page"
    return graph


def visible_addresses(response):
    main = parse(response.content.decode()).find(".//main")
    return [squash(text(address)) for address in main.iter("address")]


def test_every_json_ld_block_of_every_demo_page_is_valid_schema_org(client, demo):
    pages = indexable_pages()
    assert len(pages) >= 14
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found = blocks(response)
        assert len(found) == 1, f"{url}: {len(found)} JSON-LD blocks"
        graph = check_graph(url, found[0])
        page = [node for node in graph if node.get("@id", "").endswith("#webpage")]
        assert len(page) == 1, url
        assert page[0]["url"] == ORIGIN + url.split("?")[0], url


@pytest.mark.parametrize(
    "url",
    ["/search/?q=evening", "/search/?q=nothing-matches-this", "/locations/?near=30549", "/no-such-page/"],
)
def test_pages_not_to_index_have_no_json_ld(client, demo, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert blocks(response) == []


def test_the_organization_gives_the_center_s_main_number(client, demo):
    settings = SiteSettings.load()
    assert settings.phone == "(470) 284-1834"
    for url in indexable_pages():
        graph = blocks(client.get(url))[0]["@graph"]
        assert one_of_type(graph, "MedicalOrganization")["telephone"] == "+1-470-284-1834", url


def test_each_clinic_s_address_phone_and_hours_are_those_its_page_shows(client, demo):
    site_phone = SiteSettings.load().phone
    for location in Location.objects.published().prefetch_related("opening_hours"):
        response = client.get(location.get_absolute_url())
        html = response.content.decode()
        clinic = one_of_type(blocks(response)[0]["@graph"], "MedicalClinic")

        address = clinic["address"]
        marked = f"{address['streetAddress']} {address['addressLocality']}, {address['addressRegion']} {address['postalCode']}"
        assert squash(marked) in visible_addresses(response), location.slug
        assert address["addressCountry"] == "US"

        shown_phone = location.phone or site_phone
        assert shown_phone in html
        assert clinic["telephone"] == international_phone(shown_phone)
        assert re.fullmatch(r"\+1-\d{3}-\d{3}-\d{4}", clinic["telephone"])

        assert clinic["geo"]["latitude"] == float(location.latitude)
        assert clinic["geo"]["longitude"] == float(location.longitude)

        # Every day and time the table shows, and no other.
        rows = list(location.opening_hours.all())
        shown = {(row.weekday, row.opens.strftime("%H:%M"), row.closes.strftime("%H:%M")) for row in rows}
        day_numbers = {
            name: number
            for number, name in enumerate(
                ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            )
        }
        marked_hours = set()
        for spec in clinic["openingHoursSpecification"]:
            days = spec["dayOfWeek"] if isinstance(spec["dayOfWeek"], list) else [spec["dayOfWeek"]]
            assert set(days) <= DAYS
            marked_hours |= {(day_numbers[day], spec["opens"], spec["closes"]) for day in days}
        assert marked_hours == shown, location.slug
        for group in grouped(rows):
            assert group.days in html
        # Holiday hours and closures: each the page shows, as a dated specification, and no other.
        shown_days = location.special_days_shown(timezone.localdate())
        marked_days = {
            (spec["validFrom"], spec["validThrough"])
            for spec in clinic.get("specialOpeningHoursSpecification", [])
        }
        assert marked_days == {(day.first_day.isoformat(), day.last_day.isoformat()) for day in shown_days}
        for day in shown_days:
            assert day.reason in html
