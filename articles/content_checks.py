"""Checks an editor sees after saving an article, as Yoast and Wagtail give them.

They warn and never block: a person decides. `reading_level()` is the change form's line on how
easy the text is to read, measured as `check_readability` measures it (articles/readability.py).
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from carter_site.publishing import SeoFields, end_sentence, local_time
from carter_site.text import matching_key

from . import wording
from .readability import (
    GRADE_AIM,
    GRADE_LIMIT,
    LIST_ITEM_PROSE,
    PARAGRAPH_LIMIT,
    SENTENCE_AIM,
    SENTENCE_LIMIT,
    WORDS_FOR_A_GRADE,
    measure,
)

VAGUE_LINK_TEXTS = {"click here", "here", "read more", "more", "this link", "link", "this", "click"}
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
# Tags that end the words before them (a line break too), unlike bold or a link inside a word.
_BLOCKS = frozenset(
    {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "div", "table",
     "caption", "tr", "td", "th"}
)  # fmt: skip


@dataclass
class _Link:
    href: str
    text: str = ""


@dataclass
class _Table:
    """What a screen reader needs of a table: header cells, and a caption (which names the box
    the page shows it in, carter_site/templatetags/richtext.py); its first row's words tell the
    editor which table a warning is about."""

    headers: bool = False
    caption: str = ""
    first_row: list = field(default_factory=list)
    rows: int = 0


class _BodyScanner(HTMLParser):
    """Collects what the checks look at: headings, images, links and the plain text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings, self.images_without_alt, self.links, self.text_parts = [], [], [], []
        self.own_words = []  # the plain text outside quotes (<blockquote>): a client's words are theirs
        self.descriptions = []  # the pictures' descriptions (alt), which screen readers read out
        self._quotes_open = 0
        self.first_heading_text = None  # the words of the first heading, if the text starts with one
        # The running text, block by block, as ("paragraph" or "item", its words): not headings,
        # tables or quotes (check_readability). A line break ends a block, as it ends a line.
        self.blocks = []
        self._block, self._items_open, self._tables_open, self._in_heading = [], 0, 0, False
        self._open_link = None
        self._in_first_heading = False
        self.tables, self._open_tables, self._in_caption = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._note_table(tag)
        if re.fullmatch(r"h[1-6]", tag):
            if not self.headings and not "".join(self.text_parts).strip():
                self._in_first_heading, self.first_heading_text = True, ""
            self.headings.append(int(tag[1]))
        elif tag == "img" and not (attrs.get("alt") or "").strip():
            self.images_without_alt.append(attrs.get("src", ""))
        elif tag == "img":
            self.descriptions.append(attrs["alt"])
        elif tag == "a":
            self._open_link = _Link(attrs.get("href") or "")
        elif tag in {"p", "li", "br", "h2", "h3", "h4", "td", "th"}:
            self.text_parts.append("\n")
        if tag == "blockquote":
            self._quotes_open += 1
        if tag in _BLOCKS:  # ends the words before it: "…addicts</li><li>Guaranteed…" are two
            self.own_words.append("\n")
            self._end_block()
        self._count_open(tag, 1)

    def handle_endtag(self, tag):
        if tag == "table" and self._open_tables:
            self.tables.append(self._open_tables.pop())
        elif tag == "caption":
            self._in_caption = False
        if re.fullmatch(r"h[1-6]", tag):
            self._in_first_heading = False
        if tag == "a" and self._open_link is not None:
            self.links.append(self._open_link)
            self._open_link = None
        elif tag in {"p", "li", "h2", "h3", "h4"}:
            self.text_parts.append(".\n" if tag.startswith("h") else "\n")
        if tag == "blockquote" and self._quotes_open:
            self._quotes_open -= 1
        if tag in _BLOCKS:
            self.own_words.append("\n")
            self._end_block()
        self._count_open(tag, -1)

    def _count_open(self, tag, step):
        if tag == "li":
            self._items_open = max(0, self._items_open + step)
        elif tag == "table":
            self._tables_open = max(0, self._tables_open + step)
        elif re.fullmatch(r"h[1-6]", tag):
            self._in_heading = step > 0

    def _note_table(self, tag):
        if tag == "table":
            self._open_tables.append(_Table())
        if not self._open_tables:
            return
        table = self._open_tables[-1]
        if tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            table.rows += 1
        elif tag in ("td", "th") and table.rows <= 1:
            table.first_row.append("")
        if tag == "th":
            table.headers = True

    def _end_block(self):
        if "".join(text for _, text in self._block).strip():
            self.blocks.append((self._block[-1][0], "".join(text for _, text in self._block)))
        self._block = []

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._open_tables:
            table = self._open_tables[-1]
            if self._in_caption:
                table.caption += data
            elif table.rows <= 1 and table.first_row:
                table.first_row[-1] += data
        if not self._quotes_open:
            self.own_words.append(data)
            if not (self._tables_open or self._in_heading):
                self._block.append(("item" if self._items_open else "paragraph", data))
        if self._in_first_heading:
            self.first_heading_text += data
        if self._open_link is not None:
            self._open_link.text += data


