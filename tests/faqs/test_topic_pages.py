"""Each topic has a page of its own with its questions and answers, then the newest articles
about it; the FAQ page shows every answer while there are few, and only the questions, linked to
their answers, once there are many (a 400-question page was 880 KB of HTML on a phone)."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from faqs.models import Topic
from faqs.views import ALL_ANSWERS_UP_TO, TopicView
from tests.factories import ArticleFactory, ArticleFAQFactory, FAQFactory, TopicFactory
from tests.seo.helpers import head_meta, json_ld, of_type, parse, text

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def open_questions(html):
    return re.findall(r'<details class="faq" id="(faq-\d+)" open>', html)


@pytest.fixture
def topics():
    return [
        TopicFactory(name="Insurance and cost", slug="insurance", order=1),
        TopicFactory(name="Coming back", slug="coming-back", order=2),
    ]


def add_questions(topics, count):
    return [
        FAQFactory(topic=topics[n % len(topics)], answer=f"<p>The answer to question {n} is here.</p>")
        for n in range(count)
    ]


def days_ago(n):
    return timezone.now() - dt.timedelta(days=n)


def about(article, topic, **faq):
    """Put a question of `topic` in `article`'s FAQ section."""
    ArticleFAQFactory(article=article, faq=FAQFactory(topic=topic, **faq))
    return article


def articles_section(response):
    """The titles of the cards under the topic page's "Articles about ..." heading, in order, and
    that heading; ([], None) without the section."""
    for section in parse(response.content.decode()).iter("section"):
        if section.get("aria-labelledby") == "topic-articles":
            heading = section.find("h2")
            assert heading.get("id") == "topic-articles"
            titles = [text(card.find("h3")) for card in section.iter("article")]
            return titles, text(heading)
    return [], None


def queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response


def test_a_topic_page_shows_its_published_questions_and_answers_and_no_others(client, topics):
    mine = FAQFactory(topic=topics[0], question="Is IOP covered?", answer="<p>Most plans cover it.</p>")
    hidden = FAQFactory(topic=topics[0], question="A draft question?", is_published=False)
    other = FAQFactory(topic=topics[1], question="Can I come back?")

    response = client.get(topics[0].get_absolute_url())

    assert topics[0].get_absolute_url() == "/faqs/insurance/"
    html = response.content.decode()
    assert "Is IOP covered?" in html and "Most plans cover it." in html
    assert hidden.question not in html and other.question not in html
    page = of_type(json_ld(response), "FAQPage")[0]
    assert [question["name"] for question in page["mainEntity"]] == [mine.question]


def test_a_topic_without_published_questions_has_no_page(client, topics):
    FAQFactory(topic=topics[1], is_published=False)
    assert client.get(topics[1].get_absolute_url()).status_code == 404
    assert client.get("/faqs/no-such-topic/").status_code == 404


def test_a_link_to_one_answer_opens_it_on_its_topic_page(client, topics):
    faq = FAQFactory(topic=topics[1], question="Will my employer find out?")
    assert faq.get_open_url() == f"/faqs/coming-back/?open={faq.pk}#faq-{faq.pk}"
    html = client.get(faq.get_open_url()).content.decode()
    assert open_questions(html) == [f"faq-{faq.pk}"]

    found = client.get("/search/", {"q": "employer"}).content.decode()
    assert f'href="/faqs/coming-back/?open={faq.pk}#faq-{faq.pk}"' in found


def test_a_topic_page_is_cached_and_its_open_variant_is_not(client, topics):
    faq = FAQFactory(topic=topics[0])
    cache.clear()
    client.get(topics[0].get_absolute_url())
    assert client.get(topics[0].get_absolute_url())["X-Page-Cache"] == "hit"
    opened = client.get(topics[0].get_absolute_url(), {"open": faq.pk})
    assert opened["X-Page-Cache"] != "hit"
    assert open_questions(client.get(topics[0].get_absolute_url()).content.decode()) == []


def test_with_few_questions_the_faq_page_shows_every_answer(client, topics):
    faqs = add_questions(topics, ALL_ANSWERS_UP_TO)
    response = client.get(reverse("faqs:list"))
    html = response.content.decode()
    assert all(faq.answer in html for faq in faqs)
    assert len(of_type(json_ld(response), "FAQPage")[0]["mainEntity"]) == ALL_ANSWERS_UP_TO


def test_with_many_questions_the_faq_page_lists_them_linked_to_their_answers(client, topics):
    faqs = add_questions(topics, ALL_ANSWERS_UP_TO + 1)
    response = client.get(reverse("faqs:list"))
    html = response.content.decode()
    assert not any(faq.answer in html for faq in faqs)
    assert all(f'href="{faq.get_open_url()}"' in html for faq in faqs)
    assert all(f'href="{topic.get_absolute_url()}"' in html for topic in topics)
    assert not of_type(json_ld(response), "FAQPage")  # the answers are not on this page


