"""Rich text: edited with CKEditor in the admin, sanitised with nh3 on the way in.

CKEditor 4 filters markup only in the browser, and anyone can post to the admin without
a browser. So every rich-text field is a `RichTextField` from this module, which runs the
stored HTML through `sanitise_html()` whenever a form cleans it and whenever a model saves
it. Templates may then mark it safe, with the `richtext` filter and nowhere else.

The allow-list matches the editor's toolbar (settings.CKEDITOR_CONFIGS): headings,
paragraphs, emphasis, lists, quotes, links, images and tables. No styles, no event
handlers, and links only to http(s), mailto, tel and sms (one phone number, and perhaps the text
of the message: SMS_ADDRESS). Images only from this site's own uploads: a picture from another
server would tell that server about every visitor (docs/security.md).

The admin's forms also refuse, on the field and with the rest of the form kept, what the
sanitiser would otherwise drop without a word or what is too large to keep: pictures pasted
into the text (CKEditor keeps them inside the HTML as `data:` addresses, megabytes each),
pictures shown from another website (an address pasted into the Image dialog, or a picture
copied from a web page), and a text larger than MAX_RICH_TEXT_BYTES. Whatever reaches the
sanitiser some other way (the shell, a fixture) loses such a picture whole: no empty `<img>`
is kept to show a broken picture.

What the sanitiser still drops from what an editor sent, and the editor would miss (a link's
address, an embedded video), is named after the save instead (`losses_warnings()`, shown by
carter_site.admin.WarnsAfterSavingMixin): the save goes through, with the words kept.
"""

import posixpath
import re
from html import escape, unescape
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nh3
from ckeditor_uploader.fields import RichTextUploadingField, RichTextUploadingFormField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

ALLOWED_TAGS = frozenset(
    {
        "h2", "h3", "h4",
        "p", "br", "hr",
        "strong", "b", "em", "i", "u", "s", "sub", "sup",
        "ul", "ol", "li",
        "blockquote",
        "a", "img",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "sms"})
# Tags whose content is dropped along with the tag, rather than kept as text.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}
)


# What a browser takes out of an address before reading it: tabs and line breaks anywhere, and
# control characters and spaces at either end. "/<tab>/elsewhere.example/" is "//elsewhere...".
_URL_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_URL_EDGE = "".join(map(chr, range(0x21)))


def _as_browsers_read(source):
    return _URL_TAB_OR_NEWLINE.sub("", source).strip(_URL_EDGE)


def _own_address_as_path(source):
    """An address on this site written in full ("https://<this site>/media/x.png", as the
    editor writes a picture copied from one of our own pages) becomes its path; any other stays
    as it is. This site: SITE_URL's host and the host names in ALLOWED_HOSTS ("*" and
    ".domain" patterns name no host of ours in particular, so they do not count)."""
    parts = urlsplit(source)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return source
    own = {host.lower() for host in settings.ALLOWED_HOSTS if host and host[0] not in "*."}
    if settings.SITE_URL:
        own.add((urlsplit(settings.SITE_URL).hostname or "").lower())
    if parts.hostname.lower() not in own:
        return source
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _as_site_address(source):
    return _own_address_as_path(_as_browsers_read(source))


def _https_origin(address):
    """The origin of an https address, as a browser compares origins; None for anything else."""
    parts = urlsplit(address.strip())
    if parts.scheme.lower() != "https" or not parts.hostname or parts.username or parts.password:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return f"https://{parts.hostname.lower()}" + (f":{port}" if port not in (None, 443) else "")


def media_origins():
    """Origins uploads are served from besides this site: a bucket's own domain
    (AWS_S3_CUSTOM_DOMAIN) or what CSP_MEDIA_ORIGINS names. The pages' Content-Security-Policy
    lets them show pictures, and no other origin."""
    return {origin for origin in map(_https_origin, settings.CSP_MEDIA_ORIGINS) if origin}


def _is_site_path(address):
    """Whether `address` (as _as_site_address gives it) is a path on this site."""
    return address.startswith("/") and not address.startswith(("//", "/\\"))


def _as_resolved(path):
    """`path` as a browser, or the server in front, could resolve it: percent-encoding read,
    backslashes as slashes (browsers read them so), `.` and `..` steps taken
    ("/media/../admin/" is "/admin/")."""
    return posixpath.normpath(unquote(path).replace("\\", "/"))


