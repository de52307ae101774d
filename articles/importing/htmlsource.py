"""HTML articles: a page saved from the old site, or an HTML file written by hand.

The first <h1> (else the page's <title>) is the title; <h2> and <h3> are headings (<h4>-<h6>
become <h3>); <p>, <ul>/<ol> with <li>, <table> and <blockquote> carry the text. Bold, italic and
links to web, e-mail and phone addresses are kept; everything else keeps its text and
loses its markup. Navigation, forms, scripts, sidebars and page footers are left out.
Parsed with the standard library's html.parser, which never fails on broken markup.
"""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from django.utils.html import escape, strip_tags

from carter_site.richtext import ALLOWED_URL_SCHEMES, a_few_addresses, sanitise_html

from .document import Block, Cell, Inline
from .sources import ImportFailure
from .structure import assemble, draft_title_from
from .text import collapse_spaces, first_letter, is_wholly_quoted, matching_key, unquote, words_of

VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
SKIPPED_TAGS = {
    "head", "script", "style", "noscript", "template", "nav", "form", "iframe", "svg", "math",
    "button", "select", "textarea", "object", "embed", "aside", "canvas", "video", "audio", "map",
    "footer", "dialog", "title",
}  # fmt: skip
INLINE_TAGS = {
    "span", "font", "u", "small", "big", "mark", "abbr", "acronym", "cite", "code", "kbd", "samp",
    "var", "sup", "sub", "time", "label", "q", "s", "strike", "del", "ins", "tt", "bdi", "bdo",
    "data", "dfn", "nobr",
}  # fmt: skip
STRONG_TAGS = {"strong", "b"}
EMPHASIS_TAGS = {"em", "i"}
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Opening one of these closes an open <p>, as browsers do.
CLOSES_PARAGRAPH = {
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p",
    "pre", "section", "table", "ul",
}  # fmt: skip
# The kinds of link the site keeps (the sanitiser decides what of each is kept).
LINK_SCHEMES = ALLOWED_URL_SCHEMES
DASH_START = re.compile(r"^[-–—]\s*(?=[^\W\d_])")
# The paragraph style a word processor gives a document's title: Google Docs writes
# <p class="title">, Word <p class=MsoTitle> (MsoTitleCxSpFirst... for a title of several lines).
TITLE_STYLE = re.compile(r"^(title|msotitle(cxsp\w+)?)$", re.IGNORECASE)
# Word writes a list as paragraphs in a list style (MsoListParagraph, MsoListParagraphCxSpFirst,
# MsoListBullet, MsoListNumber...), each with its bullet or number typed in front of the text:
# "·", "o" or "§" in a symbol font, or "1.", "a)", "iv.".
WORD_LIST_STYLE = re.compile(r"^msolist", re.IGNORECASE)
WORD_LIST_MARKER = re.compile(
    r"^(?P<tags>(?:<[^>]+>)*)\s*(?:(?P<bullet>[·•o§▪■◦●○➢✓Ø\-–—*])|(?P<number>\(?(?:\d{1,3}|[a-z]|[ivxlc]{1,6})[.)]))\s+",
    re.IGNORECASE,
)
# A sub-item of such a list: Word names its level in the style ("mso-list:l0 level2 lfo1") and
# indents it further; "Web Page, Filtered" leaves the level out and keeps only the margin.
WORD_LIST_LEVEL = re.compile(r"mso-list\s*:\s*l\d+\s+level(\d+)", re.IGNORECASE)
MARGIN_LEFT = re.compile(r"margin-left\s*:\s*(-?\d*\.?\d+)\s*(in|pt|cm|mm|px)", re.IGNORECASE)
POINTS_PER = {"in": 72, "pt": 1, "cm": 72 / 2.54, "mm": 72 / 25.4, "px": 0.75}
# Lists keep up to this many levels (a list, its sub-lists and theirs), as the editor nests them
# and the site shows them; the items of deeper ones go into the list at this depth.
MAX_LIST_DEPTH = 3
TITLE_STYLE_LEVEL = 0  # above <h1>: the document's own title, whatever headings follow
_SPACES = re.compile(r"\s+")


