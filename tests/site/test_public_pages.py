"""Every public page: status, the help that every page offers, and bad page numbers."""

import pytest
from django.test import override_settings
from django.urls import reverse

from carter_site.models import SiteSettings
from tests.factories import (
    ArticleFactory,
    ArticleFAQFactory,
    ArticleTestimonialFactory,
    FAQFactory,
    LocationFactory,
    LocationFAQFactory,
    OpeningHoursFactory,
    PageFactory,
    TestimonialFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    location = LocationFactory(name="Alpharetta", slug="alpharetta")
    OpeningHoursFactory(location=location)
    article = ArticleFactory(title="What a week of IOP looks like", slug="week-of-iop")
    article.locations.add(location)
    ArticleFAQFactory(article=article, faq__question="Do I have to talk in group?")
    LocationFAQFactory(location=location, faq__question="Is there parking?")
    ArticleTestimonialFactory(article=article, testimonial__quote="I kept my job and found my footing.")
    TestimonialFactory(quote="Featured words of thanks.", is_featured=True, location=location)
    page = PageFactory(title="Accessibility", slug="accessibility")
    return {"location": location, "article": article, "page": page}


def public_urls(content):
    return [
        reverse("home"),
        reverse("articles:list"),
        content["article"].get_absolute_url(),
        reverse("locations:list"),
        content["location"].get_absolute_url(),
        reverse("faqs:list"),
        reverse("testimonials:list"),
        content["page"].get_absolute_url(),
    ]


def test_every_public_page_offers_the_call_link_the_crisis_line_and_a_skip_link(client, content):
    SiteSettings.objects.create(phone="(470) 555-0142")
    for url in public_urls(content):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'href="tel:+14705550142"' in html, url
        assert "(470) 555-0142" in html, url
        assert 'href="tel:988"' in html, url
        assert '<a href="tel:911">Emergency: call 911</a>' in html, (
            url
        )  # the crisis line's own advice, one tap away
        assert 'class="skip-link" href="#main"' in html, url
        assert 'id="main"' in html, url
        assert html.count("<h1") == 1, url
        assert "<title>" in html and 'name="description"' in html, url
        assert "Alpharetta" in html, url  # the footer lists the locations


def test_pages_show_their_content(client, content):
    article_page = client.get(content["article"].get_absolute_url()).content.decode()
    assert "What a week of IOP looks like" in article_page
    assert "Do I have to talk in group?" in article_page
    assert "I kept my job and found my footing." in article_page
    assert content["location"].get_absolute_url() in article_page

    location_page = client.get(content["location"].get_absolute_url()).content.decode()
    assert "Is there parking?" in location_page
    assert "Featured words of thanks." in location_page
    assert "What a week of IOP looks like" in location_page  # its related articles
    assert "Georgia licence TEST-0001" in location_page
    assert "Intensive outpatient program (IOP)" in location_page
    # Times as the articles write them, and read aloud as words: "9 a.m. to noon", no dash.
    assert "<td>9\N{NO-BREAK SPACE}a.m. to noon</td>" in location_page
    # The link says whose site it opens: a visitor who would rather not go to Google can tell.
    assert "https://www.google.com/maps/search/?api=1&amp;query=" in location_page
    assert 'rel="noopener noreferrer">Directions on Google Maps</a>' in location_page

    home = client.get(reverse("home")).content.decode()
    assert "Featured words of thanks." in home
    assert "What a week of IOP looks like" in home


def test_page_titles_are_unique(client, content):
    titles = set()
    for url in public_urls(content):
        html = client.get(url).content.decode()
        titles.add(html.split("<title>")[1].split("</title>")[0])
    assert len(titles) == len(public_urls(content))


def test_faq_page_groups_questions_by_topic(client):
    from tests.factories import FAQFactory, TopicFactory

    insurance = TopicFactory(name="Insurance and cost", slug="insurance", order=2)
    starting = TopicFactory(name="Starting IOP", slug="starting", order=1)
    FAQFactory(question="Does my plan cover it?", topic=insurance)
    FAQFactory(question="How soon can I start?", topic=starting)
    FAQFactory(question="Hidden draft question?", topic=starting, is_published=False)
    html = client.get(reverse("faqs:list")).content.decode()
    html = html[html.index("<main") :]  # the page's content; the JSON-LD in the head lists them too
    starting_at, insurance_at = html.index('<h2 id="starting">'), html.index('<h2 id="insurance">')
    assert (
        starting_at
        < html.index("How soon can I start?")
        < insurance_at
        < html.index("Does my plan cover it?")
    )
    assert "Hidden draft question?" not in html


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1.5", "%00", "last"])
def test_odd_page_numbers_give_a_page_or_404_never_an_error(client, page):
    """tests/site/test_pagination.py says where each of them leads."""
    ArticleFactory.create_batch(12)
    response = client.get(reverse("articles:list"), {"page": page}, follow=True)
    assert response.status_code in (200, 404)
    if page == "last":
        assert response.status_code == 200 and "Page 2 of 2" in response.content.decode()


def test_second_page_of_articles(client):
    ArticleFactory.create_batch(12)
    response = client.get(reverse("articles:list"), {"page": 2})
    assert response.status_code == 200
    assert len(response.context["articles"]) == 2


@pytest.mark.parametrize(
    "url", ["/articles/no-such-article/", "/locations/atlantis/", "/nowhere/", "/articles/%E2%9C%93/"]
)
def test_unknown_addresses_get_the_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert 'href="tel:' in html


@override_settings(DEBUG=False)
def test_server_error_page_renders_in_the_site_design_without_the_database(rf):
    from carter_site.views import server_error

    SiteSettings.objects.create(phone="(470) 555-0177")
    SiteSettings.load()  # cached, as it would be on a busy site
    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert 'href="tel:+14705550177"' in html
    assert 'href="tel:988"' in html


def test_healthz_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200


def test_the_faq_page_says_what_iop_is_before_its_topics_use_the_word(client):
    FAQFactory(
        topic=TopicFactory(name="Starting IOP", slug="starting-iop"), question="What happens on day one?"
    )
    html = client.get(reverse("faqs:list")).content.decode()
    explained = html.index("intensive outpatient program (IOP)")
    assert explained < html.index("Starting IOP")


def phone_numbers_that_may_break(html):
    """The text of every tel: link to a full number (not 988 or 911) that no element of class
    `phone-number` holds whole: the link itself, a span around the number, or one around both."""
    from tests.seo.helpers import parse

    tree = parse(html)
    parents = {child: parent for parent in tree.iter() for child in parent}

    def classes(element):
        return (element.get("class") or "").split()

    loose = []
    for link in tree.iter("a"):
        href = link.get("href") or ""
        if not href.startswith("tel:") or len(href) < len("tel:+10000000000"):
            continue
        holders = [link, *link.iter("span"), parents.get(link)]
        if not any(holder is not None and "phone-number" in classes(holder) for holder in holders):
            loose.append("".join(link.itertext()).strip())
    return loose


@override_settings(DEBUG=False)
def test_phone_numbers_are_never_split_across_lines(client, content, rf):
    """On a 360 px phone "(470) 284-1834" broke at its hyphen. Every number the site prints is
    in a `phone-number` box (static/css/site.css), which moves to the next line whole."""
    from carter_site.security import database_outage_response
    from carter_site.views import server_error

    pages = {url: client.get(url) for url in public_urls(content)}
    pages["far from every location"] = client.get(reverse("locations:list"), {"near": "10001"})
    pages["search without results"] = client.get(reverse("search"), {"q": "zzzqqq"})
    pages["404"] = client.get("/no-such-page/")
    pages["405"] = client.post(reverse("home"))
    pages["500"] = server_error(rf.get("/"))
    pages["503"] = database_outage_response(rf.get("/"))
    for name, response in pages.items():
        html = response.content.decode()
        assert 'class="phone-number"' in html, name
        assert not phone_numbers_that_may_break(html), (name, phone_numbers_that_may_break(html))
    far = pages["far from every location"].content.decode()
    assert '<span class="phone-number"><a href="tel:+18006624357">1-800-662-4357</a>.</span>' in far
