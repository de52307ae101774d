"""JSON-LD on every page type, parsed as JSON and checked against what Google and schema.org ask.

References (docs/seo.md has the list): Google Search Central structured-data pages for
Article, LocalBusiness, FAQPage, BreadcrumbList and Organization; schema.org MedicalClinic,
MedicalOrganization, OpeningHoursSpecification, GeoCoordinates, PostalAddress.
"""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from carter_site.structured_data import plain_text, render_script
from tests.factories import ArticleFactory

from .helpers import json_ld, of_type, one_of_type, parse, public_pages, squash, text, types_of

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def aware(value):
    parsed = dt.datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value} has no time zone"
    return parsed


def walk(value):
    """Every JSON object in `value`, however deeply nested."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def assert_valid_clinic(clinic, *, hours=True, telephone=True):
    """LocalBusiness (Google): name and address required; geo, hours, telephone, url recommended."""
    assert clinic["@type"] == "MedicalClinic"
    assert clinic["name"] and clinic["url"].startswith(ORIGIN)
    address = clinic["address"]
    assert address["@type"] == "PostalAddress"
    for key in ("streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry"):
        assert address[key], key
    if telephone:
        assert re.fullmatch(r"\+1-\d{3}-\d{3}-\d{4}", clinic["telephone"])
    else:
        assert "telephone" not in clinic
    if hours:
        assert clinic["openingHoursSpecification"]
        for spec in clinic["openingHoursSpecification"]:
            assert spec["@type"] == "OpeningHoursSpecification"
            days = spec["dayOfWeek"] if isinstance(spec["dayOfWeek"], list) else [spec["dayOfWeek"]]
            assert set(days) <= DAYS
            assert re.fullmatch(r"\d\d:\d\d", spec["opens"]) and re.fullmatch(r"\d\d:\d\d", spec["closes"])
            assert spec["opens"] < spec["closes"]
    else:
        assert "openingHoursSpecification" not in clinic


def visible_faqs(response):
    """(question, answer) pairs as a reader sees them on the page."""
    tree = parse(response.content.decode())
    main = tree.find(".//main")
    pairs = []
    for details in main.iter("details"):
        if "faq" not in details.get("class", "").split():
            continue
        question = details.find(".//h3")
        answer = next(div for div in details.iter("div") if "faq__answer" in div.get("class", ""))
        pairs.append((text(question), text(answer)))
    return pairs


def marked_up_faqs(graph):
    pages = [node for node in graph if "FAQPage" in types_of(node)]
    if not pages:
        return []
    assert len(pages) == 1
    questions = pages[0]["mainEntity"]
    for question in questions:
        assert question["@type"] == "Question"
        assert question["acceptedAnswer"]["@type"] == "Answer"
        assert "<" not in question["acceptedAnswer"]["text"], "answers are plain text"
        assert "&amp;" not in question["acceptedAnswer"]["text"]
    return [(q["name"], q["acceptedAnswer"]["text"]) for q in questions]


def assert_faqs_match_the_page(response):
    visible = visible_faqs(response)
    marked = marked_up_faqs(json_ld(response))
    assert [q for q, _ in marked] == [q for q, _ in visible]
    assert [squash(a) for _, a in marked] == [squash(a) for _, a in visible]
    return marked


def test_every_page_has_one_graph_with_the_organization_website_and_page(client, site):
    for name, url in public_pages(site).items():
        graph = json_ld(get(client, url))
        organization = one_of_type(graph, "MedicalOrganization")
        assert organization["@id"] == f"{ORIGIN}/#organization", name
        assert organization["name"] == "The Carter Treatment Center"
        assert organization["url"] == f"{ORIGIN}/"
        assert organization["telephone"] == "+1-470-284-1834"
        assert organization["logo"]["url"] == f"{ORIGIN}/static/img/logo.png"
        assert one_of_type(graph, "WebSite")["publisher"] == {"@id": organization["@id"]}
        pages = [node for node in graph if node.get("@id", "").endswith("#webpage")]
        assert len(pages) == 1, name
        assert pages[0]["url"] == ORIGIN + url
        assert pages[0]["name"] and "· The Carter Treatment Center" not in pages[0]["name"]  # the page's own
        assert pages[0]["description"]
        ids = [node["@id"] for node in graph if "@id" in node]
        assert len(ids) == len(set(ids)), f"{name}: duplicate @id"


def test_references_between_nodes_all_resolve(client, site):
    for name, url in public_pages(site).items():
        graph = json_ld(get(client, url))
        defined, references = set(), []
        for node in walk(graph):
            if set(node) == {"@id"}:
                references.append(node["@id"])
            elif "@id" in node:
                assert node["@id"] not in defined, f"{name}: {node['@id']} defined twice"
                defined.add(node["@id"])
        assert references, name
        for reference in references:
            assert reference in defined, f"{name}: {reference} refers to nothing on the page"


def test_location_page_describes_its_clinic(client, site):
    location = site["alpharetta"]
    graph = json_ld(get(client, location.get_absolute_url()))
    clinic = one_of_type(graph, "MedicalClinic")
    assert_valid_clinic(clinic)
    assert clinic["url"] == ORIGIN + location.get_absolute_url()
    assert clinic["telephone"] == "+1-470-555-0101"
    assert clinic["address"]["streetAddress"] == "11465 Johns Creek Pkwy, Suite 220"
    assert clinic["address"]["postalCode"] == "30097"
    assert clinic["geo"] == {"@type": "GeoCoordinates", "latitude": 34.05761, "longitude": -84.18532}
    assert clinic["parentOrganization"] == {"@id": f"{ORIGIN}/#organization"}
    # Monday and Wednesday mornings share their times; Monday evening has its own.
    assert clinic["openingHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": ["Monday", "Wednesday"],
            "opens": "09:00",
            "closes": "12:00",
        },
        {"@type": "OpeningHoursSpecification", "dayOfWeek": "Monday", "opens": "18:00", "closes": "21:00"},
    ]
    assert [s["name"] for s in clinic["availableService"]] == location.service_list
    page = next(node for node in graph if node["@id"].endswith("#webpage"))
    assert page["about"] == {"@id": clinic["@id"]}


def test_location_without_its_own_phone_or_coordinates_uses_the_main_number_and_no_geo(client, site):
    graph = json_ld(get(client, site["jefferson"].get_absolute_url()))
    clinic = one_of_type(graph, "MedicalClinic")
    assert_valid_clinic(clinic)
    assert clinic["telephone"] == "+1-470-284-1834"
    assert "geo" not in clinic


def test_location_list_describes_each_location_with_the_hours_and_phone_it_shows(client, site):
    response = get(client, reverse("locations:list"))
    graph = json_ld(response)
    clinics = of_type(graph, "MedicalClinic")
    assert [c["url"] for c in clinics] == [
        ORIGIN + "/locations/alpharetta/",
        ORIGIN + "/locations/jefferson/",
    ]
    for clinic in clinics:
        assert_valid_clinic(clinic)
    assert "availableService" not in clinics[0]  # services are not shown on the list
    assert "Athens" not in json.dumps(graph)  # unpublished
    # The same days and hours in the markup as in the tables on the page, where days that share
    # their hours share a row.
    rows = [
        row.findtext("th")
        for row in parse(response.content.decode()).findall(".//table[@class='hours']/tbody/tr")
    ]
    marked = [spec["dayOfWeek"] for clinic in clinics for spec in clinic["openingHoursSpecification"]]
    assert rows == ["Monday and Wednesday", "Monday", "Thursday"]
    assert marked == [["Monday", "Wednesday"], "Monday", "Thursday"]


def test_home_page_describes_only_what_its_location_cards_show(client, site):
    graph = json_ld(get(client, "/"))
    clinics = of_type(graph, "MedicalClinic")
    assert len(clinics) == 2
    for clinic in clinics:
        assert_valid_clinic(clinic, hours=False, telephone=False)
    page = next(node for node in graph if node["@id"].endswith("#webpage"))
    assert page["about"] == {"@id": f"{ORIGIN}/#organization"}


def test_article_page_describes_the_article(client, site):
    article = site["article"]
    graph = json_ld(get(client, article.get_absolute_url()))
    node = one_of_type(graph, "Article")
    assert node["headline"] == article.title
    assert aware(node["datePublished"]) == article.published_at
    assert aware(node["dateModified"]) >= aware(node["datePublished"])
    # The name alone in `name`, as search engines ask; the licence letters as a suffix.
    assert node["author"] == {"@type": "Person", "name": "Dana Reyes", "honorificSuffix": "LPC"}
    assert node["publisher"] == {"@id": f"{ORIGIN}/#organization"}
    image = next(n for n in graph if n["@id"] == node["image"]["@id"])
    assert image["@type"] == "ImageObject"
    assert image["url"].startswith(f"{ORIGIN}/media/articles/") and image["url"].endswith(".png")
    assert (image["width"], image["height"]) == (1200, 630)
    page = next(n for n in graph if n["@id"].endswith("#webpage"))
    assert node["mainEntityOfPage"] == {"@id": page["@id"]}
    assert types_of(page) == ["MedicalWebPage", "FAQPage"]
    # No clinical review is recorded on the page, so none is claimed.
    assert "reviewedBy" not in json.dumps(graph) and "lastReviewed" not in json.dumps(graph)


def test_a_current_clinical_review_is_described_and_an_outdated_one_is_not(client, db):
    from articles.models import Clinician

    clinician = Clinician.objects.create(name="Morgan Hale", credentials="LCSW")
    article = ArticleFactory()
    article.record_review(clinician, dt.date(2026, 5, 8))
    article.save()
    page = next(n for n in json_ld(get(client, article.get_absolute_url())) if n["@id"].endswith("#webpage"))
    assert page["reviewedBy"] == {"@type": "Person", "name": "Morgan Hale", "honorificSuffix": "LCSW"}
    assert page["lastReviewed"] == "2026-05-08"

    article.body += "<p>A sentence the clinician has not read.</p>"
    article.save()
    graph = json.dumps(json_ld(get(client, article.get_absolute_url())))
    assert "reviewedBy" not in graph and "lastReviewed" not in graph


def test_article_without_byline_or_picture_is_by_the_center_and_has_no_image(client, site):
    graph = json_ld(get(client, site["coming_back"].get_absolute_url()))
    node = one_of_type(graph, "Article")
    assert node["author"] == {"@id": f"{ORIGIN}/#organization"}
    assert "image" not in node
    assert not of_type(graph, "ImageObject")[1:]  # only the logo
    page = next(n for n in graph if n["@id"].endswith("#webpage"))
    assert page["@type"] == "MedicalWebPage"  # no FAQs shown, so not an FAQPage
    assert "mainEntity" not in page


def test_a_team_byline_is_an_organization_of_the_center(client, db):
    article = ArticleFactory(author="Carter clinical team")
    node = one_of_type(json_ld(get(client, article.get_absolute_url())), "Article")
    assert node["author"] == {
        "@type": "Organization",
        "name": "Carter clinical team",
        "parentOrganization": {"@id": f"{ORIGIN}/#organization"},
    }


def test_article_edited_while_scheduled_was_not_modified_before_it_was_published(client, db):
    article = ArticleFactory()
    # Last edited on the 1st, while scheduled; it went live on the 2nd without another edit.
    type(article).objects.filter(pk=article.pk).update(
        published_at=dt.datetime(2020, 1, 2, tzinfo=dt.UTC), updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    node = one_of_type(json_ld(get(client, article.get_absolute_url())), "Article")
    assert node["datePublished"] == node["dateModified"] == "2020-01-02T00:00:00+00:00"


@pytest.mark.parametrize("page", ["faqs", "article", "location"])
def test_faq_markup_equals_the_questions_and_answers_on_the_page(client, site, page):
    response = get(client, public_pages(site)[page])
    marked = assert_faqs_match_the_page(response)
    assert marked, "this page shows FAQs"
    answers = dict(marked)
    assert answers["Is there parking?"] == "Yes: free parking & a covered entrance.\nLevel 1\nLevel 2"
    assert "A question still being written?" not in json.dumps(json_ld(response))


def test_faq_page_marks_up_every_visible_question_in_page_order(client, site):
    marked = assert_faqs_match_the_page(get(client, reverse("faqs:list")))
    assert [q for q, _ in marked] == ["Is there parking?", "Will my insurance cover IOP?"]


@pytest.mark.parametrize(
    "page",
    ["home", "article-list", "article-without-extras", "location-list", "testimonials", "standing-page"],
)
def test_pages_without_faqs_have_no_faq_markup(client, site, page):
    graph = json_ld(get(client, public_pages(site)[page]))
    assert not of_type(graph, "FAQPage") and "Question" not in json.dumps(graph)


@pytest.mark.parametrize("page", ["article", "location", "standing-page", "faq-topic"])
def test_breadcrumb_markup_matches_the_visible_breadcrumbs(client, site, page):
    response = get(client, public_pages(site)[page])
    nav = next(n for n in parse(response.content.decode()).iter("nav") if n.get("aria-label") == "Breadcrumb")
    visible = []
    for item in nav.iter("li"):
        link = item.find("a")
        visible.append((text(item), ORIGIN + link.get("href") if link is not None else None))
    graph = json_ld(response)
    trail = one_of_type(graph, "BreadcrumbList")["itemListElement"]
    assert [(i["position"], i["@type"]) for i in trail] == [
        (n, "ListItem") for n in range(1, len(visible) + 1)
    ]
    assert [i["name"] for i in trail] == [name for name, _ in visible]
    assert [i["item"] for i in trail[:-1]] == [url for _, url in visible[:-1]]
    assert trail[-1]["item"] == ORIGIN + public_pages(site)[page]  # the current page
    page_node = next(n for n in graph if n["@id"].endswith("#webpage"))
    assert page_node["breadcrumb"] == {"@id": one_of_type(graph, "BreadcrumbList")["@id"]}


@pytest.mark.parametrize("page", ["home", "article-list", "location-list", "faqs", "testimonials"])
def test_pages_without_visible_breadcrumbs_have_no_breadcrumb_markup(client, site, page):
    response = get(client, public_pages(site)[page])
    assert 'aria-label="Breadcrumb"' not in response.content.decode()
    assert not of_type(json_ld(response), "BreadcrumbList")


def test_text_that_looks_like_html_cannot_break_out_of_the_json_ld(client, db):
    title = '</script><script>alert("x")</script> & <!-- "quotes" \u2028'
    article = ArticleFactory(title=title, summary="Less < more > less & more")
    response = get(client, article.get_absolute_url())
    html = response.content.decode()
    assert html.count("<script") == 1  # the JSON-LD block, nothing injected
    node = one_of_type(json_ld(response), "Article")
    assert node["headline"] == title
    assert node["description"] == "Less < more > less & more"


def test_render_script_escapes_what_could_end_the_element():
    script = render_script([{"name": "</script><!--&\u2028"}])
    body = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body)["@graph"] == [{"name": "</script><!--&\u2028"}]


def test_plain_text_of_rich_text_keeps_words_apart_and_decodes_entities():
    assert plain_text("<p>One &amp; two</p><p>three</p>") == "One & two\nthree"
    assert plain_text("<ul><li>a</li><li>b <strong>c</strong>d</li></ul>") == "a\nb cd"
    assert plain_text("Line<br>next &lt;tag&gt;") == "Line\nnext <tag>"
    assert plain_text("") == ""


@pytest.mark.parametrize("byline", ["The Carter Treatment Center", "the carter  treatment center "])
def test_a_byline_naming_the_center_itself_is_the_center_not_a_part_of_it(client, db, byline):
    article = ArticleFactory(author=byline)
    graph = json_ld(get(client, article.get_absolute_url()))
    assert one_of_type(graph, "Article")["author"] == {"@id": f"{ORIGIN}/#organization"}
    assert not of_type(graph, "Organization")  # no second center, a part of itself
