"""Two editors adding the same row to one page (the same FAQ on an article, the same opening time
at a location): the second is told on the row, with everything typed kept, and nothing is saved
twice; never a 500, not even when saving again after the edit-conflict message."""

import datetime as dt

import pytest
from django.test import Client

from faqs.models import ArticleFAQ
from locations.models import OpeningHours
from tests.admin_forms import admin_form_data, change_url
from tests.factories import ArticleFactory, FAQFactory, LocationFactory, StaffFactory

pytestmark = pytest.mark.django_db

MESSAGE = "after you opened this page, so it is there already. Delete this row"


@pytest.fixture
def other_editor():
    client = Client()
    client.force_login(StaffFactory(username="dana"))
    return client


def with_new_row(data, prefix, **values):
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": value for name, value in values.items()})
    return data


def save_twice(editor, url, data):
    """Save; once told someone else saved meanwhile, save again (keeping this version)."""
    response = editor.post(url, data)
    assert response.status_code == 200
    return editor.post(url, admin_form_data(response))


def test_the_same_faq_placed_by_two_editors_is_refused_on_the_row(staff_client, other_editor):
    article, faq = ArticleFactory(), FAQFactory()
    url = change_url(article)
    row = {"faq": str(faq.pk), "order": "0", "article": str(article.pk)}
    mine = with_new_row(admin_form_data(staff_client.get(url)), "faq_placements", **row)
    theirs = with_new_row(admin_form_data(other_editor.get(url)), "faq_placements", **row)
    assert other_editor.post(url, theirs).status_code == 302

    response = save_twice(staff_client, url, mine)

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert ArticleFAQ.objects.filter(article=article).count() == 1


def test_the_same_opening_time_added_by_two_editors_is_refused_on_the_row(staff_client, other_editor):
    location = LocationFactory()
    url = change_url(location)
    row = {"weekday": "0", "opens": "09:00", "closes": "12:00", "location": str(location.pk)}
    mine = with_new_row(admin_form_data(staff_client.get(url)), "opening_hours", **row)
    theirs = with_new_row(admin_form_data(other_editor.get(url)), "opening_hours", **row)
    assert other_editor.post(url, theirs).status_code == 302

    response = save_twice(staff_client, url, mine)

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert list(OpeningHours.objects.filter(location=location).values_list("opens", flat=True)) == [
        dt.time(9)
    ]
