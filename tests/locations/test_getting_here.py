"""A location's "Getting here": parking, buses and trains, the door, step-free access and the
first visit, written by editors as plain text and shown on the location's page."""

import io
import itertools

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.content_checks import LOCATION_TEXTS, check_wording
from locations.models import GETTING_HERE_LIMIT, Location, StepFreeAccess
from tests.admin_forms import admin_form_data, change_url, edit_in_admin
from tests.factories import LocationFactory
from tests.seo.helpers import json_ld, one_of_type, parse, text

pytestmark = pytest.mark.django_db

FILLED = {
    "parking": "Free parking behind the building.\n\nThe lot fills up after 5 p.m.",
    "public_transport": "Bus 140 stops across the road.",
    "finding_the_door": "Use the side door marked <Suite 210> & take the stairs.",
    "step_free_access": StepFreeAccess.STEP_FREE,
    "access_note": "An accessible restroom is down the hall.",
    "first_visit": "Bring a photo ID and your insurance card.",
}
HEADINGS = ["Parking", "By bus or train", "Finding the door", "Step-free access", "On your first visit"]
STEP_FREE_WORDS = "you can get from the street to our door without any steps"
STEPS_WORDS = "There are steps on the way in."


def page_tree(location, client=None):
    response = (client or Client()).get(location.get_absolute_url())
    assert response.status_code == 200
    return parse(response.content.decode())


def getting_here(tree):
    """The page's "Getting here" section, or None."""
    sections = [
        section for section in tree.iter("section") if section.get("aria-labelledby") == "getting-here"
    ]
    assert len(sections) <= 1
    return sections[0] if sections else None


def headings(element):
    return [(node.tag, text(node)) for node in element.iter() if node.tag in {"h1", "h2", "h3", "h4"}]


def test_every_filled_part_is_shown_in_order_under_its_own_heading():
    section = getting_here(page_tree(LocationFactory(**FILLED)))
    assert headings(section) == [("h2", "Getting here"), *(("h3", words) for words in HEADINGS)]
    assert section.find("h2").get("id") == "getting-here"
    paragraphs = [text(p) for p in section.iter("p")]
    assert paragraphs == [
        "Free parking behind the building.",
        "The lot fills up after 5 p.m.",  # an empty line starts a new paragraph
        "Bus 140 stops across the road.",
        "Use the side door marked <Suite 210> & take the stairs.",  # as typed, not as markup
        "There is a step-free way in: " + STEP_FREE_WORDS + ".",
        "An accessible restroom is down the hall.",
        "Bring a photo ID and your insurance card.",
    ]


def test_the_text_is_escaped():
    response = Client().get(LocationFactory(**FILLED).get_absolute_url())
    html = response.content.decode()
    assert "marked &lt;Suite 210&gt; &amp; take" in html
    assert "<Suite 210>" not in html


def test_the_section_comes_after_the_address_and_hours_with_no_heading_level_skipped():
    tree = page_tree(LocationFactory(**FILLED))
    levels = [int(tag[1]) for tag, _ in headings(tree.find(".//main"))]
    assert levels[0] == 1
    assert all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels)), levels
    names = [words for _, words in headings(tree.find(".//main"))]
    assert names.index("Address and phone") < names.index("Getting here")


def heading_before(main, words):
    """The last heading before the paragraph that says `words`, in page order."""
    last = None
    for node in main.iter():
        if node.tag in {"h1", "h2", "h3", "h4"}:
            last = text(node)
        elif node.tag == "p" and text(node) == words:
            return last
    raise AssertionError(f"no paragraph says {words!r}")


def test_the_locations_own_text_is_under_a_heading_of_its_own():
    """The location's text (what the place is like) came right after "Getting here" with no
    heading: on the screen and in a screen reader's outline it read as more of "On your first
    visit" (or, without Getting here, of the opening hours)."""
    body = "<p>The group rooms are at the quiet end of the floor.</p>"
    for location in (LocationFactory(**FILLED, body=body), LocationFactory(body=body)):
        tree = page_tree(location)
        main = tree.find(".//main")
        assert (
            heading_before(main, "The group rooms are at the quiet end of the floor.")
            == "About this location"
        )
        assert ("h2", "About this location") in headings(main)
    # Without a text of its own, no empty heading.
    assert "About this location" not in text(page_tree(LocationFactory(body="")).find(".//main"))


