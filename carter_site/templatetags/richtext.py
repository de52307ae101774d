import html
import re
from urllib.parse import unquote, urlsplit

from django import template
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from carter_site.caching import pictures_with_copies
from carter_site.memo import by_digest
from carter_site.phone import PHONE_NUMBER_IN_TEXT, tel_uri, validate_phone_number
from carter_site.picture_copies import may_have_copies, srcset

register = template.Library()

# A table as the sanitiser writes it: `<table>` without attributes (none are allowed on it), and
# every "<" outside a tag escaped, so these never match inside text or an attribute.
_TABLE_TAG = re.compile(r"<(/?)table>")
# The table's caption, if it has one before the next table starts or this one ends.
_CAPTION = re.compile(r"(?:(?!</?table>).)*?<caption>(.*?)</caption>", re.DOTALL)
# Its first row, likewise, and the cells of a row (the sanitiser keeps `<tr>` bare, and only
# scope, colspan and rowspan on a cell).
_FIRST_ROW = re.compile(r"(?:(?!</?table>).)*?<tr>(.*?)</tr>", re.DOTALL)
_CELL = re.compile(r"<t[hd](?: [^>]*)?>(.*?)</t[hd]>", re.DOTALL)
# A name read out before the table, not the table itself: the first row's first words.
TABLE_NAME_LIMIT = 80


def _words(fragment):
    return " ".join(html.unescape(strip_tags(fragment)).split())


def table_name(caption, first_row_cells):
    """The name of a table's box: its caption, or else "Table: " and its first row's words (at most
    TABLE_NAME_LIMIT characters, cut at a word), which tells two tables without a caption apart."""
    if caption:
        return caption
    first = ", ".join(cell for cell in first_row_cells if cell)
    if len(first) > TABLE_NAME_LIMIT:
        first = first[:TABLE_NAME_LIMIT].rsplit(" ", 1)[0].rstrip(",") + "…"
    return f"Table: {first}" if first else "Table"


def _scrolling_tables(value):
    """Each table in a box of its own that scrolls sideways when the table is wider than the
    screen (WCAG 1.4.10 allows it for data tables), so that the page itself never does. The box
    takes the keyboard's focus, so it can be scrolled without a mouse, and is named after the
    table's caption, as the opening-hours tables are (includes/hours.html), or else by its first
    row (`table_name`)."""

    def wrap(tag):
        if tag[1]:
            return "</table></div>"
        caption = _CAPTION.match(value, tag.end())
        row = _FIRST_ROW.match(value, tag.end()) if not caption else None
        cells = [_words(cell) for cell in _CELL.findall(row[1])] if row else []
        name = table_name(_words(caption[1]) if caption else "", cells)
        return f'<div class="table-scroll" role="region" aria-label="{escape(name)}" tabindex="0"><table>'

    return _TABLE_TAG.sub(wrap, value)


# A number as it stands in the stored HTML, where a no-break space is the entity `&nbsp;`
# (CKEditor writes one after a link, or for a second space typed in a row). The lookahead in
# front lets the scan skip every character that cannot start a number: three times faster
# through an article's text than the same pattern without it.
_TYPED_PHONE_NUMBER = re.compile(
    r"(?=[+(\d])" + PHONE_NUMBER_IN_TEXT.pattern.replace(r"[\s.\-‑–]", r"(?:[\s.\-‑–]|&nbsp;|&#160;)")
)


def _dialling_link(number):
    """`number` (as it stands in the HTML) in a link that dials it, or as it is when it is no
    number a phone can call (an area code starting with 0 or 1, say: a reference, not a phone)."""
    spoken = html.unescape(number).replace("\u2011", "-").replace("\u2013", "-")
    try:
        validate_phone_number(spoken)
    except ValidationError:
        return number
    return f'<a href="{tel_uri(spoken)}">{number}</a>'


def _in_text_outside_links(value, start):
    """Whether value[start] is in the text, not inside a tag's attributes nor inside a link. The
    sanitiser escapes every "<" and ">" in text and in attribute values, so the nearest "<" and
    ">" before it say whether it is inside a tag; links are never nested."""
    in_tag = value.rfind("<", 0, start) > value.rfind(">", 0, start)
    in_link = max(value.rfind("<a ", 0, start), value.rfind("<a>", 0, start)) > value.rfind("</a>", 0, start)
    return not (in_tag or in_link)


