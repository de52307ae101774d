from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from carter_site.fields import LastSavedField
from carter_site.images import photo_described, photo_errors, photo_fields
from carter_site.phone import tel_uri, validate_phone_number
from carter_site.publishing import PublishedFlag, PublishedFlagQuerySet, SeoFields
from carter_site.redirects import KeepsOldAddresses, validate_lower_case
from carter_site.reversing import cached_reverse
from carter_site.richtext import RichTextField

from .addresses import validate_known_zip_code, validate_us_state, zip_code_in_another_state


class LocationQuerySet(PublishedFlagQuerySet):
    pass


# The most each "Getting here" text may hold: a few short paragraphs, read on a phone.
GETTING_HERE_LIMIT = 600


class StepFreeAccess(models.TextChoices):
    """Whether a wheelchair user, or anyone who cannot manage steps, can get from the street to
    the suite. Said on the page only once someone has checked: never guessed."""

    NOT_RECORDED = "", "Not yet recorded (nothing is shown)"
    STEP_FREE = "step_free", "Step-free all the way: entrance, and an elevator if the suite is upstairs"
    STEPS = "steps", "There are steps on the way in (say where in the accessibility note)"


class Location(KeepsOldAddresses, PublishedFlag, SeoFields):
    name = models.CharField(max_length=100, help_text="The town or neighbourhood, for example Alpharetta.")
    slug = models.SlugField(
        unique=True,
        validators=[validate_lower_case],
        help_text="The last part of the page's address: alpharetta makes /locations/alpharetta/. Lower "
        "case, words joined by hyphens, filled in from the name. Once the page is public, a new "
        "address keeps the old one working.",
    )
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences for the list of locations and search results.",
    )
    body = RichTextField(
        blank=True,
        help_text="What this location is like: the building, the rooms, who works here. Parking, buses "
        "and trains, the way in and the first visit have their own fields, under Getting here.",
    )
    street_address = models.CharField(max_length=200, help_text="Street and suite, as on a letter.")
    city = models.CharField(max_length=100)
    state = models.CharField(
        max_length=2,
        default="GA",
        validators=[
            RegexValidator(r"^[A-Z]{2}\Z", "Two capital letters, the state's postal code: for example GA."),
            validate_us_state,
        ],
        help_text="The state's two-letter postal code, for example GA.",
    )
    postal_code = models.CharField(
        "ZIP code",
        max_length=10,
        validators=[
            RegexValidator(
                r"^[0-9]{5}(-[0-9]{4})?\Z",
                "A ZIP code is five digits, or five digits, a dash and four: 30004 or 30004-1234.",
            ),
            validate_known_zip_code,
        ],
        help_text="Checked against the US list of ZIP codes, and against the state.",
    )
    phone = models.CharField(
        max_length=32,
        blank=True,
        validators=[validate_phone_number],
        help_text="This location's own number. Leave empty to use the main number from site settings.",
    )
    photo, photo_width, photo_height, photo_copy_widths, photo_alt = photo_fields(
        upload_to="locations/%Y/%m/",
        help_text="A true photo of this location: the building, its entrance or a group room, with "
        "no client in it. JPEG, PNG, GIF or WebP, up to 5 MB.",
    )
    licence_numbers = models.TextField(
        "state licence numbers",
        blank=True,
        help_text="One licence per line, as it appears on the certificate, for example "
        "'Georgia DCH licence IOP-000123'. Shown on the location page.",
    )
    services = models.TextField(
        "services offered here",
        blank=True,
        help_text="One service per line, for example 'Intensive outpatient program (IOP)'. "
        "List only what this location actually provides.",
    )
    # Getting here: short facts for someone coming for the first time, each shown under its own
    # heading in "Getting here" on the location's page when it is filled in (docs/editorial-workflow.md).
    parking = models.TextField(
        blank=True,
        default="",
        db_default="",
        max_length=GETTING_HERE_LIMIT,
        help_text="Where to park, whether it is free, and how far it is from the door. Plain text: an "
        "empty line starts a new paragraph.",
    )
    public_transport = models.TextField(
        "public transport",
        blank=True,
        default="",
        db_default="",
        max_length=GETTING_HERE_LIMIT,
        help_text="The nearest bus stop or train station, and the walk from it, for example "
        "'Route 140 stops on Example Parkway, a two-minute walk'. Leave empty if none is close.",
    )
    finding_the_door = models.TextField(
        "finding the door",
        blank=True,
        default="",
        db_default="",
        max_length=GETTING_HERE_LIMIT,
        help_text="Which building and which door, the floor and suite, and what the sign on the door "
        "says. If the entrance is discreet (no sign that mentions treatment), say so plainly.",
    )
    step_free_access = models.CharField(
        "step-free access",
        max_length=12,
        blank=True,
        choices=StepFreeAccess.choices,
        default=StepFreeAccess.NOT_RECORDED,
        db_default=StepFreeAccess.NOT_RECORDED,
        help_text="Check it on site before choosing. 'Not yet recorded' shows nothing on the page.",
    )
    access_note = models.TextField(
        "accessibility note",
        blank=True,
        default="",
        db_default="",
        max_length=GETTING_HERE_LIMIT,
        help_text="Where the steps are, if there are any, and anything else that helps: an accessible "
        "restroom, seating while you wait, a quiet room.",
    )
    first_visit = models.TextField(
        "on your first visit",
        blank=True,
        default="",
        db_default="",
        max_length=GETTING_HERE_LIMIT,
        help_text="Who greets people when they arrive and what to bring, for example a photo ID and an "
        "insurance card.",
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="For maps and search engines, for example 34.075376.",
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="For example -84.294090.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first in lists of locations."
    )
    was_public = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="Set for good once the location has been published: renaming it keeps its old address.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = LastSavedField()

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="location_lat_lng_together",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
            photo_described("location_photo_has_alt"),
        ]

    def __str__(self):
        return self.name

    # Every location is in the United States (Alaska and Hawaii included, territories not).
    US_LATITUDES, US_LONGITUDES = (18, 72), (-180, -66)

    def clean(self):
        super().clean()
        errors = photo_errors(self)
        elsewhere = zip_code_in_another_state(self.state, self.postal_code)
        if elsewhere:
            errors["postal_code"] = elsewhere
        coordinates = self.coordinates_error()
        if coordinates:
            errors["latitude"] = coordinates
        if self.step_free_access == StepFreeAccess.STEPS and not (self.access_note or "").strip():
            errors["access_note"] = (
                "Say where the steps are and how many, so people can plan: for example 'Three steps "
                "at the front door, with a handrail'."
            )
        if errors:
            raise ValidationError(errors)

    def coordinates_error(self):
        """Why the coordinates are no place in the United States, or None."""
        if self.latitude is None or self.longitude is None:
            return None
        in_us = (
            self.US_LATITUDES[0] <= self.latitude <= self.US_LATITUDES[1]
            and self.US_LONGITUDES[0] <= self.longitude <= self.US_LONGITUDES[1]
        )
        if not in_us:
            swapped = (
                self.US_LATITUDES[0] <= self.longitude <= self.US_LATITUDES[1]
                and self.US_LONGITUDES[0] <= self.latitude <= self.US_LONGITUDES[1]
            )
            hint = " They look swapped: latitude is the first number a map shows." if swapped else ""
            return (
                "These coordinates are not in the United States (in Georgia the latitude "
                f"is about 34 and the longitude about -84).{hint}"
            )
        return None

    def get_absolute_url(self):
        return cached_reverse("locations:detail", self.slug)

    @property
    def address_lines(self):
        return [self.street_address, f"{self.city}, {self.state} {self.postal_code}"]

    @property
    def one_line_address(self):
        return ", ".join(self.address_lines)

    @property
    def map_url(self):
        """Directions on Google Maps (its app, where a phone has it; its website otherwise). A
        plain link: nothing loads until they tap it, and its words say where it goes."""
        return "https://www.google.com/maps/search/?" + urlencode({"api": 1, "query": self.one_line_address})

    @property
    def licence_list(self):
        return [line.strip() for line in self.licence_numbers.splitlines() if line.strip()]

    @property
    def service_list(self):
        return [line.strip() for line in self.services.splitlines() if line.strip()]

    GETTING_HERE_FIELDS = ["parking", "public_transport", "finding_the_door", "access_note", "first_visit"]

    @property
    def has_getting_here(self):
        """Whether the page has anything to show under "Getting here"."""
        return self.step_free_access != StepFreeAccess.NOT_RECORDED or any(
            (getattr(self, name) or "").strip() for name in self.GETTING_HERE_FIELDS
        )

    @property
    def step_free(self):
        """True when the way in is step-free, False when it has steps, None when no one has said."""
        return {StepFreeAccess.STEP_FREE: True, StepFreeAccess.STEPS: False}.get(self.step_free_access)

    @property
    def tel_uri(self):
        return tel_uri(self.phone)

    def special_days_shown(self, today):
        """The holiday hours and closures visitors see on `today`, first first (SpecialDay.is_shown_on).

        Picked from `special_days.all()`, not by a query: the published locations come with the
        site-wide data (carter_site.caching), loaded once per content version, perhaps days ago,
        with the special days not over then; which of them show is decided at each render.
        """
        return sorted(
            (day for day in self.special_days.all() if day.is_shown_on(today)), key=lambda day: day.first_day
        )


class OpeningHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    label = models.CharField(
        max_length=60,
        blank=True,
        help_text="Optional, for example 'Morning track', 'Evening track' or 'Office'.",
    )
    opens = models.TimeField(help_text="For example 9:00 AM.")
    closes = models.TimeField(help_text="Must be later than the opening time.")

    class Meta:
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        ordering = ["weekday", "opens"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "weekday", "opens"],
                name="opening_hours_unique_start",
                violation_error_message="This location already has hours starting then on that day.",
            ),
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="opening_hours_close_after_open",
                violation_error_message="Closing time must be later than opening time.",
            ),
        ]

    def __str__(self):
        label = f" ({self.label})" if self.label else ""
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}{label}"


class SpecialDayQuerySet(models.QuerySet):
    def not_over(self, today):
        """Special days whose last day is `today` or later."""
        return self.filter(last_day__gte=today)


class SpecialDay(models.Model):
    """A day, or a run of days, when a location keeps other hours than its weekly ones: closed
    all day, or open for one or two periods. Shown to visitors from SHOWN_DAYS_AHEAD days before
    it until its last day is over (locations.hours), then by itself no more."""

    # Shown from this many days before the first day, and on the days themselves.
    SHOWN_DAYS_AHEAD = 14

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="special_days")
    first_day = models.DateField(help_text="The day it starts, in Georgia's time.")
    last_day = models.DateField(
        blank=True,
        help_text="For several days in a row, the last of them. Leave empty for a single day.",
    )
    reason = models.CharField(
        max_length=60,
        error_messages={
            "max_length": "Keep the reason short, at most %(limit_value)d characters (it has %(show_value)d): "
            "it is shown next to the date, for example 'Thanksgiving'."
        },
        help_text="Shown to visitors beside the date, for example 'Thanksgiving' or 'Staff training'.",
    )
    closed = models.BooleanField(
        "closed all day",
        default=True,
        help_text="Untick to give special opening times instead.",
    )
    opens = models.TimeField(null=True, blank=True, help_text="When not closed all day, for example 9:00 AM.")
    closes = models.TimeField(null=True, blank=True, help_text="Must be later than the opening time.")
    opens_again = models.TimeField(
        "opens again",
        null=True,
        blank=True,
        help_text="Optional: a second period the same day, for example the evening track.",
    )
    closes_again = models.TimeField("closes again", null=True, blank=True)

    objects = SpecialDayQuerySet.as_manager()

    class Meta:
        verbose_name = "holiday hours or closure"
        verbose_name_plural = "holiday hours and closures"
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="special_day_last_not_before_first",
                violation_error_message="The last day cannot be before the first day.",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    closed=True,
                    opens__isnull=True,
                    closes__isnull=True,
                    opens_again__isnull=True,
                    closes_again__isnull=True,
                )
                | models.Q(
                    closed=False, opens__isnull=False, closes__isnull=False, closes__gt=models.F("opens")
                ),
                name="special_day_closed_or_open_hours",
                violation_error_message="Either tick 'closed all day', or give an opening time and a "
                "later closing time.",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_again__isnull=True, closes_again__isnull=True)
                | models.Q(
                    opens_again__isnull=False,
                    closes_again__gt=models.F("opens_again"),
                    opens_again__gte=models.F("closes"),
                ),
                name="special_day_second_period_after_first",
                violation_error_message="A second period starts after the first one ends, and ends "
                "after it starts.",
            ),
        ]

    def __str__(self):
        days = f"{self.first_day:%Y-%m-%d}"
        if self.last_day and self.last_day != self.first_day:
            days += f" to {self.last_day:%Y-%m-%d}"
        return f"{days}: {self.reason}"

    def save(self, *args, **kwargs):
        if self.last_day is None:
            self.last_day = self.first_day
        super().save(*args, **kwargs)

    def clean(self):
        """Everything an editor can get wrong on one row, each said at the field to change (the
        constraints above hold the same rules for code that skips forms)."""
        super().clean()
        if self.last_day is None:
            self.last_day = self.first_day
        errors = {}
        if self.first_day and self.last_day < self.first_day:
            errors["last_day"] = (
                "The last day cannot be before the first day. Leave it empty for a single day."
            )
        if self.closed:
            if any(value is not None for value in self.periods_given()):
                errors["closed"] = (
                    "A day closed all day has no opening times: untick 'closed all day', or clear the times."
                )
        else:
            if self.opens is None:
                errors["opens"] = "Give the opening time, or tick 'closed all day'."
            if self.closes is None:
                errors["closes"] = "Give the closing time, or tick 'closed all day'."
            if self.opens is not None and self.closes is not None and self.closes <= self.opens:
                errors["closes"] = "The closing time must be later than the opening time."
            if (self.opens_again is None) != (self.closes_again is None):
                field = "closes_again" if self.closes_again is None else "opens_again"
                errors[field] = "A second period needs both its times, or neither."
            elif self.opens_again is not None:
                if self.closes_again <= self.opens_again:
                    errors["closes_again"] = "The second closing time must be later than its opening time."
                elif self.closes is not None and self.opens_again < self.closes:
                    errors["opens_again"] = "The second period must start once the first one has ended."
        if errors:
            raise ValidationError(errors)

    def periods_given(self):
        return [self.opens, self.closes, self.opens_again, self.closes_again]

    @property
    def periods(self):
        """(opens, closes) of each period open, in order: none when closed all day."""
        if self.closed:
            return []
        pairs = [(self.opens, self.closes), (self.opens_again, self.closes_again)]
        return [(opens, closes) for opens, closes in pairs if opens is not None and closes is not None]

    def overlaps(self, other):
        return self.first_day <= other.last_day and other.first_day <= self.last_day

    def is_shown_on(self, today):
        """Whether visitors see it on `today`: from SHOWN_DAYS_AHEAD days before, to its last day."""
        return self.last_day >= today and (self.first_day - today).days <= self.SHOWN_DAYS_AHEAD
