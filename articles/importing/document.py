"""What a file turns into before anything is saved: blocks of text, FAQs, quotes, warnings."""

import re
from dataclasses import dataclass, field

from django.utils.html import escape, strip_tags

from carter_site.richtext import sanitise_html

from .text import collapse_spaces


@dataclass(frozen=True)
class Inline:
    """A run of text as plain text (for matching and reports) and as HTML (for the page)."""

    text: str
    html: str

    @classmethod
    def plain(cls, text):
        text = collapse_spaces(text)
        return cls(text=text, html=escape(text))

    @classmethod
    def marked(cls, text):
        """Plain text in which Markdown's inline marks mean what they say: **strong**, *emphasis*
        (or with underscores), and [a link](https://...). Text copied from a Markdown file, whose
        headings and lists the importer reads, would otherwise keep its asterisks and brackets.
        A mark must open and close on the same line; a lone asterisk ("*Names changed") or an
        underscore inside a word stays as typed."""
        text = collapse_spaces(text)
        html, plain, position = [], [], 0
        for mark in _INLINE_MARKS.finditer(text):
            before = text[position : mark.start()]
            html.append(escape(before))
            plain.append(before)
            if mark["label"] is not None:
                html.append(f'<a href="{escape(mark["href"])}">{escape(mark["label"])}</a>')
                plain.append(mark["label"])
            else:
                strong = mark["strong"] or mark["strong_"]
                inner = strong or mark["em"] or mark["em_"]
                tag = "strong" if strong else "em"
                html.append(f"<{tag}>{escape(inner)}</{tag}>")
                plain.append(inner)
            position = mark.end()
        html.append(escape(text[position:]))
        plain.append(text[position:])
        return cls(text="".join(plain), html="".join(html))


@dataclass(frozen=True)
class Cell(Inline):
    """A table cell read from a web page: a header cell for its row (a <th> below the header row),
    and the columns and rows it spans when merged with its neighbours."""

    row_header: bool = False
    colspan: int = 1
    rowspan: int = 1


# A link's label holds no "[": the search for its end stops at the next one, so a line of many
# "[" is read in one pass rather than once from each.
_INLINE_MARKS = re.compile(
    r"\[(?P<label>[^\[\]\n]+)\]\((?P<href>(?:https?://|mailto:|tel:|/)[^\s)]+)\)"
    r"|\*\*(?P<strong>[^*\s](?:[^*\n]*[^*\s])?)\*\*"
    r"|(?<!\w)__(?P<strong_>[^_\s](?:[^_\n]*[^_\s])?)__(?!\w)"
    r"|(?<![\w*])\*(?P<em>[^*\s](?:[^*\n]*[^*\s])?)\*(?![\w*])"
    r"|(?<![\w_])_(?P<em_>[^_\s](?:[^_\n]*[^_\s])?)_(?![\w_])"
)


