"""The same FAQ, testimonial or location placed twice on one page, in its change form: the rows
name what is there twice, in an editor's words, and nothing is saved."""

import pytest

from faqs.models import ArticleFAQ, LocationFAQ
from testimonials.models import ArticleTestimonial
from tests.admin_forms import admin_form_data, change_url
from tests.factories import (
    ArticleFactory,
    ArticleFAQFactory,
    ArticleTestimonialFactory,
    FAQFactory,
    LocationFactory,
    LocationFAQFactory,
    TestimonialFactory,
)

pytestmark = pytest.mark.django_db


def add_row(data, prefix, parent_field, parent, field, value):
    """One more row in the inline `prefix`, as the browser posts a row added with its button."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{field}": str(value.pk), f"{prefix}-{index}-{parent_field}": str(parent.pk),
                 f"{prefix}-{index}-id": "", f"{prefix}-{index}-order": "9"})  # fmt: skip
    return data


def placed_twice(staff_client, page, prefix, parent_field, field, value, model):
    data = add_row(
        admin_form_data(staff_client.get(change_url(page))), prefix, parent_field, page, field, value
    )
    data["title" if hasattr(page, "title") else "name"] = "Not saved"
    response = staff_client.post(change_url(page), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "duplicate" not in html
    page.refresh_from_db()
    assert model.objects.count() == 1 and "Not saved" not in str(page)
    [inline] = [i for i in response.context["inline_admin_formsets"] if i.formset.model is model]
    return [error for form in inline.formset.forms for error in form.non_field_errors()]


def test_an_faq_placed_twice_on_an_article_is_named(staff_client):
    placement = ArticleFAQFactory(faq=FAQFactory(question="Is parking free?"))
    errors = placed_twice(
        staff_client, placement.article, "faq_placements", "article", "faq", placement.faq, ArticleFAQ
    )
    said = "This FAQ is on the article twice: “Is parking free?”. Delete one of the two rows."
    assert errors == [said, said]


def test_an_faq_placed_twice_on_a_location_is_named(staff_client):
    placement = LocationFAQFactory(faq=FAQFactory(question="Do you take my insurance?"))
    errors = placed_twice(
        staff_client, placement.location, "faq_placements", "location", "faq", placement.faq, LocationFAQ
    )
    said = "This FAQ is on the location twice: “Do you take my insurance?”. Delete one of the two rows."
    assert errors == [said, said]


def test_a_testimonial_placed_twice_on_an_article_is_named_by_its_quote(staff_client):
    testimonial = TestimonialFactory(quote="I kept my job.", attribution="Former IOP client, 2024")
    placement = ArticleTestimonialFactory(testimonial=testimonial)
    errors = placed_twice(
        staff_client, placement.article, "testimonial_placements", "article", "testimonial", testimonial,
        ArticleTestimonial,
    )  # fmt: skip
    said = (
        "This testimonial is on the article twice: “I kept my job.” — Former IOP client, 2024. "
        "Delete one of the two rows."
    )
    assert errors == [said, said]


def test_a_location_chosen_twice_for_an_article_is_named(staff_client):
    from articles.models import ArticleLocation

    article = ArticleFactory()
    location = LocationFactory(name="Jefferson")
    ArticleLocation.objects.create(article=article, location=location)
    errors = placed_twice(
        staff_client, article, "location_links", "article", "location", location, ArticleLocation
    )
    said = "This location is on the article twice: “Jefferson”. Delete one of the two rows."
    assert errors == [said, said]
