"""Holiday hours and closures: a location says "Closed Thursday, November 26 (Thanksgiving)" for
the two weeks before, "Closed today" on the day, and nothing once the day is over, without anyone
taking it down; the weekly hours stay as they are."""

import datetime as dt
import json

import pytest
import reversion
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from reversion.models import Version

from locations.hours import notice, special_notices
from locations.models import SpecialDay
from tests.admin_forms import admin_form_data, change_url
from tests.factories import LocationFactory, OpeningHoursFactory, SpecialDayFactory

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"
THANKSGIVING = dt.date(2026, 11, 26)  # a Thursday
MONDAY = dt.date(2026, 11, 23)


def at(day, hour=12, minute=0):
    """`day` at `hour`:`minute` in the center's time zone, for a frozen clock."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def special(first=THANKSGIVING, last=None, reason="Thanksgiving", periods=()):
    """An unsaved special day: closed all day, or open for `periods` ((opens, closes), ...)."""
    times = [time for period in periods for time in period]
    times += [None] * (4 - len(times))
    return SpecialDay(
        first_day=first,
        last_day=last or first,
        reason=reason,
        closed=not periods,
        opens=times[0],
        closes=times[1],
        opens_again=times[2],
        closes_again=times[3],
    )


# --- In words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "today", "words"),
    [
        (special(), MONDAY, "Closed Thursday, November 26 (Thanksgiving)"),
        (special(), THANKSGIVING, "Closed today, Thursday, November 26 (Thanksgiving)"),
        (
            special(last=dt.date(2026, 11, 29)),
            MONDAY,
            "Closed Thursday, November 26 to Sunday, November 29 (Thanksgiving)",
        ),
        (
            special(last=dt.date(2026, 11, 29)),
            dt.date(2026, 11, 27),
            "Closed today to Sunday, November 29 (Thanksgiving)",
        ),
        (
            special(
                dt.date(2026, 11, 27), reason="Day after Thanksgiving", periods=[(dt.time(9), dt.time(12))]
            ),
            MONDAY,
            f"Friday, November 27: 9{NBSP}a.m. to noon only (Day after Thanksgiving)",
        ),
        (
            special(
                dt.date(2026, 11, 27),
                reason="Day after Thanksgiving",
                periods=[(dt.time(9), dt.time(12)), (dt.time(18), dt.time(20, 30))],
            ),
            dt.date(2026, 11, 27),
            f"Today: special hours, 9{NBSP}a.m. to noon and 6{NBSP}p.m. to 8:30{NBSP}p.m. only "
            "(Day after Thanksgiving)",
        ),
        (
            special(
                dt.date(2026, 12, 24), dt.date(2026, 12, 31), "Holidays", periods=[(dt.time(9), dt.time(12))]
            ),
            dt.date(2026, 12, 28),
            f"Today: special hours, 9{NBSP}a.m. to noon only, each day to Thursday, December 31 (Holidays)",
        ),
        # Over the turn of the year, the year still goes without saying.
        (
            special(dt.date(2026, 12, 24), dt.date(2027, 1, 2), "Holidays"),
            dt.date(2026, 12, 20),
            "Closed Thursday, December 24 to Saturday, January 2 (Holidays)",
        ),
        # A year away or more it does not: "December 31" alone is read as the next one.
        (
            special(MONDAY, dt.date(2027, 12, 31), "Renovation"),
            dt.date(2026, 11, 27),
            "Closed today to Friday, December 31, 2027 (Renovation)",
        ),
        (
            special(THANKSGIVING, dt.date(9999, 12, 31), "Renovation"),
            MONDAY,
            "Closed Thursday, November 26 to Friday, December 31, 9999 (Renovation)",
        ),
        (
            special(MONDAY, dt.date(2027, 11, 24), "Renovation", periods=[(dt.time(9), dt.time(12))]),
            dt.date(2026, 11, 24),
            f"Today: special hours, 9{NBSP}a.m. to noon only, each day to Wednesday, November 24, 2027 "
            "(Renovation)",
        ),
    ],
)
def test_a_special_day_reads_as_a_person_would_say_it(row, today, words):
    assert notice(row, today).text == words


def test_special_days_show_from_two_weeks_before_to_their_last_day_then_never_again():
    location = LocationFactory()
    SpecialDayFactory(location=location, first_day=THANKSGIVING, last_day=dt.date(2026, 11, 27))

    def shown(today):
        return [line.text for line in special_notices(location, today)]

    assert shown(THANKSGIVING - dt.timedelta(days=15)) == []
    assert shown(THANKSGIVING - dt.timedelta(days=14)) == [
        "Closed Thursday, November 26 to Friday, November 27 (Thanksgiving)"
    ]
    assert shown(dt.date(2026, 11, 27)) == ["Closed today, Friday, November 27 (Thanksgiving)"]
    assert shown(dt.date(2026, 11, 28)) == []


# --- One row's checks -------------------------------------------------------------------------


def errors_of(row):
    row.location = LocationFactory.build()
    with pytest.raises(ValidationError) as raised:
        row.full_clean(exclude=["location"])
    return raised.value.message_dict


def test_a_last_day_before_the_first_is_refused_at_the_last_day():
    errors = errors_of(special(last=THANKSGIVING - dt.timedelta(days=1)))
    assert errors["last_day"] == [
        "The last day cannot be before the first day. Leave it empty for a single day."
    ]


def test_an_empty_last_day_makes_a_single_day():
    row = special()
    row.last_day = None
    row.location = LocationFactory.build()
    row.full_clean(exclude=["location"])
    assert row.last_day == THANKSGIVING


@pytest.mark.parametrize(
    ("periods", "field", "message"),
    [
        ([(dt.time(12), dt.time(9))], "closes", "The closing time must be later than the opening time."),
        ([(dt.time(9), dt.time(9))], "closes", "The closing time must be later than the opening time."),
        (
            [(dt.time(9), dt.time(12)), (dt.time(11), dt.time(14))],
            "opens_again",
            "The second period must start once the first one has ended.",
        ),
        (
            [(dt.time(9), dt.time(12)), (dt.time(18), dt.time(17))],
            "closes_again",
            "The second closing time must be later than its opening time.",
        ),
        ([(dt.time(9), dt.time(12)), (dt.time(18), None)], "closes_again", "A second period needs both"),
    ],
)
def test_times_that_end_before_they_start_are_refused_at_the_time_to_change(periods, field, message):
    errors = errors_of(special(periods=periods))
    assert message in " ".join(errors[field])


def test_special_hours_without_times_and_a_closed_day_with_times_are_refused():
    row = special()
    row.closed = False
    assert errors_of(row)["opens"] == ["Give the opening time, or tick 'closed all day'."]
    row = special(periods=[(dt.time(9), dt.time(12))])
    row.closed = True
    assert "has no opening times" in errors_of(row)["closed"][0]


def test_a_reason_too_long_is_refused_with_a_short_example():
    errors = errors_of(special(reason="Closed for the Thanksgiving holiday and the long weekend after it"))
    assert errors["reason"] == [
        "Keep the reason short, at most 60 characters (it has 65): it is shown next to the date, for "
        "example 'Thanksgiving'."
    ]


def test_the_database_refuses_what_the_forms_refuse():
    location = LocationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SpecialDay.objects.create(
            location=location, first_day=THANKSGIVING, reason="Thanksgiving", closed=False
        )


# --- The admin --------------------------------------------------------------------------------

PREFIX = "special_days"


def add_special(data, first, last="", reason="Thanksgiving", closed=True, opens="", closes=""):
    """Another row of the special days inline, as 'Add another' makes one."""
    index = int(data[f"{PREFIX}-TOTAL_FORMS"])
    data[f"{PREFIX}-TOTAL_FORMS"] = str(index + 1)
    data.update(
        {
            f"{PREFIX}-{index}-first_day": first,
            f"{PREFIX}-{index}-last_day": last,
            f"{PREFIX}-{index}-reason": reason,
            f"{PREFIX}-{index}-opens": opens,
            f"{PREFIX}-{index}-closes": closes,
            f"{PREFIX}-{index}-opens_again": "",
            f"{PREFIX}-{index}-closes_again": "",
            f"{PREFIX}-{index}-id": "",
        }
    )
    if closed:
        data[f"{PREFIX}-{index}-closed"] = "on"
    return index


def post(staff_client, location, *rows):
    data = admin_form_data(staff_client.get(change_url(location)))
    indexes = [add_special(data, *row[:3], **(row[3] if len(row) > 3 else {})) for row in rows]
    return staff_client.post(change_url(location), data), indexes


def row_errors(response):
    [formset] = [f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == PREFIX]
    return formset, [" ".join(form.non_field_errors()) for form in formset.forms]


def test_an_editor_adds_a_closure_and_special_hours_beside_the_weekly_hours(staff_client):
    location = LocationFactory()
    OpeningHoursFactory(location=location)
    response, _ = post(
        staff_client,
        location,
        ("2026-11-26", "", "Thanksgiving"),
        ("2026-11-27", "", "Day after Thanksgiving", {"closed": False, "opens": "09:00", "closes": "12:00"}),
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    rows = list(location.special_days.values_list("first_day", "last_day", "closed", "opens"))
    assert rows == [
        (THANKSGIVING, THANKSGIVING, True, None),
        (dt.date(2026, 11, 27), dt.date(2026, 11, 27), False, dt.time(9)),
    ]
    assert location.opening_hours.count() == 1  # the weekly hours are untouched
    page = staff_client.get(change_url(location)).content.decode()
    assert "Holiday hours and closures" in page


def test_special_days_sharing_a_day_are_refused_on_both_rows_and_nothing_is_saved(staff_client):
    location = LocationFactory()
    response, (first, second) = post(
        staff_client,
        location,
        ("2026-11-26", "2026-11-29", "Thanksgiving"),
        ("2026-11-27", "", "Day after", {"closed": False, "opens": "09:00", "closes": "12:00"}),
    )
    assert response.status_code == 200
    formset, errors = row_errors(response)
    assert "overlap Friday, November 27, 2026 (Day after)" in errors[first]
    assert "overlap Thursday, November 26, 2026 to Sunday, November 29, 2026 (Thanksgiving)" in errors[second]
    assert "share a day" in " ".join(formset.non_form_errors())
    assert not location.special_days.exists()


@pytest.mark.parametrize("role", ["Marketing editors", "Site administrators"])
def test_a_marketing_editor_or_a_site_administrator_adds_a_closure(role):
    """The roles, not only a superuser: editors keep a location's weekly hours, and these too."""
    from tests.admin_forms import signed_in

    location = LocationFactory()
    response, _ = post(signed_in(role, "editor"), location, ("2026-11-26", "", "Thanksgiving"))
    assert response.status_code == 302
    assert list(location.special_days.values_list("reason", flat=True)) == ["Thanksgiving"]