def _linked_phone_numbers(value):
    """Each phone number an editor typed in the text, not inside a link, becomes a link that
    dials it: on a phone, visitors tap a number to call it, and a number typed as words could
    not be tapped (nor kept whole on a line, below). A number already linked keeps its link.

    One scan of the whole text finds the numbers (there are few), and each is checked where it
    stands: inside a tag's attributes or inside a link, it stays as it is."""
    pieces, done = [], 0
    for match in _TYPED_PHONE_NUMBER.finditer(value):
        start = match.start()
        if not _in_text_outside_links(value, start):
            continue
        pieces += [value[done:start], _dialling_link(match[0])]
        done = match.end()
    return "".join(pieces) + value[done:] if pieces else value


# 988 (the Suicide & Crisis Lifeline) and 911 as numbers of their own, not a part of a longer
# one or an amount ("988-555-0101", "$988", "988.5"); a street number ("988 Peachtree St")
# fails the context test below.
_TYPED_SHORT_LINE = re.compile(r"(?<![\w$#/.,\-‑–])(988|911)(?![\w/\-‑–]|[.,]\d|(?:\s|&nbsp;|&#160;)*\(?\d)")
# What a sentence says just before the number when it tells the reader to reach the line:
# "call 988", "call or text 988", "Call, text or chat the 988 Lifeline", "dialing 988".
_REACH_VERB = r"(?:call|dial|phone|ring|text|chat)(?:ing|s)?"
_TOLD_TO_REACH = re.compile(
    rf"\b({_REACH_VERB}(?:\s*(?:,|/|\bor\b|\band\b)\s*{_REACH_VERB})*)\s+(?:the\s+)?$", re.IGNORECASE
)
# ... or the line's name right after it: "the 988 Suicide & Crisis Lifeline", "988 Lifeline".
_LINE_NAMED = re.compile(r"\s*(?:suicide|lifeline|crisis)\b", re.IGNORECASE)
# Inline markup a sentence may have around the number; any other tag ends the sentence.
_INLINE_TAG = re.compile(r"</?(?:strong|b|em|i|u|s|span|sub|sup)\b[^>]*>")
_ANY_TAG = re.compile(r"<[^>]*>")
CRISIS_CONTEXT_CHARACTERS = 80


def _plain_around(html_text):
    """The words of an extract of rich text as one line: inline tags dropped, any other tag a
    line break, entities read."""
    text = _ANY_TAG.sub("\n", _INLINE_TAG.sub("", html_text))
    return html.unescape(text).replace("\xa0", " ")


def _short_line_link(value, number, start, end):
    """The link a typed 988 or 911 at value[start:end] should get, or "" when its sentence does
    not tell the reader to reach it: three digits are too short a number to link wherever they
    stand ("988 people", "room 911"). 911 is only ever called from here."""
    before = _plain_around(value[max(0, start - CRISIS_CONTEXT_CHARACTERS) : start]).rsplit("\n", 1)[-1]
    told = _TOLD_TO_REACH.search(before)
    if told:
        verbs = told[1].lower()
        if re.search(r"call|dial|phone|ring", verbs):
            return f"tel:{number}"
        if "text" in verbs and number == "988":
            return "sms:988"
    if number != "988":
        return ""
    after = _plain_around(value[end : end + CRISIS_CONTEXT_CHARACTERS]).split("\n", 1)[0]
    return "tel:988" if _LINE_NAMED.match(after) else ""


