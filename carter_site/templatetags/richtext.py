from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def richtext(value):
    """Output a RichTextField's HTML as is.

    This is the one place editor HTML is marked safe, and it is safe only because
    carter_site.richtext.RichTextField sanitised it before it was stored.
    """
    return mark_safe(value or "")
