from django import template

from locations.hours import grouped

register = template.Library()


@register.filter
def grouped_hours(rows):
    """A location's opening hours with the days that share them together (locations.hours)."""
    return grouped(rows)
