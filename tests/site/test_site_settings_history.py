"""Site settings keep their history like the content does: the phone number on every page can be
put back as it was, by those who may change it, and visitors see the restored one at once."""

import pytest
from django.urls import reverse
from reversion.models import Version

from carter_site.models import SiteSettings
from tests.admin_forms import admin_form_data, edit_in_admin, signed_in

pytestmark = pytest.mark.django_db


def add_settings(client, **values):
    response = client.get(reverse("admin:carter_site_sitesettings_add"))
    data = {**admin_form_data(response), **values}
    response = client.post(reverse("admin:carter_site_sitesettings_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return SiteSettings.objects.get()


def test_each_save_of_the_settings_keeps_a_version_listed_in_their_history(staff_client):
    settings = add_settings(staff_client, phone="(470) 284-1834")
    edit_in_admin(staff_client, settings, phone="(470) 284-1835")

    versions = Version.objects.get_for_object(settings)
    assert [version.field_dict["phone"] for version in versions] == ["(470) 284-1835", "(470) 284-1834"]
    history = staff_client.get(reverse("admin:carter_site_sitesettings_history", args=[settings.pk]))
    assert history.status_code == 200
    for version in versions:
        assert reverse("admin:carter_site_sitesettings_revision", args=[settings.pk, version.pk]) in (
            history.content.decode()
        )


def test_restoring_an_earlier_version_puts_its_phone_number_back_on_every_page(client, staff_client):
    settings = add_settings(staff_client, phone="(470) 284-1834")
    edit_in_admin(staff_client, settings, phone="(470) 284-1899")  # a mistyped number
    assert "(470) 284-1899" in client.get("/").content.decode()  # on the page, and in the page cache

    first = Version.objects.get_for_object(settings).order_by("pk").first()
    url = reverse("admin:carter_site_sitesettings_revision", args=[settings.pk, first.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url)))
    assert response.status_code == 302

    settings.refresh_from_db()
    assert settings.phone == "(470) 284-1834"
    page = client.get("/").content.decode()
    assert "(470) 284-1834" in page and "(470) 284-1899" not in page
    assert 'href="tel:+14702841834"' in page


def test_a_member_of_a_role_that_may_only_view_cannot_restore_the_settings(staff_client):
    settings = add_settings(staff_client, phone="(470) 284-1834")
    edit_in_admin(staff_client, settings, phone="(470) 284-1835")
    first = Version.objects.get_for_object(settings).order_by("pk").first()
    clinician = signed_in("Clinical reviewers", "reviewer")

    url = reverse("admin:carter_site_sitesettings_revision", args=[settings.pk, first.pk])
    response = clinician.post(url, {"phone": "(470) 284-1834"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:carter_site_sitesettings_history", args=[settings.pk]
    )
    assert any("restore" in str(message) for message in response.context["messages"])
    settings.refresh_from_db()
    assert settings.phone == "(470) 284-1835"