class Node:
    __slots__ = ("attrs", "children", "parent", "tag")

    def __init__(self, tag, attrs=None, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs or {}, parent, []

    def elements(self):
        return [child for child in self.children if isinstance(child, Node)]

    def find(self, tag):
        for child in self.elements():
            if child.tag == tag:
                return child
            found = child.find(tag)
            if found is not None:
                return found
        return None

    def text(self):
        parts = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag not in SKIPPED_TAGS or child.tag in ("head", "title"):
                    parts.append(child.text())
            else:
                parts.append(child)
        return "".join(parts)


# How deep elements nest in the tree built from a file. Real documents stay under about 30;
# a file of thousands of nested tags (made by a broken exporter, or on purpose) would make every
# end tag search the whole stack and the walk over the tree recurse past Python's limit. Deeper
# elements are read as part of the one at this depth: their text is kept, their nesting not.
MAX_DEPTH = 100


class TreeBuilder(HTMLParser):
    """A forgiving tree of the document: unclosed <p> and <li> close where browsers close them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        if tag in CLOSES_PARAGRAPH:
            self._close_open("p", stop_at={"blockquote", "li", "td", "th", "div", "section", "article"})
            # A heading holds a line of text, never a block: an unclosed <h2> ends where one starts.
            for heading in HEADING_TAGS:
                self._close_open(heading, stop_at=CLOSES_PARAGRAPH - HEADING_TAGS)
        if tag == "li":
            self._close_open("li", stop_at={"ul", "ol"})
        if tag in ("dt", "dd"):
            self._close_open("dt", stop_at={"dl"})
            self._close_open("dd", stop_at={"dl"})
        if tag in ("td", "th"):
            self._close_open("td", stop_at={"tr", "table"})
            self._close_open("th", stop_at={"tr", "table"})
        if tag == "tr":
            self._close_open("tr", stop_at={"table"})
        if len(self.stack) > MAX_DEPTH:
            return  # its text goes to the element at the deepest level kept
        node = Node(tag, {name: value or "" for name, value in attrs}, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        depth = len(self.stack)
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and len(self.stack) > depth and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for position in range(len(self.stack) - 1, 0, -1):
            if self.stack[position].tag == tag:
                del self.stack[position:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)

    def _close_open(self, tag, stop_at):
        for position in range(len(self.stack) - 1, 0, -1):
            current = self.stack[position].tag
            if current == tag:
                del self.stack[position:]
                return
            if current in stop_at:
                return


class Flow:
    """Inline text and markup, cut into paragraphs at <br> (or joined with a space)."""

    def __init__(self, breaks=True, marks=True, symbols=False):
        self.breaks = breaks
        self.marks = marks  # False in a heading: bold and italic styles are its look, not emphasis
        self.symbols = symbols  # True in a table cell: "–" or "$" alone says something there
        self.segments = []
        self._reset()

    def _reset(self):
        self.html, self.text, self.phone = [], [], ""
        self._left_out = False

    def left_out(self):
        """An element stood here that is not imported (a picture): the space before it must not
        end up before the punctuation after it ("eight chairs <img>." is "eight chairs.")."""
        self._left_out = True

    def add_text(self, data):
        data = _SPACES.sub(" ", data)
        if self._left_out and data[:1] in ".,;:!?)" and self.text and self.text[-1].endswith(" "):
            self.text[-1] = self.text[-1].rstrip(" ")
            if self.html and self.html[-1].endswith(" "):
                self.html[-1] = self.html[-1].rstrip(" ")
        self._left_out = False
        self.html.append(escape(data))
        self.text.append(data)

    def add_markup(self, markup):
        self.html.append(markup)

    def add_break(self):
        if self.breaks:
            self._end_segment()
        else:
            self.add_text(" ")

    def _end_segment(self):
        text = collapse_spaces("".join(self.text))
        if text and (self.symbols or any(char.isalnum() for char in text)):
            html = sanitise_html("".join(self.html).strip())
            self.segments.append((Inline(text=text, html=html), self.phone))
        self._reset()

    def finish(self):
        self._end_segment()
        segments, self.segments = self.segments, []
        return segments


class Reader:
    def __init__(self, styled_classes=None):
        # {"c1": {"strong"}, "c2": {"em"}}: classes a style sheet makes bold or italic (Google Docs)
        self.styled_classes = styled_classes or {}
        self.blocks = []
        self.flow = Flow()
        self.images = 0
        self.tables = []  # the warning for each table read as a table
        self.layout_tables = 0
        self.flattened_tables = 0
        self.nested_lists = 0
        self.dropped_links = []
        self.refused_links = []
        # The lists Word's list paragraphs are adding to, from the first level down: for each,
        # [its level (Word's, or counted from the margins), its margin in points, the Block].
        self.word_lists = []

    # Blocks

    def flush(self):
        for inline, phone in self.flow.finish():
            self.blocks.append(Block(Block.PARAGRAPH, inline, phone_link=phone))

    def walk(self, node):
        for child in node.children:
            if isinstance(child, Node):
                self.element(child)
            else:
                self.flow.add_text(child)

    def element(self, node):
        tag = node.tag
        if tag in SKIPPED_TAGS:
            return
        if tag == "br":
            self.flush()
        elif tag == "img":
            self.images += 1
            self.flow.left_out()
        elif tag in INLINE_TAGS or tag in STRONG_TAGS or tag in EMPHASIS_TAGS or tag == "a":
            self.inline_element(node, self.flow)
        elif tag in HEADING_TAGS:
            self.flush()
            flow = Flow(breaks=False, marks=False)
            self.inline_children(node, flow)
            for inline, _ in flow.finish():
                level = min(int(tag[1]), 3)
                self.blocks.append(Block(Block.HEADING, inline, level=level, explicit_level=True))
        elif tag == "p" and has_title_style(node):
            self.flush()
            flow = Flow(breaks=False, marks=False)
            self.inline_children(node, flow)
            for inline, _ in flow.finish():
                self.blocks.append(Block(Block.HEADING, inline, level=TITLE_STYLE_LEVEL, explicit_level=True))
        elif tag == "p" and self.word_list_item(node):
            pass
        elif tag == "p":
            self.flush()
            self.paragraphs(node)
        elif tag in ("ul", "ol"):
            self.flush()
            block = self.list_block(node)
            if block.items:
                self.blocks.append(block)
        elif tag == "blockquote":
            self.flush()
            self.quote(node)
        elif tag == "figure" and node.find("blockquote") is not None:
            self.flush()
            caption = node.find("figcaption")
            self.quote(node.find("blockquote"), caption=caption.text() if caption is not None else "")
        elif tag == "table":
            self.flush()
            self.table(node)
        elif tag == "hr":
            self.flush()
        else:  # div, section, article, header, dl, dt, dd, details, summary, li out of a list…
            self.flush()
            self.walk(node)
            self.flush()

    def word_list_item(self, node):
        """A paragraph in one of Word's list styles that starts with a typed bullet or number:
        an item of the list the paragraphs before it started, or of a new one. False otherwise."""
        if not any(WORD_LIST_STYLE.match(name) for name in node.attrs.get("class", "").split()):
            return False
        flow = Flow(breaks=False)
        self.inline_children(node, flow)
        inlines = [inline for inline, _ in flow.finish()]
        marker = WORD_LIST_MARKER.match(inlines[0].html) if len(inlines) == 1 else None
        if marker is None or not WORD_LIST_MARKER.match(inlines[0].text):
            return False
        text = WORD_LIST_MARKER.sub("", inlines[0].text, count=1)
        if not text:
            return False
        self.flush()
        item = Inline(
            text=text, html=sanitise_html(WORD_LIST_MARKER.sub(r"\g<tags>", inlines[0].html, count=1))
        )
        ordered = marker["number"] is not None
        previous = self.blocks[-1] if self.blocks else None
        starts = "cxspfirst" in node.attrs.get("class", "").lower()
        style = node.attrs.get("style", "")
        continues = bool(self.word_lists) and previous is self.word_lists[0][2] and not starts
        level = self.word_level(style) if continues else 1
        if continues and level > 1:
            while len(self.word_lists) > 1 and self.word_lists[-1][0] > level:
                self.word_lists.pop()
            deepest_level, _margin, deepest = self.word_lists[-1]
            if level <= deepest_level:
                deepest.items.append(item)
            elif len(self.word_lists) >= MAX_LIST_DEPTH:
                self.nested_lists += 1
                deepest.items.append(item)
            else:  # a sub-list of the item before, whatever its bullet or number
                sub_list = Block(Block.LIST, items=[item], ordered=ordered)
                deepest.sub_lists.setdefault(len(deepest.items) - 1, []).append(sub_list)
                self.word_lists.append([level, margin_left(style), sub_list])
        elif continues and previous.ordered == ordered:
            del self.word_lists[1:]
            previous.items.append(item)
        else:
            block = Block(Block.LIST, items=[item], ordered=ordered)
            self.word_lists = [[1, margin_left(style), block]]
            self.blocks.append(block)
        return True

    def word_level(self, style):
        """The level of a list paragraph: Word's own ("mso-list:l0 level2"), or else the level of
        the open list whose margin it shares, or one deeper than the deepest it goes beyond."""
        level = WORD_LIST_LEVEL.search(style)
        if level is not None:
            return int(level[1])
        margin = margin_left(style)
        if margin is None:
            return 1
        for list_level, list_margin, _block in reversed(self.word_lists):
            if list_margin is None:
                continue
            if margin > list_margin + 1:
                return list_level + 1
            if margin >= list_margin - 1:
                return list_level
        return 1

    def paragraphs(self, node):
        flow = Flow()
        self.inline_children(node, flow)
        for inline, phone in flow.finish():
            self.blocks.append(Block(Block.PARAGRAPH, inline, phone_link=phone))

    def list_block(self, node, depth=1):
        block = Block(Block.LIST, ordered=node.tag == "ol")
        self.list_items(block, node, depth)
        return block

    def list_items(self, block, node, depth):
        for child in node.elements():
            if child.tag in ("ul", "ol"):  # a list right in a list: a sub-list of the item before
                self.sub_list(block, child, depth)
                continue
            flow = Flow(breaks=False)
            nested = []
            for grandchild in child.children:
                if isinstance(grandchild, Node) and grandchild.tag in ("ul", "ol"):
                    nested.append(grandchild)
                elif isinstance(grandchild, Node):
                    self.inline_element(grandchild, flow)
                else:
                    flow.add_text(grandchild)
            block.items += [inline for inline, _ in flow.finish()]
            for inner in nested:
                self.sub_list(block, inner, depth)

    def sub_list(self, block, node, depth):
        """A list inside `block`: kept under its last item, or, deeper than MAX_LIST_DEPTH or with
        no item to go under, its items flattened into `block`."""
        if depth >= MAX_LIST_DEPTH or not block.items:
            self.nested_lists += 1
            self.list_items(block, node, depth)
            return
        sub_list = self.list_block(node, depth + 1)
        if sub_list.items:
            block.sub_lists.setdefault(len(block.items) - 1, []).append(sub_list)

    def quote(self, node, caption=""):
        paragraphs, attribution = [], collapse_spaces(caption)
        flow = Flow()
        for child in node.children:
            if isinstance(child, Node) and child.tag in ("footer", "cite", "figcaption"):
                attribution = collapse_spaces(child.text())
            elif isinstance(child, Node) and child.tag not in INLINE_TAGS | STRONG_TAGS | EMPHASIS_TAGS | {
                "a",
                "br",
            }:
                paragraphs += [inline for inline, _ in flow.finish()]
                inner = Flow()
                if child.tag == "p":
                    self.inline_children(child, inner)
                else:
                    self.inline_element(child, inner)
                paragraphs += [inline for inline, _ in inner.finish()]
            elif isinstance(child, Node):
                self.inline_element(child, flow)
            else:
                flow.add_text(child)
        paragraphs += [inline for inline, _ in flow.finish()]
        if not attribution and len(paragraphs) > 1 and is_dash_line(paragraphs[-1].text):
            attribution = paragraphs.pop().text
        attribution = DASH_START.sub("", attribution).strip()
        if paragraphs:
            self.blocks.append(
                Block(
                    Block.QUOTE,
                    paragraphs=[Inline.plain(unquote(paragraph.text)) for paragraph in paragraphs],
                    attribution=attribution,
                )
            )

    def table(self, node):
        """A table of data stays a table; one used for layout (a single cell, or a page or a
        section laid out in cells with headings in them) is unwrapped into its content."""
        rows = [[cell for cell in row.elements() if cell.tag in ("td", "th")] for row in table_rows(node)]
        caption = next((child for child in node.elements() if child.tag == "caption"), None)
        filled = [cell for row in rows for cell in row if collapse_spaces(cell.text())]
        if len(filled) <= 1 or any(has_descendant(cell, is_heading) for row in rows for cell in row):
            self.layout_tables += 1
            if caption is not None:
                self.paragraphs(caption)
            for cell in (cell for row in rows for cell in row):
                self.walk(cell)
                self.flush()
            return
        read = [(row, [self.table_cell(cell) for cell in row]) for row in rows if row]
        merged = any(cell.colspan > 1 or cell.rowspan > 1 for _row, cells in read for cell in cells)
        if not merged:  # a blank row (Word leaves one at the end) is dropped, unless a cell spans into it
            read = [(row, cells) for row, cells in read if any(cell.text for cell in cells)]
        cells = [cells for _row, cells in read]
        first = [(source, cell) for source, cell in zip(read[0][0], cells[0], strict=True) if cell.text]
        header = (
            len(cells) > 1
            and bool(first)
            and (
                read[0][0][0].parent.parent.tag == "thead"
                or all(source.tag == "th" for source, _cell in first)
                or all(is_wholly_bold(cell.html) for _source, cell in first)
            )
        )
        if header:  # a header cell is bold by its look: its <strong> would say it twice
            cells[0] = [unbolded(cell) for cell in cells[0]]
        flow = Flow(breaks=False)
        if caption is not None:
            self.inline_children(caption, flow)
        captions = [inline for inline, _ in flow.finish()]
        block = Block(Block.TABLE, rows=cells, header=header, caption=captions[0] if captions else None)
        self.blocks.append(block)
        self.tables.append(table_report(block, merged))

    def table_cell(self, node):
        """A cell's text with its marks; its paragraphs and line breaks as line breaks."""
        flow = Flow(symbols=True)
        self.inline_children(node, flow)
        lines = [inline for inline, _ in flow.finish()]
        return Cell(
            text=" ".join(line.text for line in lines),
            html="<br>".join(line.html for line in lines),
            row_header=node.tag == "th",
            colspan=span(node.attrs.get("colspan"), 1000),
            rowspan=span(node.attrs.get("rowspan"), 65534),
        )

    def flattened_table(self, node, flow):
        """A table inside a table cell (or a list item): a line of text per row, its cells
        separated by dashes. A table cannot hold another on the site."""
        self.flattened_tables += 1
        for row in table_rows(node):
            cells = [collapse_spaces(cell.text()) for cell in row.elements() if cell.tag in ("td", "th")]
            flow.add_break()
            flow.add_text(" – ".join(cell for cell in cells if cell))
        flow.add_break()

    # Inline

    def inline_children(self, node, flow):
        for child in node.children:
            if isinstance(child, Node):
                self.inline_element(child, flow)
            else:
                flow.add_text(child)

    def inline_element(self, node, flow):
        tag = node.tag
        if tag in SKIPPED_TAGS:
            return
        if tag == "br":
            flow.add_break()
        elif tag == "img":
            self.images += 1
            flow.left_out()
        elif (tag in STRONG_TAGS or tag in EMPHASIS_TAGS) and not node.text().strip():
            # Bold around nothing but a picture (or spaces): the picture is left out, and so is
            # the markup, which would otherwise stay behind empty.
            self.inline_children(node, flow)
        elif tag in STRONG_TAGS or tag in EMPHASIS_TAGS:
            name = "strong" if tag in STRONG_TAGS else "em"
            flow.add_markup(f"<{name}>")
            self.inline_children(node, flow)
            flow.add_markup(f"</{name}>")
        elif tag == "a":
            self.link(node, flow)
        elif tag == "table":
            self.flattened_table(node, flow)
        elif tag == "span" and flow.marks and self.marks_of(node) and node.text().strip():
            marks = self.marks_of(node)
            flow.add_markup("".join(f"<{name}>" for name in marks))
            self.inline_children(node, flow)
            flow.add_markup("".join(f"</{name}>" for name in reversed(marks)))
        elif tag in INLINE_TAGS:
            self.inline_children(node, flow)
        else:  # a block inside inline text (<div> in a <p>, <p> in an <li>): a break around it
            flow.add_break()
            self.inline_children(node, flow)
            flow.add_break()

    def marks_of(self, node):
        names = set().union(
            *(self.styled_classes.get(name, ()) for name in node.attrs.get("class", "").split())
        )
        return [name for name in ("strong", "em") if name in names]

    def link(self, node, flow):
        href = unwrap_redirect(node.attrs.get("href", "").strip())
        scheme = urlsplit(href).scheme.lower() if href else ""
        if scheme not in LINK_SCHEMES:
            if href and not href.startswith("#"):
                # No scheme: an address on the old site. Any other (javascript:, data:, ftp:, ...)
                # is one the site never links to.
                (self.refused_links if scheme else self.dropped_links).append(href)
            self.inline_children(node, flow)
            return
        if scheme == "tel":
            flow.phone = href[len("tel:") :]
        flow.add_markup(f'<a href="{escape(href)}">')
        self.inline_children(node, flow)
        flow.add_markup("</a>")


STYLE_RULE = re.compile(r"\.([\w-]+)\s*\{([^{}]*)\}")
BOLD = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)\b", re.IGNORECASE)
ITALIC = re.compile(r"font-style\s*:\s*(italic|oblique)\b", re.IGNORECASE)


