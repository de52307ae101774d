"""Opening hours as a visitor reads them: "Monday to Friday, 9 a.m. to noon, Morning track" on one
line, not the same hours written out once for each day (ten rows for two tracks); and the holiday
hours and closures coming up, in words: "Closed Thursday, November 26 (Thanksgiving)"."""

from dataclasses import dataclass
from itertools import groupby

from django.utils.dateformat import format as date_format
from django.utils.dateformat import time_format

from .models import OpeningHours

DAY_NAMES = dict(OpeningHours.Weekday.choices)


@dataclass(frozen=True)
class HoursGroup:
    days: str  # "Monday to Friday", "Tuesday and Thursday"
    hours: str  # "9 a.m. to noon", each time kept on one line
    label: str


def spoken_time(value):
    """9 a.m., 6:30 p.m., noon: as the site's articles write times, with a no-break space so a
    narrow screen never leaves "p.m." alone on the next line."""
    return time_format(value, "P").replace(" ", "\N{NO-BREAK SPACE}")


def days_in_words(weekdays):
    """Sorted weekday numbers in words: a run of three or more days is "Monday to Wednesday"."""
    runs = [
        [day for _, day in run] for _, run in groupby(enumerate(weekdays), key=lambda pair: pair[1] - pair[0])
    ]
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]} to {DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[day] for day in run)
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def grouped(rows):
    """`rows` of OpeningHours, one group per distinct hours and label, in the order of the week
    (then of the day) of their first day."""
    days = {}
    for row in rows:
        days.setdefault((row.opens, row.closes, row.label), set()).add(row.weekday)
    ordered = sorted(days.items(), key=lambda item: (min(item[1]), item[0][0], item[0][1]))
    return [
        HoursGroup(
            days=days_in_words(sorted(weekdays)),
            hours=f"{spoken_time(opens)} to {spoken_time(closes)}",
            label=label,
        )
        for (opens, closes, label), weekdays in ordered
    ]


@dataclass(frozen=True)
class SpecialNotice:
    """One holiday or closure as a line of the page: `lead` (in bold) then `rest`, then the reason."""

    lead: str  # "Closed", "Closed today", "Today: special hours", "Friday, November 27"
    rest: str  # " Thursday, November 26", ": 9 a.m. to noon only"
    reason: str
    today: bool  # it applies today
    closed: bool

    @property
    def text(self):
        return f"{self.lead}{self.rest} ({self.reason})"


def spoken_date(day, today=None):
    """Thursday, November 26: the year goes without saying for a day less than a year from `today`,
    as a reader takes "December 31" for the nearest one. Further away (a closure for a long
    renovation, or to the calendar's end for "until further notice"), "Friday, December 31, 2027"."""
    if today is not None and not _within_a_year(day, today):
        return date_format(day, "l, F j, Y")
    return date_format(day, "l, F j")


def _within_a_year(day, today):
    """Whether `day` is less than a year before or after `today`, compared as (year, month, day)
    so that 29 February needs no date a year on."""
    year_before, year_after = (
        (today.year - 1, today.month, today.day),
        (today.year + 1, today.month, today.day),
    )
    return year_before < (day.year, day.month, day.day) < year_after


def spoken_periods(periods):
    return " and ".join(f"{spoken_time(opens)} to {spoken_time(closes)}" for opens, closes in periods)


def notice(special, today):
    """How `special` (a SpecialDay) reads on `today`."""
    first, last = special.first_day, special.last_day
    started = first <= today
    until = f" to {spoken_date(last, today)}" if last != first else ""
    if special.closed:
        if not started:
            return SpecialNotice(
                "Closed", f" {spoken_date(first, today)}{until}", special.reason, False, True
            )
        rest = f", {spoken_date(today, today)}" if last == today else f" to {spoken_date(last, today)}"
        return SpecialNotice("Closed today", rest, special.reason, True, True)
    hours = f"{spoken_periods(special.periods)} only"
    if not started:
        return SpecialNotice(
            f"{spoken_date(first, today)}{until}", f": {hours}", special.reason, False, False
        )
    each_day = f", each day to {spoken_date(last, today)}" if last != today else ""
    return SpecialNotice("Today: special hours", f", {hours}{each_day}", special.reason, True, False)


def special_notices(location, today):
    """The lines a page shows on `today` for `location`'s holiday hours and closures."""
    return [notice(special, today) for special in location.special_days_shown(today)]
