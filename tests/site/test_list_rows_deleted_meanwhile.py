"""Saving a list's order column after someone else deleted one of its rows: the other rows are
saved, and the editor is told what happened to the deleted one."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from faqs.models import FAQ
from locations.models import Location
from tests.admin_forms import changelist_form_data
from tests.factories import FAQFactory, LocationFactory, TopicFactory

pytestmark = pytest.mark.django_db

LISTS = {
    "faqs": (FAQ, lambda: FAQFactory.create_batch(3, topic=TopicFactory()), "FAQ"),
    "locations": (Location, lambda: LocationFactory.create_batch(3), "location"),
}


@pytest.mark.parametrize("which", LISTS)
def test_the_other_rows_are_saved_and_the_editor_is_told(staff_client, which):
    model, make, name = LISTS[which]
    make()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    data = changelist_form_data(staff_client.get(url))
    rows = {data[f"form-{index}-id"]: index for index in range(3)}
    for index in rows.values():
        data[f"form-{index}-order"] = str(10 + index)
    data["_save"] = "Save"
    gone = data["form-1-id"]
    model.objects.get(pk=gone).delete()  # by someone else, while this list was open

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["cl"].formset.errors
    orders = dict(model.objects.values_list("pk", "order"))
    assert {str(pk) for pk in orders} == set(rows) - {gone}
    assert all(orders[int(pk)] == 10 + rows[pk] for pk in rows if pk != gone)
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert f"1 {name} in this list was deleted by someone else after you opened the list." in said[0]


def test_a_list_with_nothing_deleted_saves_as_before(staff_client):
    FAQFactory.create_batch(2, topic=TopicFactory())
    url = reverse("admin:faqs_faq_changelist")
    data = changelist_form_data(staff_client.get(url))
    data.update({"form-0-order": "5", "form-1-order": "6", "_save": "Save"})
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert sorted(FAQ.objects.values_list("order", flat=True)) == [5, 6]
    assert not any("deleted" in str(message) for message in get_messages(response.wsgi_request))


@pytest.mark.parametrize("total", ["", "abc", "-1", "100000"])
def test_a_garbled_list_is_left_to_the_formset(staff_client, total):
    """What no browser sends gets Django's own answer, and changes nothing."""
    FAQFactory.create_batch(2, topic=TopicFactory())
    before = sorted(FAQ.objects.values_list("pk", "order"))
    url = reverse("admin:faqs_faq_changelist")
    data = changelist_form_data(staff_client.get(url))
    gone = int(data["form-0-id"])
    FAQ.objects.get(pk=gone).delete()
    data.update({"form-TOTAL_FORMS": total, "form-1-order": "9", "_save": "Save"})
    response = staff_client.post(url, data)
    # A count of -1 is a formset of no rows, "saved"; anything else is refused as tampered with.
    assert response.status_code == (302 if total == "-1" else 200)
    assert sorted(FAQ.objects.values_list("pk", "order")) == [row for row in before if row[0] != gone]