def styled_classes(document):
    """Classes the page's style sheet makes bold or italic. Google Docs' web-page export marks
    bold and italic text only so (<span class="c4"> with .c4{font-weight:700}), never with <b>
    or <i>; without this the emphasis of every document from it would be lost."""
    sheets = []

    def collect(node):
        for child in node.elements():
            if child.tag == "style":
                sheets.append(child.text())
            else:
                collect(child)

    collect(document)
    classes = {}
    for name, declarations in STYLE_RULE.findall("\n".join(sheets)):
        marks = {"strong"} if BOLD.search(declarations) else set()
        marks |= {"em"} if ITALIC.search(declarations) else set()
        if marks:
            classes[name] = classes.get(name, set()) | marks
    return classes


def unwrap_redirect(href):
    """The address a Google redirect leads to: Google Docs' web-page export writes each link as
    https://www.google.com/url?q=ADDRESS&sa=D..., which would tell Google who followed it."""
    parts = urlsplit(href)
    host = (parts.hostname or "").lower()
    if (
        parts.scheme.lower() in ("http", "https")
        and host in ("google.com", "www.google.com")
        and parts.path == "/url"
    ):
        target = parse_qs(parts.query).get("q", [""])[0].strip()
        if target:
            return target
    return href


def table_rows(table):
    """The rows of a table, in its head, bodies and foot; not those of tables in its cells."""
    rows = []
    for child in table.elements():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag not in ("td", "th", "table", "caption"):
            rows += table_rows(child)
    return rows