def picture_folders():
    """The paths of this site a picture in a text may load from: its uploads (MEDIA_URL), which is
    where the editor's Upload tab and its server browser put them, and its own static files
    (STATIC_URL: the logo). Nothing else of the site is a picture: an address of the admin, the
    search or a feed would be requested by every reader's browser, a staff member's with their
    session (docs/security.md)."""
    return tuple(
        folder for folder in (settings.MEDIA_URL, settings.STATIC_URL) if _is_site_path(folder or "")
    )


def is_local_image_source(source):
    """Whether an <img> may load `source`: this site's uploads or static files, or its media
    host's."""
    source = _as_site_address(source)
    if _is_site_path(source):
        path = urlsplit(source).path
        return _as_resolved(path).startswith(picture_folders())
    return _https_origin(source) in media_origins()


# A text-message link, as the site's own header writes one ("sms:988"): one phone number, in
# digits with a + in front for another country, and perhaps the message to start with
# ("?body=..."). The visual separators RFC 5724 allows in the number (and spaces) are taken out;
# anything else (several numbers, other fields after "&", a number of letters) loses the address.
SMS_ADDRESS = re.compile(r"sms:(\+?[\d\s().\-]+)(\?body=[^&#]*)?", re.IGNORECASE)
_SMS_NUMBER = re.compile(r"\+?\d{3,15}")


def sms_address(value):
    """`value` as the site keeps a text-message link, or None when it keeps none of it."""
    match = SMS_ADDRESS.fullmatch(_as_browsers_read(value))
    number = re.sub(r"[\s().\-]", "", match[1]) if match else ""
    if not _SMS_NUMBER.fullmatch(number):
        return None
    return f"sms:{number}{(match[2] or '').replace(' ', '%20')}"


def _is_sms(value):
    return urlsplit(_as_browsers_read(value)).scheme.lower() == "sms"


def _attribute_filter(tag, attribute, value):
    """nh3 attribute filter: an <img> may load only from this site (or its own media host), and
    a text-message link may name only a phone number (SMS_ADDRESS)."""
    if tag == "img" and attribute == "src":
        return _as_site_address(value) if is_local_image_source(value) else None
    if tag == "a" and attribute == "href" and _is_sms(value):
        return sms_address(value)
    return value


# An <img> element as nh3 writes it out: every attribute value in double quotes, with any
# double quote inside it escaped, so a `>` inside a value cannot end the match early.
_IMG_ELEMENT = re.compile(r'<img(?:\s+[^\s="/>]+(?:="[^"]*")?)*\s*/?>')


# Tags of a pasted document (a word processor's, a web page's) that the toolbar does not make but
# whose structure is worth keeping: headings beyond the levels the body allows take the nearest
# allowed level (the page title is the only Heading 1), and a <div> becomes a paragraph, or
# leaves its blocks in place. Without this their text ran into the next block ("div textfive").
RENAMED_HEADINGS = {"h1": "h2", "h5": "h4", "h6": "h4"}
PASTED_STRUCTURE_TAGS = frozenset({*RENAMED_HEADINGS, "div"})
_BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "ul", "ol", "li", "blockquote", "hr", "table"}
)
# A tag as nh3 writes it: in its output every "<" outside a tag is escaped (attribute values
# included), so each "<" starts a tag and a scan from the left never lands inside one.
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s="/>]+(?:="[^"]*")?)*)\s*/?>')
_PASTED_STRUCTURE = re.compile(r"<(?:h1|h5|h6|div)[\s>]", re.IGNORECASE)


def _keep_pasted_structure(html):
    """`html`, cleaned by nh3 with PASTED_STRUCTURE_TAGS allowed (without attributes), in the
    toolbar's tags: headings renamed, a <div> of text turned into a paragraph, a <div> around
    blocks (paragraphs, lists, other divs) taken away with its blocks kept."""
    parts, open_divs, position = [], [], 0
    for tag in _TAG.finditer(html):
        parts.append(html[position : tag.start()])
        position = tag.end()
        closing, name = tag[1] == "/", tag[2].lower()
        if not closing and name in _BLOCK_TAGS:
            for div in open_divs:
                div[1] = True  # holds a block: unwrapped, not a paragraph
        if name in RENAMED_HEADINGS:
            parts.append(f"<{tag[1]}{RENAMED_HEADINGS[name]}>")
        elif name == "div" and not closing:
            open_divs.append([len(parts), False])
            parts.append("<p>")
        elif name == "div":
            if open_divs:
                start, holds_blocks = open_divs.pop()
                parts[start] = "" if holds_blocks else "<p>"
                parts.append("" if holds_blocks else "</p>")
        else:
            parts.append(tag[0])
    parts.append(html[position:])
    return "".join(parts)


