"""The groups of docs/roles.md hold what that page promises. Site administrators may do
everything, including setting up a staff member's authenticator app (docs/security.md), without
being superusers."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from carter_site.roles import SITE_ADMINISTRATORS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_site_administrators_hold_every_permission():
    group = Group.objects.get(name=SITE_ADMINISTRATORS)
    missing = Permission.objects.exclude(group=group).select_related("content_type")
    assert sorted(f"{p.content_type.app_label}.{p.codename}" for p in missing) == []


def test_a_site_administrator_who_is_not_a_superuser_sets_up_an_authenticator_app():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = UserFactory(username="alex", is_staff=True)
    admin.groups.add(Group.objects.get(name=SITE_ADMINISTRATORS))
    staff_member = UserFactory(username="dana", is_staff=True)
    client = Client()
    client.force_login(admin)

    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 200
    response = client.post(
        reverse("admin:otp_totp_totpdevice_add"),
        {
            "user": str(staff_member.pk),
            "name": "Phone",
            "key": "3132333435363738393031323334353637383930",
            "step": "30",
            "t0": "0",
            "digits": "6",
            "tolerance": "1",
            "drift": "0",
            "confirmed": "on",
            "throttling_failure_count": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    device = TOTPDevice.objects.get(user=staff_member)
    # The QR code the staff member scans.
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 200
    assert client.get(reverse("admin:otp_static_staticdevice_changelist")).status_code == 200
