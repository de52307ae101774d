"""History addresses with a version id that is not a version of that page: "not found", and
nothing restored.

django-reversion looks a version up by its id alone (and, to restore, the object id): the
version of a location, sent to the address of the article with the same id, was written back
with the article's form, past the location's own permission and checks."""

import pytest
from django.urls import reverse
from reversion.models import Version

from locations.models import Location
from tests.admin_forms import admin_form_data, edit_in_admin
from tests.factories import ArticleFactory, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article_and_renamed_location(staff_client):
    """An article and a location with the same id; the location's first version has its old name."""
    article = ArticleFactory()
    location = LocationFactory(pk=article.pk, name="Alpharetta")
    edit_in_admin(staff_client, article)
    edit_in_admin(staff_client, location)
    edit_in_admin(staff_client, location, name="Alpharetta North")
    old_version = Version.objects.get_for_object(location).order_by("pk").first()
    return article, location, old_version


def test_an_articles_history_does_not_open_the_version_of_a_location(
    staff_client, article_and_renamed_location
):
    article, _location, old_version = article_and_renamed_location
    url = reverse("admin:articles_article_revision", args=[article.pk, old_version.pk])
    assert staff_client.get(url).status_code == 404


def test_saving_an_article_at_a_locations_version_restores_nothing(
    staff_client, article_and_renamed_location
):
    article, location, old_version = article_and_renamed_location
    data = admin_form_data(staff_client.get(reverse("admin:articles_article_change", args=[article.pk])))
    url = reverse("admin:articles_article_revision", args=[article.pk, old_version.pk])
    assert staff_client.post(url, data).status_code == 404
    assert Location.objects.get(pk=location.pk).name == "Alpharetta North"


def test_recover_opens_only_a_deleted_object_of_its_own_kind(staff_client, article_and_renamed_location):
    article, _location, old_version = article_and_renamed_location
    own_version = Version.objects.get_for_object(article).first()
    for version in (old_version, own_version):  # another kind's; an article that was never deleted
        assert (
            staff_client.get(reverse("admin:articles_article_recover", args=[version.pk])).status_code == 404
        )


def test_a_deleted_article_is_still_recovered(staff_client):
    article = ArticleFactory(title="Evenings at Jefferson")
    edit_in_admin(staff_client, article)
    staff_client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    version = Version.objects.get_deleted(type(article)).get(object_id=str(article.pk))
    response = staff_client.get(reverse("admin:articles_article_recover", args=[version.pk]))
    assert response.status_code == 200
    assert "Evenings at Jefferson" in response.content.decode()
