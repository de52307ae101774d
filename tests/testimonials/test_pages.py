"""Wherever a client's words are shown, the page says they are shared with permission and are
one person's experience, not a promised result (domain rules for testimonials)."""

import pytest
from django.urls import reverse

from testimonials.models import ArticleTestimonial
from tests.factories import ArticleFactory, LocationFactory, TestimonialFactory

pytestmark = pytest.mark.django_db

NOTE = "Shared with written permission. These words describe one person’s experience, not a promised result."


@pytest.fixture
def quote():
    location = LocationFactory()
    testimonial = TestimonialFactory(
        quote="The evening group let me keep my job.", location=location, is_featured=True
    )
    article = ArticleFactory()
    ArticleTestimonial.objects.create(testimonial=testimonial, article=article)
    return testimonial


def test_every_page_that_shows_a_quote_says_what_it_is(client, quote):
    pages = [
        "/",
        quote.location.get_absolute_url(),
        quote.article_placements.get().article.get_absolute_url(),
    ]
    for path in pages:
        html = client.get(path).content.decode()
        assert "The evening group let me keep my job." in html, path
        assert html.count(NOTE) == 1, path
        assert html.index("The evening group let me keep my job.") < html.index(NOTE), path


def test_the_stories_page_says_it_once_above_the_quotes(client, quote):
    html = client.get(reverse("testimonials:list")).content.decode()
    assert html.count("not a promised result") == 1
    assert html.index("not a promised result") < html.index("The evening group let me keep my job.")


def test_a_page_without_quotes_says_nothing_of_them(client, quote):
    html = client.get(ArticleFactory().get_absolute_url()).content.decode()
    assert "promised result" not in html
