"""Requests the admin's own pages never send (a damaged page, an edited address, a hand-made
post): answered with a message or a form error and nothing changed, never a 500."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Clinician
from faqs.models import FAQ
from tests.admin_forms import admin_form_data, change_url, changelist_form_data
from tests.factories import (
    ArticleFactory,
    ArticleFAQFactory,
    ArticleLocationFactory,
    FAQFactory,
    LocationFactory,
    TestimonialFactory,
)

pytestmark = pytest.mark.django_db

# Too large for any id column (SQLite's and PostgreSQL's both hold at most 2**63 - 1).
HUGE = "99999999999999999999"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("selected", [["abc"], [""], ["1.5"], ["\x00"], [HUGE], ["{pk}", "abc"]])
@pytest.mark.parametrize("action", ["publish_selected", "delete_selected"])
def test_a_bulk_action_on_ids_that_are_not_ids_changes_nothing_and_says_so(staff_client, action, selected):
    faq = FAQFactory(is_published=False)
    url = reverse("admin:faqs_faq_changelist")
    ids = [value.format(pk=faq.pk) for value in selected]
    response = staff_client.post(
        url, {"action": action, "_selected_action": ids, "index": "0", "post": "yes"}
    )
    assert response.status_code == 302
    assert any("nothing was changed" in message for message in messages_of(response))
    faq.refresh_from_db()
    assert faq.is_published is False
    assert FAQ.objects.count() == 1


def test_the_check_covers_the_admins_of_other_apps_too(staff_client):
    """Groups are Django's own admin, registered on the site like ours."""
    group = Group.objects.create(name="Volunteers")
    url = reverse("admin:auth_group_changelist")
    response = staff_client.post(
        url, {"action": "delete_selected", "_selected_action": [str(group.pk), "abc"], "post": "yes"}
    )
    assert response.status_code == 302
    assert any("nothing was changed" in message for message in messages_of(response))
    assert Group.objects.filter(pk=group.pk).exists()


def test_a_bulk_action_on_real_ids_still_runs(staff_client):
    faq = FAQFactory(is_published=False)
    url = reverse("admin:faqs_faq_changelist")
    staff_client.post(url, {"action": "publish_selected", "_selected_action": [f" {faq.pk}"], "index": "0"})
    faq.refresh_from_db()
    assert faq.is_published is True


@pytest.mark.parametrize("value", [HUGE, "abc", "\x00"])
def test_a_save_of_the_order_column_whose_rows_are_not_ids_changes_nothing_and_says_so(staff_client, value):
    first, second = FAQFactory(question="Is there parking?", order=1), FAQFactory(order=2)
    url = reverse("admin:faqs_faq_changelist")
    data = changelist_form_data(staff_client.get(url))
    rows = {data[f"form-{index}-id"]: index for index in range(2)}
    data[f"form-{rows[str(second.pk)]}-order"] = "5"
    data[f"form-{rows[str(first.pk)]}-id"] = value
    response = staff_client.post(url, {**data, "_save": "Save"}, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == [
        "The rows of the list did not come back as the list showed them, so nothing was saved. "
        "Reload the list and make your changes again."
    ]
    assert list(FAQ.objects.order_by("pk").values_list("order", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    "query",
    [
        f"published_at__year={HUGE}",
        f"published_at__year=2025&published_at__month={HUGE}",
        f"published_at__year=2025&published_at__month=1&published_at__day={HUGE}",
    ],
)
def test_a_date_too_large_for_the_calendar_in_the_date_filter_shows_the_whole_list(staff_client, query):
    ArticleFactory()
    url = reverse("admin:articles_article_changelist")
    response = staff_client.get(f"{url}?{query}", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(f"{url}?e=1", 302)]  # Django's answer to a filter it cannot use
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize(
    ("list_name", "query"),
    [
        ("articles_article", f"locations={HUGE}"),
        ("articles_article", f"pk__in={HUGE}"),
        ("faqs_faq", f"topic={HUGE}"),
        ("faqs_faq", f"topic__exact={HUGE}"),
    ],
)
def test_a_filter_by_an_id_too_large_for_the_column_is_answered_calmly(staff_client, list_name, query):
    """SQLite cannot even be asked about such a number: the filter is refused as Django refuses any
    it cannot apply. PostgreSQL compares it and finds nothing."""
    url = reverse(f"admin:{list_name}_changelist")
    response = staff_client.get(f"{url}?{query}", follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("list_name", "query"),
    [
        ("locations_location", "city=%00"),
        ("articles_article", "status__exact=%00"),
        ("articles_article", "state=live&status__exact=draft%00"),
        ("axes_accessattempt", "path_info=%00"),
    ],
)
def test_a_filter_by_text_with_a_nul_character_shows_the_whole_list(staff_client, list_name, query):
    """PostgreSQL refuses to be asked about a NUL character, and the list failed; SQLite found
    nothing. Both now refuse the filter as Django refuses any it cannot apply."""
    url = reverse(f"admin:{list_name}_changelist")
    response = staff_client.get(f"{url}?{query}", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(f"{url}?e=1", 302)]


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [("articlelocation", "location"), ("readnextchoice", "chosen"), ("article", "reviewed_by")],
)
def test_a_searchable_pickers_search_for_a_nul_character_finds_nothing(staff_client, model_name, field_name):
    """The list's search box refuses a NUL character (Django's own check); the pickers' searches
    took it to the database, which PostgreSQL refuses."""
    LocationFactory(name="Alpharetta")
    ArticleFactory(title="Alpharetta evenings")
    Clinician.objects.create(name="Alpha Reyes", credentials="LCSW")
    picker = {"app_label": "articles", "model_name": model_name, "field_name": field_name}
    url = reverse("admin:autocomplete")
    found = staff_client.get(url, {**picker, "term": "alph"})
    assert len(found.json()["results"]) == 1  # the same search without it finds
    response = staff_client.get(url, {**picker, "term": "alph\x00"})
    assert response.status_code == 200
    assert response.json()["results"] == []


ADD_ARTICLE = reverse("admin:articles_article_add")


def test_an_add_pages_address_may_fill_in_a_date_and_time(staff_client):
    """Django lets an address fill in any field of an add page; a date and time, even written
    correctly, failed the page."""
    response = staff_client.get(ADD_ARTICLE, {"published_at": "2027-03-14 09:00", "title": "Evenings"})
    assert response.status_code == 200
    data = admin_form_data(response)
    assert (data["published_at_0"], data["published_at_1"], data["title"]) == (
        "2027-03-14",
        "9:00 AM",
        "Evenings",
    )
    assert messages_of(response) == []


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("next monday", "“next monday” is not a date and time; write it as 2027-03-14 09:00."),
        ("2027-02-30 09:00", "“2027-02-30 09:00” is not a date and time; write it as 2027-03-14 09:00."),
        ("\u202e\x00" + "9" * 100, f"“{'9' * 39}…” is not a date and time"),
        ("2027-03-14 02:30", "March 14, 2027, 2:30 a.m. never comes here: the clocks go forward"),
        ("2026-11-01 01:30", "Nov. 1, 2026, 1:30 a.m. comes twice here: the clocks go back"),
    ],
)
def test_an_add_pages_address_with_no_such_time_leaves_the_boxes_empty_and_says_why(staff_client, value, why):
    response = staff_client.get(ADD_ARTICLE, {"expires_at": value, "title": "Evenings"})
    assert response.status_code == 200
    data = admin_form_data(response)
    assert (data["expires_at_0"], data["expires_at_1"], data["title"]) == ("", "", "Evenings")
    [message] = messages_of(response)
    assert message.startswith("“Take down at” in the address was left out: ")
    assert why in message


