"""Plain-text articles, as marketing copies them out of documents and the old site.

The shape, line by line (docs/importing.md says the same for editors):

- the first line is the title, perhaps repeated on the next line; when the file starts
  straight with a paragraph, its first sentence becomes a draft title to confirm;
- a heading is a short line in Title Case (it may end in '?' or '.'), or a line starting
  with '##' or '###'; a short line in sentence case with no punctuation at all is read as a
  heading too, unless a list follows it;
- a bullet starts with •, -, *, – or —, indented or not; a numbered item with '1.' or '1)';
- paragraphs are separated by blank lines or stand one per line; a line cut in the middle of
  a sentence (hard-wrapped text) is joined to the next;
- a quoted paragraph followed by a line starting with – or - is a client's quote;
- two or more lines in a row with tabs between their cells (Word's "Plain Text" writes a table
  so), each with as many cells, are a table; its first line is its header row when each of its
  cells is a short label; a line with tabs in no such run is a paragraph, never a heading;
- everything else is a paragraph.
"""

import re
from dataclasses import dataclass

from .document import Block, Inline
from .sources import ImportFailure
from .structure import assemble, draft_title_from
from .text import (
    CLOSING_QUOTES,
    OPENING_QUOTES,
    collapse_spaces,
    ends_a_quotation,
    first_letter,
    is_single_sentence,
    is_title_case,
    last_mark,
    matching_key,
    phone_numbers,
    starts_with_phone_emoji,
    unquote,
    words_of,
)

BULLET = re.compile(r"^([•◦▪‣●·\-*–—])\s+(\S.*)$")
NUMBERED = re.compile(r"^(\d{1,2})[.)]\s+(\S.*)$")
MARKED_HEADING = re.compile(r"^(#{1,6})\s+(\S.*?)(?:\s+#+)?$")
DASH_LINE = re.compile(r"^[-–—]\s*([^\W\d_].*)$")
INLINE_QUOTE = re.compile(
    r"^(?P<quote>[“\"‘«][^\n]{15,}[”\"’»][.,!?…]?)\s+[-–—]\s*(?P<who>[A-Z0-9][^\n]{0,79})$"
)
ATTRIBUTION_MARKERS = "-–—"
MAX_ATTRIBUTION = 120
MAX_QUOTE_PARAGRAPHS = 6


@dataclass
class Unit:
    """A line of the file after joining wrapped lines: text, a bullet or a numbered item."""

    kind: str  # "text", "bullet", "number", "row" (of a table) or "table"
    text: str
    indent: int = 0
    marker: str = ""
    marked_level: int | None = None  # '## Heading' -> 2
    cells: list[str] | None = None  # a line with tabs: its cells, empty ones included
    after_blank: bool = True  # whether a blank line (or the start of the file) comes before it
    rows: list[list[str]] | None = None  # a table: the cells of each line

    def is_list_item(self):
        return self.kind in ("bullet", "number")


def parse_text(source, known_numbers=None):
    units, separators = read_units(source.text)
    units = find_tables(units)
    warnings = []
    if not units:
        raise ImportFailure("No recognisable title: the file has no words in it.")
    if separators:
        warnings.append(
            f"{len(separators)} line(s) without words, such as “{separators[0]}”, were left out as decoration."
        )
    title, from_first_sentence, units = take_title(units)
    if from_first_sentence:
        warnings.append(
            f"The file has no title line, so the title “{title}” was taken from its first sentence. "
            "Confirm or change it (and the address) before publishing."
        )
    blocks = units_to_blocks(units, warnings)
    return assemble(
        name=source.name,
        source_format=source.format,
        title=title,
        title_from_first_sentence=from_first_sentence,
        blocks=blocks,
        warnings=warnings,
        infer_levels=True,
        known_numbers=known_numbers,
    )


# --- Lines ------------------------------------------------------------------------------------


