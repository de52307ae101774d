"""Opening hours are shown with the days that share them on one row: two tracks on five days are
two rows, not ten, on the location's page and on the list of locations."""

import datetime as dt

import pytest

from locations.hours import HoursGroup, days_in_words, grouped
from locations.models import OpeningHours
from tests.factories import LocationFactory, OpeningHoursFactory

NBSP = "\N{NO-BREAK SPACE}"
MORNING = (dt.time(9), dt.time(12), "Morning track")
EVENING = (dt.time(18), dt.time(21), "Evening track")


def rows(*specs):
    """Unsaved opening hours: (weekdays, (opens, closes, label)) for each spec."""
    return [
        OpeningHours(weekday=day, opens=opens, closes=closes, label=label)
        for days, (opens, closes, label) in specs
        for day in days
    ]


@pytest.mark.parametrize(
    ("weekdays", "words"),
    [
        ([0], "Monday"),
        ([0, 1], "Monday and Tuesday"),
        ([0, 1, 2, 3, 4], "Monday to Friday"),
        ([0, 2, 4], "Monday, Wednesday and Friday"),
        ([0, 1, 2, 4], "Monday to Wednesday and Friday"),
        ([0, 1, 3, 4, 5, 6], "Monday, Tuesday and Thursday to Sunday"),
    ],
)
def test_days_are_named_as_a_person_says_them(weekdays, words):
    assert days_in_words(weekdays) == words


def test_days_sharing_the_same_hours_and_label_make_one_row_in_the_order_of_the_week():
    # Saved in any order, the evening track one day short.
    hours = rows(
        ([3, 2, 1, 0], EVENING), ([4, 3, 2, 1, 0], MORNING), ([5], (dt.time(10), dt.time(13, 30), ""))
    )
    assert grouped(hours) == [
        HoursGroup("Monday to Friday", f"9{NBSP}a.m. to noon", "Morning track"),
        HoursGroup("Monday to Thursday", f"6{NBSP}p.m. to 9{NBSP}p.m.", "Evening track"),
        HoursGroup("Saturday", f"10{NBSP}a.m. to 1:30{NBSP}p.m.", ""),
    ]


def test_the_same_hours_with_another_label_stay_apart():
    office = (dt.time(9), dt.time(12), "Office")
    assert [group.label for group in grouped(rows(([0, 1, 2], MORNING), ([0, 1, 2], office)))] == [
        "Morning track",
        "Office",
    ]


@pytest.mark.django_db
def test_location_pages_show_each_track_once_for_the_days_it_runs(client):
    location = LocationFactory(name="Jefferson", slug="jefferson")
    for day in range(5):
        OpeningHoursFactory(
            location=location, weekday=day, opens=MORNING[0], closes=MORNING[1], label=MORNING[2]
        )
    for day in range(4):
        OpeningHoursFactory(
            location=location, weekday=day, opens=EVENING[0], closes=EVENING[1], label=EVENING[2]
        )

    for url in (location.get_absolute_url(), "/locations/"):
        html = client.get(url).content.decode()
        table = html[html.index('<table class="hours">') : html.index("</table>")]
        assert table.count('<th scope="row">') == 2, url
        assert (
            f'<th scope="row">Monday to Friday</th><td>9{NBSP}a.m. to noon</td><td>Morning track</td>'
            in table
        )
        assert (
            f'<th scope="row">Monday to Thursday</th><td>6{NBSP}p.m. to 9{NBSP}p.m.</td><td>Evening track</td>'
            in table
        )