def _clean(html, tags):
    clean = nh3.clean(
        html,
        tags=set(tags),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
    return clean


def sanitise_html(html):
    """Return `html` reduced to the allow-list above. Safe to call more than once."""
    if not html:
        return ""
    clean = _clean(html, ALLOWED_TAGS | PASTED_STRUCTURE_TAGS)
    if _PASTED_STRUCTURE.search(clean):
        # Once more with the allow-list alone: what is stored never rests on the renaming.
        clean = _clean(_keep_pasted_structure(clean), ALLOWED_TAGS)
    # A picture whose address the filter took away would show as a broken picture: drop it.
    clean = _IMG_ELEMENT.sub(lambda element: element[0] if ' src="' in element[0] else "", clean)
    clean = _without_empty_leftovers(clean)
    # A text a reader would see as empty (`<p>&nbsp;</p>`, an empty list) is empty: a required
    # field then says so, rather than publishing an FAQ with no answer.
    return clean if _shows_something(clean) else ""


_ANY_TAG = re.compile(r"<[^>]*>")
# A character that shows nothing between words: a space of any kind, a no-break space, a
# zero-width one. The sanitiser drops what holds only these; a review's fingerprint
# (articles.models.review_words) reads a run of them as one space.
BLANK_CHARACTER = r"[\s\u00a0\u200b-\u200d\u2060\ufeff]"
BLANK_RUN = re.compile(f"{BLANK_CHARACTER}+")

# What pasted text leaves behind that shows nothing: bold, italic or a link around spaces or
# nothing, and paragraphs or headings holding only spaces and line breaks, which the Enter key
# and a word processor's blank lines make, and list items showing nothing (with a list left
# with no item). The marks are unwrapped (a space between two words stays); the blocks go, with
# the line break before them. A picture is something, and so is a table cell, empty or not: it
# is not touched.
_MARKS = frozenset({"strong", "b", "em", "i", "u", "s", "sub", "sup", "a"})
_NOTHING = rf"(?:{BLANK_CHARACTER}|&nbsp;|<br>)*"
# Only right after a tag (or at the start) may the spaces before a block be taken with it: a
# scan from every space of a long run of them would take time in the square of its length.
_EMPTY_BLOCK = re.compile(rf"(?:(?<=>)|^)\s*<(p|h2|h3|h4)>{_NOTHING}</\1>")


def _without_empty_marks(clean):
    """`clean` (nh3's output, so every "<" starts a tag and marks nest properly) without the
    tags of marks that hold nothing visible, in one pass however deep they nest."""
    parts, stack, position = [], [], 0
    shown = 0  # the marks at the bottom of the stack known to hold something visible
    for tag in _TAG.finditer(clean):
        text = clean[position : tag.start()]
        if BLANK_RUN.sub("", unescape(text)):
            shown = len(stack)
        parts.append(text)
        position = tag.end()
        closing, name = tag[1] == "/", tag[2].lower()
        if name not in _MARKS:
            if name != "br":
                shown = len(stack)  # a picture, a block: not a mark around nothing
            parts.append(tag[0])
        elif not closing:
            stack.append((name, len(parts)))
            parts.append(tag[0])
        elif stack and stack[-1][0] == name:
            _name, opening = stack.pop()
            if shown > len(stack):
                parts.append(tag[0])
            else:
                parts[opening] = ""
            shown = min(shown, len(stack))
        else:
            parts.append(tag[0])
    parts.append(clean[position:])
    return "".join(parts)


_LIST_PARTS = frozenset({"ul", "ol", "li"})


def _without_empty_list_items(clean):
    """`clean` without the list items that show nothing (an empty bullet, the Enter key pressed
    twice in a list, a blank line of a pasted one), and without the lists left with no item,
    with the spaces before them. An item holding a list that keeps an item, a picture or a
    table is something. One pass, however deep lists nest: an element that turns out empty is
    cut off the output from where it opened, everything inside it being empty too."""
    parts, stack, position = [], [], 0  # stack: [name, index in parts, shows something]
    for tag in _TAG.finditer(clean):
        text = clean[position : tag.start()]
        if stack and BLANK_RUN.sub("", unescape(text)):
            stack[-1][2] = True
        parts.append(text)
        position = tag.end()
        closing, name = tag[1] == "/", tag[2].lower()
        if name not in _LIST_PARTS:
            if stack and name != "br" and not closing:
                stack[-1][2] = True  # a picture, a table, a mark with words in it
            parts.append(tag[0])
        elif not closing:
            stack.append([name, len(parts), False])
            parts.append(tag[0])
        elif stack and stack[-1][0] == name:
            _name, opening, shown = stack.pop()
            if shown:
                parts.append(tag[0])
                if stack:
                    stack[-1][2] = True
            else:
                del parts[opening:]
                while parts and not parts[-1].strip():
                    parts.pop()  # the line break before it
        else:
            parts.append(tag[0])
    parts.append(clean[position:])
    return "".join(parts)


def _without_empty_leftovers(clean):
    clean = _EMPTY_BLOCK.sub("", _without_empty_marks(clean))
    if "<li" in clean or "<ul" in clean or "<ol" in clean:
        clean = _without_empty_list_items(clean)
    return clean.strip()


def _shows_something(clean):
    """Whether sanitised HTML has a picture or a visible character."""
    return "<img" in clean or bool(BLANK_RUN.sub("", unescape(_ANY_TAG.sub("", clean))))


# The most HTML one rich-text field keeps, once sanitised. A long article is 20-60 kB; the
# importer takes files of up to 2 MB (articles/importing). settings.DATA_UPLOAD_MAX_MEMORY_SIZE
# leaves room above it, so that a larger text reaches the form and gets a message, not a 400 page.
MAX_RICH_TEXT_BYTES = 2 * 1024 * 1024
_PASTED = re.compile(r"^\s*(data|blob):", re.IGNORECASE)


def human_size(size):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size / 1024:.0f} kB"
    return f"{size} bytes"