def scan(html):
    scanner = _BodyScanner()
    scanner.feed(html or "")
    scanner.close()
    scanner._end_block()
    return scanner


def image_file_name(src):
    """`/media/editor/group%20room.jpg?v=2` -> `group room.jpg`; "" when the address names no file."""
    path = urlsplit(src or "").path
    return unquote(path.rsplit("/", 1)[-1]).strip()


def check_article(article):
    """Warnings about `article` as it is now; an empty list when all is well."""
    body = scan(article.body)
    warnings = _picture_warnings(body)
    # The sanitiser makes a pasted Heading 1 a Heading 2 (carter_site.richtext): a pasted document's
    # title then stands under the page's own, saying the same thing twice.
    first = " ".join((body.first_heading_text or "").split())
    if first and matching_key(first) == matching_key(article.title):
        warnings.append(
            f"The text starts with a heading that repeats the title, “{first}” (a pasted document’s "
            "title, perhaps). The page shows the title above the text already: delete the heading."
        )
    previous = 1  # the page title is the h1
    for level in body.headings:
        if level > previous + 1:
            warnings.append(f"A Heading {level} follows a Heading {previous}: a level is skipped.")
        previous = level
    warnings += _table_warnings(body) + _link_warnings(body)
    description = article.get_meta_description().strip()
    if not description:
        warnings.append("There is no meta description or summary for search results.")
    elif len(description) > SeoFields.META_DESCRIPTION_LIMIT:
        warnings.append(
            f"The meta description is {len(description)} characters; search results show about "
            f"{SeoFields.META_DESCRIPTION_LIMIT}."
        )
    if len(article.get_page_title()) > SeoFields.SEO_TITLE_LIMIT:
        warnings.append(
            f"The SEO title is {len(article.get_page_title())} characters; search results show about "
            f"{SeoFields.SEO_TITLE_LIMIT}."
        )
    return warnings


def check_rich_text(html):
    """What a screen reader would miss in the rich text `html` of a location or an FAQ's answer:
    pictures without a description, tables without header cells or a caption, and links that do
    not say where they go; the checks of an article's text (check_article) without its headings,
    title and descriptions for search results."""
    body = scan(html)
    return _picture_warnings(body) + _table_warnings(body) + _link_warnings(body)


def _picture_warnings(body):
    warnings = []
    for src in body.images_without_alt:
        name = image_file_name(src)
        image = f"The image {name}" if name else "An image"
        warnings.append(f"{image} has no description (alt text) for people who cannot see it.")
    return warnings


def _table_warnings(body):
    warnings = []
    for table in body.tables:
        first = " | ".join(cell for cell in (" ".join(text.split()) for text in table.first_row) if cell)
        named = f"The table that starts “{first}”" if first else "A table"
        if not table.headers:
            warnings.append(
                f"{named} has no header cells: a screen reader reads out each cell without the column "
                "or row it is in. Right-click the table, choose Table Properties and set Headers (to "
                "First Row, usually)."
            )
        if not table.caption.strip():
            warnings.append(
                f"{named} has no caption, so a screen reader names it only "
                + ("by its first row" if first else "“Table”")
                + ". Give it one: "
                "right-click the table, choose Table Properties and fill in Caption."
            )
    return warnings


def _link_warnings(body):
    warnings = []
    for link in body.links:
        text = " ".join(link.text.split())
        if text.lower().strip(" .!:") in VAGUE_LINK_TEXTS:
            warnings.append(
                f"The link “{text}” does not say where it goes. Describe the destination instead."
            )
        elif _URL.match(text):
            warnings.append(f"The link text {text} is a bare web address. Describe the destination instead.")
    return warnings


# The texts of each kind that readers see, and what the warnings call them.
ARTICLE_TEXTS = [("title", "the title"), ("summary", "the summary"), ("body", "the text"),
                 ("seo_title", "the SEO title"), ("meta_description", "the meta description")]  # fmt: skip