def test_a_clinical_reviewer_reads_special_days_and_changes_none():
    from django.contrib.auth.models import Group

    codes = set(Group.objects.get(name="Clinical reviewers").permissions.values_list("codename", flat=True))
    assert "view_specialday" in codes and not {"add_specialday", "change_specialday"} & codes


def test_a_new_special_day_overlapping_a_saved_one_is_refused(staff_client):
    location = LocationFactory()
    SpecialDayFactory(location=location)
    response, (new,) = post(staff_client, location, ("2026-11-20", "2026-11-26", "Staff training"))
    assert response.status_code == 200
    _, errors = row_errors(response)
    assert "overlap Thursday, November 26, 2026 (Thanksgiving)" in errors[new]
    assert "overlap Friday, November 20, 2026 to Thursday, November 26, 2026 (Staff training)" in errors[0]
    assert location.special_days.count() == 1


def test_a_last_day_before_the_first_is_said_at_the_row_in_the_admin(staff_client):
    location = LocationFactory()
    response, _ = post(staff_client, location, ("2026-11-26", "2026-11-25", "Thanksgiving"))
    assert response.status_code == 200
    assert "The last day cannot be before the first day." in response.content.decode()
    assert not location.special_days.exists()


def test_a_location_version_keeps_its_special_days_and_restoring_brings_them_back():
    location = LocationFactory()
    with reversion.create_revision():
        SpecialDayFactory(location=location)
        location.save()
    version = Version.objects.get_for_object(location).first()
    location.special_days.all().delete()
    version.revision.revert(delete=True)
    assert list(location.special_days.values_list("reason", flat=True)) == ["Thanksgiving"]