def read_units(text):
    """The file's lines as units, and the lines of pure decoration ('***', '———') left out."""
    units, separators, after_blank = [], [], True
    joined = []  # for each unit, the lines joined to it (kept apart until the end: long files)
    for raw in text.split("\n"):
        line = raw.rstrip()
        stripped = line.strip()
        if not any(char.isalnum() for char in stripped):
            if stripped:
                separators.append(stripped)
            after_blank = True
            continue
        indent = len(line) - len(line.lstrip())
        cells = table_cells(raw)
        if cells is not None and not has_inner_tab(cells) and (after_blank or units[-1].kind != "row"):
            cells = None  # a paragraph indented with a tab, not the last rows of a table
        if cells is not None:
            unit = Unit("row", " – ".join(cell for cell in cells if cell), indent, cells=cells)
        else:
            unit = classify(" ".join(stripped.split("\t")), indent)
        unit.after_blank = after_blank
        if units and not after_blank and continues(units[-1], joined[-1], unit):
            joined[-1].append(unit.text)
        else:
            units.append(unit)
            joined.append([])
        after_blank = False
    for unit, rest in zip(units, joined, strict=True):
        if rest:
            unit.text = " ".join([unit.text, *rest])
    return units, separators


def table_cells(line):
    """The cells of a line with tabs in it, as Word writes a table's row in plain text (a tab
    at either end is an empty cell there); None for a line without tabs, or a list item whose
    bullet a tab follows ("•<tab>Item", as Word writes a list)."""
    line = line.strip(" ")
    if "\t" not in line:
        return None
    item = BULLET.match(line.strip()) or NUMBERED.match(line.strip())
    if item is not None and "\t" not in item.group(2):
        return None
    return [collapse_spaces(cell) for cell in line.split("\t")]


def classify(line, indent):
    if match := MARKED_HEADING.match(line):
        return Unit("text", match.group(2), indent, marked_level=len(match.group(1)))
    if match := BULLET.match(line):
        return Unit("bullet", match.group(2), indent, marker=match.group(1))
    if match := NUMBERED.match(line):
        return Unit("number", match.group(2), indent, marker=match.group(1))
    return Unit("text", line, indent)


def continues(previous, joined, unit):
    """Is `unit` the rest of `previous` (with the lines `joined` to it so far), cut by a line
    break in the middle of a sentence?"""
    if unit.kind != "text" or unit.marked_level or previous.marked_level or previous.kind == "row":
        return False
    starts_lower = first_letter(unit.text[:1]).islower()
    if previous.is_list_item():
        return unit.indent > previous.indent or starts_lower
    last_line = joined[-1] if joined else previous.text
    end = last_line[-1]
    is_open = end.isalnum() or end in ",;—–-/(&"
    if not is_open or unit.text[0] in OPENING_QUOTES or DASH_LINE.match(unit.text):
        return False
    if starts_lower or joined:
        return True
    return len(previous.text) >= 60 and not is_title_case(previous.text)


# --- Tables -----------------------------------------------------------------------------------


def find_tables(units):
    """Runs of rows, one right under the other, with as many cells each: tables. A run needs
    two rows and one tab between two words: lines with a tab only at an end (a paragraph
    indented with a tab) make no table on their own, and are text again when in none."""
    result, index = [], 0
    while index < len(units):
        end = index
        if units[index].kind == "row":
            width = len(units[index].cells)
            while (
                end + 1 < len(units)
                and units[end + 1].kind == "row"
                and not units[end + 1].after_blank
                and len(units[end + 1].cells) == width
            ):
                end += 1
        run = units[index : end + 1]
        if len(run) >= 2 and any(has_inner_tab(unit.cells) for unit in run):
            table = Unit("table", run[0].text, run[0].indent, rows=[unit.cells for unit in run])
            table.after_blank = run[0].after_blank
            result.append(table)
        elif run[0].kind == "row" and not has_inner_tab(run[0].cells):
            text = " ".join(cell for cell in run[0].cells if cell)
            unit = classify(text, run[0].indent)
            unit.after_blank = run[0].after_blank
            result.append(unit)
            end = index
        else:
            result.append(run[0])
            end = index
        index = end + 1
    return result


