"""What makes an uncached page cheaper must never make it wrong (docs/performance.md).

Four things are remembered between requests without being a cache of content: addresses
from `reverse()` (a function of the URL configuration), the plain text of an FAQ answer and
the word count of an article body (functions of that text), and the querysets a page builds
the same way all day (carter_site.querysets: functions of the date). These tests show each
follows its inputs: a new prefix or URL configuration, an edited answer, a longer body, a new
day.
"""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import timezone

from carter_site.querysets import built_once
from carter_site.reversing import cached_reverse
from faqs.models import FAQ
from tests.caching.helpers import WsgiVisitor, text
from tests.factories import (
    ArticleFactory,
    ArticleTestimonialFactory,
    FAQFactory,
    LocationFactory,
    TestimonialFactory,
)

pytestmark = pytest.mark.django_db


def test_cached_reverse_gives_what_reverse_gives():
    article, location = ArticleFactory(slug="first-week"), LocationFactory(slug="alpharetta")
    assert cached_reverse("articles:detail", article.slug) == reverse(
        "articles:detail", kwargs={"slug": "first-week"}
    )
    assert location.get_absolute_url() == reverse("locations:detail", kwargs={"slug": "alpharetta"})
    assert cached_reverse("faqs:list") == reverse("faqs:list") == "/faqs/"


def test_an_address_follows_the_script_prefix_of_the_request():
    assert cached_reverse("faqs:list") == "/faqs/"
    set_script_prefix("/carter/")
    try:
        assert cached_reverse("faqs:list") == "/carter/faqs/"
    finally:
        clear_script_prefix()
    assert cached_reverse("faqs:list") == "/faqs/"


def test_an_address_follows_a_change_of_url_configuration():
    assert cached_reverse("home") == "/"
    with override_settings(ROOT_URLCONF="tests.caching.alternative_urls"):
        assert cached_reverse("home") == "/welcome/"
    assert cached_reverse("home") == "/"


def test_the_links_every_page_carries_are_the_addresses_reverse_gives():
    """Header, footer and <head> link with `{% path_to %}`: the same addresses as `{% url %}`,
    under the script prefix the site is mounted at (served as gunicorn serves it)."""
    names = ["home", "articles:list", "locations:list", "faqs:list", "testimonials:list", "search"]
    names += ["articles-feed", "articles-atom-feed"]
    visitor = WsgiVisitor()
    for prefix in ("", "/carter"):
        try:
            html = visitor.get("/search/", SCRIPT_NAME=prefix).body.decode()
            set_script_prefix(prefix + "/")
            expected = {reverse(name) for name in names}
        finally:
            clear_script_prefix()
        links = set(re.findall(r'(?:href|action)="(/[^"#?]*)"', html))
        links = {link for link in links if not link.startswith(settings.STATIC_URL)}
        assert expected <= links, expected - links
        assert all(link.startswith(prefix + "/") for link in links), links


def faq_page_answers(client):
    response = client.get("/faqs/")
    assert response.status_code == 200
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    graph = json.loads(script.group(1))["@graph"]
    return {
        question["name"]: question["acceptedAnswer"]["text"]
        for node in graph
        if node.get("@type") == "FAQPage"
        for question in node["mainEntity"]
    }


def test_an_edited_answer_is_the_answer_in_the_structured_data_at_once(visitor):
    faq = FAQFactory(question="Can I keep working?", answer="<p>Yes, most people do.</p>")
    assert faq_page_answers(visitor)["Can I keep working?"] == "Yes, most people do."
    faq.answer = "<p>Yes: sessions are in the evening.</p><p>Ask about mornings.</p>"
    faq.save()
    assert (
        faq_page_answers(visitor)["Can I keep working?"]
        == "Yes: sessions are in the evening.\nAsk about mornings."
    )


def test_a_longer_body_is_a_longer_reading_time_at_once(visitor):
    article = ArticleFactory(body="<p>" + "word " * 150 + "</p>")
    assert "1 min read" in visitor.get(article.get_absolute_url()).content.decode()
    article.body = "<p>" + "word " * 650 + "</p>"
    article.save()
    assert article.reading_minutes == 4
    assert "4 min read" in visitor.get(article.get_absolute_url()).content.decode()


def test_a_queryset_built_once_gives_each_caller_its_own_copy():
    built = []

    @built_once
    def questions(order):
        built.append(order)
        return FAQ.objects.filter(order=order)

    first = questions(1)
    assert list(first) == []
    faq = FAQFactory(order=1)
    assert list(questions(1)) == [faq], "a copy evaluated earlier must not hand its rows to the next"
    assert list(questions(1).exclude(pk=faq.pk)) == [] and list(questions(1)) == [faq]
    assert questions(1) is not questions(1)
    assert list(questions(2)) == []
    assert built == [1, 2], "built once for each argument"


def test_a_testimonial_leaves_every_page_at_midnight_when_its_consent_expires(visitor):
    """The article, location and home pages build their testimonial querysets once per day:
    the day before, they showed the quote; at midnight, the next render leaves it out."""
    evening = timezone.make_aware(dt.datetime(2026, 6, 1, 22, 0))  # in the site's time zone
    quote = "The evening group kept my job and my nights."
    with time_machine.travel(evening, tick=False) as clock:
        location = LocationFactory(slug="jefferson")
        article = ArticleFactory()
        testimonial = TestimonialFactory(
            quote=quote, location=location, is_featured=True, consent_expires_on=dt.date(2026, 6, 2)
        )
        ArticleTestimonialFactory(article=article, testimonial=testimonial)
        pages = [article.get_absolute_url(), location.get_absolute_url(), "/"]
        for page in pages:
            assert quote in text(visitor.get(page)), page
        clock.shift(dt.timedelta(hours=2))
        for page in pages:
            assert quote not in text(visitor.get(page)), page