class _PictureSources(HTMLParser):
    """The `src` of every <img> in a text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources += [value for name, value in attrs if name == "src" and value and value.strip()]

    handle_startendtag = handle_starttag


def picture_sources(html):
    parser = _PictureSources()
    parser.feed(html or "")
    parser.close()
    return parser.sources


def pasted_pictures(html):
    """The pictures that travel inside the text (`data:` or `blob:`) rather than as uploads."""
    return [source for source in picture_sources(html) if _PASTED.match(source)]


def _unusable_picture_sources(html):
    """(source as a browser reads it, its host or None) of each picture that is neither pasted
    nor this site's own."""
    for source in picture_sources(html):
        if _PASTED.match(source) or is_local_image_source(source):
            continue
        on_this_site = _is_site_path(_as_site_address(source))  # written in full or as a path
        source = _as_browsers_read(source)
        yield source, None if on_this_site else urlsplit(source).hostname


def remote_picture_hosts(html):
    """The websites, in order and each once, that the text's other pictures would load from."""
    return list(dict.fromkeys(host for _source, host in _unusable_picture_sources(html) if host))


def unknown_picture_addresses(html):
    """Picture addresses that name no other website and are not this site's uploads ("x",
    "images/a.png", a `javascript:` address, a page of this site such as its admin's), in order and
    each once, shortened to 60 characters."""
    return list(dict.fromkeys(source[:60] for source, host in _unusable_picture_sources(html) if not host))


# What an editor may put in a text that the site does not keep, and would not see go: named in
# the warning after the save. (A script, a style sheet, a class, an id, a link's target or its
# Advanced tab's settings go without a word: they change nothing a reader sees but the site's own
# styles, or could only come from a post made past the editor.)
REPORTED_ELEMENTS = {
    "iframe": "embedded page or video",
    "object": "embedded file",
    "embed": "embedded file",
    "video": "video",
    "audio": "sound clip",
    "svg": "drawing",
    "input": "form field",
    "select": "form field",
    "textarea": "form field",
    "button": "form field",
}
_PLURALS = {"embedded page or video": "embedded pages or videos"}