PAGE_TEXTS = ARTICLE_TEXTS
LOCATION_TEXTS = [("name", "the name"), ("summary", "the summary"), ("body", "the text"),
                  ("services", "the services"), ("parking", "the parking text"),
                  ("public_transport", "the public transport text"),
                  ("finding_the_door", "the finding-the-door text"),
                  ("access_note", "the accessibility note"),
                  ("first_visit", "the first-visit text"), ("seo_title", "the SEO title"),
                  ("meta_description", "the meta description")]  # fmt: skip
FAQ_TEXTS = [("question", "the question"), ("answer", "the answer")]


def check_wording(obj, texts):
    """Warnings about words of articles.wording.WORDING in `obj`'s `texts` ((field, what the
    warning calls it) pairs): one per word as found and text, with how often it is there and
    the words around its first use, so it can be found in a long text. Rich text is read
    without its quotes (a client's words are theirs), its tags and its links' addresses, and its
    pictures' descriptions apart. One pass over each text, and no query."""
    from ckeditor.fields import RichTextField

    def read(name, where):
        """(text, what the warning calls it) for each part of the field `name` that is read."""
        value = getattr(obj, name, "") or ""
        if not isinstance(obj._meta.get_field(name), RichTextField):
            return [(value, where)]
        scanned = scan(value)
        # A picture's description is read out by screen readers, as the text is.
        return [
            ("".join(scanned.own_words), where),
            ("\n".join(scanned.descriptions), f"a picture's description in {where}"),
        ]

    warnings = []
    for value, where in (part for name, field_name in texts for part in read(name, field_name)):
        text = wording.prepare(value)
        found = {}  # (entry, word in lower case) -> [entry, times, word as first found, its context]
        for entry, start, end in wording.find(text):
            key = (entry, text[start:end].casefold())
            if key in found:
                found[key][1] += 1
            else:
                found[key] = [entry, 1, text[start:end], wording.context(text, start, end)]
        for entry, times, word, around in found.values():
            how_often = f", {times} times (the first: “{around}”)" if times > 1 else f" (“{around}”)"
            warnings.append(f"“{word}” in {where}{how_often}: {entry.advice}")
    return warnings


# The running prose of each kind, which check_readability measures: not titles, questions,
# descriptions for search results or a location's list of services, which are short by design.
ARTICLE_PROSE = [("summary", "the summary"), ("body", "the text")]
PAGE_PROSE = ARTICLE_PROSE
LOCATION_PROSE = ARTICLE_PROSE
FAQ_PROSE = [("answer", "the answer to “{obj.question}”")]


def prose(obj, name):
    """The blocks of running text of `obj`'s field `name`, as plain text: a rich text's
    paragraphs and long list items, without its headings, tables and quotes (a client's words
    are theirs); a plain text's lines."""
    from ckeditor.fields import RichTextField

    value = getattr(obj, name, "") or ""
    if not isinstance(obj._meta.get_field(name), RichTextField):
        return value.splitlines()
    return [
        text
        for kind, text in scan(value).blocks
        if kind == "paragraph" or len(text.split()) >= LIST_ITEM_PROSE
    ]


def _words(count):
    return f"{count:,} words" if count != 1 else "1 word"


def reading_level(obj, name="body"):
    """The change form's line on how easy `obj`'s `name` is to read, measured as check_readability
    measures it: its running prose, its Flesch–Kincaid grade, its longest sentence."""
    reading = measure(prose(obj, name))
    if not reading.words:
        return (
            "No running text yet: paragraphs are measured, not headings, short list items, tables or quotes."
        )
    longest = max(sentence.words for sentence in reading.sentences)
    sentences = f"its longest sentence has {_words(longest)} (the site aims for under {SENTENCE_AIM})"
    if reading.grade is None:
        return (
            f"Too short for a grade: {_words(reading.words)} of running text, and a grade needs "
            f"{WORDS_FOR_A_GRADE}; {sentences}."
        )
    return (
        f"About grade {round(reading.grade)} (Flesch–Kincaid), on {_words(reading.words)} of running text; "
        f"the site aims for grade {GRADE_AIM} or below. {sentences[0].upper()}{sentences[1:]}."
    )


