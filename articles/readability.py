"""How hard a text is to read, and where: its grade, its longest sentences, its longest paragraphs.

The site is read by people in distress, often on a phone. US health-literacy guidance (the
National Library of Medicine's, the CDC's plain language guides) asks for health information
that is easy to read, and the American Medical Association suggests patient materials at a 6th
to 8th grade reading level. The content checks (articles.content_checks.check_readability) use
what is measured here to tell editors when a text is harder than that, and where.

The measure is the Flesch–Kincaid grade: 0.39 × words per sentence + 11.8 × syllables per word
− 15.59, the US school grade a reader needs. It is the one the guidance quotes, it needs only
words, sentences and syllables. The article's change form shows it too
(content_checks.reading_level), measured on the same running text.

Syllables are estimated (count_syllables): a small rule on vowel groups, right for most words
and off by one for some (see tests/articles/test_readability.py). The `textstat` package was
considered and left out: its syllable count needs the nltk language toolkit and downloads a
pronouncing dictionary from the internet the first time it runs, which a save in the admin must
not wait for. An estimate is enough for advice given in whole grades.

What counts as running prose (prose()): paragraphs, and list items long enough to be sentences
(LIST_ITEM_PROSE words or more). Headings, short list items, tables and quotes are left out: a
client's words in a quote are theirs, as the wording check leaves them (articles/wording.py).
Addresses, e-mail addresses and file names are not words (wording.CODE_LIKE), and neither are
numbers and phone numbers: words are runs of letters, in any alphabet.
"""

import re
from dataclasses import dataclass, field

from . import wording

# The grade the site aims for, and the one above which the check warns: one grade of slack,
# because the formula estimates, and the words a treatment site cannot avoid ("insurance",
# "medication", "intensive outpatient") weigh on it.
GRADE_AIM = 8
GRADE_LIMIT = 9
# Fewer words than this get no grade: the formulas were made for samples of 100 words and more,
# and on a few sentences one long word moves the grade by two or three. A two-sentence FAQ
# answer is plain or not by its sentences, which are checked however short the text.
WORDS_FOR_A_GRADE = 100
# A sentence of more words than this is hard to hold on a phone; the site aims for under 25.
SENTENCE_LIMIT = 30
SENTENCE_AIM = 25
# A paragraph of more words than this fills a phone's screen with no break.
PARAGRAPH_LIMIT = 120
# A list item of fewer words is a label ("Group therapy", "Evening track, 6 to 9 p.m."), not prose.
LIST_ITEM_PROSE = 12

# A word: letters in any alphabet, with an apostrophe, a hyphen or a full stop inside ("don't",
# "one-on-one", "a.m.").
_WORD = re.compile(r"[^\W\d_]+(?:['’\-‐.][^\W\d_]+)*")
# The end of a sentence: its mark, then closing quotation marks or brackets.
_ENDS_SENTENCE = re.compile(r"[.!?…。！？]+[\"'”’)\]]*$")
# Before these a full stop ends no sentence ("Dr. Hale", "the U.S. Department of Health").
_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "mx", "st", "mt", "jr", "sr", "prof", "u.s", "vs"})
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
# Two vowels said as two syllables, which one vowel group would count once.
_SAID_APART = re.compile(r"(?<![cgstx])i[ao]|iet|ie(?=ty)|ua|[aeiouy](?=ing$)")


def count_syllables(word):
    """A small English syllable estimate: the groups of vowels, less a silent final "e" or "es" and
    an "ed" said as part of the syllable before ("walked", not "wanted"), plus the pairs of vowels
    said apart ("being", "anxiety", "quiet", "usual", "radio"); at least one. Right for most words
    and one off for some ("lifeline", "business"): tests/articles/test_readability.py lists both."""
    word = word.lower()
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|(?<![td])ed|[^laeiouy]e)$", "", word)
    word = re.sub(r"^y", "", word)
    return max(1, len(_VOWEL_GROUPS.findall(word)) + len(_SAID_APART.findall(word)))


@dataclass
class Sentence:
    start: str  # its first words as written, to find it by
    words: int


@dataclass
class Paragraph:
    start: str
    words: int = 0
    sentences: list = field(default_factory=list)


@dataclass
class Reading:
    """What was measured in one text."""

    words: int = 0
    syllables: int = 0
    paragraphs: list = field(default_factory=list)

    @property
    def sentences(self):
        return [sentence for paragraph in self.paragraphs for sentence in paragraph.sentences]

    @property
    def grade(self):
        """The Flesch–Kincaid grade, one decimal; None below WORDS_FOR_A_GRADE words."""
        if self.words < WORDS_FOR_A_GRADE:
            return None
        per_sentence = self.words / len(self.sentences)
        per_word = self.syllables / self.words
        return round(0.39 * per_sentence + 11.8 * per_word - 15.59, 1)

    @property
    def words_per_sentence(self):
        return round(self.words / len(self.sentences)) if self.sentences else 0


def _first_words(tokens, count=6):
    shown = " ".join(tokens[:count])
    return f"{shown}…" if len(tokens) > count else shown


def _ends_sentence(token, following):
    if not _ENDS_SENTENCE.search(token):
        return False
    if following is None:
        return True
    if token.rstrip(".").lower().lstrip("(\"'“‘") in _ABBREVIATIONS:
        return False
    # "9 a.m. to noon", "e.g. a group": a sentence starts with a capital, a figure or a quote mark.
    return not following[0].islower()


def read_block(text, reading):
    """Adds the paragraph `text` (plain text) to `reading`: its words, syllables and sentences."""
    tokens = text.split()
    if not tokens:
        return
    paragraph = Paragraph(start=_first_words(tokens))
    sentence_tokens, sentence_words = [], 0
    for index, token in enumerate(tokens):
        sentence_tokens.append(token)
        if not wording.CODE_LIKE.search(token):
            for word in _WORD.findall(token):
                sentence_words += 1
                reading.syllables += count_syllables(word)
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if _ends_sentence(token, following):
            if sentence_words:
                paragraph.sentences.append(Sentence(_first_words(sentence_tokens), sentence_words))
                paragraph.words += sentence_words
            sentence_tokens, sentence_words = [], 0
    if sentence_words:
        paragraph.sentences.append(Sentence(_first_words(sentence_tokens), sentence_words))
        paragraph.words += sentence_words
    if paragraph.words:
        reading.words += paragraph.words
        reading.paragraphs.append(paragraph)


def measure(blocks):
    """The Reading of `blocks`, the paragraphs of one text as plain text."""
    reading = Reading()
    for block in blocks:
        read_block(wording.prepare(block).replace("\n", " "), reading)
    return reading