def test_the_faq_page_and_a_topic_page_cost_one_query_with_few_or_many_questions(client, topics):
    add_questions(topics, 2)
    few = [queries(client, reverse("faqs:list"))[0], queries(client, topics[0].get_absolute_url())[0]]
    add_questions(topics, 3 * ALL_ANSWERS_UP_TO)
    many = [queries(client, reverse("faqs:list"))[0], queries(client, topics[0].get_absolute_url())[0]]
    assert few == many


def test_the_faq_page_grows_by_its_questions_not_their_answers(client, topics):
    """400 questions with answers of a few paragraphs: the page a phone loads stays small."""
    long_answer = "<p>" + "A calm and careful answer, written for a reader in a hurry. " * 20 + "</p>"
    for n in range(400):
        FAQFactory(
            topic=topics[n % 2], question=f"What happens in week {n} of the program?", answer=long_answer
        )
    assert len(client.get(reverse("faqs:list")).content) < 120_000
    assert len(client.get(topics[0].get_absolute_url()).content) > 200_000  # the answers are there


def test_the_sitemap_lists_the_topic_pages_with_published_questions(client, topics):
    FAQFactory(topic=topics[0])
    FAQFactory(topic=topics[1], is_published=False)
    root = ET.fromstring(client.get(reverse("sitemap")).content)
    urls = {url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")}
    assert "http://testserver/faqs/insurance/" in urls
    assert "http://testserver/faqs/coming-back/" not in urls


def test_renaming_a_topics_address_keeps_the_old_one_leading_to_its_page(staff_client, client, topics):
    """A topic's page may have been shared or indexed: a new slug leaves a permanent redirect."""
    from tests.admin_forms import edit_in_admin

    add_questions(topics, 2)
    assert client.get("/faqs/insurance/").status_code == 200
    edit_in_admin(staff_client, topics[0], slug="insurance-and-cost")
    moved = client.get("/faqs/insurance/")
    assert (moved.status_code, moved["Location"]) == (301, "/faqs/insurance-and-cost/")
    assert client.get(moved["Location"]).status_code == 200


def test_a_topic_page_lists_the_live_articles_holding_a_published_question_of_it_newest_first(client, topics):
    insurance, coming_back = topics
    FAQFactory(topic=insurance)  # the page exists by its own question
    about(ArticleFactory(title="Older", published_at=days_ago(9)), insurance)
    about(ArticleFactory(title="Newer", published_at=days_ago(2)), insurance)
    twice = about(ArticleFactory(title="Two questions of it", published_at=days_ago(5)), insurance)
    about(twice, insurance)
    about(ArticleFactory(title="A draft", draft=True), insurance)
    about(ArticleFactory(title="Scheduled", published_at=timezone.now() + dt.timedelta(days=1)), insurance)
    about(ArticleFactory(title="Expired", published_at=days_ago(20), expires_at=days_ago(1)), insurance)
    about(ArticleFactory(title="Through an unpublished question"), insurance, is_published=False)
    about(ArticleFactory(title="Another topic"), coming_back)
    ArticleFactory(title="No questions at all")

    titles, heading = articles_section(client.get(insurance.get_absolute_url()))

    assert titles == ["Newer", "Two questions of it", "Older"]
    assert heading == "Articles about insurance and cost"


def earlier_list(response):
    """The (title, date shown) of each article in the topic page's list of earlier ones, and the
    address the sentence after it links to ([], None without them)."""
    document = parse(response.content.decode())
    for section in document.iter("section"):
        if section.get("aria-labelledby") == "topic-articles":
            for listing in section.iter("ul"):
                if listing.get("aria-labelledby") == "topic-earlier-articles":
                    rows = [(text(item.find("a")), text(item.find("time"))) for item in listing.iter("li")]
                    older = [link.get("href") for p in section.findall("p") for link in p.iter("a")]
                    return rows, (older[0] if older else None)
    return [], None


def test_a_topic_page_shows_six_articles_as_cards_and_earlier_ones_by_title(client, topics, monkeypatch):
    insurance, coming_back = topics
    FAQFactory(topic=coming_back)
    cards = TopicView.related_articles
    for n in range(cards + 2):
        about(ArticleFactory(title=f"Day {n}", published_at=days_ago(n + 1)), insurance)

    response = client.get(insurance.get_absolute_url())
    assert articles_section(response)[0] == [f"Day {n}" for n in range(cards)]
    rows, older = earlier_list(response)
    assert [title for title, _ in rows] == [f"Day {cards}", f"Day {cards + 1}"]
    assert rows[0][1] == days_ago(cards + 1).astimezone(timezone.get_current_timezone()).strftime(
        "%B %-d, %Y"
    )
    assert older is None
    assert "Earlier articles about insurance and cost" in response.content.decode()

    monkeypatch.setattr(TopicView, "earlier_articles", 1)
    rows, older = earlier_list(client.get(insurance.get_absolute_url(), {"open": "x"}))  # not from the cache
    assert [title for title, _ in rows] == [f"Day {cards}"]
    assert older == reverse("articles:list")

    response = client.get(coming_back.get_absolute_url())
    assert response.status_code == 200
    assert articles_section(response) == ([], None)
    assert "Articles about" not in response.content.decode()


def test_a_topic_page_with_its_articles_costs_two_queries_however_many_they_are(client, topics):
    """Its questions, then its articles: the site-wide data is cached as on a busy site."""
    from tests.caching.test_query_budget import page_cold_queries

    about(ArticleFactory(), topics[0])
    few = page_cold_queries(client, topics[0].get_absolute_url())
    for n in range(30):
        about(about(ArticleFactory(published_at=days_ago(n)), topics[0]), topics[0])
    many = page_cold_queries(client, topics[0].get_absolute_url())
    assert len(few) == len(many) == 2, many
    response = client.get(topics[0].get_absolute_url())
    assert len(articles_section(response)[0]) == TopicView.related_articles
    assert len(earlier_list(response)[0]) == 31 - TopicView.related_articles


def test_an_article_newly_about_a_topic_shows_on_its_cached_page_at_once(client, topics):
    FAQFactory(topic=topics[0])
    cache.clear()
    client.get(topics[0].get_absolute_url())
    assert client.get(topics[0].get_absolute_url())["X-Page-Cache"] == "hit"

    about(ArticleFactory(title="Paying for treatment"), topics[0])

    response = client.get(topics[0].get_absolute_url())
    assert response["X-Page-Cache"] != "hit"
    assert articles_section(response)[0] == ["Paying for treatment"]


@pytest.mark.parametrize(
    ("name", "in_a_sentence"),
    [
        ("Insurance and cost", "insurance and cost"),
        ("Returning to IOP", "returning to IOP"),
        ("IOP and your job", "IOP and your job"),
        ("MARTA and parking", "MARTA and parking"),
        ("I want to come back", "I want to come back"),
        ("A first visit", "a first visit"),
        ("Family", "family"),
    ],
)
def test_a_topics_name_inside_a_sentence_loses_only_its_first_capital(name, in_a_sentence):
    assert Topic(name=name).name_in_sentence == in_a_sentence


def test_the_faq_and_topic_pages_keep_the_capitals_of_a_topics_acronym(client):
    topic = TopicFactory(name="Returning to IOP", slug="returning")
    FAQFactory(topic=topic)
    about(ArticleFactory(), topic)

    response = client.get(topic.get_absolute_url())
    assert head_meta(response)[0]["description"] == (
        "Plain answers to what people ask us about returning to IOP, and our articles about it, from an "
        "intensive outpatient program in metro Atlanta."
    )
    assert articles_section(response)[1] == "Articles about returning to IOP"

    FAQFactory.create_batch(ALL_ANSWERS_UP_TO, topic=topic)
    assert "Every answer about returning to IOP" in client.get(reverse("faqs:list")).content.decode()


def topic_links(response):
    """The (name, address) of each link in the article list's topics, in order; [] without them."""
    for nav in parse(response.content.decode()).iter("nav"):
        if nav.get("aria-labelledby") == "article-topics":
            return [(text(link), link.get("href")) for link in nav.iter("a")]
    return []


def test_the_article_list_links_the_topics_live_articles_are_about_in_the_faq_pages_order(client, topics):
    insurance, coming_back = topics
    first = TopicFactory(name="Starting IOP", slug="starting", order=0)
    drafts_only = TopicFactory(name="Only in a draft", slug="drafts-only", order=3)
    hidden_only = TopicFactory(name="Only unpublished questions", slug="hidden-only", order=4)
    FAQFactory(topic=TopicFactory(name="No articles", slug="no-articles", order=5))
    about(ArticleFactory(title="Paying for it"), insurance)
    about(ArticleFactory(title="The first day"), first)
    about(ArticleFactory(title="A draft", draft=True), drafts_only)
    about(ArticleFactory(title="Hidden question"), hidden_only, is_published=False)
    FAQFactory(topic=drafts_only)
    FAQFactory(topic=hidden_only)
    FAQFactory(topic=coming_back)

    links = topic_links(client.get(reverse("articles:list")))

    assert links == [("Starting IOP", "/faqs/starting/"), ("Insurance and cost", "/faqs/insurance/")]
    for name, href in links:
        assert articles_section(client.get(href))[0], name  # each leads to its articles


def test_the_article_list_shows_no_topics_when_no_live_article_holds_a_question(client, topics):
    ArticleFactory(title="No questions in it")
    FAQFactory(topic=topics[0])
    response = client.get(reverse("articles:list"))
    assert "No questions in it" in response.content.decode()
    assert topic_links(response) == []
    assert 'id="article-topics"' not in response.content.decode()


def more_about(response, section_id):
    """The words before the list of topics closing the section `section_id`, and its links'
    (words, address)."""
    for section in parse(response.content.decode()).iter("section"):
        if section.get("aria-labelledby") == section_id:
            [lead] = [p for p in section.findall("p") if text(p).startswith("More on")]
            [topics] = [ul for ul in section.findall("ul") if ul.get("aria-labelledby") == lead.get("id")]
            return text(lead), [(text(link), link.get("href")) for link in topics.iter("a")]
    raise AssertionError(f"no section {section_id}")


def test_an_articles_questions_lead_to_their_topics_pages_each_once_in_the_faq_pages_order(client, topics):
    insurance, coming_back = topics
    starting = TopicFactory(name="Starting IOP", slug="starting", order=0)
    hidden = TopicFactory(name="Only unpublished", slug="only-unpublished", order=0)
    article = ArticleFactory()
    for topic in (coming_back, insurance, starting, insurance):
        about(article, topic)
    about(article, hidden, is_published=False)

    sentence, links = more_about(client.get(article.get_absolute_url()), "article-faqs")

    assert sentence == "More on these topics:"
    assert links == [
        ("Starting IOP", "/faqs/starting/"),
        ("Insurance and cost", "/faqs/insurance/"),
        ("Coming back", "/faqs/coming-back/"),
    ]
    for _, href in links:
        assert article.title in articles_section(client.get(href))[0]


def test_a_locations_questions_lead_to_their_topics_pages(client, topics):
    from tests.factories import LocationFactory, LocationFAQFactory

    location = LocationFactory()
    LocationFAQFactory(location=location, faq=FAQFactory(topic=topics[1]))
    LocationFAQFactory(location=location, faq=FAQFactory(topic=topics[1]))

    sentence, links = more_about(client.get(location.get_absolute_url()), "location-faqs")
    assert (sentence, links) == ("More on this topic:", [("Coming back", "/faqs/coming-back/")])

    LocationFAQFactory(location=location, faq=FAQFactory(topic=topics[0]))
    sentence, links = more_about(client.get(location.get_absolute_url()), "location-faqs")
    assert sentence == "More on these topics:"
    assert [href for _, href in links] == ["/faqs/insurance/", "/faqs/coming-back/"]


def test_a_topic_page_is_headed_by_its_topic_under_breadcrumbs_from_the_questions(client, topics):
    insurance, coming_back = topics
    FAQFactory(topic=insurance)
    FAQFactory(topic=coming_back)
    about(ArticleFactory(), insurance)

    document = parse(client.get(insurance.get_absolute_url()).content.decode())
    [h1] = document.iter("h1")
    assert text(h1) == "Insurance and cost"
    [trail] = [nav for nav in document.iter("nav") if nav.get("aria-label") == "Breadcrumb"]
    assert [text(item) for item in trail.iter("li")] == ["Home", "Questions", "Insurance and cost"]
    assert [link.get("href") for link in trail.iter("a")] == ["/", "/faqs/"]
    lead = text(next(p for p in document.iter("p") if p.get("class") == "lead"))
    assert lead.startswith("What people ask us about insurance and cost, and our articles about it.")

    lead = text(
        next(
            p
            for p in parse(client.get(coming_back.get_absolute_url()).content.decode()).iter("p")
            if p.get("class") == "lead"
        )
    )
    assert lead.startswith("What people ask us about coming back. ")


@pytest.mark.parametrize("page", ["faq page", "topic page"])
def test_the_question_pages_send_whoever_has_another_question_to_the_phone(client, topics, page):
    """Their first paragraph ends "call us at …": a number to tap, the one in the site settings."""
    from carter_site.models import SiteSettings

    settings = SiteSettings.load()
    settings.phone = "(404) 555-0173"
    settings.save()
    FAQFactory(topic=topics[0])
    lead = parse(client.get("/faqs/" if page == "faq page" else "/faqs/insurance/").content.decode()).find(
        ".//p[@class='lead']"
    )
    call = lead.find("a[@class='phone-number']")
    assert call is not None and call.get("href") == "tel:+14045550173" and text(call) == "(404) 555-0173"
    assert text(lead).endswith("call us at (404) 555-0173.")
