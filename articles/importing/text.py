"""Small text helpers shared by the plain-text and HTML readers: sentences, case, quotes, phones."""

import re

from carter_site.phone import PHONE_NUMBER_IN_TEXT
from carter_site.text import matching_key  # noqa: F401  (the readers and the writer import it from here)

OPENING_QUOTES = '“"‘«„'
CLOSING_QUOTES = '”"’»'
SENTENCE_END = ".!?…"
PHONE_EMOJI = ("📞", "☎", "📱", "📲", "☏")

# Words a Title Case heading leaves in lower case ("Who the Evening Track Serves").
SMALL_WORDS = frozenset(
    {
        "a", "an", "and", "as", "at", "but", "by", "en", "for", "from", "if", "in", "into", "nor",
        "of", "off", "on", "onto", "or", "per", "so", "than", "the", "to", "up", "via", "vs", "with", "yet",
    }
)  # fmt: skip

# A US number as people write it (carter_site.phone, where the site links those in rich text).
PHONE_NUMBER = PHONE_NUMBER_IN_TEXT
CALL_WORDS = re.compile(r"^\W*(call|text|phone|contact|reach|give us a call|talk to)\b", re.IGNORECASE)

# Where one sentence ends and the next begins: end punctuation, perhaps a closing quote or
# bracket, then space and something that starts a sentence.
# It starts only where a run of end punctuation starts, and takes the run whole: a search from
# every position of a long run of dots ("a......") would otherwise take time in its square.
_SENTENCE_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[”\"’)\]]*+(?=\s+[“\"‘(\[]?[A-Z0-9])")
_FIRST_ALNUM = re.compile(r"[^\W_]")
_WORD_SPLIT = re.compile(r"[\s/—–]+")


def collapse_spaces(text):
    """One space between words, none at the ends."""
    return " ".join(text.split())


def split_sentences(text):
    """`text` cut into sentences, each keeping its end punctuation and closing quote."""
    text = collapse_spaces(text)
    sentences, start = [], 0
    for match in _SENTENCE_BOUNDARY.finditer(text):
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def strip_closing(text):
    """`text` without closing quotes and brackets at its end: where its real last character is."""
    return text.rstrip(CLOSING_QUOTES + ")]' ")


def last_mark(text):
    """The last character that counts for punctuation: `“Fine.”` ends in '.'."""
    core = strip_closing(text)
    return core[-1] if core else ""


def first_letter(text):
    return next((char for char in text if char.isalpha()), "")


def words_of(text):
    return [word for word in _WORD_SPLIT.split(text) if _FIRST_ALNUM.search(word)]


def is_title_case(text):
    """True for 'What an Evening Looks Like' and 'WHY IT WORKS', false for 'Can I switch later?'."""
    words = words_of(text)
    if not words:
        return False
    initial = first_letter(words[0])
    if initial and not initial.isupper():
        return False
    for word in words[1:]:
        core = word.strip("“”\"‘’'()[]«».,:;!?…")
        if core.casefold() in SMALL_WORDS:
            continue
        char = _FIRST_ALNUM.search(word).group()
        if char.isalpha() and not char.isupper():
            return False
    return True


def is_single_sentence(text):
    return len(split_sentences(text)) <= 1


def is_question(text, max_length=300):
    """A single sentence ending in a question mark, short enough for an FAQ question."""
    return last_mark(text) == "?" and len(text) <= max_length and is_single_sentence(text)


def ends_a_quotation(text):
    """`…so long.”`, or `…so long".` with the stop outside the quotation marks."""
    text = text.strip()
    return text.endswith(tuple(CLOSING_QUOTES)) or text.rstrip(".,!?… ").endswith(tuple(CLOSING_QUOTES))


def is_wholly_quoted(text):
    """A paragraph that is a quotation from start to end."""
    text = text.strip()
    return len(text) >= 3 and text[0] in OPENING_QUOTES and ends_a_quotation(text)


def unquote(text):
    """The words inside a quotation, without its outer quote marks."""
    text = text.strip()
    if text and text[0] in OPENING_QUOTES:
        text = text[1:]
    stripped = text.rstrip()
    for mark in CLOSING_QUOTES:
        if stripped.endswith(mark):
            return stripped[: -len(mark)].strip()
        # “… so long”. with the full stop outside the quote
        for end in ".,!?…":
            if stripped.endswith(mark + end):
                return (stripped[: -len(mark) - 1] + end).strip()
    return stripped


def starts_with_phone_emoji(text):
    return text.lstrip().startswith(PHONE_EMOJI)


def phone_numbers(text):
    return [match.group().strip() for match in PHONE_NUMBER.finditer(text)]


def digits(text):
    return re.sub(r"\D", "", text or "")


def same_number(one, other):
    """(470) 284-1834 and +1 470 284 1834 are the same number."""
    a, b = digits(one), digits(other)
    if len(a) == 11 and a.startswith("1"):
        a = a[1:]
    if len(b) == 11 and b.startswith("1"):
        b = b[1:]
    return bool(a) and a == b


def shorten(text, limit):
    """`text` cut to at most `limit` characters at a word boundary, with an ellipsis when cut."""
    text = collapse_spaces(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-") + "…"


def first_sentences(text, limit):
    """As many whole sentences from the start of `text` as fit in `limit` characters."""
    kept = ""
    for sentence in split_sentences(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    return kept or shorten(text, limit)
