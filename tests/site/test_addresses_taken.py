"""Two pages cannot share an address (slug). An editor who gives a second article the same
title as the first, from which the slug is filled in, is told which article has it already and
what to do, where Django said "Article with this Slug already exists."."""

import pytest
from django.urls import reverse

from articles.models import Article
from faqs.models import Topic
from locations.models import Location
from pages.models import Page
from tests.admin_forms import admin_form_data
from tests.factories import ArticleFactory, LocationFactory, PageFactory, TopicFactory


def test_a_second_article_with_the_same_title_is_told_which_article_has_its_address(staff_client):
    ArticleFactory(title="Your first week", slug="your-first-week")
    url = reverse("admin:articles_article_add")
    data = admin_form_data(staff_client.get(url))
    data.update(
        {"title": "Your first week", "slug": "your-first-week", "summary": "Again.", "body": "<p>Hi.</p>"}
    )
    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "Another article, “Your first week”, already has this address. Change it here, for example by "
        "adding a word: each article needs an address of its own."
    ]
    assert admin_form_data(response)["summary"] == "Again."  # what was typed is kept
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("factory", "model", "name"),
    [
        (LocationFactory, Location, "location"),
        (PageFactory, Page, "standing page"),
        (TopicFactory, Topic, "topic"),
    ],
)
def test_renaming_to_another_pages_address_names_it(staff_client, factory, model, name):
    first, second = factory(), factory()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[second.pk])
    data = admin_form_data(staff_client.get(url))
    data["slug"] = first.slug
    response = staff_client.post(url, data)

    assert response.status_code == 200
    [said] = response.context["adminform"].form.errors["slug"]
    assert said.startswith(f"Another {name}, “{first}”, already has this address. Change it here")
    second.refresh_from_db()
    assert second.slug != first.slug