def test_only_the_parts_filled_in_are_shown():
    location = LocationFactory(parking="", public_transport="", finding_the_door="Suite B, on the left.")
    section = getting_here(page_tree(location))
    assert headings(section) == [("h2", "Getting here"), ("h3", "Finding the door")]


def test_nothing_is_shown_when_every_part_is_empty():
    tree = page_tree(LocationFactory())
    assert getting_here(tree) is None
    html = Client().get(LocationFactory().get_absolute_url()).content.decode()
    assert "Getting here" not in html and 'id="getting-here"' not in html


def test_an_access_note_alone_is_shown_without_guessing_about_steps():
    location = LocationFactory(
        step_free_access=StepFreeAccess.NOT_RECORDED, access_note="Seating at the door."
    )
    section = getting_here(page_tree(location))
    assert headings(section) == [("h2", "Getting here"), ("h3", "Step-free access")]
    assert [text(p) for p in section.iter("p")] == ["Seating at the door."]


@pytest.mark.parametrize(
    ("choice", "shown", "not_shown", "feature"),
    [
        (StepFreeAccess.STEP_FREE, STEP_FREE_WORDS, STEPS_WORDS, True),
        (StepFreeAccess.STEPS, STEPS_WORDS, STEP_FREE_WORDS, False),
        (StepFreeAccess.NOT_RECORDED, None, None, None),
    ],
)
def test_step_free_access_is_said_as_recorded_and_never_guessed(choice, shown, not_shown, feature):
    note = "Three steps at the front door, with a handrail." if choice == StepFreeAccess.STEPS else ""
    location = LocationFactory(step_free_access=choice, access_note=note)
    response = Client().get(location.get_absolute_url())
    section = getting_here(parse(response.content.decode()))
    clinic = one_of_type(json_ld(response), "MedicalClinic")
    if shown is None:
        assert section is None
        assert "amenityFeature" not in clinic
        return
    words = text(section)
    assert shown in words and not_shown not in words
    assert note in words
    assert clinic["amenityFeature"] == [
        {
            "@type": "LocationFeatureSpecification",
            "name": "Step-free access from the street to the door",
            "value": feature,
        }
    ]


def test_the_list_of_locations_says_nothing_about_access():
    """Its clinics are summaries: the list shows no "Getting here"."""
    LocationFactory(step_free_access=StepFreeAccess.STEP_FREE)
    response = Client().get("/locations/")
    assert "Getting here" not in response.content.decode()
    for node in json_ld(response):
        assert "amenityFeature" not in node


# --- The admin --------------------------------------------------------------------------------


def test_an_editor_saves_getting_here_and_visitors_see_it_on_the_next_request(staff_client):
    location = LocationFactory(is_published=True)
    visitor = Client()
    assert getting_here(page_tree(location, visitor)) is None
    assert visitor.get(location.get_absolute_url())["X-Page-Cache"] == "hit"

    edit_in_admin(staff_client, location, **FILLED)

    location.refresh_from_db()
    assert {name: getattr(location, name) for name in FILLED} == FILLED
    response = visitor.get(location.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    section = getting_here(parse(response.content.decode()))
    assert "Bus 140 stops across the road." in text(section)


def test_the_form_shows_the_getting_here_fields_together():
    from locations.admin import LocationAdmin

    [fields] = [options["fields"] for name, options in LocationAdmin.fieldsets if name == "Getting here"]
    assert fields == [
        "parking",
        "public_transport",
        "finding_the_door",
        "step_free_access",
        "access_note",
        "first_visit",
    ]


def post(staff_client, location, **changes):
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(changes)
    return staff_client.post(change_url(location), data)


def test_steps_without_saying_where_they_are_is_refused_at_the_note(staff_client):
    location = LocationFactory(parking="Free parking.")
    response = post(
        staff_client, location, step_free_access="steps", access_note="  ", parking="New parking."
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["access_note"]
    assert "Say where the steps are" in errors["access_note"][0]
    location.refresh_from_db()
    assert (location.step_free_access, location.parking) == ("", "Free parking.")  # nothing saved


def test_steps_with_a_note_are_saved(staff_client):
    location = LocationFactory()
    response = post(staff_client, location, step_free_access="steps", access_note="Two steps, with a rail.")
    assert response.status_code == 302, response.context["adminform"].form.errors
    location.refresh_from_db()
    assert (location.step_free_access, location.access_note) == ("steps", "Two steps, with a rail.")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("parking", "x" * (GETTING_HERE_LIMIT + 1), f"at most {GETTING_HERE_LIMIT} characters"),
        ("first_visit", "y" * (GETTING_HERE_LIMIT + 5), f"at most {GETTING_HERE_LIMIT} characters"),
        ("step_free_access", "ramp", "Select a valid choice"),
    ],
)
def test_a_text_too_long_or_a_choice_not_offered_is_a_form_error(staff_client, field, value, message):
    location = LocationFactory()
    response = post(staff_client, location, **{field: value})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    location.refresh_from_db()
    assert getattr(location, field) == ""


