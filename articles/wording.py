"""Words that label the reader or promise results, and what the site says instead.

The site is read by people who are afraid of being judged, and no program can promise them an
outcome. `WORDING` is the list the content checks look for (articles.content_checks.check_wording):
short, reviewed, and meant to grow. To add a word, add an entry with a comment saying where the
advice comes from, and a test in tests/articles/test_wording.py.

How an entry's `words` are read:
- A regular expression over whole words, in lower case, matched whatever the case of the text:
  "cure" matches "Cure", not "secure", "procure" or "curely". Write `s?` for a plural, `[- ]?`
  where people write a word as one, two or hyphenated ("crack head", "crackhead", "crack-head").
- The text is prepared first: runs of spaces and line breaks are one space, curly apostrophes
  are straight, a non-breaking hyphen is a hyphen, and soft hyphens and characters of no width
  are taken out. So a space in `words` is one space, and "addict's" is "addict's".
- A word that labels a person only as a noun (`noun=True`: "an alcoholic", not "alcoholic
  drinks") is found only right after one of the words of `NOUN_BEFORE` (a, an, the, my…).
- A promise (`promise=True`) is left alone when a "no", "not", "never", "cannot" or a word in
  "n't" comes shortly before it in the same sentence: "no program can guarantee results" is the
  honest sentence the advice asks for. So is one in a question ("Is there a cure for
  addiction?", an FAQ's "Will I be cured?"): the reader asks it, and the answer is checked.

Left out on purpose:
- "relapse": the clinical word the site uses itself. Only "never relapse" is a promise.
- "user" alone: the site's users, screen reader users. "drug users" and the like are in.
- "abuse" alone: readers have lived through abuse, and the site must be able to name it.
  "substance abuse", "drug abuse" and "abusing drugs" are in.
- "addiction", "alcoholism", "addicted": they name the condition, not the person, readers search
  for them, and clinicians and public bodies use them.
- "alcoholic" as an adjective ("alcoholic drinks") and "drunk" as one ("got drunk").
- "clean" and "dirty" alone: clean hands, a clean room. Only about a person's use or a drug test.
- "100%" alone: "100% confidential" and a plan that "covers 100%" are true. Only of results.
- The names of organisations: Alcoholics Anonymous, the National Institute on Drug Abuse, the
  Substance Abuse and Mental Health Services Administration (`_NAMES`).
"""

import re
import string
from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    words: str  # a regular expression over whole words (see above)
    advice: str  # what the editor reads after the colon: what the site says instead, and why
    promise: bool = False  # a promise of results: left alone after a "no", "not", "cannot"…
    noun: bool = False  # a label only as a noun: right after one of NOUN_BEFORE


# Words that may stand before a noun: "an alcoholic", "the drunk", "a high-functioning alcoholic".
NOUN_BEFORE = frozenset(
    {"a", "an", "the", "this", "that", "every", "another", "any", "one", "my", "your", "his", "her",
     "their", "our", "functioning", "functional", "chronic", "hopeless", "active", "real"}
)  # fmt: skip
_SUBSTANCES = (
    r"(?:substance|drug|alcohol|opioid|opiate|narcotics?|prescription drug|heroin|cocaine|meth"
    r"|marijuana|cannabis|pill)"
)
_ALCOHOL_USE_DISORDER = (
    "the site puts the person first: “a person with alcohol use disorder”, “people who drink more than "
    "they want to”."
)
_DRINKING = (
    "the site puts the person first: “a person with alcohol use disorder”, “someone who had been drinking”."
)

