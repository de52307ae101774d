"""The location admin's forms: opening-hours and special-day rows checked together before any is
saved, and coordinates as a map gives them."""

from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.dateformat import format as date_format
from django.utils.dateformat import time_format

from carter_site.admin_input import SaidOnceFormMixin
from carter_site.concurrent_saves import RowsAddedMeanwhileFormSet

from .models import OpeningHours, SpecialDay


def describe(hours):
    """`Saturday 9:00 AM – 12:00 PM (Morning track)`, as the location page shows the row."""
    label = f" ({hours['label']})" if hours.get("label") else ""
    day = OpeningHours.Weekday(hours["weekday"]).label
    return f"{day} {time_format(hours['opens'], 'g:i A')} – {time_format(hours['closes'], 'g:i A')}{label}"


def same_start_message():
    """The model's own words for two rows starting at the same time on the same day."""
    [constraint] = [c for c in OpeningHours._meta.constraints if c.name == "opening_hours_unique_start"]
    return constraint.get_violation_error_message()


class OpeningHoursFormSet(RowsAddedMeanwhileFormSet):
    """Refuses hours that overlap on the same day, marking every row involved.

    A visitor (and the structured data search engines read) would see the location open twice at
    the same time. The rows are compared as sent, saved ones included, so moving one row out of
    another's way in the same save is fine. Two rows starting at the same time get the model's own
    message instead of Django's generic one about duplicate data.
    """

    def clean(self):
        overlapping = self.mark_overlaps()
        super().clean()  # Django's duplicate check: the rows marked above are no longer its concern
        if overlapping:
            raise ValidationError(
                "Some of these hours overlap: on any one day, each period must end before the next "
                "begins. Change the times of the rows marked below, or delete one of them.",
                code="overlapping_hours",
            )

    def rows_to_compare(self):
        rows = []
        for form in self.forms:
            if not form.is_valid() or self._should_delete_form(form):
                continue
            data = form.cleaned_data
            if all(data.get(name) is not None for name in ("weekday", "opens", "closes")):
                rows.append(form)
        return rows

    def mark_overlaps(self):
        found = False
        for one, other in combinations(self.rows_to_compare(), 2):
            a, b = one.cleaned_data, other.cleaned_data
            if a["weekday"] != b["weekday"] or not (a["opens"] < b["closes"] and b["opens"] < a["closes"]):
                continue
            found = True
            if a["opens"] == b["opens"]:
                for form in (one, other):
                    if same_start_message() not in form.non_field_errors():
                        form.add_error(None, ValidationError(same_start_message(), code="same_start"))
            else:
                one.add_error(None, self.overlap_error(b))
                other.add_error(None, self.overlap_error(a))
        return found

    def save_existing_objects(self, commit=True):
        """Saves the rows one by one, as Django does, with the rows that move or go parked first.

        The database allows one row per location, day and start time at every moment, and Django
        saves the rows in page order: two rows trading times, every track moved an hour later,
        or a row taking the time of one deleted further down would each meet a row not yet saved
        and fail. Moving those rows to days that do not exist (weekday + 7) in one update first
        clears the way; each is then saved with its new values, or deleted, as usual, in the
        admin's transaction, so the parked state is never seen outside it.
        """
        if commit:
            moving = [
                form.instance.pk
                for form in self.initial_forms
                if form in self.deleted_forms or {"weekday", "opens"} & set(form.changed_data)
            ]
            if moving:
                OpeningHours.objects.filter(pk__in=moving).update(weekday=F("weekday") + 7)
        return super().save_existing_objects(commit)

    @staticmethod
    def overlap_error(other):
        return ValidationError(
            "These hours overlap %(other)s. Change the times, or delete one of the two rows.",
            code="overlapping_hours",
            params={"other": describe(other)},
        )


def describe_days(first_day, last_day, reason):
    """`Thursday, November 26, 2026 (Thanksgiving)`, or a run `from ... to ...`."""
    first = date_format(first_day, "l, F j, Y")
    days = first if last_day == first_day else f"{first} to {date_format(last_day, 'l, F j, Y')}"
    return f"{days} ({reason})" if reason else days


class SpecialDayForm(SaidOnceFormMixin, forms.ModelForm):
    """One row of holiday hours and closures: a time that could not be read is said once."""


class SpecialDayFormSet(RowsAddedMeanwhileFormSet):
    """Refuses special days that share a day, marking every row involved.

    A location has one set of hours on any day: two rows for the same day would tell visitors
    (and search engines) two things at once. Rows are compared as sent, saved ones included,
    so moving one out of another's way in the same save is fine; rows another editor saved after
    this page was opened count too.
    """

    def clean(self):
        super().clean()
        rows = self.rows_to_compare()
        found = False
        for (one, a), (other, b) in combinations(rows, 2):
            if one is None:
                continue  # two rows saved by others: not this page's to judge
            if a.overlaps(b):
                found = True
                one.add_error(None, self.overlap_error(b))
                if other is not None:
                    other.add_error(None, self.overlap_error(a))
        if found:
            raise ValidationError(
                "Some of these holiday hours and closures share a day: a location keeps one set of hours "
                "on any day. Change the dates of the rows marked below, or delete one of them.",
                code="overlapping_days",
            )

    def rows_to_compare(self):
        """(form, row as sent) of each row kept, then (None, row) of rows saved by someone else
        meanwhile: SpecialDay instances, which say whether they overlap."""
        rows = []
        for form in self.forms:
            if not form.is_valid() or self._should_delete_form(form):
                continue
            data = form.cleaned_data
            if data.get("first_day") is None:
                continue
            last_day = data.get("last_day") or data["first_day"]
            sent = SpecialDay(first_day=data["first_day"], last_day=last_day, reason=data.get("reason", ""))
            rows.append((form, sent))
        if self.instance.pk is not None:
            shown = [form.instance.pk for form in self.initial_forms if form.instance.pk is not None]
            for saved in SpecialDay.objects.filter(location=self.instance).exclude(pk__in=shown):
                rows.append((None, saved))
        return rows

    @staticmethod
    def overlap_error(other):
        return ValidationError(
            "These days overlap %(other)s. Change the dates, or delete one of the two rows.",
            code="overlapping_days",
            params={"other": describe_days(other.first_day, other.last_day, other.reason)},
        )


class CoordinateField(forms.DecimalField):
    """A latitude or longitude, rounded to the six decimal places it is stored with (about 11 cm).

    A map copies coordinates with 14 or more decimals; pasted as they are, Django's own message
    ("no more than 9 digits in total") told an editor nothing about what to change.
    """

    PLACES = Decimal("0.000001")

    def __init__(self, *, name="coordinate", limit=180, **kwargs):
        self.name, self.limit = name, limit
        super().__init__(**kwargs)

    def to_python(self, value):
        number = super().to_python(value)
        # A number out of range is left for validate() to refuse: rounding one as large as 1e30 to
        # six places would need more digits than decimal arithmetic carries, and fail.
        if number is None or not number.is_finite() or abs(number) > self.limit:
            return number
        return number.quantize(self.PLACES, rounding=ROUND_HALF_UP)

    def validate(self, value):
        super().validate(value)
        # Before Django's digit count, whose "no more than 9 digits" would be all it said.
        if value is not None and value.is_finite() and abs(value) > self.limit:
            raise forms.ValidationError(
                f"A {self.name} is a number between -{self.limit} and {self.limit}, like the one a map "
                "shows for the address.",
                code="out_of_range",
            )