def has_descendant(node, test):
    return any(test(child) or has_descendant(child, test) for child in node.elements())


def is_heading(node):
    return node.tag in HEADING_TAGS or (node.tag == "p" and has_title_style(node))


_BOLD_RUN = re.compile(r"<strong>.*?</strong>", re.DOTALL)


def is_wholly_bold(html):
    """Whether every word of a cell is bold: how Word (and Google Docs) mark a header row."""
    return "<strong>" in html and not any(char.isalnum() for char in strip_tags(_BOLD_RUN.sub("", html)))


def unbolded(cell):
    html = cell.html.replace("<strong>", "").replace("</strong>", "")
    return Cell(
        text=cell.text, html=html, row_header=cell.row_header, colspan=cell.colspan, rowspan=cell.rowspan
    )


def span(value, largest):
    """The columns or rows a cell spans, as browsers read it: 1 unless a whole number above 1."""
    value = (value or "").strip()
    return min(int(value), largest) if value.isdigit() and int(value) > 1 else 1


def table_report(block, merged):
    first = next(
        " | ".join(cell.text for cell in row if cell.text)
        for row in block.rows
        if any(cell.text for cell in row)
    )
    columns = max(sum(getattr(cell, "colspan", 1) for cell in row) for row in block.rows)
    parts = [f"A table was read from the page (“{first}”, {len(block.rows)} rows of {columns} cells)"]
    parts.append("its first row as the header row" if block.header else "with no header row")
    if any(getattr(cell, "row_header", False) for row in block.rows[block.header :] for cell in row):
        parts.append("header cells starting its rows")
    if block.caption:
        parts.append(f"the caption “{block.caption.text}”")
    if merged:
        parts.append("merged cells kept as they were")
    return ", ".join(parts) + ". Check it in the editor."


