"""Editing a location in the admin: its own phone number and its opening hours."""

import datetime as dt

import pytest

from locations.models import OpeningHours
from tests.admin_forms import admin_form_data, change_url
from tests.factories import LocationFactory, OpeningHoursFactory

pytestmark = pytest.mark.django_db


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


def test_coordinates_pasted_from_a_map_are_rounded_to_what_is_stored(staff_client):
    location = LocationFactory()
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(latitude="34.07537612345678", longitude="-84.29409049999999")
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    location.refresh_from_db()
    assert (str(location.latitude), str(location.longitude)) == ("34.075376", "-84.294090")


@pytest.mark.parametrize(
    ("latitude", "message"),
    [
        ("134.5", "A latitude is a number between -90 and 90"),
        ("1e5", "A latitude is a number between -90 and 90"),  # not "no more than 9 digits"
        # Too large to round to six decimals (28 significant digits at most): refused, not a 500.
        ("1e30", "A latitude is a number between -90 and 90"),
        ("3407537612345678901234567890", "A latitude is a number between -90 and 90"),
        ("north", "Enter a number"),
        ("NaN", "Enter a number"),
        ("-84.29409", "They look swapped"),  # the longitude, pasted into latitude
        ("-33.8688", "not in the United States"),  # south of the equator
    ],
)
def test_coordinates_that_are_no_place_are_refused(staff_client, latitude, message):
    location = LocationFactory(latitude=None, longitude=None)
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(latitude=latitude, longitude="34.07537" if "swapped" in message else "-84.29409")
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["latitude"])
    assert message in errors
    assert "digits" not in errors
    location.refresh_from_db()
    assert location.latitude is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("state", "ga", "Two capital letters"),
        ("state", "G1", "Two capital letters"),
        ("postal_code", "3000", "A ZIP code is five digits"),
        ("postal_code", "ABCDE", "A ZIP code is five digits"),
        ("postal_code", "30004-12", "A ZIP code is five digits"),
    ],
)
def test_an_address_search_engines_and_maps_cannot_read_is_refused(staff_client, field, value, message):
    location = LocationFactory()
    data = admin_form_data(staff_client.get(change_url(location)))
    data[field] = value
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors[field][0]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"state": "ZZ"},
            "state",
            "ZZ is not the postal code of a US state or territory. Use the state's two letters, for "
            "example GA for Georgia.",
        ),
        # A military postal area is not a place a location can be.
        ({"state": "AE"}, "state", "AE is not the postal code of a US state or territory."),
        (
            {"postal_code": "00000"},
            "postal_code",
            "The ZIP code 00000 is not in the US list of ZIP codes. Check it against a letter sent to "
            "this address.",
        ),
        ({"postal_code": "99999-1234"}, "postal_code", "The ZIP code 99999 is not in the US list"),
        (
            {"postal_code": "90210"},
            "postal_code",
            "90210 is a ZIP code in California (CA), not in Georgia (GA). Check the ZIP code, or the state.",
        ),
        (
            {"state": "AL", "postal_code": "30004-1234"},
            "postal_code",
            "30004 is a ZIP code in Georgia (GA), not in Alabama (AL). Check the ZIP code, or the state.",
        ),
    ],
)
def test_a_state_or_zip_code_that_is_no_place_in_the_us_is_refused(staff_client, changes, field, message):
    """The address is on every page's footer and in the location's structured data."""
    location = LocationFactory(state="GA", postal_code="30009")
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(changes)
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert [error for error in errors[field] if error.startswith(message)], errors[field]
    location.refresh_from_db()
    assert (location.state, location.postal_code) == ("GA", "30009")


@pytest.mark.parametrize(
    ("state", "postal_code"),
    [("GA", "30004"), ("GA", "30549-0001"), ("DC", "20001"), ("PR", "00901"), ("AK", "99501")],
)
def test_a_zip_code_in_its_own_state_or_territory_is_saved(staff_client, state, postal_code):
    location = LocationFactory()
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(state=state, postal_code=postal_code, latitude="", longitude="")
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    location.refresh_from_db()
    assert (location.state, location.postal_code) == (state, postal_code)


def test_a_badly_written_state_or_zip_code_gets_one_message_each(staff_client):
    location = LocationFactory()
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(state="ga", postal_code="3000")
    errors = staff_client.post(change_url(location), data).context["adminform"].form.errors
    assert errors["state"] == ["Two capital letters, the state's postal code: for example GA."]
    assert errors["postal_code"] == [
        "A ZIP code is five digits, or five digits, a dash and four: 30004 or 30004-1234."
    ]


def test_the_demo_locations_have_addresses_the_checks_accept():
    from carter_site.demo_content import LOCATIONS
    from locations.models import Location

    for data in LOCATIONS:
        fields = {k: v for k, v in data.items() if k not in {"hours", "faqs"}}
        Location(**fields).full_clean(validate_unique=False)