# --- Public pages and structured data ---------------------------------------------------------


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_location_pages_say_what_is_coming_and_what_is_today(client):
    location = LocationFactory(name="Alpharetta", slug="alpharetta")
    OpeningHoursFactory(location=location)
    SpecialDayFactory(location=location)
    SpecialDayFactory(
        location=location,
        first_day=dt.date(2026, 11, 27),
        reason="Day after Thanksgiving",
        closed=False,
        opens=dt.time(9),
        closes=dt.time(12),
    )
    SpecialDayFactory(location=location, first_day=dt.date(2026, 12, 24), reason="Christmas Eve")
    with time_machine.travel(at(MONDAY), tick=False):
        for url in (location.get_absolute_url(), "/locations/"):
            html = page(client, url)
            assert "Holiday hours and closures</h3>" in html
            assert "<strong>Closed</strong> Thursday, November 26 (Thanksgiving)" in html
            assert (
                f"<strong>Friday, November 27</strong>: 9{NBSP}a.m. to noon only (Day after Thanksgiving)"
                in html
            )
            assert "Christmas Eve" not in html  # a month away
            assert "Monday" in html  # the weekly table is still there
            assert html.index("Holiday hours and closures") < html.index('<table class="hours">')
    with time_machine.travel(at(THANKSGIVING, 8), tick=False):
        html = page(client, location.get_absolute_url())
        assert "<strong>Closed today</strong>, Thursday, November 26 (Thanksgiving)" in html
    with time_machine.travel(at(dt.date(2026, 11, 28)), tick=False):
        html = page(client, location.get_absolute_url())
        assert "Thanksgiving" not in html
        assert "Holiday hours and closures" not in html