WORDING = [
    # Person-first language. The US National Institute on Drug Abuse's guidance on the words to use
    # and avoid, SAMHSA's and the White House drug policy office's (2017) ask the same: name the
    # person before the condition, because labels like these make people less likely to seek help
    # and make clinicians regard them less kindly.
    Wording(
        r"(?:ex-|former |recovering |recovered |reformed )(?:addicts?|alcoholics?|junkies?)",
        "the site says “a person in recovery”, “people in recovery”.",
    ),
    Wording(
        r"addicts?",
        "the site puts the person first: “a person with a substance use disorder”, “people who use drugs”.",
    ),
    Wording(r"alcoholics", _ALCOHOL_USE_DISORDER),
    Wording(
        r"alcoholic(?! (?:drinks?|beverages?|liver|hepatitis|cirrhosis|content|punch|ciders?|spirits"
        r"|liquors?)\b)",
        _ALCOHOL_USE_DISORDER,
        noun=True,
    ),
    # The same guidance: slang names for people who use drugs are slurs, however casually meant.
    Wording(
        r"junkies?|crack[- ]?heads?|druggies?|pot[- ]?heads?|meth[- ]?heads?|dope[- ]?fiends?",
        "a name readers may have been called: the site says “a person who uses drugs”, “a person with "
        "a substance use disorder”.",
    ),
    Wording(r"drunks|drunkards?", _DRINKING),
    Wording(r"drunk(?! (?:driv\w*|tank)\b)", _DRINKING, noun=True),
    # The same guidance, and the diagnostic manual's "substance use disorder": "abuse" casts use
    # as wrongdoing, and research has found clinicians judge a "substance abuser" more harshly.
    Wording(
        rf"{_SUBSTANCES}[- ]abuse",
        "“abuse” sounds like blame: the site says “substance use”, “drug use”, or, for the condition, "
        "“substance use disorder”.",
    ),
    Wording(
        rf"(?:{_SUBSTANCES}[- ])?abusers?",
        "of a person who uses substances, the site says “a person with a substance use disorder”, "
        "“people who use drugs”.",
    ),
    Wording(
        r"abus(?:e|es|ed|ing) (?:drugs|alcohol|substances|opioids|pills|prescription drugs)",
        "the site says “using” or “misusing” (“misusing prescription pills”).",
    ),
    Wording(
        r"(?:drug|substance|alcohol|heroin|opioid|meth|cocaine|iv|injection)[- ]users?",
        "the site puts the person first: “people who use drugs”.",
    ),
    Wording(
        r"(?:drug|heroin|opioid|pill|cocaine|meth) habits?",
        "“habit” makes it sound like a matter of willpower: the site says “drug use” or “a substance "
        "use disorder”.",
    ),
    # The same guidance: "clean" makes a person who uses "dirty", and a test is negative or
    # positive, as the laboratory reports it.
    Wording(
        r"(?:stay|stays|stayed|staying|get|gets|got|gotten|getting|been) clean|clean and sober"
        r"|clean (?:time|date)",
        "the site says “in recovery”, “not using”, “not drinking”: “clean” makes a person who uses “dirty”.",
    ),
    Wording(
        r"(?:clean|dirty) (?:(?:drug|urine|tox|toxicology) )?(?:screens?|tests?|uas?|urines?|samples?"
        r"|results?)|(?:tested|testing|tests|came back|comes back|come back) (?:clean|dirty)",
        "a test is “negative” or “positive” (“a negative test”, “tested positive”), not clean or dirty.",
    ),
    # Promises. The search engines' rules for advertising addiction treatment, the Federal Trade
    # Commission's on health claims and the center's own voice agree: no program can promise an
    # outcome, and a reader who is told it is certain blames themselves when it is not.
    Wording(
        r"guarantee[sd]?|guaranteeing",
        "no program can promise results. Say what the program offers and what can help.",
        promise=True,
    ),
    Wording(
        r"cur(?:e[sd]?|ing)",
        "treatment helps people manage a substance use disorder; no program can promise a cure. Say "
        "what can help.",
        promise=True,
    ),
    Wording(
        r"100 ?(?:%|percent)(?: of (?:our )?(?:clients|patients|graduates|people)| (?:success\w*|sober\w*"
        r"|recover\w*|effective\w*|guaranteed|cured?|results?|abstinen\w*|clean))",
        "no program works for everyone. Say “many people”, and what can help.",
        promise=True,
    ),
    Wording(
        r"success rates?",
        "a rate reads as a promise, and needs a source a clinician has checked. Say what the program "
        "offers and what can help.",
        promise=True,
    ),
    Wording(
        r"never (?:relapses?|relapsed|drinks? again|uses? again|uses? drugs again)",
        "no one can promise that, and a return to use can be part of recovery, not the end of it. Say "
        "what can help.",
        promise=True,
    ),
    Wording(
        r"permanent(?:ly)? (?:sober\w*|recover\w*|cured?|abstinen\w*|results?|solutions?)",
        "no program can promise lasting results. Say “recovery is possible”, and what can help.",
        promise=True,
    ),
]

# Names of organisations that hold a word of the list: left as they are.
_NAMES = [
    "alcoholics anonymous",
    "adult children of alcoholics",
    "national institute on drug abuse",
    "national institute on alcohol abuse and alcoholism",
    "substance abuse and mental health services administration",
    "drug abuse treatment and education program",
]
# Addresses, e-mail addresses and file names written in the text are not words a reader reads.
CODE_LIKE = re.compile(r"[/@_\\=]|^www\.", re.IGNORECASE)