def test_a_zip_plus_four_is_an_address_too(staff_client):
    location = LocationFactory()
    data = admin_form_data(staff_client.get(change_url(location)))
    data["postal_code"] = "30004-1234"
    assert staff_client.post(change_url(location), data).status_code == 302


# --- Opening hours --------------------------------------------------------------------------

SATURDAY, SUNDAY = OpeningHours.Weekday.SATURDAY, OpeningHours.Weekday.SUNDAY
HOURS = "opening_hours"


def add_hours(data, weekday, opens, closes, label=""):
    """Another row of the opening-hours inline, as 'Add another Opening hours' makes one."""
    index = int(data[f"{HOURS}-TOTAL_FORMS"])
    data[f"{HOURS}-TOTAL_FORMS"] = str(index + 1)
    data.update(
        {
            f"{HOURS}-{index}-weekday": str(int(weekday)),
            f"{HOURS}-{index}-opens": opens,
            f"{HOURS}-{index}-closes": closes,
            f"{HOURS}-{index}-label": label,
            f"{HOURS}-{index}-id": "",
        }
    )
    return index


def hours_of(location):
    return sorted(
        (row.weekday, row.opens.strftime("%H:%M"), row.closes.strftime("%H:%M"))
        for row in location.opening_hours.all()
    )


def post_hours(staff_client, location, change=None, **fields):
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(fields)
    rows = change(data) if change else None
    return staff_client.post(change_url(location), data), rows


def hours_errors(response):
    [formset] = [f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == HOURS]
    return formset, [form.non_field_errors() for form in formset.forms]


def test_overlapping_new_hours_on_the_same_day_are_refused_on_both_rows(staff_client, client):
    location = LocationFactory(name="Alpharetta")
    response, rows = post_hours(
        staff_client,
        location,
        lambda data: [
            add_hours(data, SATURDAY, "09:00", "12:00"),
            add_hours(data, SATURDAY, "10:00", "13:00"),
        ],
        name="Alpharetta North",
    )
    assert response.status_code == 200
    formset, errors = hours_errors(response)
    first, second = (" ".join(errors[index]) for index in rows)
    assert "overlap Saturday 10:00 AM – 1:00 PM" in first
    assert "overlap Saturday 9:00 AM – 12:00 PM" in second
    assert "overlap" in " ".join(formset.non_form_errors())
    assert "overlap Saturday 10:00 AM – 1:00 PM" in response.content.decode()
    location.refresh_from_db()
    assert (location.name, hours_of(location)) == ("Alpharetta", [])  # nothing saved, not even the name
    assert "10:00 AM" not in client.get(location.get_absolute_url()).content.decode()


def test_new_hours_overlapping_saved_hours_are_refused(staff_client):
    location = LocationFactory()
    OpeningHoursFactory(
        location=location, weekday=SUNDAY, opens=dt.time(9), closes=dt.time(17), label="Office"
    )
    response, [new] = post_hours(
        staff_client, location, lambda data: [add_hours(data, SUNDAY, "08:00", "18:00")]
    )
    assert response.status_code == 200
    _, errors = hours_errors(response)
    assert "overlap Sunday 9:00 AM – 5:00 PM (Office)" in " ".join(errors[new])
    assert "overlap Sunday 8:00 AM – 6:00 PM" in " ".join(errors[0])
    assert hours_of(location) == [(SUNDAY, "09:00", "17:00")]


def test_two_rows_starting_at_the_same_time_get_the_friendly_message(staff_client):
    location = LocationFactory()
    response, rows = post_hours(
        staff_client,
        location,
        lambda data: [
            add_hours(data, SATURDAY, "09:00", "12:00"),
            add_hours(data, SATURDAY, "09:00", "11:00"),
        ],
    )
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert "This location already has hours starting then on that day." in html
    assert "Please correct the duplicate" not in html
    _, errors = hours_errors(response)
    for index in rows:
        assert list(errors[index]) == ["This location already has hours starting then on that day."]
    assert hours_of(location) == []


def test_hours_that_touch_or_fall_on_other_days_are_saved(staff_client):
    location = LocationFactory()
    response, _ = post_hours(
        staff_client,
        location,
        lambda data: [
            add_hours(data, SATURDAY, "09:00", "12:00"),
            add_hours(data, SATURDAY, "12:00", "15:00"),
            add_hours(data, SUNDAY, "10:00", "13:00"),
        ],
    )
    assert response.status_code == 302
    assert hours_of(location) == [
        (SATURDAY, "09:00", "12:00"),
        (SATURDAY, "12:00", "15:00"),
        (SUNDAY, "10:00", "13:00"),
    ]


def test_deleting_the_old_row_in_the_same_save_makes_room_for_the_new_one(staff_client):
    location = LocationFactory()
    OpeningHoursFactory(location=location, weekday=SUNDAY, opens=dt.time(9), closes=dt.time(17))

    def replace(data):
        data[f"{HOURS}-0-DELETE"] = "on"
        add_hours(data, SUNDAY, "08:00", "18:00")

    response, _ = post_hours(staff_client, location, replace)
    assert response.status_code == 302
    assert hours_of(location) == [(SUNDAY, "08:00", "18:00")]


