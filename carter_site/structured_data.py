"""schema.org JSON-LD, built in Python: one small function per type, one `@graph` per page.

The rule: describe only what the page shows. A function gets exactly the objects the
template renders (the same querysets, already fetched), so the markup can neither run
queries of its own nor mention anything a visitor cannot see. See docs/seo.md for the
properties each type carries and the Google and schema.org pages behind them.

Nodes refer to each other by `@id` (for example the organisation is `<origin>/#organization`
on every page), which lets search engines join what they learn across pages.
"""

import json
import re
from collections import OrderedDict
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .phone import tel_uri
from .seo import absolute_url

LANGUAGE = "en-US"
COUNTRY = "US"
# A location's step-free way in, as its page says it (medical_clinic).
STEP_FREE_FEATURE = "Step-free access from the street to the door"

# Characters that could end the <script> element or confuse an HTML parser, escaped as
# JSON allows (as django.utils.html.json_script does). U+2028/9 are escaped for old parsers.
# Replaced one after another: str.replace is a pass in C, where str.translate with a mapping
# calls back into Python for every character (about 2 ms for a page of 77 FAQs).
_SCRIPT_ESCAPES = (
    ("<", "\\u003C"),
    (">", "\\u003E"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def _escape_for_script(text):
    for character, escaped in _SCRIPT_ESCAPES:
        if character in text:
            text = text.replace(character, escaped)
    return text


def render_script(graph_nodes):
    """The nodes as one `<script type="application/ld+json">` element, safe to put in HTML."""
    data = {"@context": "https://schema.org", "@graph": [node for node in graph_nodes if node]}
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(_escape_for_script(text)))


# --- Plain text from sanitised rich text ------------------------------------------------

_BLOCK_TAGS = frozenset(
    {"p", "br", "hr", "li", "ul", "ol", "h2", "h3", "h4", "blockquote", "table", "caption", "tr", "td", "th"}
)


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html):
    """Visible text of editor HTML: tags dropped, entities decoded, one line per block."""
    html = html or ""
    return _remembered_plain_text(html) if len(html) <= REMEMBERED_TEXT_LENGTH else _plain_text(html)


# A pure function of its argument, remembered for short texts (FAQ answers): a page of 77 FAQs
# otherwise parsed every answer again on every request (docs/performance.md). Edited text is a
# new argument; the oldest entries give way, so at most 2,048 texts of 4,096 characters stay.
REMEMBERED_TEXT_LENGTH = 4096


@lru_cache(maxsize=2048)
def _remembered_plain_text(html):
    return _plain_text(html)


def _plain_text(html):
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def text_of(rendered):
    """Text of something the template engine already escaped (a captured block)."""
    return " ".join(unescape(str(rendered)).split())


# --- Identifiers -------------------------------------------------------------------------


def organization_id(origin):
    return f"{origin}/#organization"


def website_id(origin):
    return f"{origin}/#website"


def webpage_id(page_url):
    return f"{page_url}#webpage"


def clinic_id(origin, location):
    return absolute_url(origin, location.get_absolute_url()) + "#clinic"


def ref(node_id):
    return {"@id": node_id}


def international_phone(number):
    """`(470) 284-1834` -> `+1-470-284-1834`, the form Google asks for; others as dialled."""
    uri = tel_uri(number)
    digits = uri.removeprefix("tel:")
    if re.fullmatch(r"\+1\d{10}", digits):
        return f"+1-{digits[2:5]}-{digits[5:8]}-{digits[8:]}"
    return digits


# --- Types -------------------------------------------------------------------------------


def image_object(url, *, node_id=None, width=None, height=None, caption=None):
    node = {"@type": "ImageObject", "url": url, "contentUrl": url}
    if node_id:
        node["@id"] = node_id
    if width and height:
        node["width"] = width
        node["height"] = height
    if caption:
        node["caption"] = caption
    return node


def organization(origin, site_settings, *, logo_url, logo_size):
    """The center itself: a MedicalOrganization with its admissions phone and logo."""
    logo = image_object(
        logo_url,
        node_id=f"{origin}/#logo",
        width=logo_size[0],
        height=logo_size[1],
        caption=site_settings.organization_name,
    )
    return {
        "@type": "MedicalOrganization",
        "@id": organization_id(origin),
        "name": site_settings.organization_name,
        "url": f"{origin}/",
        "telephone": international_phone(site_settings.phone),
        "logo": logo,
        "image": ref(logo["@id"]),
    }


def website(origin, site_settings):
    return {
        "@type": "WebSite",
        "@id": website_id(origin),
        "url": f"{origin}/",
        "name": site_settings.organization_name,
        "publisher": ref(organization_id(origin)),
        "inLanguage": LANGUAGE,
    }