def margin_left(style):
    """The left margin a style attribute sets, in points; None when it sets none."""
    margin = MARGIN_LEFT.search(style)
    return float(margin[1]) * POINTS_PER[margin[2].lower()] if margin else None


def has_title_style(node):
    return any(TITLE_STYLE.match(name) for name in node.attrs.get("class", "").split())


def is_dash_line(text):
    return bool(DASH_START.match(text)) and len(text) <= 120 and len(words_of(text)) <= 15


def parse_html(source, known_numbers=None):
    builder = TreeBuilder()
    builder.feed(source.text)
    builder.close()
    document = builder.root
    root = document.find("article") or document.find("main") or document.find("body") or document

    reader = Reader(styled_classes=styled_classes(document))
    reader.walk(root)
    reader.flush()
    blocks = attach_dash_attributions(reader.blocks)
    warnings = []

    title, from_first_sentence, blocks = take_title(document, blocks, warnings)
    for block in blocks:
        if block.kind == Block.HEADING and block.level in (TITLE_STYLE_LEVEL, 1):
            block.level = 2
    if reader.images:
        warnings.append(
            f"{reader.images} image(s) were not imported. Add pictures in the editor, each with a "
            "description for people who cannot see it."
        )
    warnings += reader.tables
    if reader.flattened_tables:
        warnings.append(
            f"{reader.flattened_tables} table(s) inside a table or a list were flattened into lines of "
            "text, one per row, their cells separated by dashes. Rebuild them in the editor if the "
            "layout matters."
        )
    if reader.layout_tables:
        warnings.append(
            f"{reader.layout_tables} table(s) used only to lay out the page (a single cell, or cells "
            "holding headings) were unwrapped: their content was read as the article's text."
        )
    if reader.nested_lists:
        warnings.append(
            f"Lists nested more than {MAX_LIST_DEPTH} levels deep (or with no item above them) were "
            "flattened into the list that holds them. Check their order in the editor."
        )
    if reader.dropped_links:
        warnings.append(
            f"{len(reader.dropped_links)} link(s) pointed to pages of the old site ({a_few_addresses(reader.dropped_links, count=5)}). "
            "Their text was kept without the link; add links to the new pages in the editor."
        )
    if reader.refused_links:
        warnings.append(
            f"{len(reader.refused_links)} link(s) used a kind of address the site does not link to "
            f"({a_few_addresses(reader.refused_links, count=5)}): only web, email, phone and text-message links are kept. Their text was "
            "kept without the link."
        )
    return assemble(
        name=source.name,
        source_format=source.format,
        title=title,
        title_from_first_sentence=from_first_sentence,
        blocks=blocks,
        warnings=warnings,
        infer_levels=False,
        known_numbers=known_numbers,
    )


