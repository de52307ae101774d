import html
import re

from django import template
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

register = template.Library()

# A table as the sanitiser writes it: `<table>` without attributes (none are allowed on it), and
# every "<" outside a tag escaped, so these never match inside text or an attribute.
_TABLE_TAG = re.compile(r"<(/?)table>")
# The table's caption, if it has one before the next table starts or this one ends.
_CAPTION = re.compile(r"(?:(?!</?table>).)*?<caption>(.*?)</caption>", re.DOTALL)


def _scrolling_tables(value):
    """Each table in a box of its own that scrolls sideways when the table is wider than the
    screen (WCAG 1.4.10 allows it for data tables), so that the page itself never does. The box
    takes the keyboard's focus, so it can be scrolled without a mouse, and is named after the
    table's caption, as the opening-hours tables are (includes/hours.html)."""

    def wrap(tag):
        if tag[1]:
            return "</table></div>"
        caption = _CAPTION.match(value, tag.end())
        name = " ".join(html.unescape(strip_tags(caption[1])).split()) if caption else ""
        return f'<div class="table-scroll" role="region" aria-label="{escape(name or "Table")}" tabindex="0"><table>'

    return _TABLE_TAG.sub(wrap, value)


# A link that dials, as the sanitiser writes it (attributes in double quotes, links never
# nested), and the punctuation right after it.
_PHONE_LINK = re.compile(r'(<a href="tel:[^"]*"[^>]*>(.*?)</a>)([.,;:!?)\]”’]*)', re.DOTALL)
# Longer than this, a link's text is a phrase, not a number: it wraps as the sentence does.
PHONE_LINK_MAX_CHARACTERS = 24


def _unbroken_phone_numbers(value):
    """Each phone number an editor linked in a `phone-number` box, as the templates print them
    (static/css/site.css): on a narrow phone it moves to the next line whole instead of breaking
    at its hyphen. Punctuation right after the number goes inside, so it never starts a line."""

    def wrap(link):
        text = html.unescape(strip_tags(link[2])).strip()
        if len(text) > PHONE_LINK_MAX_CHARACTERS:
            return link[0]
        return f'<span class="phone-number">{link[1]}{link[3]}</span>'

    return _PHONE_LINK.sub(wrap, value)


# A picture as the sanitiser writes it: only src, alt, width and height, in double quotes, and
# every "<" outside a tag escaped, so this never matches inside text or an attribute.
_PICTURE = re.compile(r"<img((?:\s+[a-z]+=\"[^\"]*\")*)\s*/?>")


def _pictures_loaded_when_near(value):
    """Each picture fetched only when the reader comes near it (`loading="lazy"`), and decoded
    without holding up the text (`decoding="async"`). A long article's pictures, or those in FAQ
    answers that stay closed, otherwise all download with the page: on a slow phone connection
    they take the bandwidth from what the reader is looking at, and cost data for pictures
    never seen. The width and height the editor keeps reserve each picture's place, so nothing
    moves when it arrives."""
    return _PICTURE.sub(r'<img\1 loading="lazy" decoding="async">', value)


@register.filter
def richtext(value):
    """Output a RichTextField's HTML as is, each table in a box that may scroll sideways,
    each phone number in a box that does not break, and each picture loaded when near.

    This is the one place editor HTML is marked safe, and it is safe only because
    carter_site.richtext.RichTextField sanitised it before it was stored.
    """
    return mark_safe(_pictures_loaded_when_near(_unbroken_phone_numbers(_scrolling_tables(value or ""))))