def webpage(
    page_url,
    origin,
    *,
    page_type="WebPage",
    name,
    description,
    breadcrumb=None,
    about=None,
    primary_image=None,
    questions=(),
    reviewed_by=None,
    last_reviewed=None,
    main_entity=None,
):
    """The page. With visible FAQs it is also an FAQPage whose mainEntity is those questions;
    otherwise `main_entity` (a reference) is what the page is about, as a ProfilePage's person.

    `reviewed_by` and `last_reviewed` describe a clinical review the page shows.
    """
    types = [page_type]
    if questions:
        # FAQPage is itself a WebPage; a more specific type (MedicalWebPage) is kept beside it.
        types = ["FAQPage"] if page_type == "WebPage" else [page_type, "FAQPage"]
    node = {
        "@type": types[0] if len(types) == 1 else types,
        "@id": webpage_id(page_url),
        "url": page_url,
        "name": name,
        "description": description,
        "isPartOf": ref(website_id(origin)),
        "inLanguage": LANGUAGE,
    }
    if breadcrumb:
        node["breadcrumb"] = ref(breadcrumb["@id"])
    if about:
        node["about"] = about
    if primary_image:
        node["primaryImageOfPage"] = ref(primary_image["@id"])
    if questions:
        node["mainEntity"] = list(questions)
    elif main_entity:
        node["mainEntity"] = main_entity
    if reviewed_by and last_reviewed:
        node["reviewedBy"] = reviewed_by
        node["lastReviewed"] = last_reviewed.isoformat()
    return node


def person_id(origin, person):
    return absolute_url(origin, person.get_absolute_url()) + "#person"


def clinician(person, origin=None, *, with_bio=False, image=None):
    """A clinician: their name and licence letters, as a page shows them. With a public page of
    their own (and the `origin` to write its address), its `url` and the `@id` their page gives
    them, so engines know the reviewer of an article and the person of that page are one; with
    `with_bio`, on their page, which shows it, their bio as `description`; and their photo
    (`image`, a reference to the page's ImageObject) only where the page shows it."""
    node = {"@type": "Person", "name": person.name, "honorificSuffix": person.credentials}
    if origin and person.has_page:
        node = {
            "@type": "Person",
            "@id": person_id(origin, person),
            "name": person.name,
            "honorificSuffix": person.credentials,
            "url": absolute_url(origin, person.get_absolute_url()),
        }
    if with_bio and person.bio.strip():
        node["description"] = " ".join(person.bio.split())
    if image:
        node["image"] = image
    return node


def breadcrumb_list(page_url, origin, crumbs):
    """The visible breadcrumb trail, in order; every step, the current page included, has its URL."""
    return {
        "@type": "BreadcrumbList",
        "@id": f"{page_url}#breadcrumb",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.name,
                "item": absolute_url(origin, crumb.url),
            }
            for position, crumb in enumerate(crumbs, start=1)
        ],
    }


def question(origin, faq):
    """One visible question and its answer, as plain text: exactly what the reader sees."""
    return {
        "@type": "Question",
        "@id": absolute_url(origin, faq.get_absolute_url()),
        "name": " ".join(faq.question.split()),
        "acceptedAnswer": {"@type": "Answer", "text": plain_text(faq.answer)},
    }


def author(origin, byline, organization_name=""):
    """The typed byline, or the center when there is none or it names the center itself.

    The byline is free text (a clinician chosen under "written by" is written by clinician()
    instead, with nothing to guess). A team ("Carter clinical team") is an Organization within the
    center; anything else is taken to be a person's name. See docs/seo.md.
    """
    if not byline or _same_name(byline, organization_name):
        # "The Carter Treatment Center" as a byline is the center, not a part of itself.
        return ref(organization_id(origin))
    if re.search(r"\b(team|staff|department|center|centre|clinic)\b", byline, re.IGNORECASE):
        return {"@type": "Organization", "name": byline, "parentOrganization": ref(organization_id(origin))}
    # "Dana Reyes, LPC": search engines want the name alone in `name`; the credentials are a suffix.
    credentials = _CREDENTIALS.fullmatch(byline.strip())
    if credentials:
        return {"@type": "Person", "name": credentials["name"], "honorificSuffix": credentials["suffix"]}
    return {"@type": "Person", "name": byline}


def _same_name(one, other):
    return " ".join(one.split()).casefold() == " ".join((other or "").split()).casefold()


# A name followed by licence letters: "Dana Reyes, LPC", "Sam Ortiz, MD, PhD", "Lee Park, LCSW-C".
_CREDENTIALS = re.compile(
    r"(?P<name>[^,]+?),\s*(?P<suffix>[A-Z][A-Za-z.\-]*[A-Z.](?:,\s*[A-Z][A-Za-z.\-]*[A-Z.])*)"
)