def _linked_crisis_lines(value):
    """988 typed in a sentence that says to call or text it ("call or text 988", "the 988
    Suicide & Crisis Lifeline") becomes a link that calls it, or texts it when the sentence
    says only to text, and 911 one that calls it where the sentence says to call: a reader in
    crisis in the middle of an article reaches help with one tap, as from the crisis line at
    the top of every page. Outside a tag and a link only, as for other numbers."""
    if "988" not in value and "911" not in value:
        return value
    pieces, done = [], 0
    for match in _TYPED_SHORT_LINE.finditer(value):
        start = match.start()
        link = _in_text_outside_links(value, start) and _short_line_link(value, match[1], start, match.end())
        if link:
            pieces += [value[done:start], f'<a href="{link}">{match[1]}</a>']
            done = match.end()
    return "".join(pieces) + value[done:] if pieces else value


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
_SOURCE = re.compile(r'\ssrc="([^"]*)"')
_WIDTH = re.compile(r'\swidth="([1-9][0-9]{0,4})"')
# How wide a rich text draws a picture, for the browser to choose among its copies before the
# stylesheet has arrived (static/css/site.css): `.rich-text` is at most --measure (42rem) wide,
# inside `.wrap` with 1rem of padding on each side, so the screen's width less 2rem on a phone.
# In an article, `.article` keeps it to 40rem: 42rem asks at most 32 px more, which chooses the
# same copy at 1, 1.5, 2 and 3 pixels per CSS pixel.
RICH_TEXT_SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"
# The column at its widest, in CSS px (42rem of 16 px, browsers' default).
RICH_TEXT_WIDEST = 42 * 16


def _sizes(attributes):
    """What `sizes` says of a picture: the column's width, or the width the editor gave it
    (CKEditor writes it as `width`, in CSS px) when that is narrower, as `img { max-width: 100% }`
    then draws it at that width wherever the column leaves room for it."""
    width = _WIDTH.search(attributes)
    if width is None or int(width[1]) >= RICH_TEXT_WIDEST:
        return RICH_TEXT_SIZES
    width = int(width[1])
    return f"(min-width: {width + 32}px) {width}px, calc(100vw - 2rem)"


def _uploads(sources):
    """Picture address -> stored name, for those of `sources` (the `src` of pictures in a text,
    as the sanitiser writes them) under the media storage's addresses and in a folder of pictures
    that may have copies: uploads of the editor, and the pictures of the picture fields (articles',
    locations' and clinicians') that editors put into texts too."""
    prefix = urlsplit(default_storage.url("name")).path.removesuffix("name")
    names = {}
    for source in sources:
        path = urlsplit(html.unescape(source)).path
        name = unquote(path[len(prefix) :]) if path.startswith(prefix) else ""
        if name and may_have_copies(name):
            names[source] = name
    return names


def _pictures(value):
    """Each picture offered at the widths of its smaller copies, if it is an upload that has them
    (one of the editor's, or an article's picture or a location's photo put into the text); and
    fetched only when the reader comes near it (`loading="lazy"`), and decoded without holding up
    the text (`decoding="async"`).

    A photo uploaded at 3000 px is drawn about 330 px wide on a phone: `srcset` and `sizes` let
    the phone download the copy nearest that, a few tens of kilobytes instead of megabytes. The
    widths come from carter_site.caching.pictures_with_copies (loaded once per content version,
    for every text): no query per text or picture, and nothing asked of the storage but
    addresses, which it makes from names. Only copies recorded as made are named, so no entry of
    a `srcset` is missing; a picture no row keeps any more (an article's picture replaced since)
    is written without one. A long article's pictures, or those in FAQ answers that stay
    closed, otherwise all download with the page: on a slow phone connection they take the
    bandwidth from what the reader is looking at, and cost data for pictures never seen. The
    width and height the editor keeps reserve each picture's place, so nothing moves when it
    arrives.

    The sanitiser never keeps a `srcset` or `sizes` an editor wrote (they are not on its
    allow-list): those written here name only stored copies of a recorded upload, escaped."""
    pictures = list(_PICTURE.finditer(value))
    if not pictures:
        return value
    names = _uploads({source[1] for picture in pictures if (source := _SOURCE.search(picture[1]))})
    known = pictures_with_copies() if names else {}

    def with_attributes(picture):
        attributes = picture[1]
        source = _SOURCE.search(attributes)
        name = names.get(source[1]) if source else None
        width, copies = known.get(name, (None, None))
        candidates = srcset(default_storage, name, width, copies) if copies else ""
        added = f' srcset="{escape(candidates)}" sizes="{_sizes(attributes)}"' if candidates else ""
        return f'<img{attributes}{added} loading="lazy" decoding="async">'

    return _PICTURE.sub(with_attributes, value)