def check_readability(obj, texts):
    """Warnings about `obj`'s `texts` ((field, what the warning calls it) pairs) that are hard to
    read (articles/readability.py): a grade above GRADE_LIMIT, the sentences over SENTENCE_LIMIT
    words, the paragraphs over PARAGRAPH_LIMIT words, each with its first words so it can be
    found. Advice: it never blocks a save. No query."""
    warnings = []
    for name, where in texts:
        where = where.format(obj=obj)
        reading = measure(prose(obj, name))
        grade = reading.grade
        if grade is not None and grade > GRADE_LIMIT:
            if reading.words_per_sentence > 20:
                advice = (
                    f"Its sentences have {reading.words_per_sentence} words on average: shorter ones, "
                    "of 15 to 20, bring it down most."
                )
            else:
                advice = (
                    "Its words are long: everyday ones bring it down, such as “help” for “assistance” "
                    "or “use” for “utilize”."
                )
            warnings.append(
                f"{where[0].upper()}{where[1:]} reads at about grade {round(grade)} (Flesch–Kincaid), above the "
                f"grade {GRADE_AIM} the site aims for, so a reader in distress may give up. "
                f"{advice}"
            )
        long = sorted(
            (sentence for sentence in reading.sentences if sentence.words > SENTENCE_LIMIT),
            key=lambda sentence: -sentence.words,
        )
        if long:
            shown = ", ".join(f"{_words(sentence.words)} (“{sentence.start}”)" for sentence in long[:3])
            if len(long) == 1:
                found = f"A sentence in {where} has {shown}"
            else:
                longest = "the longest" if len(long) > 3 else "they have"
                found = (
                    f"{len(long)} sentences in {where} have over {SENTENCE_LIMIT} words ({longest}: {shown})"
                )
            warnings.append(
                f"{found}. The site aims for under {SENTENCE_AIM} words a sentence: split "
                "each where it says “and” or “but”, or make it a list."
            )
        for paragraph in reading.paragraphs:
            if paragraph.words > PARAGRAPH_LIMIT:
                warnings.append(
                    f"A paragraph in {where} has {_words(paragraph.words)} (“{paragraph.start}”): on a "
                    "phone that is a screen of text with no break. Split it in two where the subject "
                    "changes; if it names several things, a list may read more easily."
                )
    return warnings


def check_placements(article):
    """Warnings about the FAQs, testimonials and locations placed on a saved `article` that its
    page leaves out, because they are not public themselves (articles.views.ArticleDetailView).
    The preview leaves them out too, so without these the editor would look for them in vain.
    Each kind's published() decides, as on the page."""
    from faqs.models import FAQ
    from locations.models import Location
    from testimonials.models import Testimonial

    def not_shown(what, why):
        return f"The article does not show {what}: {why}."

    warnings = []
    hidden = article.faq_placements.exclude(faq__in=FAQ.objects.published())
    for placement in hidden.select_related("faq"):
        warnings.append(
            not_shown(
                f"the FAQ “{placement.faq.question}”",
                "it is not published. Publish it under FAQs, or take it off the article",
            )
        )
    hidden = article.testimonial_placements.exclude(testimonial__in=Testimonial.objects.published())
    for placement in hidden.select_related("testimonial"):
        testimonial = placement.testimonial
        # The consent's reason last: it may end in advice ("Record a renewed consent").
        reasons = [None if testimonial.is_published else "it is not published", testimonial.consent_problem()]
        why = ", and ".join(reason for reason in reasons if reason)
        warnings.append(not_shown(f"the testimonial of “{testimonial.attribution}”", why))
    for location in article.locations.exclude(pk__in=Location.objects.published()):
        warnings.append(not_shown(f"the location {location.name}", "it is not published"))
    warnings += [read_next_not_live(choice.chosen) for choice in chosen_not_live(article)]
    return warnings


def chosen_not_live(article):
    """The choices of articles to read next after `article` that its page leaves out, as not live."""
    from .models import Article

    live = Article.objects.published().values("pk")
    return article.read_next_choices.exclude(chosen__in=live).select_related("chosen").defer("chosen__body")


def read_next_not_live(chosen):
    """One sentence on a chosen article to read next that readers do not see, and when they will."""
    state = chosen.get_state()
    if state == chosen.State.SCHEDULED:
        return end_sentence(
            f"Readers see “{chosen}” under Read next once it goes live, on {local_time(chosen.published_at)}"
        )
    why = "it is a draft" if state == chosen.State.DRAFT else "it has been taken down"
    return f"Readers do not see “{chosen}” under Read next: {why}, so another article takes its place."
