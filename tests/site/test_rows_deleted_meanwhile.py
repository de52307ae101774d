"""Saving a list's order column, or a change form with inline rows, after someone else deleted one
of its rows: the rest is saved, and the editor is told what happened to the deleted row."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from faqs.models import FAQ
from locations.models import Location
from tests.admin_forms import admin_form_data, change_url, changelist_form_data
from tests.factories import ArticleFactory, ArticleFAQFactory, FAQFactory, LocationFactory, TopicFactory

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


def test_an_inline_row_deleted_meanwhile_is_left_out_and_the_rest_of_the_form_saved(staff_client, client):
    article = ArticleFactory(summary="The summary before.")
    kept = ArticleFAQFactory(article=article, order=1)
    removed = ArticleFAQFactory(article=article, order=2)
    data = admin_form_data(staff_client.get(change_url(article)))
    data["summary"] = "A new summary the editor typed."
    removed.delete()  # by someone else, while this article was open

    response = staff_client.post(change_url(article), data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.summary == "A new summary the editor typed."
    assert list(article.faq_placements.all()) == [kept]
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(
        message.startswith("Someone else removed 1 row of “")
        and message.endswith("after you opened this page. It is left out; everything else you typed is kept.")
        for message in said
    ), said