def test_hidden_characters_pasted_with_the_text_are_not_saved(staff_client):
    location = LocationFactory()
    response = post(staff_client, location, parking="Free\u200b parking\u202e at the back.")
    assert response.status_code == 302
    location.refresh_from_db()
    assert location.parking == "Free parking at the back."


def test_the_step_free_choices_say_what_each_means_in_the_form(staff_client):
    html = staff_client.get(change_url(LocationFactory())).content.decode()
    assert "Not yet recorded (nothing is shown)" in html
    assert "---------" not in html.split('name="step_free_access"')[1].split("</select>")[0]


def test_restoring_an_earlier_version_brings_back_its_getting_here(staff_client):
    location = LocationFactory(is_published=True)
    edit_in_admin(staff_client, location, **FILLED)
    edit_in_admin(
        staff_client,
        location,
        parking="Parking has moved to the garage.",
        step_free_access="steps",
        access_note="Four steps at the garage door.",
        first_visit="",
    )
    older = Version.objects.get_for_object(location).order_by("pk").first()
    revert = reverse("admin:locations_location_revision", args=[location.pk, older.pk])
    assert staff_client.post(revert, admin_form_data(staff_client.get(revert))).status_code == 302
    location.refresh_from_db()
    assert {name: getattr(location, name) for name in FILLED} == FILLED
    words = text(getting_here(page_tree(location)))
    assert "Free parking behind the building." in words and "garage" not in words
    assert STEP_FREE_WORDS in words


# --- Wording, queries and the demo -------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "where"),
    [
        ("parking", "the parking text"),
        ("public_transport", "the public transport text"),
        ("finding_the_door", "the finding-the-door text"),
        ("access_note", "the accessibility note"),
        ("first_visit", "the first-visit text"),
    ],
)
def test_each_getting_here_text_is_in_the_wording_check(field, where):
    location = LocationFactory.build(**{field: "Results guaranteed."})
    assert [warning.split(" (")[0] for warning in check_wording(location, LOCATION_TEXTS)] == [
        f"“guaranteed” in {where}"
    ]


def test_the_wording_warning_shows_after_saving_in_the_admin(staff_client):
    location = LocationFactory()
    response = post(staff_client, location, first_visit="Ask for the addicts' group.")
    assert response.status_code == 302
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any("in the first-visit text" in message for message in messages), messages


def test_getting_here_costs_no_query_more():
    from tests.caching.test_query_budget import PAGE_QUERIES, page_cold_queries

    empty = page_cold_queries(Client(), LocationFactory().get_absolute_url())
    filled = page_cold_queries(Client(), LocationFactory(**FILLED).get_absolute_url())
    assert len(filled) == len(empty) <= PAGE_QUERIES, filled


def test_the_demo_locations_come_with_their_getting_here():
    call_command("load_demo_content", stdout=io.StringIO())
    for location in Location.objects.all():
        assert location.parking and location.finding_the_door and location.first_visit, location
        assert location.step_free_access == StepFreeAccess.STEP_FREE, location
        location.full_clean()
        assert check_wording(location, LOCATION_TEXTS) == [], location
        section = getting_here(page_tree(location))
        assert [words for _, words in headings(section)][:2] == ["Getting here", "Parking"]
    atlanta = Location.objects.get(slug="atlanta")
    assert "MARTA" in atlanta.public_transport