def test_a_location_with_only_a_closure_still_shows_its_hours_section(client):
    location = LocationFactory()
    SpecialDayFactory(location=location)
    with time_machine.travel(at(MONDAY), tick=False):
        html = page(client, location.get_absolute_url())
    assert '<h2 id="hours">Hours</h2>' in html
    assert "Closed</strong> Thursday, November 26" in html
    assert '<table class="hours">' not in html


def clinic_of(html):
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    graph = json.loads(html[start : html.index("</script>", start)])["@graph"]
    return [node for node in graph if node.get("@type") == "MedicalClinic"]


def test_structured_data_lists_the_special_days_the_page_shows(client):
    location = LocationFactory()
    OpeningHoursFactory(location=location)
    SpecialDayFactory(location=location, last_day=dt.date(2026, 11, 27))
    SpecialDayFactory(
        location=location,
        first_day=dt.date(2026, 11, 30),
        reason="Staff training",
        closed=False,
        opens=dt.time(9),
        closes=dt.time(12),
        opens_again=dt.time(18),
        closes_again=dt.time(21),
    )
    SpecialDayFactory(location=location, first_day=dt.date(2026, 12, 24), reason="Christmas Eve")
    with time_machine.travel(at(MONDAY), tick=False):
        for url in (location.get_absolute_url(), "/locations/"):
            [clinic] = clinic_of(page(client, url))
            assert clinic["openingHoursSpecification"]  # the weekly hours, as before
            assert clinic["specialOpeningHoursSpecification"] == [
                {
                    "@type": "OpeningHoursSpecification",
                    "opens": "00:00",
                    "closes": "00:00",
                    "validFrom": "2026-11-26",
                    "validThrough": "2026-11-27",
                },
                {
                    "@type": "OpeningHoursSpecification",
                    "opens": "09:00",
                    "closes": "12:00",
                    "validFrom": "2026-11-30",
                    "validThrough": "2026-11-30",
                },
                {
                    "@type": "OpeningHoursSpecification",
                    "opens": "18:00",
                    "closes": "21:00",
                    "validFrom": "2026-11-30",
                    "validThrough": "2026-11-30",
                },
            ]
    with time_machine.travel(at(dt.date(2026, 12, 31)), tick=False):
        [clinic] = clinic_of(page(client, location.get_absolute_url()))
        assert "specialOpeningHoursSpecification" not in clinic


def test_holiday_hours_are_written_on_a_12_hour_clock_like_the_weekly_hours(staff_client):
    """The opening time's help says "for example 9:00 AM": Django's own time field refused that
    very example with "Enter a valid time.", beside "Give the opening time" as if none was typed,
    and showed a saved time back as "09:00:00"."""
    location = LocationFactory()
    response, _ = post(
        staff_client,
        location,
        ("2026-12-24", "", "Christmas Eve", {"closed": False, "opens": "9:00 AM", "closes": "noon"}),
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(location.special_days.values_list("opens", "closes")) == [(dt.time(9), dt.time(12))]
    page = staff_client.get(change_url(location)).content.decode()
    assert 'value="9:00 AM"' in page and 'value="12:00 PM"' in page


def test_a_holiday_time_that_is_no_time_says_how_to_write_one(staff_client):
    location = LocationFactory()
    response, (row,) = post(
        staff_client,
        location,
        ("2026-12-24", "", "Christmas Eve", {"closed": False, "opens": "13:00 PM", "closes": "5 pm"}),
    )
    assert response.status_code == 200
    formset, _ = row_errors(response)
    assert formset.forms[row].errors["opens"] == [
        "“13:00 PM” is not a time. Write it as 9:00 AM, 5:30 PM or 17:30."
    ]
    assert not location.special_days.exists()


def test_a_holiday_date_that_is_no_date_says_how_to_write_one(staff_client):
    location = LocationFactory()
    response, (row,) = post(staff_client, location, ("26/11/2026", "", "Thanksgiving"))
    assert response.status_code == 200
    formset, _ = row_errors(response)
    assert formset.forms[row].errors["first_day"] == [
        "“26/11/2026” is not a date. Write it as 2026-06-30 or 6/30/2026 (the month first), or choose it "
        "with the calendar button."
    ]
    assert not location.special_days.exists()