# A Heading 2 or 3 as the sanitiser writes it: without attributes (none are allowed on it), and
# every "<" outside a tag escaped, so this never matches inside text or an attribute.
_SECTION_HEADING = re.compile(r"<(h[23])>(.*?)</\1>", re.DOTALL)
# The ids the templates of the pages whose sections are linked (an article, a standing page)
# give their own elements (templates/base.html and includes/header.html, footer.html,
# call_box.html, on_this_page.html; articles/article_detail.html; the FAQs' and quotes'
# anchors, "faq-12" and "testimonial-3"). A heading's id is never one of them:
# a heading called "Main" is "main-2", so the skip link still reaches <main>.
ARTICLE_PAGE_IDS = frozenset(
    {
        "main", "header-search-q", "footer-locations", "footer-about", "call-box-heading",
        "article-contents", "article-stories", "article-faqs", "article-faqs-topics", "article-locations",
        "article-related",
    }
)  # fmt: skip
_ARTICLE_PAGE_ID_PATTERN = re.compile(r"(?:faq|testimonial)-[0-9]+")
# An id stays short enough to read in a link: its first words, cut between two of them.
SECTION_ID_MAX_LENGTH = 60
# Fewer Heading 2 sections than this and a page is short enough to scan: no list.
MIN_LISTED_SECTIONS = 3


def _heading_name(inner_html):
    """A heading's words, without its tags (a link, bold), as a reader sees them."""
    return " ".join(html.unescape(strip_tags(inner_html)).split())


def _section_id(name, taken):
    """An id made of a heading's words ("What it costs" is "what-it-costs"), that is not in
    `taken` nor one of the page's own: the second heading with the same words gets "-2"."""
    base = slugify(name)[: SECTION_ID_MAX_LENGTH + 1]
    if len(base) > SECTION_ID_MAX_LENGTH:
        base = base[:SECTION_ID_MAX_LENGTH].rsplit("-", 1)[0]
    base = base.strip("-") or "section"
    candidate, number = base, 1
    while (
        candidate in taken or candidate in ARTICLE_PAGE_IDS or _ARTICLE_PAGE_ID_PATTERN.fullmatch(candidate)
    ):
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate


@by_digest(maxsize=256)
def _sections(value):
    """`value` with an id on each Heading 2 and 3 that has words, and the (id, name) of each
    Heading 2, in order. An id depends only on the heading's words and on the headings before it
    with the same words: editing a paragraph, or another heading, leaves it as it was, so a link
    sent to someone keeps working. Remembered per text, as the reading time is: the page
    asks for the ids and for the list, and renders the same body again after every edit elsewhere."""
    taken, listed = set(), []

    def with_id(heading):
        name = _heading_name(heading[2])
        if not name:
            return heading[0]
        section_id = _section_id(name, taken)
        if heading[1] == "h2":
            listed.append((section_id, name))
        return f'<{heading[1]} id="{section_id}">{heading[2]}</{heading[1]}>'

    return _SECTION_HEADING.sub(with_id, value or ""), tuple(listed)


@register.filter
def listed_sections(value):
    """The (id, name) of each Heading 2 of a rich text, for an "On this page" list: none when it
    has fewer than MIN_LISTED_SECTIONS. The ids are those `richtext:"sections"` gives them."""
    listed = _sections(value)[1]
    return listed if len(listed) >= MIN_LISTED_SECTIONS else ()


@register.filter
def richtext(value, sections=""):
    """Output a RichTextField's HTML as is, each phone number typed in it as a link that dials
    it (988 and 911 too, where the sentence says to call or text them), each table in a box that
    may scroll sideways, each phone number in a box that does not break, and each picture loaded
    when near, at the width of its copy nearest the screen's. With `richtext:"sections"` (the body
    of an article or a standing page),
    each Heading 2 and 3 also has an id a link can point to (`_sections`); elsewhere the page's
    other rich texts and templates could use the same words as ids.

    This is the one place editor HTML is marked safe, and it is safe only because
    carter_site.richtext.RichTextField sanitised it before it was stored: the ids added are
    made of lower-case letters, digits and hyphens only, and the pictures' `srcset` names
    only stored copies of recorded uploads (`_pictures`).
    """
    if sections not in ("", "sections"):
        raise template.TemplateSyntaxError(f'richtext takes "sections" or nothing, not {sections!r}.')
    value = _sections(value)[0] if sections else value or ""
    linked = _linked_crisis_lines(_linked_phone_numbers(value))
    return mark_safe(_pictures(_unbroken_phone_numbers(_scrolling_tables(linked))))
