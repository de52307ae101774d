"""Articles, locations and FAQ topics, like standing pages, have their addresses in lower case. A
slug with capitals made a page that answered at /articles/Caps-Slug/ while /articles/caps-slug/,
where an address typed or heard leads (carter_site.redirects), said "not found"."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.admin_forms import admin_form_data, change_url
from tests.factories import ArticleFactory, LocationFactory, TopicFactory

pytestmark = pytest.mark.django_db

FACTORIES = [pytest.param(ArticleFactory, id="article"), pytest.param(LocationFactory, id="location")]
# A topic's page (/faqs/<slug>/) is an address like theirs.
WITH_TOPICS = [*FACTORIES, pytest.param(TopicFactory, id="topic")]


@pytest.mark.parametrize("factory", WITH_TOPICS)
@pytest.mark.parametrize("slug", ["Caps-Slug", "CAPS-SLUG", "caps-Slug"])
def test_an_address_in_capitals_is_refused_in_the_admin(staff_client, factory, slug):
    page = factory(slug="lower-case")
    form = admin_form_data(staff_client.get(change_url(page)))
    form["slug"] = slug
    response = staff_client.post(change_url(page), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "Write the address in lower case: caps-slug."
    ]
    page.refresh_from_db()
    assert page.slug == "lower-case"


@pytest.mark.parametrize("factory", WITH_TOPICS)
def test_the_model_refuses_capitals_for_every_way_in(factory):
    """The importer and the demo content save through full_clean(), as the admin does."""
    page = factory.build(slug="Caps-Slug")
    with pytest.raises(ValidationError) as refused:
        page.full_clean(validate_unique=False, validate_constraints=False)
    assert refused.value.message_dict["slug"] == ["Write the address in lower case: caps-slug."]


@pytest.mark.parametrize("factory", FACTORIES)
def test_an_address_typed_in_capitals_reaches_the_lower_case_page(factory):
    page = factory(slug="caps-slug")
    address = page.get_absolute_url()
    response = Client().get(address.replace("caps-slug", "Caps-Slug"))
    assert (response.status_code, response["Location"]) == (301, address)


@pytest.mark.parametrize("factory", FACTORIES)
def test_an_address_typed_in_capitals_without_its_slash_reaches_the_page_in_one_step(factory):
    """ "/Locations/Alpharetta" was "not found" while "/locations/Alpharetta" and
    "/Locations/Alpharetta/" each led to the page: the slash is only added where the address as
    typed matches a URL pattern, and "/Locations/…" matches none."""
    page = factory(slug="caps-slug")
    address = page.get_absolute_url()  # "/locations/caps-slug/"
    typed = address.rstrip("/")
    for path in (typed.title(), typed.upper(), typed.replace("caps-slug", "Caps-Slug")):
        for query in ("", "?utm_source=radio"):
            response = Client().get(path + query)
            assert (response.status_code, response.get("Location")) == (301, address + query), path


def test_an_address_in_capitals_without_its_slash_leads_nowhere_where_there_is_no_page():
    LocationFactory(slug="alpharetta", is_published=False)
    for path in ("/Locations/Alpharetta", "/Locations/Nowhere", "/Articles/Nothing-Here", "/Faqs/X"):
        assert Client().get(path).status_code == 404, path


@pytest.mark.parametrize(
    "model",
    [
        pytest.param("articles.Article", id="article"),
        pytest.param("articles.Clinician", id="clinician"),
        pytest.param("locations.Location", id="location"),
        pytest.param("faqs.Topic", id="topic"),
    ],
)
def test_the_address_help_gives_the_part_to_type_and_the_address_it_makes(model):
    """The box takes the last part of the address only: a help that showed the whole address
    (/articles/your-article-name/) as its example had editors type the slashes in. The example
    it gives is the address the site really makes of that part."""
    from django.apps import apps

    Model = apps.get_model(model)
    help_text = str(Model._meta.get_field("slug").help_text)
    part, address = re.search(r": ([a-z0-9-]+) makes (/\S+/)", help_text).groups()
    assert Model(slug=part).get_absolute_url() == address
