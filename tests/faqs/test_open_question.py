"""A link to one answer (a search result) lands on a page with that question open."""

import re

import pytest
from django.core.cache import cache

from tests.factories import FAQFactory

pytestmark = pytest.mark.django_db


def open_questions(html):
    return re.findall(r'<details class="faq" id="(faq-\d+)" open>', html)


@pytest.fixture
def faqs():
    return [
        FAQFactory(question="Will my employer find out?", answer="<p>Not from us, without your consent.</p>"),
        FAQFactory(question="Is there an evening track?"),
        FAQFactory(question="Does insurance cover it?"),
    ]


def test_a_search_result_for_a_question_opens_that_question(client, faqs):
    employer = faqs[0]
    html = client.get("/search/", {"q": "employer"}).content.decode()
    assert f'href="{employer.get_open_url()}"' in html  # on its topic's page: tests/faqs/test_topic_pages.py

    page = client.get(f"/faqs/?open={employer.pk}")  # and on the FAQ page, while it shows every answer
    assert page.status_code == 200
    assert open_questions(page.content.decode()) == [f"faq-{employer.pk}"]


def test_the_faq_page_itself_opens_nothing(client, faqs):
    assert open_questions(client.get("/faqs/").content.decode()) == []


@pytest.mark.parametrize("value", ["", "abc", "-1", "1.5", "²", "٣", "9" * 40, "0x1", " 1"])
def test_anything_but_an_id_opens_nothing_and_is_no_error(client, faqs, value):
    response = client.get("/faqs/", {"open": value})
    assert response.status_code == 200
    assert open_questions(response.content.decode()) == []


def test_an_unknown_or_unpublished_question_opens_nothing(client, faqs):
    hidden = FAQFactory(is_published=False)
    for pk in (hidden.pk, 987654):
        assert open_questions(client.get("/faqs/", {"open": pk}).content.decode()) == []


def test_the_open_variant_is_never_cached_nor_served_to_others(client, faqs):
    cache.clear()
    first = client.get("/faqs/")
    assert client.get("/faqs/")["X-Page-Cache"] == "hit"
    opened = client.get("/faqs/", {"open": faqs[1].pk})
    assert opened["X-Page-Cache"] != "hit"
    assert open_questions(opened.content.decode()) == [f"faq-{faqs[1].pk}"]
    again = client.get("/faqs/")
    assert again["X-Page-Cache"] == "hit" and open_questions(again.content.decode()) == []
    assert first.content == again.content


def test_its_canonical_address_is_the_faq_page(client, faqs):
    html = client.get("/faqs/", {"open": faqs[0].pk}).content.decode()
    assert re.search(r'<link rel="canonical" href="https?://[^"/]+/faqs/">', html)