def test_swapping_two_rows_times_is_judged_on_what_is_sent_not_what_was_saved(staff_client):
    location = LocationFactory()
    OpeningHoursFactory(location=location, weekday=SATURDAY, opens=dt.time(9), closes=dt.time(12))
    OpeningHoursFactory(location=location, weekday=SATURDAY, opens=dt.time(13), closes=dt.time(16))

    def swap(data):
        data[f"{HOURS}-0-opens"], data[f"{HOURS}-0-closes"] = "13:00", "16:00"
        data[f"{HOURS}-1-opens"], data[f"{HOURS}-1-closes"] = "09:00", "12:00"

    response, _ = post_hours(staff_client, location, swap)
    assert response.status_code == 302
    assert hours_of(location) == [(SATURDAY, "09:00", "12:00"), (SATURDAY, "13:00", "16:00")]


def test_moving_every_track_an_hour_later_saves(staff_client):
    location = LocationFactory()
    OpeningHoursFactory(location=location, weekday=SATURDAY, opens=dt.time(9), closes=dt.time(10))
    OpeningHoursFactory(location=location, weekday=SATURDAY, opens=dt.time(10), closes=dt.time(11))

    def later(data):
        data[f"{HOURS}-0-opens"], data[f"{HOURS}-0-closes"] = "10:00", "11:00"
        data[f"{HOURS}-1-opens"], data[f"{HOURS}-1-closes"] = "11:00", "12:00"

    response, _ = post_hours(staff_client, location, later)
    assert response.status_code == 302
    assert hours_of(location) == [(SATURDAY, "10:00", "11:00"), (SATURDAY, "11:00", "12:00")]


def test_a_row_may_take_the_time_of_a_row_deleted_further_down(staff_client):
    location = LocationFactory()
    OpeningHoursFactory(location=location, weekday=SATURDAY, opens=dt.time(8), closes=dt.time(9))
    OpeningHoursFactory(location=location, weekday=SATURDAY, opens=dt.time(10), closes=dt.time(12))

    def take_its_place(data):
        data[f"{HOURS}-0-opens"], data[f"{HOURS}-0-closes"] = "10:00", "13:00"
        data[f"{HOURS}-1-DELETE"] = "on"

    response, _ = post_hours(staff_client, location, take_its_place)
    assert response.status_code == 302
    assert hours_of(location) == [(SATURDAY, "10:00", "13:00")]


@pytest.mark.parametrize(
    ("opens", "closes"),
    [
        ("9:00 AM", "1:00 PM"),  # as the field's own example writes it
        ("9 am", "1 pm"),
        ("9:00am", "1:00pm"),
        ("9 a.m.", "1 p.m."),
        ("09:00", "13:00:00"),
    ],
)
def test_hours_are_saved_written_as_people_write_times(staff_client, client, opens, closes):
    location = LocationFactory(is_published=True)
    response, _ = post_hours(staff_client, location, lambda data: [add_hours(data, SATURDAY, opens, closes)])
    assert response.status_code == 302, hours_errors(response)[0].errors
    assert hours_of(location) == [(SATURDAY, "09:00", "13:00")]
    assert (
        "9\N{NO-BREAK SPACE}a.m. to 1\N{NO-BREAK SPACE}p.m."
        in client.get(location.get_absolute_url()).content.decode()
    )


def test_saved_opening_hours_are_shown_back_on_a_12_hour_clock(staff_client):
    location = LocationFactory()
    OpeningHoursFactory(location=location, weekday=SATURDAY, opens=dt.time(9), closes=dt.time(13, 30))
    data = admin_form_data(staff_client.get(change_url(location)))
    assert (data[f"{HOURS}-0-opens"], data[f"{HOURS}-0-closes"]) == ("9:00 AM", "1:30 PM")
    assert staff_client.post(change_url(location), data).status_code == 302
    assert hours_of(location) == [(SATURDAY, "09:00", "13:30")]


@pytest.mark.parametrize("typed", ["13:00 PM", "25:00", "nine", "9"])
def test_a_time_that_is_no_time_says_how_to_write_one_and_keeps_the_row(staff_client, typed):
    location = LocationFactory(name="Alpharetta")
    response, [row] = post_hours(
        staff_client, location, lambda data: [add_hours(data, SATURDAY, typed, "5:00 PM", "Office")]
    )
    assert response.status_code == 200
    formset, _ = hours_errors(response)
    assert formset.forms[row].errors["opens"] == [
        f"“{typed}” is not a time. Write it as 9:00 AM, 5:30 PM or 17:30."
    ]
    html = response.content.decode()
    assert f'value="{typed}"' in html and 'value="Office"' in html  # what was typed is still there
    assert hours_of(location) == []
