from django import template
from django.utils import timezone

from locations.hours import grouped, special_notices

register = template.Library()


@register.filter
def grouped_hours(rows):
    """A location's opening hours with the days that share them together (locations.hours)."""
    return grouped(rows)


@register.filter
def coming_special_days(location):
    """The holiday hours and closures of `location` shown today, in words (locations.hours): today
    is the date in the center's time zone, when the page is rendered."""
    return special_notices(location, timezone.localdate())
