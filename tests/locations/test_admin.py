"""Editing a location in the admin: its own phone number and its opening hours."""

import pytest
from django.urls import reverse

from tests.admin_forms import admin_form_data
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def change_url(location):
    return reverse("admin:locations_location_change", args=[location.pk])


@pytest.mark.parametrize("impossible", ["(000) 000-0000", "+0 000 0000", "++1 470 284 1834"])
def test_a_location_phone_no_phone_could_dial_is_refused_and_nothing_is_saved(staff_client, impossible):
    location = LocationFactory(
        name="Jefferson", phone="(706) 555-0110", summary="Evening groups near the square."
    )
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(phone=impossible, summary="A new summary that must not be saved alone.")
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["phone"]
    assert "(470) 284-1834" in errors["phone"][0]
    location.refresh_from_db()
    assert (location.phone, location.summary) == ("(706) 555-0110", "Evening groups near the square.")
