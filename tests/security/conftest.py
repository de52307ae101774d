"""Fixtures for the security tests: a site with one of every public page type, and hypothesis.

Hypothesis runs with a fixed, documented budget (docs/security.md, "Hostile input"):

- `ci` (the default): MAX_EXAMPLES examples per property, derandomized, so every run (CI and a
  developer's) tries the same inputs, and no deadline (a slow first request is not a bug).
- `thorough`: many more examples, random each time, to hunt for new failures locally:
  `HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/security`.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

MAX_EXAMPLES = 150

settings.register_profile(
    "ci",
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    print_blob=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=3000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def site(db):
    """One of every public page type, with everything each page can show."""
    from carter_site.models import SiteSettings
    from tests.factories import (
        ArticleFactory,
        ArticleFAQFactory,
        ArticleLocationFactory,
        ArticleTestimonialFactory,
        LocationFactory,
        LocationFAQFactory,
        OpeningHoursFactory,
        PageFactory,
        TestimonialFactory,
    )

    SiteSettings.objects.create()
    location = LocationFactory(name="Alpharetta", slug="alpharetta")
    OpeningHoursFactory(location=location)
    LocationFAQFactory(location=location)
    article = ArticleFactory(
        title="What a week of IOP looks like",
        slug="week-of-iop",
        body='<h2>Your first day</h2><p>You meet the group.</p><img src="/media/editor/room.png" alt="The room">',
    )
    ArticleLocationFactory(article=article, location=location)
    ArticleFAQFactory(article=article)
    ArticleTestimonialFactory(article=article)
    TestimonialFactory(is_featured=True, location=location)
    page = PageFactory(title="Privacy on this website", slug="privacy")
    return {"article": article, "location": location, "page": page}


def public_pages(site):
    """(name, path) for every public page type."""
    from django.urls import reverse

    from articles.models import PreviewLink

    link = PreviewLink.objects.create(article=site["article"], note="Reviewer")
    return [
        ("home", reverse("home")),
        ("article list", reverse("articles:list")),
        ("article", site["article"].get_absolute_url()),
        ("shared preview", link.get_absolute_url()),
        ("location list", reverse("locations:list")),
        ("location", site["location"].get_absolute_url()),
        ("faqs", reverse("faqs:list")),
        ("testimonials", reverse("testimonials:list")),
        ("standing page", site["page"].get_absolute_url()),
        ("search", reverse("search") + "?q=group"),
        ("not found", "/no-such-page/"),
    ]
