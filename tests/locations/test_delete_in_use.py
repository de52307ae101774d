"""Deleting a location that content still uses: refused, with what uses it and what to do."""

import pytest
from django.urls import reverse

from locations.models import Location
from tests.factories import ArticleFactory, ArticleLocationFactory, LocationFactory, TestimonialFactory

pytestmark = pytest.mark.django_db


def test_the_refusal_lists_the_articles_and_stories_as_links_and_says_what_to_do(staff_client):
    location = LocationFactory(name="Riverside")
    article = ArticleFactory(title="Evenings at Riverside")
    ArticleLocationFactory(article=article, location=location)
    story = TestimonialFactory(attribution="Evening-track client, 2024", location=location)
    url = reverse("admin:locations_location_delete", args=[location.pk])

    html = staff_client.get(url).content.decode()
    assert "is still used by the content below, so it cannot be deleted yet" in html
    assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert "Article: Evenings at Riverside" in html
    assert reverse("admin:testimonials_testimonial_change", args=[story.pk]) in html
    assert "untick <strong>Published</strong> instead" in html

    staff_client.post(url, {"post": "yes"})
    assert Location.objects.filter(pk=location.pk).exists()


def test_a_location_nothing_uses_is_deleted_as_usual(staff_client):
    location = LocationFactory()
    url = reverse("admin:locations_location_delete", args=[location.pk])
    assert "Are you sure" in staff_client.get(url).content.decode()
    staff_client.post(url, {"post": "yes"})
    assert not Location.objects.filter(pk=location.pk).exists()
