"""Times as editors write them, in every admin form with a time: opening hours, holiday hours, an
article's publish and take-down times, a shared preview link's expiry.

Django reads only a 24-hour clock ("09:00", "17:30"), and refused "9:00 AM", the very example
an opening-hours field gave, with "Enter a valid time." Here a time may also be written on a
12-hour clock, as people in the United States write it: "9:00 AM", "9 am", "5:30 p.m.", "noon",
"midnight". A time that is still no time says how to write one, and keeps what was typed. A
saved time is shown back the same way ("9:00 AM", not Django's "09:00:00").

Times are the site's (TIME_ZONE, Eastern time). On the night the clocks change, one hour never
comes (2:30 a.m. on March 14, 2027) and one comes twice (1:30 a.m. on November 1, 2026): such
a time is refused in those words, where Django said it "couldn't be interpreted in time zone
America/New_York; it may be ambiguous or it may not exist".

Every admin with such a field uses `TypedTimesMixin` (HistoryAdmin, the inlines of
carter_site.admin and the location's rows of opening hours and of holiday hours).
"""

import re
from datetime import UTC, datetime, time, timedelta

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateformat import time_format
from django.utils.formats import date_format

from .publishing import end_sentence

NOT_A_TIME = "“%(value)s” is not a time. Write it as 9:00 AM, 5:30 PM or 17:30."
NOT_A_DATE = (
    "“%(value)s” is not a date. Write it as 2026-06-30 or 6/30/2026 (the month first), or choose it "
    "with the calendar button."
)

_TWELVE_HOUR = re.compile(
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?(?::(?P<second>\d{2}))?\s*(?P<half>[ap])\.?\s*m\.?",
    re.IGNORECASE,
)
_WORDS = {"noon": time(12), "midday": time(12), "midnight": time(0)}


def twelve_hour_time(text):
    """`text` as a time if it is written on a 12-hour clock ("9 AM", "5:30 p.m.", "noon"), or None."""
    text = " ".join(text.split()).lower()
    if text in _WORDS:
        return _WORDS[text]
    match = _TWELVE_HOUR.fullmatch(text)
    if match is None:
        return None
    hour, minute, second = (int(match[name] or 0) for name in ("hour", "minute", "second"))
    if not 1 <= hour <= 12 or minute > 59 or second > 59:
        return None
    return time(hour % 12 + (12 if match["half"].lower() == "p" else 0), minute, second)


class TimeField(forms.TimeField):
    """Django's time field, reading a 12-hour clock too."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            typed = value.strip()
            parsed = twelve_hour_time(typed)
            if parsed is not None:
                return parsed
            try:
                return super().to_python(typed)
            except ValidationError as error:
                if error.code != "invalid":
                    raise
                raise ValidationError(NOT_A_TIME, code="invalid", params={"value": typed}) from error
        return super().to_python(value)


class DateField(forms.DateField):
    """Django's date field, saying what was typed and how to write a date. Its "Enter a valid
    date." gave no clue to an editor who wrote the day first (25/11/2026), as much of the world
    does, or a day the month does not have (11/31/2026)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "invalid":
                raise
            raise ValidationError(NOT_A_DATE, code="invalid", params={"value": str(value).strip()}) from error


def clock_change_problem(moment):
    """Why the local `moment` (naive) names no single time in the site's time zone, or None."""
    zone = timezone.get_current_timezone()
    first, second = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    skipped = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment
    what = "never comes here: the clocks go forward" if skipped else "comes twice here: the clocks go back"
    return (
        f"{date_format(moment, 'DATETIME_FORMAT')} {what} an hour that night. Choose another time, "
        + end_sentence(f"such as {time_format(moment + timedelta(hours=1), 'P')}")
    )


def twelve_hour_text(value):
    """`value` (a time) as an editor writes it: "9:00 AM", "5:30 PM", seconds only when it has
    some ("9:00:30 AM"), so that saving a form unchanged keeps the time to the second."""
    return time_format(value, "g:i:s A" if value.second else "g:i A")


class TimeInput(widgets.AdminTimeWidget):
    """The admin's time box (with its clock), showing a saved time on a 12-hour clock."""

    def format_value(self, value):
        if isinstance(value, time):
            return twelve_hour_text(value)
        return super().format_value(value)


class SplitDateTimeWidget(widgets.AdminSplitDateTime):
    """The admin's date and time boxes, the time on a 12-hour clock."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets = [self.widgets[0], TimeInput()]


class SplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date and time boxes, the date and the time read as DateField and TimeField read
    them, one box left empty asking for it, and a time the clocks skip or repeat refused in plain
    words."""

    default_error_messages = {
        **forms.SplitDateTimeField.default_error_messages,
        "invalid_date": "Give the date too, for example 2026-06-30 or 6/30/2026 (the month first).",
        "invalid_time": "Give the time too, for example 9:00 AM or 17:30.",
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        django_date, django_time = self.fields
        date_field = DateField(localize=django_date.localize, required=False)
        date_field.error_messages.setdefault("incomplete", self.error_messages["incomplete"])
        time_field = TimeField(localize=django_time.localize, required=False)
        time_field.error_messages.setdefault("incomplete", self.error_messages["incomplete"])
        self.fields = (date_field, time_field)

    def compress(self, data_list):
        if data_list and all(part not in self.empty_values for part in data_list[:2]):
            problem = clock_change_problem(datetime.combine(*data_list[:2]))
            if problem:
                raise ValidationError(problem, code="ambiguous_timezone")
        return super().compress(data_list)


class TypedTimesMixin:
    """For ModelAdmin and inlines: the fields above for the model's dates and times."""

    formfield_overrides = {
        models.DateField: {"form_class": DateField},
        models.TimeField: {"form_class": TimeField, "widget": TimeInput},
        models.DateTimeField: {"form_class": SplitDateTimeField, "widget": SplitDateTimeWidget},
    }
