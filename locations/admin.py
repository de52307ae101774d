from django.contrib import admin

from articles.content_checks import (
    LOCATION_PROSE,
    LOCATION_TEXTS,
    check_readability,
    check_rich_text,
    check_wording,
)
from carter_site.admin import (
    AsksForFilesAgainMixin,
    PublishedFlagAdmin,
    SaysWhereOldAddressesLeadMixin,
    WarnsAfterSavingMixin,
    WarnsOfLinksLeftBehindMixin,
)
from carter_site.admin_times import TypedTimesMixin
from faqs.admin import LocationFAQInline

from .forms import CoordinateField, OpeningHoursFormSet, SpecialDayForm, SpecialDayFormSet
from .models import Location, OpeningHours, SpecialDay


class OpeningHoursInline(TypedTimesMixin, admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0
    fields = ["weekday", "opens", "closes", "label"]


class SpecialDayInline(TypedTimesMixin, admin.TabularInline):
    """Holiday hours and closures, beside the weekly hours: shown on the location's page from two
    weeks before, and gone by themselves once the last day is over. Their times are written as
    the weekly hours' are ("9:00 AM", the example their help gives), and shown back so."""

    model = SpecialDay
    form = SpecialDayForm
    formset = SpecialDayFormSet
    extra = 0
    fields = ["first_day", "last_day", "reason", "closed", "opens", "closes", "opens_again", "closes_again"]


@admin.register(Location)
class LocationAdmin(
    WarnsOfLinksLeftBehindMixin,
    WarnsAfterSavingMixin,
    SaysWhereOldAddressesLeadMixin,
    AsksForFilesAgainMixin,
    PublishedFlagAdmin,
):
    list_display = ["name", "city", "phone", "order", "is_published", "updated_at"]
    list_editable = ["order"]
    list_filter = ["is_published", "city"]
    search_fields = ["name", "city", "street_address", "summary"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, SpecialDayInline, LocationFAQInline]

    def content_warnings(self, obj):
        return [
            *check_rich_text(obj.body),
            *check_wording(obj, LOCATION_TEXTS),
            *check_readability(obj, LOCATION_PROSE),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in {"latitude", "longitude"}:
            kwargs["form_class"] = CoordinateField
            kwargs.update(name=db_field.name, limit=90 if db_field.name == "latitude" else 180)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "body", "order", "is_published"]}),
        (
            "Address and phone",
            {"fields": ["street_address", "city", "state", "postal_code", "phone", "latitude", "longitude"]},
        ),
        (
            "Getting here",
            {
                "description": "Short, plain facts for someone coming for the first time, perhaps "
                "anxious about it: each is shown under its own heading on the location's page, and "
                "an empty one is left out. Write what you have checked on site, in the words of "
                "the signs.",
                "fields": [
                    "parking",
                    "public_transport",
                    "finding_the_door",
                    "step_free_access",
                    "access_note",
                    "first_visit",
                ],
            },
        ),
        (
            "Licences, services and photo",
            {
                "description": "Advertising certification for addiction treatment asks each location to "
                "show its licences, the services it actually offers, and true photos of the place.",
                "fields": ["licence_numbers", "services", "photo", "photo_alt"],
            },
        ),
        (
            "Search engines",
            {"classes": ["collapse"], "fields": ["seo_title", "meta_description"]},
        ),
    ]
