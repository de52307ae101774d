"""A testimonial without written consent on file never appears anywhere public."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from testimonials.models import Testimonial
from tests.factories import ArticleFactory, ArticleTestimonialFactory, LocationFactory, TestimonialFactory

pytestmark = pytest.mark.django_db

SECRET_QUOTE = "Words we may not show without consent."


def test_testimonial_without_consent_is_not_shown_on_any_public_page(client):
    location = LocationFactory()
    article = ArticleFactory()
    # Placed on an article, featured, tied to a location, but no consent on file
    # (and so, by the database's own rule, not published either).
    testimonial = TestimonialFactory(
        quote=SECRET_QUOTE, is_featured=True, location=location, consent_on_file=False, is_published=False
    )
    ArticleTestimonialFactory(article=article, testimonial=testimonial)

    urls = [
        reverse("home"),
        reverse("testimonials:list"),
        article.get_absolute_url(),
        location.get_absolute_url(),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert SECRET_QUOTE not in response.content.decode(), url


def test_same_testimonial_is_shown_with_consent(client):
    TestimonialFactory(quote=SECRET_QUOTE, is_featured=True)
    assert SECRET_QUOTE in client.get(reverse("testimonials:list")).content.decode()
    assert SECRET_QUOTE in client.get(reverse("home")).content.decode()


def test_unpublished_testimonial_is_hidden(client):
    TestimonialFactory(quote=SECRET_QUOTE, is_published=False)
    assert SECRET_QUOTE not in client.get(reverse("testimonials:list")).content.decode()


def test_database_refuses_a_published_testimonial_without_consent():
    with pytest.raises(IntegrityError), transaction.atomic():
        TestimonialFactory(consent_on_file=False, is_published=True)


def test_published_queryset_requires_consent_and_the_published_tick():
    shown = TestimonialFactory()
    TestimonialFactory(consent_on_file=False, is_published=False)
    TestimonialFactory(consent_on_file=True, is_published=False)
    assert list(Testimonial.objects.published()) == [shown]


def test_published_queryset_leaves_out_consent_withdrawn_ended_or_not_yet_signed():
    """README, "How content becomes public": consent on file is not enough when it was withdrawn,
    has reached the day it ends, or is dated after today."""
    today = timezone.localdate()
    shown = TestimonialFactory(consent_expires_on=today + dt.timedelta(days=1))
    TestimonialFactory(consent_withdrawn_on=today - dt.timedelta(days=1))
    TestimonialFactory(consent_expires_on=today)
    TestimonialFactory(consent_signed_on=today + dt.timedelta(days=1))
    assert list(Testimonial.objects.published()) == [shown]

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    [rule] = re.findall(r"^\| Testimonial \| (.*) \|$", readme, re.MULTILINE)
    for condition in (
        "consent is on file",
        "signed on or before today",
        "not withdrawn",
        "not past the day it ends",
    ):
        assert condition in rule
