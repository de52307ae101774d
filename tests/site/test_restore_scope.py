"""Restoring one object's version writes back that object (and the rows that belong to it), never
the other objects saved in the same revision: the demo content's, a bulk action's.

django-reversion's admin wrote the whole revision back: restoring a location's first version
put every demo object back as it was, a withdrawn testimonial included, and undid other editors'
work without a version or a log entry saying so."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from faqs.models import FAQ
from locations.models import Location
from testimonials.models import Testimonial
from tests.admin_forms import admin_form_data, edit_in_admin
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def restore(client, obj, version):
    """Open `version` of `obj` in the admin and save it, as an editor does."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_revision", args=[obj.pk, version.pk])
    opened = client.get(url)
    assert opened.status_code == 200
    response = client.post(url, admin_form_data(opened))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def first_version(obj):
    return Version.objects.get_for_object(obj).order_by("pk").first()


def test_restoring_a_demo_location_leaves_a_withdrawn_testimonial_withdrawn(staff_client):
    call_command("load_demo_content", verbosity=0)
    atlanta = Location.objects.get(slug="atlanta")
    quote = Testimonial.objects.filter(is_published=True).first()
    faq = FAQ.objects.first()
    assert (
        first_version(atlanta).revision_id
        == first_version(quote).revision_id
        == first_version(faq).revision_id
    )
    edit_in_admin(staff_client, quote, consent_withdrawn_on=timezone.localdate().isoformat())
    edit_in_admin(staff_client, faq, question="How soon can I start the program?")
    edit_in_admin(staff_client, atlanta, summary="Our program in the city, near the train.")

    restore(staff_client, atlanta, first_version(atlanta))

    atlanta.refresh_from_db()
    assert atlanta.summary != "Our program in the city, near the train."  # the location is restored
    quote.refresh_from_db()
    assert quote.consent_withdrawn_on == timezone.localdate()
    assert quote.quote[:20] not in staff_client.get(reverse("testimonials:list")).content.decode()
    faq.refresh_from_db()
    assert faq.question == "How soon can I start the program?"


def test_restoring_one_article_of_a_bulk_action_leaves_the_others_as_they_are_now(staff_client):
    first, second = (
        ArticleFactory(status=Article.Status.DRAFT, published_at=None),
        ArticleFactory(status=Article.Status.DRAFT, published_at=None),
    )
    staff_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [first.pk, second.pk], "index": "0"},
    )
    bulk = Version.objects.get_for_object(first).order_by("-pk").first()
    assert Version.objects.get_for_object(second).order_by("-pk").first().revision_id == bulk.revision_id
    edit_in_admin(staff_client, second, title="Renamed since", status=Article.Status.DRAFT)
    edit_in_admin(staff_client, first, title="Edited since")

    restore(staff_client, first, bulk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title != "Edited since" and first.status == Article.Status.PUBLISHED
    assert second.title == "Renamed since" and second.status == Article.Status.DRAFT


def test_another_articles_slug_in_the_same_revision_does_not_stop_a_restore(staff_client):
    """Restoring A used to be refused because B, saved in the same bulk action, had lent its old
    slug to a third article since: "it was deleted together with…", though nothing was deleted."""
    first, second = ArticleFactory(), ArticleFactory(slug="the-evening-track")
    staff_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [first.pk, second.pk], "index": "0"},
    )
    bulk = Version.objects.get_for_object(first).order_by("-pk").first()
    edit_in_admin(staff_client, second, slug="evenings")
    ArticleFactory(slug="the-evening-track")
    edit_in_admin(staff_client, first, title="Edited since")

    response = staff_client.get(
        reverse("admin:articles_article_revision", args=[first.pk, bulk.pk]), follow=True
    )
    assert [str(m) for m in response.context["messages"] if "cannot be restored" in str(m)] == []
    restore(staff_client, first, bulk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title != "Edited since" and second.slug == "evenings"


def test_restoring_an_article_puts_back_its_own_placements_only(staff_client):
    call_command("load_demo_content", verbosity=0)
    article, other = Article.objects.filter(faq_placements__isnull=False).distinct()[:2]
    placed = sorted(article.faq_placements.values_list("faq_id", flat=True))
    others_placed = sorted(other.faq_placements.values_list("faq_id", flat=True))
    version = first_version(article)
    article.faq_placements.all().delete()
    other.faq_placements.all().delete()

    restore(staff_client, article, version)

    assert sorted(article.faq_placements.values_list("faq_id", flat=True)) == placed
    assert others_placed and not other.faq_placements.exists()


def test_recovering_an_article_deleted_outside_the_admin_brings_back_that_article_only(staff_client):
    """Its latest version is the demo content's: recovering it must not write the other demo
    objects over what they are now, nor bring back others deleted since."""
    call_command("load_demo_content", verbosity=0)
    gone, also_gone, kept = Article.objects.order_by("pk")[:3]
    gone_pk, also_gone_pk = gone.pk, also_gone.pk
    gone.delete()
    also_gone.delete()
    edit_in_admin(staff_client, kept, title="Edited since the demo")
    version = Version.objects.get_deleted(Article).get(object_id=str(gone_pk))

    url = reverse("admin:articles_article_recover", args=[version.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url)))
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert Article.objects.filter(pk=gone_pk).exists()
    assert not Article.objects.filter(pk=also_gone_pk).exists()
    kept.refresh_from_db()
    assert kept.title == "Edited since the demo"


def test_articles_deleted_together_come_back_together(staff_client):
    articles = [ArticleFactory(), ArticleFactory(), ArticleFactory()]
    staff_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [a.pk for a in articles], "post": "yes"},
    )
    version = Version.objects.get_deleted(Article).get(object_id=str(articles[2].pk))
    url = reverse("admin:articles_article_recover", args=[version.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url)))
    assert response.status_code == 302
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted(a.title for a in articles)
