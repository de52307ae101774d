"""Opening hours as a visitor reads them: "Monday to Friday, 9 a.m. to noon, Morning track" on one
line, not the same hours written out once for each day (ten rows for two tracks)."""

from dataclasses import dataclass
from itertools import groupby

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