def test_the_check_covers_the_add_pages_of_other_apps_too(staff_client):
    url = reverse("admin:otp_totp_totpdevice_add")
    response = staff_client.get(url, {"throttling_failure_timestamp": "soon"})
    assert response.status_code == 200
    assert "is not a date and time" in " ".join(messages_of(response))


@pytest.mark.parametrize("value", ["abc", "1.5", "\x00", HUGE])
def test_a_searchable_picker_sent_a_value_that_is_not_an_id_says_choose_again(staff_client, value):
    location = LocationFactory()
    testimonial = TestimonialFactory(location=location, quote="The evening group kept me going.")
    data = admin_form_data(staff_client.get(change_url(testimonial)))
    data.update(location=value, quote="A new quote that must not be saved alone.")
    response = staff_client.post(change_url(testimonial), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["location"]  # "Select a valid choice", or NUL refused
    testimonial.refresh_from_db()
    assert (testimonial.location, testimonial.quote) == (location, "The evening group kept me going.")


@pytest.mark.parametrize("field", ["reviewed_by", "location_links-0-location"])
def test_the_pickers_of_an_article_and_its_rows_say_choose_again_too(staff_client, field):
    article = ArticleFactory(title="Evenings at Alpharetta")
    ArticleLocationFactory(article=article)
    data = admin_form_data(staff_client.get(change_url(article)))
    data.update({field: "abc", "title": "A title that must not be saved alone"})
    response = staff_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Evenings at Alpharetta"


def test_an_inline_row_whose_hidden_id_is_too_large_for_the_column_changes_nothing(staff_client):
    """Left out as a row deleted meanwhile (PostgreSQL) or refused by the formset (SQLite, which
    cannot even be asked about such a number): either way the saved row is as it was."""
    article = ArticleFactory()
    placement = ArticleFAQFactory(article=article, order=3)
    data = admin_form_data(staff_client.get(change_url(article)))
    data.update({"faq_placements-0-id": HUGE, "faq_placements-0-order": "7"})
    response = staff_client.post(change_url(article), data)
    assert response.status_code in {200, 302}
    placement.refresh_from_db()
    assert placement.order == 3


@pytest.mark.parametrize(
    ("page", "relation"),
    [
        ("admin:faqs_faq_changelist", "article_placements"),  # ours: the articles showing the question
        ("admin:auth_group_changelist", "user"),  # Django's own: a group's users
        ("admin:faqs_faq_change", "location_placements"),
        ("admin:faqs_faq_delete", "article_placements"),
        ("admin:faqs_faq_add", "article_placements"),
    ],
)
def test_a_to_field_naming_a_relation_from_another_model_is_a_bad_request(staff_client, page, relation):
    """`_to_field` names the field a picker's popup sends back. A relation from another model has
    none of what Django reads of a field there: it answered a 500 on every admin page."""
    faq = FAQFactory()
    url = reverse(page) if page.endswith(("changelist", "add")) else reverse(page, args=[faq.pk])
    response = staff_client.get(url, {"_to_field": relation, "_popup": "1"})
    assert response.status_code == 400
    # The field a picker does send back still works.
    assert staff_client.get(url, {"_to_field": "id", "_popup": "1"}).status_code == 200