def attach_dash_attributions(blocks):
    """A quotation (a <blockquote>, or a wholly quoted <p>) followed by a '– Name' paragraph."""
    result, index = [], 0
    while index < len(blocks):
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        is_quotation = (block.kind == Block.QUOTE and not block.attribution) or (
            block.kind == Block.PARAGRAPH and is_wholly_quoted(block.text)
        )
        if (
            is_quotation
            and following is not None
            and following.kind == Block.PARAGRAPH
            and is_dash_line(following.text)
        ):
            paragraphs = block.paragraphs or [Inline.plain(unquote(block.text))]
            attribution = DASH_START.sub("", following.text).strip()
            result.append(Block(Block.QUOTE, paragraphs=paragraphs, attribution=attribution))
            index += 2
            continue
        result.append(block)
        index += 1
    return result


def take_title(document, blocks, warnings):
    """The first <h1>, else the page's <title>, else the first sentence (to be confirmed).

    A document from a word processor has its title in the Title style, above everything else:
    that is the title, and its sections are Heading 1 with Heading 2 under them, so each
    heading after it goes one level down (<h1> to <h2>, <h2> to <h3>)."""
    styled = next(
        (index for index, block in enumerate(blocks) if block.kind == Block.HEADING and block.level <= 1),
        None,
    )
    if styled is not None and blocks[styled].level == TITLE_STYLE_LEVEL:
        for block in blocks[styled + 1 :]:
            if block.kind == Block.HEADING:
                block.level = min(max(block.level, 1) + 1, 3)
        blocks[styled].level = 1  # read below as the first <h1>
    position = next(
        (index for index, block in enumerate(blocks) if block.kind == Block.HEADING and block.level == 1),
        None,
    )
    if position is not None:
        title = blocks[position].text
        before = [block for block in blocks[:position] if block.text.strip()]
        if before:
            shown = "; ".join(f"“{block.text[:60]}”" for block in before[:3])
            warnings.append(
                f"Text above the title was left out, as page furniture from the old site: {shown}."
            )
        rest = blocks[position + 1 :]
    else:
        heading = document.find("h1")
        page_title = document.find("title")
        title = collapse_spaces(heading.text()) if heading is not None else ""
        if not title and page_title is not None:
            title = collapse_spaces(page_title.text())
            # "What to expect | The Carter Treatment Center" -> "What to expect"
            title = re.split(r"\s+[|·•]\s+", title)[0].strip()
        rest = blocks
    if title and first_letter(title):
        repeated = rest and rest[0].kind in (Block.HEADING, Block.PARAGRAPH)
        if repeated and matching_key(rest[0].text) == matching_key(title):
            rest = rest[1:]
        return title, False, rest
    first = next((block for block in rest if block.kind == Block.PARAGRAPH), None)
    title = draft_title_from(first.text) if first is not None else ""
    if not title:
        raise ImportFailure(
            "No recognisable title: the page has no <h1> heading, no <title> and no paragraph to take "
            "one from."
        )
    warnings.append(
        f"The page has no <h1> or <title>, so the title “{title}” was taken from its first sentence. "
        "Confirm or change it (and the address) before publishing."
    )
    return title, True, rest