class _WhatWasSent(HTMLParser):
    """The addresses of the links in a text, and its elements the site does not keep
    (REPORTED_ELEMENTS), leaving out what stands inside an element dropped with its content."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.link_addresses, self.elements, self._inside = [], [], []

    def handle_starttag(self, tag, attrs):
        if self._inside:
            if tag == self._inside[-1]:
                self._inside.append(tag)  # an iframe in an iframe: its end tag ends one of them
            return
        if tag in REPORTED_ELEMENTS:
            self.elements.append(tag)
        if tag in DROPPED_WITH_CONTENT and tag != "embed":  # <embed> has no content, nor end tag
            self._inside.append(tag)
        elif tag == "a":
            href = dict(attrs).get("href")
            if href and href.strip():
                self.link_addresses.append(href)

    def handle_startendtag(self, tag, attrs):
        if tag in DROPPED_WITH_CONTENT and tag not in ("svg", "math"):
            self.handle_starttag(tag, attrs)  # a browser reads <iframe/> as <iframe>: all after it is inside
        elif not self._inside and tag in REPORTED_ELEMENTS:
            self.elements.append(tag)

    def handle_endtag(self, tag):
        if self._inside and tag == self._inside[-1]:
            self._inside.pop()


def _keeps_link_address(href):
    """Whether the sanitiser keeps `href` on a link (asked of the sanitiser itself)."""
    return ' href="' in _clean(f'<a href="{escape(href, quote=True)}">words</a>', ALLOWED_TAGS)


def a_few_addresses(addresses, count=3, width=60):
    """A few of `addresses` for a message, each cut to `width` characters, each once (the warnings
    after a save, and the importer's report)."""
    addresses = list(dict.fromkeys(addresses))
    shown = [
        address if len(address) <= width else address[: width - 1] + "…" for address in addresses[:count]
    ]
    return ", ".join(shown) + (" …" if len(addresses) > count else "")


def losses_warnings(html, where="the text"):
    """What the sanitiser takes out of `html` (as an editor sent it) that the editor would miss,
    in sentences for the warning after the save: links that lose their address (grouped by
    why) and embedded things (REPORTED_ELEMENTS). `where` names the field ("the text", "the
    answer"). Empty when nothing is lost."""
    if not html:
        return []
    sent = _WhatWasSent()
    sent.feed(html)
    sent.close()
    refused, bad_sms, unreadable = {}, [], []
    for href in sent.link_addresses:
        if _keeps_link_address(href):
            continue
        address = _as_browsers_read(href)
        scheme = urlsplit(address).scheme.lower() if re.match(r"[a-zA-Z][\w+.-]*:", address) else ""
        if scheme == "sms":
            bad_sms.append(address)
        elif scheme and scheme not in ALLOWED_URL_SCHEMES:
            refused.setdefault(scheme, []).append(address)
        else:
            unreadable.append(address)
    warnings = []
    if refused:
        count = sum(map(len, refused.values()))
        schemes = " or ".join(f"{scheme}:" for scheme in refused)
        warnings.append(
            ngettext(
                "%(count)d link in %(where)s lost its address because the site does not link to "
                "%(schemes)s addresses (%(addresses)s); its words stay. Only web, email, phone and "
                "text-message links are kept: link to a web page (https://) instead.",
                "%(count)d links in %(where)s lost their addresses because the site does not link to "
                "%(schemes)s addresses (%(addresses)s); their words stay. Only web, email, phone and "
                "text-message links are kept: link to web pages (https://) instead.",
                count,
            )
            % {
                "count": count,
                "where": where,
                "schemes": schemes,
                "addresses": a_few_addresses([a for addresses in refused.values() for a in addresses]),
            }
        )
    if bad_sms:
        warnings.append(
            ngettext(
                "%(count)d text-message link in %(where)s lost its address (%(addresses)s): an sms: "
                "address holds one phone number in digits, with + in front for another country, and "
                "may add ?body= and the message, as in sms:988 or sms:+14702841834?body=Hello. Its "
                "words stay, without the link.",
                "%(count)d text-message links in %(where)s lost their addresses (%(addresses)s): an "
                "sms: address holds one phone number in digits, with + in front for another country, "
                "and may add ?body= and the message, as in sms:988 or sms:+14702841834?body=Hello. "
                "Their words stay, without the links.",
                len(bad_sms),
            )
            % {"count": len(bad_sms), "where": where, "addresses": a_few_addresses(bad_sms)}
        )
    if unreadable:
        warnings.append(
            ngettext(
                "%(count)d link in %(where)s lost its address because it is not one a browser can "
                "follow (%(addresses)s): look for a space or a typing mistake in it. Its words stay, "
                "without the link.",
                "%(count)d links in %(where)s lost their addresses because they are not ones a browser "
                "can follow (%(addresses)s): look for a space or a typing mistake in them. Their words "
                "stay, without the links.",
                len(unreadable),
            )
            % {"count": len(unreadable), "where": where, "addresses": a_few_addresses(unreadable)}
        )
    if sent.elements:
        kinds = {}
        for tag in sent.elements:
            kinds[REPORTED_ELEMENTS[tag]] = kinds.get(REPORTED_ELEMENTS[tag], 0) + 1
        named = [
            f"{count} {kind if count == 1 else _PLURALS.get(kind, kind + 's')}"
            for kind, count in kinds.items()
        ]
        listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        one = len(sent.elements) == 1
        warnings.append(
            f"{listed} {'was' if one else 'were'} taken out of {where}: the site's texts keep only "
            "words, links, tables and pictures uploaded here. Link to the page that shows "
            f"{'it' if one else 'them'} instead."
        )
    return warnings


def validate_rich_text_input(html):
    """What an editor sent, before sanitising: refuse what would be lost or is too large to keep."""
    errors = []
    pasted = pasted_pictures(html)
    if pasted:
        errors.append(
            ValidationError(
                ngettext(
                    "The text has a picture pasted into it (%(size)s). Pasted pictures cannot be saved: "
                    "delete it from the text, then add it with the Image button’s Upload tab (and give "
                    "it a description).",
                    "The text has %(count)d pictures pasted into it (%(size)s in all). Pasted pictures "
                    "cannot be saved: delete them from the text, then add each with the Image button’s "
                    "Upload tab (and give it a description).",
                    len(pasted),
                ),
                code="pasted_picture",
                params={"count": len(pasted), "size": human_size(sum(len(src.encode()) for src in pasted))},
            )
        )
    hosts = remote_picture_hosts(html)
    if hosts:
        errors.append(
            ValidationError(
                ngettext(
                    "The text shows a picture from another website (%(hosts)s). This site shows only "
                    "pictures uploaded to it, so that no other website learns who reads our pages: save "
                    "the picture, delete it from the text, then add it with the Image button’s Upload "
                    "tab (and give it a description).",
                    "The text shows pictures from other websites (%(hosts)s). This site shows only "
                    "pictures uploaded to it, so that no other website learns who reads our pages: save "
                    "each picture, delete them from the text, then add each with the Image button’s "
                    "Upload tab (and give it a description).",
                    len(hosts),
                ),
                code="remote_picture",
                params={"hosts": ", ".join(hosts)},
            )
        )
    unknown = unknown_picture_addresses(html)
    if unknown:
        errors.append(
            ValidationError(
                ngettext(
                    "The text shows a picture whose address is not one of this site's uploads "
                    "(%(addresses)s). Delete it from the text, then add the picture with the Image "
                    "button’s Upload tab (and give it a description).",
                    "The text shows pictures whose addresses are not this site's uploads "
                    "(%(addresses)s). Delete them from the text, then add each picture with the Image "
                    "button’s Upload tab (and give it a description).",
                    len(unknown),
                ),
                code="unknown_picture",
                params={"addresses": ", ".join(unknown)},
            )
        )
    size = len(sanitise_html(html).encode())
    if size > MAX_RICH_TEXT_BYTES:
        errors.append(
            ValidationError(
                "The text is %(size)s; it may be at most %(limit)s (a long article is 20–60 kB). "
                "Shorten it or split it in two.",
                code="too_large",
                params={"size": human_size(size), "limit": human_size(MAX_RICH_TEXT_BYTES)},
            )
        )
    if errors:
        raise ValidationError(errors)


class RichTextFormField(RichTextUploadingFormField):
    default_validators = [validate_rich_text_input]


class RichTextField(RichTextUploadingField):
    """A CKEditor field (with staff-only image upload) whose HTML is always sanitised."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": RichTextFormField, **kwargs})

    def to_python(self, value):
        value = super().to_python(value)
        return sanitise_html(value) if value else value

    def pre_save(self, model_instance, add):
        value = sanitise_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