# One pattern for the whole list, every entry a named group, tried only where a word starts
# (`\b(?=\w)`: a `\b` alone is true where a word ends too, and trying the list there doubles the cost).
_PATTERN = re.compile(
    r"\b(?=\w)(?:"
    + "|".join(
        [
            f"(?P<skip>{'|'.join(_NAMES)})",
            *(f"(?P<w{index}>{entry.words})" for index, entry in enumerate(WORDING)),
        ]
    )
    + r")\b"
)
# Matched against the text in lower case (find()), which is quicker than a pattern that ignores case.
_LOWER_CASE = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_PREPARE = str.maketrans(
    {
        "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-",
        "\u00ad": None, "\u200b": None, "\u2060": None, "\ufeff": None,
    }
)  # fmt: skip
_QUOTES_BEFORE, _QUOTES_AFTER = "\"“'", "\"”'"
_NEGATION = re.compile(
    r"\b(?:no|not|never|cannot|nobody|nothing|without|nor|neither|\w+n't)\b", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?:;]\s|\n")


def prepare(text):
    """`text` as the list is matched against (see the module's notes): one space between words,
    and a line break between lines (paragraphs, headings, list items): "Where to stay" and
    "clean towels" in two list items are not "stay clean"."""
    lines = (" ".join(line.split()) for line in (text or "").translate(_PREPARE).splitlines())
    return "\n".join(line for line in lines if line)


def _negated(text, start):
    """Whether a "no", "not", "cannot"… stands among the five words before `start`, in its sentence."""
    before = text[max(0, start - 60) : start]
    sentence_ends = list(_SENTENCE_END.finditer(before))
    if sentence_ends:
        before = before[sentence_ends[-1].end() :]
    return bool(_NEGATION.search(" ".join(before.split()[-5:])))


def _asked(text, end):
    """Whether the sentence holding `text[:end]` is a question: what a reader asks ("Can IOP cure
    my drinking?") promises nothing; the answer is what is checked."""
    rest = text[end:]
    line_end = rest.find("\n")
    ending = re.search(r"[.!?]", rest if line_end < 0 else rest[:line_end])
    return ending is not None and ending.group() == "?"


def _word_before(text, start):
    """The word right before `text[start:]` on its line, in lower case: "an" in "an alcoholic",
    "functioning" in "a high-functioning alcoholic"."""
    if not start or text[start - 1] != " ":
        return ""
    word = text[text.rfind(" ", 0, start - 1) + 1 : start - 1]
    return word.rsplit("\n", 1)[-1].rsplit("-", 1)[-1].lower()


def _token(text, start, end):
    """The run of characters without a space or a line break that holds `text[start:end]`."""
    left = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    right = min(found for found in (text.find(" ", end), text.find("\n", end), len(text)) if found >= 0)
    return text[left:right]


def find(prepared):
    """Each use of a word of WORDING in `prepared` text (prepare()), as (entry, start, end):
    one pass, left to right. A word in quotation marks of its own is mentioned, not used
    (Do I have to call myself an “addict”?), and left alone; so is one in an address."""
    for match in _PATTERN.finditer(prepared.translate(_LOWER_CASE)):  # the same length, the same places
        if match.lastgroup == "skip":
            continue
        start, end = match.span()
        entry = WORDING[int(match.lastgroup[1:])]
        if start and prepared[start - 1] in _QUOTES_BEFORE and prepared[end : end + 1] in _QUOTES_AFTER:
            continue
        if CODE_LIKE.search(_token(prepared, start, end)):
            continue
        if entry.noun and _word_before(prepared, start) not in NOUN_BEFORE:
            continue
        if entry.promise and (_negated(prepared, start) or _asked(prepared, end)):
            continue
        yield entry, start, end


def context(prepared, start, end, words=3):
    """`prepared[start:end]` with a few words either side on its line, to find it by in a long
    text: “…over the years most addicts who come to…”."""
    line_start = prepared.rfind("\n", 0, start) + 1
    line_end = prepared.find("\n", end)
    line_end = len(prepared) if line_end < 0 else line_end
    left = start
    for _ in range(words):
        space = prepared.rfind(" ", line_start, max(left - 1, line_start))
        if space < 0:
            left = line_start
            break
        left = space + 1
    right = end
    for _ in range(words):
        right = prepared.find(" ", right + 1, line_end)
        if right < 0:
            right = line_end
            break
    opening, closing = "…" if left > line_start else "", "…" if right < line_end else ""
    return f"{opening}{prepared[left:right]}{closing}"