@dataclass
class Block:
    """One heading, paragraph, list or quotation, in reading order."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST = "list"
    QUOTE = "quote"
    TABLE = "table"

    kind: str
    content: Inline | None = None
    level: int | None = None  # headings: 2 or 3; None until the level is worked out
    explicit_level: bool = False  # the source said which level (HTML, or '##' in text)
    weak: bool = False  # a heading only because it is short and unpunctuated, not Title Case
    items: list[Inline] = field(default_factory=list)  # lists
    ordered: bool = False
    sub_lists: dict[int, list["Block"]] = field(default_factory=dict)  # lists: by the item they are in
    paragraphs: list[Inline] = field(default_factory=list)  # quotations
    attribution: str = ""  # quotations: who said it
    rows: list[list[Inline]] = field(default_factory=list)  # tables: the cells of each row
    header: bool = False  # tables: the first row is the header row
    caption: Inline | None = None  # tables: the caption, if it has one
    phone_link: str = ""  # HTML: the number of a tel: link in the paragraph
    from_quote: bool = False  # a paragraph of a quotation that could not become a testimonial

    @property
    def text(self):
        if self.kind == self.LIST:
            lines = []
            for index, item in enumerate(self.items):
                lines += [item.text, *(sub_list.text for sub_list in self.sub_lists.get(index, ()))]
            return "\n".join(lines)
        if self.kind == self.QUOTE:
            return "\n\n".join(paragraph.text for paragraph in self.paragraphs)
        if self.kind == self.TABLE:
            return "\n".join(" – ".join(cell.text for cell in row if cell.text) for row in self.rows)
        return self.content.text if self.content else ""

    def to_html(self):
        if self.kind == self.HEADING:
            return f"<h{self.level}>{self.content.html}</h{self.level}>"
        if self.kind == self.LIST:
            tag = "ol" if self.ordered else "ul"
            items = "".join(
                f"<li>{item.html}{''.join(sub_list.to_html() for sub_list in self.sub_lists.get(index, ()))}</li>"
                for index, item in enumerate(self.items)
            )
            return f"<{tag}>{items}</{tag}>"
        if self.kind == self.QUOTE:
            return "".join(f"<p>{paragraph.html}</p>" for paragraph in self.paragraphs)
        if self.kind == self.TABLE:
            return self.table_html()
        return f"<p>{self.content.html}</p>"

    def table_html(self):
        def cell_html(cell, in_header):
            tag, scope = "td", ""
            if in_header and cell.text:
                tag, scope = "th", ' scope="col"'
            elif getattr(cell, "row_header", False):
                tag, scope = "th", ' scope="row"'
            spans = "".join(
                f' {name}="{getattr(cell, name, 1)}"'
                for name in ("colspan", "rowspan")
                if getattr(cell, name, 1) > 1
            )
            return f"<{tag}{scope}{spans}>{cell.html}</{tag}>"

        def row(cells, in_header=False):
            return "<tr>" + "".join(cell_html(cell, in_header) for cell in cells) + "</tr>"

        rows = self.rows
        caption = f"<caption>{self.caption.html}</caption>" if self.caption else ""
        head = ""
        if self.header:
            head = "<thead>" + row(rows[0], in_header=True) + "</thead>"
            rows = rows[1:]
        body = "".join(row(cells) for cells in rows)
        return f"<table>{caption}{head}<tbody>{body}</tbody></table>"


def blocks_to_html(blocks):
    """Clean HTML for a rich-text field, one block per line so the editor's source stays readable."""
    return sanitise_html("\n".join(block.to_html() for block in blocks))


@dataclass
class ParsedFAQ:
    question: str
    answer: list[Block] = field(default_factory=list)

    @property
    def answer_html(self):
        return blocks_to_html(self.answer)

    @property
    def answer_text(self):
        return "\n".join(block.text for block in self.answer)


@dataclass
class ParsedQuote:
    """A client's words and who said them; saved as an unpublished testimonial."""

    quote: str
    attribution: str


@dataclass
class ParsedArticle:
    """Everything the importer found in one file, before it touches the database."""

    name: str
    source_format: str  # "text" or "html"
    title: str
    title_from_first_sentence: bool = False
    blocks: list[Block] = field(default_factory=list)
    faqs: list[ParsedFAQ] = field(default_factory=list)
    quotes: list[ParsedQuote] = field(default_factory=list)
    calls_to_action: list[str] = field(default_factory=list)
    faq_headings: list[str] = field(default_factory=list)
    summary: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def sections(self):
        """The headings of the article body as (level, text), in order."""
        return [(block.level, block.text) for block in self.blocks if block.kind == Block.HEADING]

    @property
    def body_html(self):
        return blocks_to_html(self.blocks)

    @property
    def body_text(self):
        return strip_tags(self.body_html)

    def all_text(self):
        """Every word the article keeps, plus its call-to-action: where to look for place names."""
        parts = [self.title, *(block.text for block in self.blocks)]
        for faq in self.faqs:
            parts += [faq.question, faq.answer_text]
        for quote in self.quotes:
            parts += [quote.quote, quote.attribution]
        return "\n".join(parts)