def has_inner_tab(cells):
    """Whether a tab stands between two words of the line, not only at its ends."""
    filled = [position for position, cell in enumerate(cells) if cell]
    return len(filled) >= 2


def looks_like_header(cells):
    """A table's first line is its header when each cell is a short label: filled in, a few
    words, no sentence punctuation at its end."""
    return all(cell and len(words_of(cell)) <= 6 and cell[-1] not in ".!?;:," for cell in cells)


def table_block(rows, warnings):
    header = looks_like_header(rows[0])
    first = " | ".join(cell for cell in rows[0] if cell)
    warnings.append(
        f"A table was read from lines with tabs between their cells (“{first}”, {len(rows)} rows of "
        f"{len(rows[0])} cells), "
        + ("its first line as the header row. " if header else "with no header row. ")
        + "Check it in the editor."
    )
    return Block(Block.TABLE, rows=[[Inline.marked(cell) for cell in row] for row in rows], header=header)


def untabled_rows_warning(rows):
    if len(rows) == 1:
        return (
            f"The line “{rows[0].text}” has tabs between its parts, as a table's row has, but no line "
            "with as many tabs right next to it, so it was kept as a paragraph, its parts separated by "
            "dashes. If it belongs in a table, rebuild it in the editor."
        )
    return (
        f"The {len(rows)} lines from “{rows[0].text}” have tabs between their parts, as a table's rows "
        "have, but not as many on every line, so they were kept as paragraphs, their parts separated "
        "by dashes. If they belong in a table, rebuild it in the editor."
    )


# --- Title ------------------------------------------------------------------------------------


# A title written bold or italic in Markdown ("**Staying steady on weekends**"): the marks are
# how it was made to stand out in the file, not part of it. A title is plain text.
_MARKED_TITLE = re.compile(r"^(\*\*|__|\*|_)(?P<title>[^*_\s](?:.*[^*_\s])?)\1$")


def take_title(units):
    first = units[0]
    rest = units[1:]
    if first.kind == "text" and (first.marked_level or looks_like_title(first.text, rest)):
        title = first.text.strip()
        marked = _MARKED_TITLE.match(title)
        title = marked["title"] if marked else title
        if rest and rest[0].kind == "text" and matching_key(rest[0].text) == matching_key(title):
            rest = rest[1:]  # the title, repeated as the first line of the body
        return title, False, rest
    if first.kind in ("row", "table"):
        raise ImportFailure(
            "No recognisable title: the file starts with a table. Put the article's title on the first line."
        )
    if first.is_list_item():
        raise ImportFailure(
            "No recognisable title: the file starts with a list. Put the article's title on the first line."
        )
    if is_call_to_action(first.text):
        raise ImportFailure(
            "No recognisable title: the file starts with a call-to-action. Put the article's title "
            "on the first line."
        )
    title = draft_title_from(first.text)
    if not title:
        raise ImportFailure(
            "No recognisable title: the first line has no words in it. Put the article's title on the "
            "first line."
        )
    return title, True, units


def looks_like_title(text, rest):
    if len(text) > 200 or not first_letter(text) or text[0] in OPENING_QUOTES:
        return False
    if rest and rest[0].kind == "text" and matching_key(rest[0].text) == matching_key(text):
        return True
    if is_call_to_action(text) or not is_single_sentence(text) or text[-1] in ":;,":
        return False
    if last_mark(text) == ".":
        return is_title_case(text) and len(words_of(text)) >= 2
    return len(words_of(text)) <= 20


def is_call_to_action(text):
    return bool(phone_numbers(text)) and (starts_with_phone_emoji(text) or text.lower().startswith("call"))


# --- Blocks -----------------------------------------------------------------------------------