def article_dates(article):
    """(published, modified): when it went out, and when its words last changed for readers
    (Article.words_changed_at), else when it went out; never before it went out. What the page
    shows ("Updated", Article.updated_on), its JSON-LD, its Open Graph tags and the feeds all say
    this one date: a save that changed no word a reader sees (a status, a location, a picture,
    markup) or a small correction does not modify the article for them."""
    published, modified = article.published_at, article.words_changed_at or article.published_at
    if published and modified and modified < published:
        modified = published
    return published, modified


def article(page_url, origin, article, *, image=None, organization_name=""):
    """An article: headline, dates, author, publisher, and its picture when it has one.

    The author is the clinician who wrote it when the article names one (`written_by`, read with
    the article), a Person exactly as the reviewer is written, with their page's `url` and `@id`
    when they have one; otherwise the typed byline, read by author(). `organization_name` is the
    center's name, which a byline may give as the author."""
    published, modified = article_dates(article)
    node = {
        "@type": "Article",
        "@id": f"{page_url}#article",
        "headline": article.title,
        "description": article.summary,
        "url": page_url,
        "mainEntityOfPage": ref(webpage_id(page_url)),
        "isPartOf": ref(webpage_id(page_url)),
        "datePublished": published.isoformat() if published else None,
        "dateModified": modified.isoformat() if modified else None,
        "author": clinician(article.written_by, origin)
        if article.written_by_id
        else author(origin, article.author, organization_name),
        "publisher": ref(organization_id(origin)),
        "inLanguage": LANGUAGE,
    }
    if image:
        node["image"] = ref(image["@id"])
    return {key: value for key, value in node.items() if value is not None}


def postal_address(location):
    return {
        "@type": "PostalAddress",
        "streetAddress": location.street_address,
        "addressLocality": location.city,
        "addressRegion": location.state,
        "postalCode": location.postal_code,
        "addressCountry": COUNTRY,
    }


def geo_coordinates(location):
    if location.latitude is None or location.longitude is None:
        return None
    return {
        "@type": "GeoCoordinates",
        "latitude": float(location.latitude),
        "longitude": float(location.longitude),
    }


def opening_hours_specification(hours):
    """OpeningHours rows, days with the same times folded into one specification."""
    grouped = OrderedDict()
    for row in hours:
        grouped.setdefault((row.opens, row.closes), []).append(row.get_weekday_display())
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": days if len(days) > 1 else days[0],
            "opens": opens.strftime("%H:%M"),
            "closes": closes.strftime("%H:%M"),
        }
        for (opens, closes), days in grouped.items()
    ]


def special_opening_hours_specification(special_days):
    """SpecialDay rows as schema.org reads holidays: one specification per period, valid from the
    first day through the last (both dates included); a day closed all day opens and closes at
    00:00."""
    specifications = []
    for special in special_days:
        periods = special.periods or [(None, None)]
        for opens, closes in periods:
            specifications.append(
                {
                    "@type": "OpeningHoursSpecification",
                    "opens": opens.strftime("%H:%M") if opens else "00:00",
                    "closes": closes.strftime("%H:%M") if closes else "00:00",
                    "validFrom": special.first_day.isoformat(),
                    "validThrough": special.last_day.isoformat(),
                }
            )
    return specifications


def medical_clinic(
    origin,
    location,
    site_settings,
    *,
    hours=None,
    special_days=None,
    telephone=True,
    services=False,
    access=False,
    image=None,
):
    """A location as a MedicalClinic of the center.

    Address and coordinates always; the phone, hours, services, step-free access and photo
    (`image`, a reference to the page's ImageObject) only where the page shows them (`hours` is
    the list of OpeningHours rows the page renders, `special_days` the SpecialDay rows it shows).
    Step-free access is said only once an editor has recorded it, as the page says it: an
    `amenityFeature` that is true for a step-free way in and false for one with steps.
    """
    node = {
        "@type": "MedicalClinic",
        "@id": clinic_id(origin, location),
        "name": f"{site_settings.organization_name} – {location.name}",
        "url": absolute_url(origin, location.get_absolute_url()),
        "description": location.summary,
        "address": postal_address(location),
        "geo": geo_coordinates(location),
        "parentOrganization": ref(organization_id(origin)),
        "image": image,
    }
    if telephone:
        node["telephone"] = international_phone(location.phone or site_settings.phone)
    if hours:
        node["openingHoursSpecification"] = opening_hours_specification(hours)
    if special_days:
        node["specialOpeningHoursSpecification"] = special_opening_hours_specification(special_days)
    if services and location.service_list:
        node["availableService"] = [
            {"@type": "MedicalTherapy", "name": name} for name in location.service_list
        ]
    if access and location.step_free is not None:
        node["amenityFeature"] = [
            {"@type": "LocationFeatureSpecification", "name": STEP_FREE_FEATURE, "value": location.step_free}
        ]
    return {key: value for key, value in node.items() if value is not None}
