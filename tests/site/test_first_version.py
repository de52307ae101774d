"""The first version History keeps of an object says how it began, whatever saved it."""

import pytest
from reversion.models import Version

from tests.admin_forms import edit_in_admin
from tests.factories import FAQFactory, LocationFactory, TestimonialFactory

pytestmark = pytest.mark.django_db


def comments(obj):
    return [version.revision.comment for version in Version.objects.get_for_object(obj).order_by("pk")]


@pytest.mark.parametrize("factory", [LocationFactory, FAQFactory, TestimonialFactory])
def test_an_object_saved_before_history_was_kept_starts_its_history_as_added(staff_client, factory):
    """Made without a version (before its model had a history, or from the shell), its first save
    in the admin changed nothing, and History began with "No fields changed."."""
    obj = factory()
    assert comments(obj) == []
    edit_in_admin(staff_client, obj)
    edit_in_admin(staff_client, obj)
    assert comments(obj) == [
        "Added before its history was kept: this is its first version. No fields changed.",
        "No fields changed.",
    ]


def test_what_the_first_save_changed_is_said_after_it(staff_client):
    location = LocationFactory(phone="")
    edit_in_admin(staff_client, location, phone="(470) 284-1834")
    assert comments(location) == [
        "Added before its history was kept: this is its first version. Changed Phone."
    ]
