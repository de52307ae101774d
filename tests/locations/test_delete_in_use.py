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


def bulk_delete(staff_client, model, objects, confirm=False):
    """The list's "Delete selected" action on `objects`: its confirmation page, or with `confirm`
    what answering "Yes, I'm sure" does."""
    data = {"action": "delete_selected", "_selected_action": [obj.pk for obj in objects]}
    if confirm:
        data["post"] = "yes"
    response = staff_client.post(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"), data
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_selection_of_locations_some_in_use_is_refused_with_what_uses_them(staff_client):
    used, unused = LocationFactory(name="Riverside"), LocationFactory(name="Lakeside")
    article = ArticleFactory(title="Evenings at Riverside")
    ArticleLocationFactory(article=article, location=used)

    html = bulk_delete(staff_client, Location, [used, unused])
    assert (
        "Some of the selected locations are still used by the content below, so nothing was deleted." in html
    )
    assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert "use the action “Unpublish selected locations” instead" in html
    assert "protected related objects" not in html and "Yes, I’m sure" not in html

    bulk_delete(staff_client, Location, [used, unused], confirm=True)
    assert Location.objects.filter(pk__in=[used.pk, unused.pk]).count() == 2


def test_a_topic_with_questions_is_refused_with_them_one_or_several_at_a_time(staff_client):
    from faqs.models import FAQ, Topic
    from tests.factories import FAQFactory, TopicFactory

    topic, other = TopicFactory(name="Insurance and cost"), TopicFactory(name="Coming back")
    faq = FAQFactory(topic=topic, question="Is IOP covered by insurance?")
    single = reverse("admin:faqs_topic_delete", args=[topic.pk])

    for html in (staff_client.get(single).content.decode(), bulk_delete(staff_client, Topic, [topic, other])):
        assert "still used by the content below" in html
        assert reverse("admin:faqs_faq_change", args=[faq.pk]) in html
        assert "Is IOP covered by insurance?" in html
        assert "choose another topic for it" in html or "choose a topic you keep for it" in html
        assert "Published" not in html and "protected related objects" not in html

    staff_client.post(single, {"post": "yes"})
    bulk_delete(staff_client, Topic, [topic, other], confirm=True)
    assert (
        Topic.objects.filter(pk__in=[topic.pk, other.pk]).count() == 2
        and FAQ.objects.filter(pk=faq.pk).exists()
    )
