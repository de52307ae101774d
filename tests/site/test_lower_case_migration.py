"""Upgrading a site whose pages were saved with capitals in their addresses, before every address
had to be lower case: each is written in lower case, where visitors are led, unless another page
holds that address already; redirects follow it."""

import pytest
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.test import Client

from tests.factories import ArticleFactory, LocationFactory, PageFactory, TopicFactory
from tests.migrating import back_at, latest, migrate

pytestmark = pytest.mark.django_db(transaction=True)

# The schema is the same on either side of the migration: today's models write the old rows.
BEFORE = [("carter_site", "0016_columns_default_in_the_database")]


def test_addresses_with_capitals_are_written_in_lower_case_and_redirects_follow():
    with back_at(BEFORE):
        location = LocationFactory(slug="Family-Week")
        topic = TopicFactory(slug="Insurance-And-Cost")
        page = PageFactory(slug="Our-Promise")
        article = ArticleFactory(slug="Coming-Back")
        held = ArticleFactory(slug="clash")
        clashing = ArticleFactory(slug="Clash")
        site = Site.objects.get_current()
        led_there = Redirect.objects.create(
            site=site, old_path="/articles/old-name/", new_path="/articles/Coming-Back/"
        )
        # A redirect from the lower-case address: the page there now would never let it answer.
        Redirect.objects.create(site=site, old_path="/articles/coming-back/", new_path="/articles/elsewhere/")

        migrate(latest())

    for row, slug in [
        (location, "family-week"),
        (topic, "insurance-and-cost"),
        (page, "our-promise"),
        (article, "coming-back"),
        (held, "clash"),
        (clashing, "Clash"),  # left for its next save, which asks for another address
    ]:
        row.refresh_from_db()
        assert row.slug == slug
    led_there.refresh_from_db()
    assert led_there.new_path == "/articles/coming-back/"
    assert not Redirect.objects.filter(old_path="/articles/coming-back/").exists()

    client = Client()
    assert client.get("/locations/family-week/").status_code == 200
    assert client.get("/articles/coming-back/").status_code == 200
    moved = client.get("/locations/Family-Week/")
    assert (moved.status_code, moved["Location"]) == (301, "/locations/family-week/")
    assert client.get("/articles/old-name/")["Location"] == "/articles/coming-back/"
