import pytest
from django.urls import reverse

from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def test_unpublished_location_is_404_for_visitors_and_hidden_from_lists_and_footer(client):
    location = LocationFactory(name="Savannah", is_published=False)
    assert client.get(location.get_absolute_url()).status_code == 404
    for url in (reverse("locations:list"), reverse("home"), reverse("faqs:list")):
        assert "Savannah" not in client.get(url).content.decode()


def test_staff_see_unpublished_location_with_banner(staff_client):
    location = LocationFactory(name="Savannah", is_published=False)
    response = staff_client.get(location.get_absolute_url())
    assert response.status_code == 200
    assert "Draft — not public." in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_location_without_its_own_phone_uses_the_main_number(client):
    location = LocationFactory(phone="")
    html = client.get(location.get_absolute_url()).content.decode()
    assert 'Call <span class="phone-number">(470) 284-1834</span>' in html

    location.phone = "770-555-0199"
    location.save()
    html = client.get(location.get_absolute_url()).content.decode()
    assert 'href="tel:+17705550199"' in html