def units_to_blocks(units, warnings):
    blocks, index = [], 0
    while index < len(units):
        unit = units[index]
        if unit.kind == "table":
            blocks.append(table_block(unit.rows, warnings))
            index += 1
            continue
        if unit.kind == "row":  # in no table: a paragraph, never a heading
            rows = [unit]
            while (
                index + len(rows) < len(units)
                and units[index + len(rows)].kind == "row"
                and not units[index + len(rows)].after_blank
            ):
                rows.append(units[index + len(rows)])
            warnings.append(untabled_rows_warning(rows))
            blocks += [Block(Block.PARAGRAPH, Inline.marked(row.text)) for row in rows]
            index += len(rows)
            continue
        if unit.is_list_item():
            kind, items = unit.kind, []
            while index < len(units) and units[index].kind == kind:
                items.append(Inline.marked(units[index].text))
                index += 1
            blocks.append(Block(Block.LIST, items=items, ordered=kind == "number"))
            continue
        if unit.marked_level:
            level = 2 if unit.marked_level <= 2 else 3
            blocks.append(Block(Block.HEADING, Inline.plain(unit.text), level=level, explicit_level=True))
            index += 1
            continue
        quote = read_quote(units, index)
        if quote is not None:
            block, index = quote
            blocks.append(block)
            continue
        following = units[index + 1] if index + 1 < len(units) else None
        strength = heading_strength(unit.text, following)
        if strength:
            blocks.append(Block(Block.HEADING, Inline.plain(unit.text), weak=strength == "weak"))
        else:
            blocks.append(Block(Block.PARAGRAPH, Inline.marked(unit.text)))
        index += 1
    return blocks


def heading_strength(text, following):
    """'title' for a Title Case heading, 'weak' for a short unpunctuated line, None for a paragraph."""
    if len(text) > 120 or not first_letter(text) or not first_letter(text).isupper():
        return None
    if text[-1] in ":;,—–-" or not is_single_sentence(text) or is_call_to_action(text):
        return None
    words = words_of(text)
    if len(words) > 15 or text[0] in OPENING_QUOTES:
        return None
    mark = last_mark(text)
    if is_title_case(text):
        if mark in ".…" and len(words) < 2:
            return None
        return "title"
    # 'What to expect on day one': a heading in sentence case, unless it introduces a list.
    unpunctuated = (text[-1].isalnum() or text[-1] in CLOSING_QUOTES) and mark.isalnum()
    if unpunctuated and len(words) <= 8 and following is not None and following.kind == "text":
        return "weak"
    return None


def read_quote(units, index):
    """A client's quote: quoted paragraph(s), then a line starting with a dash naming who said it."""
    unit = units[index]
    if match := INLINE_QUOTE.match(unit.text):
        who = match.group("who").strip()
        if not who.endswith(("?", "!")):
            return quote_block([match.group("quote")], who), index + 1
    if not unit.text.startswith(tuple(OPENING_QUOTES)):
        return None
    end = index
    while True:
        current = units[end]
        if (
            current.kind != "text"
            or current.marked_level
            or not current.text.startswith(tuple(OPENING_QUOTES))
        ):
            return None
        if ends_a_quotation(current.text):
            break
        end += 1
        if end >= len(units) or end - index >= MAX_QUOTE_PARAGRAPHS:
            return None
    attribution = attribution_of(units, end + 1)
    if attribution is None:
        return None
    paragraphs = [units[position].text for position in range(index, end + 1)]
    return quote_block(paragraphs, attribution), end + 2


def attribution_of(units, index):
    if index >= len(units):
        return None
    unit = units[index]
    if unit.kind == "bullet" and unit.marker in ATTRIBUTION_MARKERS:
        text = unit.text
        following = units[index + 1] if index + 1 < len(units) else None
        if following is not None and following.kind == "bullet" and following.marker == unit.marker:
            return None  # a list of several items, not one line naming a person
    elif unit.kind == "text" and (match := DASH_LINE.match(unit.text)):
        text = match.group(1)
    else:
        return None
    text = text.strip()
    if not first_letter(text) or len(text) > MAX_ATTRIBUTION or len(words_of(text)) > 15:
        return None
    return text


def quote_block(paragraphs, attribution):
    return Block(
        Block.QUOTE,
        paragraphs=[Inline.plain(unquote(paragraph)) for paragraph in paragraphs],
        attribution=attribution,
    )
