"""Site search over articles, FAQs, locations, standing pages and the clinicians who have a page:
`search(query)` and /search/.

One interface, two engines, chosen by the database in use:

- PostgreSQL: full-text search (django.contrib.postgres.search) with English stemming,
  so "dropped out" finds "drop out". Articles weigh their title (A) above the summary (B)
  and the body (C); FAQs their question (A) above the answer (B); locations their name and
  city (A) above the summary (B) and their Getting here texts (C); standing pages (the privacy notice) as articles. Results
  are ranked with ts_rank and carry a highlighted snippet from ts_headline. Articles and FAQs keep that document in a generated column with
  a GIN index (`search_document`, their apps' migrations), so a query reads it for the
  matching rows instead of building it for every row; the few locations and standing pages
  build theirs.
- SQLite (one developer on one machine): every word must appear where a word starts
  (a case-insensitive pattern with the word escaped), ranked with the same weights, with a snippet cut around
  the first match in Python.

Both engines read a query's words without the punctuation stuck to them ("rehab?" is "rehab")
and a curly apostrophe as a straight one (`query_words`).

Both engines read a word people search with and our pages may not use as its SYNONYMS too
("rehab" finds "treatment"), and when no page has every word, they show the pages that have
some of them, saying so (`SearchResults.partial`), in the same queries: pages with every word
come first, and only they are shown when there are any. A query with quotes or a minus sign
(PostgreSQL's web search syntax) is taken as written: no synonyms, no partial results.

Clinicians are found by their name and licence letters, and by what the letters mean ("social
worker" finds an LCSW), in Python, from the list of them every page's footer loads anyway
(carter_site.caching.clinician_pages): no query of their own. A name is found by its start
too ("morg"), and without its accents ("jose" finds "José"); the bio is shown, never searched.

Only `published()` content is searched. Highlighting never trusts database text: the
database marks matches with random sentinels, the text is HTML-escaped, and only then are
the sentinels turned into <mark> elements.

Any query is safe: control characters (NUL included) are removed, it is cut to
MAX_QUERY_LENGTH characters, and websearch_to_tsquery / the SQLite pattern (the word passed
through re.escape) accept any text without a syntax error.
"""

import operator
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from html import unescape

from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Func, IntegerField, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, NullIf
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from articles.credentials import meanings
from articles.models import Article
from faqs.models import FAQ
from locations import nearest
from locations.models import Location
from pages.models import Page

from .caching import clinician_pages, published_locations, site_settings
from .structured_data import plain_text
from .text import visible_text

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12  # the SQLite fallback builds one condition per word
SNIPPET_CHARS = 220
# Between a heading or list item and what follows it in a snippet, where no punctuation ends it.
BLOCK_SEPARATOR = " · "
SENTENCE_ENDINGS = (".", "!", "?", ":", ";", "…")
SEARCH_CONFIG = "english"
# A location's Getting here texts that a reader may search for ("parking", "MARTA", "elevator"),
# weighed as a body is (C). What to bring on a first visit is left out: it is the same at every
# location, so it would find them all and tell them apart by nothing.
GETTING_HERE = ("parking", "public_transport", "finding_the_door", "access_note")
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2}  # PostgreSQL's default weights for ts_rank

_WORD = re.compile(r"\w", re.UNICODE)
# Punctuation before a word's first letter or digit and after its last ("rehab?", "“iop”").
_AROUND = re.compile(r"^[\W_]+|[\W_]+$")
_EXCLUDED = re.compile(r"-\w")  # a minus before a word: PostgreSQL's web search syntax for "not"

# Words people search with that our pages may not use, each with the words it also finds. Only
# where the meaning is the same for a reader of this site: "rehab" is what the center calls
# treatment. Each alternative may be several words, all of which must then be there.
SYNONYMS = {
    "rehab": ("treatment", "rehabilitation"),
    "rehabilitation": ("treatment", "rehab"),
    "detox": ("withdrawal", "detoxification"),
    "alcoholism": ("alcohol", "drinking"),
    "alcoholic": ("alcohol", "drinking"),
    "booze": ("alcohol", "drinking"),
    "drunk": ("alcohol", "drinking"),
    "addict": ("addiction",),
    "addicted": ("addiction",),
    "counseling": ("therapy", "counselling"),
    "counselling": ("therapy", "counseling"),
    "therapist": ("counselor", "clinician"),
    "counselor": ("therapist", "clinician"),
    "night": ("evening",),
    "nights": ("evening",),
    "weed": ("marijuana", "cannabis"),
    "pot": ("marijuana", "cannabis"),
    "marijuana": ("cannabis", "weed"),
    "cannabis": ("marijuana", "weed"),
    "painkillers": ("opioid", "prescription"),
    "heroin": ("opioid",),
    "fentanyl": ("opioid",),
    "cost": ("price", "insurance", "pay"),
    "price": ("cost", "insurance", "pay"),
    "iop": ("intensive outpatient",),
    # "Can I keep my job?": our pages say "keep working" and "your employer".
    "job": ("work", "employer"),
    "jobs": ("work", "employer"),
    # Misspellings a phone does not always correct.
    "alchohol": ("alcohol",),
    "alcohal": ("alcohol",),
    "alcahol": ("alcohol",),
    "alchol": ("alcohol",),
}
# Words people write in two, with a space or a hyphen, that our pages write as one: each is read
# as the one word before searching ("out patient" finds "outpatient", "out patients" finds
# "outpatients"). The page still says the
# query as typed.
WRITTEN_APART = {
    "out patient": "outpatient",
    "in patient": "inpatient",
    "after care": "aftercare",
}


# Words of how a question is asked, not of what it is about: "do you take insurance", "how much
# does it cost", "I need help". PostgreSQL keeps them (only "do" and "you" are its small words),
# and a page that happened to say "take" then had every word and was shown alone, without the
# pages about insurance. Left out of a search that has other words, as the small words are.
ASKING_WORDS = frozenset(
    {"take", "takes", "accept", "accepts", "get", "need", "needs", "please", "tell", "know", "much", "many"}
)


def without_asking_words(query):
    """`query` without its ASKING_WORDS, unless it has no other word to search for, or is taken as
    written (quotes, a minus)."""
    if taken_as_written(query):
        return query
    words = [word for word in query_words(query) if word not in STOP_WORDS]
    if all(word in ASKING_WORDS for word in words):
        return query
    kept = [word for word in query.split() if _bare(word).lower().replace("’", "'") not in ASKING_WORDS]
    return " ".join(kept)


def joined_words(query):
    """`query` with the words of WRITTEN_APART written as one."""
    for apart, joined in WRITTEN_APART.items():
        first, second = apart.split()
        query = re.sub(rf"(?<!\w){first}[\s-]+{second}(s?)(?!\w)", rf"{joined}\1", query, flags=re.IGNORECASE)
    return query


def query_words(query):
    """The query's words as the reader typed them, lower case, each once, at most MAX_WORDS.

    Without the punctuation around them ("rehab?" is "rehab", "(iop)" is "iop"), so that a word
    finds what it finds alone and the words it also finds; a minus before a word stays ("-relapse":
    leave it out). Inside a word, hyphens and apostrophes stay ("self-harm", "can't"), and a curly
    apostrophe, what phones type, is read as a straight one."""
    words = (_bare(word) for word in query.replace('"', " ").replace("’", "'").split())
    return list(dict.fromkeys(word.lower() for word in words if _WORD.search(word)))[:MAX_WORDS]


def _bare(word):
    """`word` without punctuation before or after it, but with a minus that leaves it out."""
    minus = "-" if _EXCLUDED.match(word) else ""
    return minus + _AROUND.sub("", word)


# Phones type “these” for "these" (smart punctuation): a phrase in quotes either way.
STRAIGHT_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


def taken_as_written(query):
    """A query with quotes or a minus sign before a word ('"evening track" -relapse'): someone
    who writes so means exactly that, so it gets no synonyms and no partial results."""
    return '"' in query or bool(re.search(r"(?:^|\s)-\w", query))


def word_groups(query):
    """Each word of `query` with the words it also finds: [("rehab", "treatment", ...), ...]."""
    exact = taken_as_written(query)
    return [(word, *(() if exact else SYNONYMS.get(word, ()))) for word in query_words(query)]


def clean_query(raw):
    """The query as we search for it: printable, single-spaced, at most MAX_QUERY_LENGTH long."""
    # No control characters (PostgreSQL refuses NUL) nor direction marks, echoed in the heading.
    return " ".join(visible_text(raw or "").split())[:MAX_QUERY_LENGTH].strip()


# Searches that say someone may be in danger now. The crisis line is then the first thing in
# the page's content, above any results: what they typed may have no page of ours, and the
# answer they need is not admissions. Matched as whole words after lower-casing, anything but
# letters and digits read as a space ("Self-harm"); an apostrophe is read both ways, dropped
# ("can’t go on" is "cant go on") and as a space ("OD’d" is "od d", not "odd"). Someone typing
# on a phone in distress misspells: "suicide" and "suicidal" also match a word one slip away
# ("sucide", "suicdie", "suiside"), and "my self" is "myself" (CRISIS_SAME_AS). Broad on purpose:
# showing the line to someone who did not need it costs little. Not so broad that a word of an
# ordinary search shows it alone: "pills", "alcohol", "blue", "breathing" and "mixing" do not.
CRISIS_WORDS = frozenset(
    {"suicide", "suicidal", "selfharm", "overdose", "overdosed", "overdoses", "overdosing", "od", "oding"}
    | {"988", "911", "crisis", "emergency", "hopeless", "narcan", "naloxone", "lifeline", "ambulance"}
    | {"unalive", "unalived", "unaliving", "kms"}
    # A body in danger, said by the person or by someone beside them: the box's 911 is the answer.
    | {"seizure", "seizures", "siezure", "siezures", "seizing", "convulsing", "convulsions"}
    | {"unresponsive", "unconscious"}
)
CRISIS_WORDS_MISSPELT = ("suicide", "suicidal")
# What an overdose is taken of: pills, and the drugs that slow breathing, most of all with alcohol.
# Named alone they are an ordinary search ("sleeping pills", "xanax and alcohol treatment"); with
# the words below they say what was taken.
CRISIS_DRUGS = frozenset(
    {"pill", "pills", "tablet", "tablets", "xanax", "benzo", "benzos", "benzodiazepine"}
    | {"benzodiazepines", "valium", "klonopin", "ativan", "ambien", "opioid", "opioids", "opiates"}
    | {"oxy", "oxycodone", "oxycontin", "percocet", "percs", "vicodin", "hydrocodone", "painkillers"}
    | {"heroin", "fentanyl", "morphine", "methadone", "tramadol"}
)
CRISIS_ALCOHOL = frozenset(
    {"alcohol", "drink", "drinks", "drinking", "drank", "drunk", "booze", "beer", "beers", "wine"}
    | {"liquor", "vodka", "whiskey"}
)
CRISIS_PHRASES = (
    # Taking one's life, and ways of saying it without the word.
    "kill myself", "killing myself", "end my life", "ending my life", "take my life", "end it",
    "ending it", "end myself", "end my own life", "take my own life", "hang myself", "hanging myself",
    "shoot myself", "shooting myself", "jump off a bridge", "want to die", "want to be dead",
    "better off dead", "wish i was dead", "wish i were dead", "wish i could die", "dont want to live",
    "dont want to be alive", "dont want to exist", "dont want to be here", "dont want to wake up",
    "no reason to live", "nothing to live for", "not worth living", "point of living",
    "life isnt worth", "life is not worth", "life aint worth", "better off without me",
    "would miss me", "shouldnt be here", "want to disappear", "sleep forever", "hate my life",
    "want it all to end", "want it all to stop",
    "point in living", "tired of living", "sick of living", "done with life", "give up on life",
    "giving up on life", "gave up on life", "no way out", "cant go on", "cant do this anymore",
    "cant take it anymore", "cant take this anymore", "hurt myself", "hurting myself",
    "harm myself", "harming myself", "cut myself", "cutting myself", "self harm", "self injury",
    # Too much of something, taken or seen.
    "took too much", "took too many", "taken too much", "taken too many", "alcohol poisoning",
    "delirium tremens",
    *(f"too {amount} {drug}" for amount in ("many", "much") for drug in sorted(CRISIS_DRUGS)),
    # Breathing, waking, the heart: an overdose or a body in danger, often seen by someone else.
    "not breathing", "stopped breathing", "barely breathing", "trouble breathing",
    "difficulty breathing", "struggling to breathe", "cant breathe", "cant breath",
    "hard to breathe", "hard to breath", "not waking", "wont wake", "wouldnt wake", "cant wake him",
    "cant wake her", "cant wake them", "cant wake my", "passed out", "passing out", "turning blue",
    "turned blue", "blue lips", "lips blue", "lips are blue", "chest pain", "chest pains",
    "heart attack", "no pulse", "vomiting blood", "throwing up blood", "puking blood",
    "coughing up blood",
)  # fmt: skip
# Ways of writing the same words, read as one before the phrases are looked for.
CRISIS_SAME_AS = {
    "my self": "myself",
    "cannot": "cant",
    "can not": "cant",
    "do not": "dont",
    "will not": "wont",
    "would not": "wouldnt",
    "wanna": "want to",
    # "took to many pills": "to" typed for "too" after taking.
    "took to": "took too",
    "taken to": "taken too",
}
# Words that say danger together, anywhere in the query: one word of each set.
CRISIS_TOGETHER = (
    # "mixed xanax and alcohol", "took benzos and drank": not "alcohol and opioid treatment".
    ({"mixed", "mixing", "mix", "combined", "combining", "took", "taken"}, CRISIS_DRUGS, CRISIS_ALCOHOL),
    ({"swallowed"}, CRISIS_DRUGS),  # "swallowed a bottle of pills"
    ({"took", "taken"}, {"all", "bottle", "handful", "whole"}, CRISIS_DRUGS),  # "took all my pills"
    # "relapsed and scared": after a break, the old amount can be an overdose, and fear said with
    # a relapse may be more than fear. Not "afraid of relapse", a question about staying well.
    ({"relapsed"}, {"scared", "afraid", "terrified", "frightened", "panicking", "panicked"}),
)


def signals_crisis(query):
    """Whether `query` says its writer, or someone beside them, may be in danger (CRISIS_WORDS,
    CRISIS_PHRASES, CRISIS_TOGETHER)."""
    lowered = query.lower().replace("’", "'")
    words = re.findall(r"[a-z0-9]+", lowered.replace("'", ""))
    words_apart = re.findall(r"[a-z0-9]+", lowered)
    spaced = f" {' '.join(words)} "
    for written, meant in CRISIS_SAME_AS.items():
        spaced = re.sub(rf"(?<= ){written}(?= )", meant, spaced)
    present = {*words, *words_apart}
    return (
        not CRISIS_WORDS.isdisjoint(present)
        or any(f" {phrase} " in spaced for phrase in CRISIS_PHRASES)
        or any(all(not present.isdisjoint(kind) for kind in together) for together in CRISIS_TOGETHER)
        or any(_one_slip_from(word, target) for word in words for target in CRISIS_WORDS_MISSPELT)
    )


def _one_slip_from(word, target):
    """Whether `word` is `target` with one letter left out, added, changed, or two swapped."""
    if abs(len(word) - len(target)) > 1:
        return False
    start = 0  # the first letter where they differ
    while start < min(len(word), len(target)) and word[start] == target[start]:
        start += 1
    swapped = word[start : start + 2] == target[start : start + 2][::-1]
    return (
        word[start + 1 :] == target[start + 1 :]  # the same, or one letter changed
        or word[start:] == target[start + 1 :]  # one left out
        or word[start + 1 :] == target[start:]  # one added
        or (swapped and word[start + 2 :] == target[start + 2 :])
    )


@dataclass
class Hit:
    title: str
    url: str
    snippet: str  # safe HTML: escaped text with <mark> around matches
    rank: float
    detail: str = ""
    whole: bool = True  # it has every word of the query (or what each also finds)
    # Found only by what it is, not by what it is called: a clinician found by the letters of a
    # licence or what they mean ("alcohol" in CAADC), listed after the pages (`search`).
    by_kind_only: bool = False


@dataclass
class Group:
    key: str
    heading: str
    hits: list
    more: bool = False  # there were more matches than we show

    @property
    def best_rank(self):
        return max(hit.rank for hit in self.hits)

    @property
    def by_kind_only(self):
        return all(hit.by_kind_only for hit in self.hits)

    @property
    def kind(self):
        """What one result is, said after its link for screen readers: an article and a question
        can share a title, and a list of links read out of context must tell them apart."""
        return KINDS[self.key]


@dataclass
class SearchResults:
    query: str
    groups: list = field(default_factory=list)
    partial: bool = False  # no page has every word: these have some of them

    @property
    def total(self):
        return sum(len(group.hits) for group in self.groups)


LIMITS = {"articles": 10, "faqs": 10, "locations": 5, "pages": 5, "clinicians": 5}
HEADINGS = {
    "articles": "Articles",
    "faqs": "Questions and answers",
    "locations": "Locations",
    "pages": "Notices and statements",
    "clinicians": "Our clinical reviewers",
}
KINDS = {
    "articles": "article",
    "faqs": "question",
    "locations": "location",
    "pages": "page",
    "clinicians": "clinician",
}


def search(query, clinicians=()):
    """Published articles, FAQs, locations and standing pages matching `query`, and those of
    `clinicians` (the ones with a public page: carter_site.caching.clinician_pages) it names,
    grouped, best group first."""
    query = clean_query(query)
    results = SearchResults(query)
    if not query:
        return results
    # The page says the query as typed; the engines read a phone's curly quotes as quotes,
    # "out patient" as "outpatient", and "do you take insurance" as "do you insurance".
    searched = without_asking_words(joined_words(query.translate(STRAIGHT_QUOTES)))
    engine = _PostgresEngine(searched) if connection.vendor == "postgresql" else _SimpleEngine(searched)
    # Each engine returns the pages with every word first, then those with some of them.
    found = {key: list(getattr(engine, key)(LIMITS[key] + 1)) for key in LIMITS if key != "clinicians"}
    found["clinicians"] = _clinician_hits(searched, clinicians)[: LIMITS["clinicians"] + 1]
    every_hit = [hit for hits in found.values() for hit in hits]
    results.partial = bool(every_hit) and not any(hit.whole for hit in every_hit)
    for key, hits in found.items():
        if not results.partial:
            hits = [hit for hit in hits if hit.whole]
        if hits:
            results.groups.append(
                Group(key, HEADINGS[key], hits[: LIMITS[key]], more=len(hits) > LIMITS[key])
            )
    # Stable sort: on equal ranks, articles, then questions, then locations, then standing pages.
    # Clinicians found only by their licence come after the pages: someone who searches for
    # "alcohol" wants the pages about it, not the counselor whose letters (CAADC) include the word.
    results.groups.sort(key=lambda group: (group.by_kind_only, -group.best_rank))
    return results


def _article_hit(article, snippet):
    return Hit(article.title, article.get_absolute_url(), snippet, article.rank, whole=article.whole)


def _faq_hit(faq, snippet):
    return Hit(faq.question, faq.get_open_url(), snippet, faq.rank, detail=faq.topic.name, whole=faq.whole)


def _location_hit(location, snippet):
    return Hit(
        location.name,
        location.get_absolute_url(),
        snippet,
        location.rank,
        detail=location.one_line_address,
        whole=location.whole,
    )


def _page_hit(page, snippet):
    return Hit(page.title, page.get_absolute_url(), snippet, page.rank, whole=page.whole)


# --- Clinicians, in Python -----------------------------------------------------------------

# Words of the licences' meanings that say nothing of a clinician ("marriage and family therapist").
_MEANINGLESS = frozenset({"a", "an", "and", "of", "the"})


def folded_words(text):
    """The words of `text` in lower case and without accents: "José O'Neil" is jose, o, neil."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.findall(r"\w+", "".join(char for char in decomposed if not unicodedata.combining(char)))


def _finds(word, words, starts=False):
    """Whether the query's `word` is one of `words`, its plural, or (`starts`) the start of one
    three letters or more long ("morg" for Morgan)."""
    return any(
        word == other
        or word in (other + "s", other + "es")
        or (starts and len(word) >= 3 and other.startswith(word))
        for other in words
    )


def _clinician_hits(query, clinicians):
    """The hits among `clinicians` for `query`: a word found in the name weighs as a title does (A),
    one in the licence letters or what they mean as a summary (B). Words after a minus leave out
    those who have them; synonyms count as for pages ("therapist" also finds "counselor")."""
    excluded = [word[1:] for word in query.split() if word.startswith("-") and len(word) > 1]
    groups = [group for group in word_groups(query) if not group[0].startswith("-")]
    hits = []
    for clinician in clinicians:
        name = folded_words(clinician.name)
        letters = folded_words(clinician.credentials)
        meant = [
            word
            for _, meaning in meanings(clinician.credentials)
            for word in folded_words(meaning)
            if word not in _MEANINGLESS
        ]
        everything = [*name, *letters, *meant]
        if any(
            all(_finds(word, everything) for word in folded_words(out))
            for out in excluded
            if folded_words(out)
        ):
            continue
        weights = []
        for group in groups:
            alternatives = [folded_words(alternative) for alternative in group]
            alternatives = [words for words in alternatives if words]
            if any(all(_finds(word, name, starts=True) for word in words) for words in alternatives):
                weights.append(WEIGHTS["A"])
            elif any(all(_finds(word, [*letters, *meant]) for word in words) for words in alternatives):
                weights.append(WEIGHTS["B"])
            else:
                weights.append(0.0)
        if not any(weights):
            continue
        rank = sum(weights) / len(weights)
        whole = all(weights)
        detail = "; ".join(
            f"{letters_as_written}: {meaning}"
            for letters_as_written, meaning in meanings(clinician.credentials)
        )
        words = [word for group in groups for word in group]
        snippet = excerpt(clinician.bio, words) if clinician.bio else ""
        by_kind_only = WEIGHTS["A"] not in weights  # not by the name: by the licence alone
        hits.append(
            Hit(
                str(clinician),
                clinician.get_absolute_url(),
                snippet,
                rank,
                detail=detail,
                whole=whole,
                by_kind_only=by_kind_only,
            )
        )
    # The engines' order: every word first, then the best ranked, then (as their primary key) the name.
    hits.sort(key=lambda hit: (not hit.whole, -hit.rank))
    return hits


# --- PostgreSQL --------------------------------------------------------------------------


def _without_tags(expression):
    """Editor HTML as text, in SQL: tags become spaces (entities are decoded in Python)."""
    return Func(
        expression,
        Value("<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def _snippet_text(expression):
    """Editor HTML as text for a snippet, in SQL: a heading, list item or table cell that ends
    without punctuation gets the block separator, so that blocks do not run together."""
    marked = Func(
        expression,
        Value(r"([^.!?:;…\s])\s*</(h[1-6]|li|td|th|caption|dt|dd)>"),
        Value(rf"\1{BLOCK_SEPARATOR}"),
        Value("gi"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return _without_tags(marked)


class _PostgresEngine:
    def __init__(self, query):
        from django.contrib.postgres.search import SearchQuery

        def websearch(text):
            return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)

        # Every word, as written, or with one word read as a word it also finds. Punctuation
        # around a word is PostgreSQL's to ignore; query_words reads a curly apostrophe as a
        # straight one, and so does the text a word is replaced in.
        query = query.replace("’", "'")
        groups = word_groups(query)
        variants = [
            re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", other, query, flags=re.IGNORECASE)
            for word, *others in groups
            for other in others
        ]
        self.whole = reduce(operator.or_, map(websearch, [query, *variants]))
        exact = taken_as_written(query)

        def finds(word):
            # The word as PostgreSQL stems it ("relapsed" finds "relapse"), or where a word starts,
            # as on SQLite ("meth" finds "methamphetamine"), unless the query is taken as written.
            stemmed = SearchQuery(word, search_type="plain", config=SEARCH_CONFIG)
            if (
                exact
                or word in STOP_WORDS
                or len(word) < _SHORTEST_START
                or not _STARTS_A_WORD.fullmatch(word)
            ):
                return stemmed
            # The raw syntax, on a word of letters and digits only: "meth:*". Not stemmed
            # ("simple"), so that "evening" does not find every word that starts "even".
            return stemmed | SearchQuery(f"{word}:*", search_type="raw", config="simple")

        if not exact and groups:
            # Every word, each where a word starts or as one of the words it also finds.
            each = [reduce(operator.or_, map(finds, group)) for group in groups]
            self.whole |= reduce(operator.and_, each)
        # Any word, or a word it also finds, unless the query is taken as written.
        some = [finds(word) for group in groups for word in group]
        exact = exact or not some
        self.query = self.whole if exact else self.whole | reduce(operator.or_, some)
        token = secrets.token_hex(8)
        self.start, self.stop = f"hl{token}start", f"hl{token}stop"

    @staticmethod
    def _vector(*weighted):
        from django.contrib.postgres.search import SearchVector

        vectors = [
            SearchVector(expression, weight=weight, config=SEARCH_CONFIG) for expression, weight in weighted
        ]
        return reduce(operator.add, vectors)

    @classmethod
    def document(cls, model):
        """The weighted document of `model`'s rows, as an expression built for every row.

        For articles and FAQs, PostgreSQL keeps exactly this in their `search_document` column;
        tests/seo/test_search.py compares the two for every row."""
        weighted = {
            Article: (("title", "A"), ("summary", "B"), (_without_tags(F("body")), "C")),
            FAQ: (("question", "A"), (_without_tags(F("answer")), "B")),
            Location: (
                ("name", "A"),
                ("city", "A"),
                ("summary", "B"),
                *((name, "C") for name in GETTING_HERE),
            ),
            Page: (("title", "A"), ("summary", "B"), (_without_tags(F("body")), "C")),
        }[model]
        return cls._vector(*weighted)

    @staticmethod
    def stored_document(model):
        """The document PostgreSQL keeps for each article or FAQ (a generated column, indexed)."""
        from django.contrib.postgres.search import SearchVectorField

        quote = connection.ops.quote_name
        column = f"{quote(model._meta.db_table)}.{quote('search_document')}"
        return RawSQL(column, [], output_field=SearchVectorField())

    def _ranked(self, queryset, vector, snippet_source, limit):
        from django.contrib.postgres.search import SearchHeadline, SearchRank

        return (
            queryset.annotate(document=vector)
            .filter(document=self.query)
            .annotate(
                whole=Case(When(document=self.whole, then=Value(True)), default=Value(False)),
                rank=SearchRank(F("document"), self.query),
                headline=SearchHeadline(
                    snippet_source,
                    self.query,
                    config=SEARCH_CONFIG,
                    start_sel=self.start,
                    stop_sel=self.stop,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-whole", "-rank", "pk")[:limit]
        )

    def _snippet(self, headline):
        return highlight(unescape(headline or ""), self.start, self.stop)

    def articles(self, limit):
        body = _snippet_text(F("body"))
        queryset = Article.objects.published().only("title", "slug", "summary", "published_at")
        vector = self.stored_document(Article)
        source = Concat(F("summary"), Value(" "), body, output_field=TextField())
        for article in self._ranked(queryset, vector, source, limit):
            yield _article_hit(article, self._snippet(article.headline))

    def faqs(self, limit):
        answer = _snippet_text(F("answer"))
        queryset = (
            FAQ.objects.published().select_related("topic").only("question", "topic__name", "topic__slug")
        )
        vector = self.stored_document(FAQ)
        for faq in self._ranked(queryset, vector, answer, limit):
            yield _faq_hit(faq, self._snippet(faq.headline))

    def locations(self, limit):
        queryset = Location.objects.published().only(
            "name", "slug", "summary", "street_address", "city", "state", "postal_code"
        )
        vector = self.document(Location)  # a handful of rows: built as it is read
        # The snippet's text: the summary, then the Getting here texts an editor filled in.
        filled = [NullIf(F(name), Value("")) for name in ("summary", *GETTING_HERE)]
        source = Func(Value(" "), *filled, function="concat_ws", output_field=TextField())
        for location in self._ranked(queryset, vector, source, limit):
            yield _location_hit(location, self._snippet(location.headline))

    def pages(self, limit):
        queryset = Page.objects.published().only("title", "slug")
        vector = self.document(Page)  # a handful of rows: built as it is read
        source = Concat(F("summary"), Value(" "), _snippet_text(F("body")), output_field=TextField())
        for page in self._ranked(queryset, vector, source, limit):
            yield _page_hit(page, self._snippet(page.headline))


# --- SQLite and anything else ------------------------------------------------------------


# The words PostgreSQL's `english` configuration leaves out of a search (its english.stop list):
# left out on SQLite too, where they would be found inside every other word ("i" in "drinking",
# "an" in "plan"), and every page would have them.
_STOP_WORDS_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


# A word of letters and digits only, which the engines may also find where a word starts.
_STARTS_A_WORD = re.compile(r"[^\W_]+")
# On PostgreSQL, a word shorter than this is found whole only: "bus" is not the start of "busy".
_SHORTEST_START = 4
# The endings PostgreSQL's English stemming takes off ("relapsed", "relapses" and "relapse" are
# all "relaps"), in the order they are tried: on SQLite, a word without its ending is also found
# where a word starts, so that "relapsed" finds "relapse" there too.
_ENDINGS = ("ies", "ing", "ed", "es", "s", "e", "y")
_SHORTEST_STEM = 5  # "evening" is not "even", which starts "eventually"


def stem(word):
    """`word` without an ending of _ENDINGS ("relapsed" -> "relaps", "stopped" -> "stop"), or
    `word` itself when none comes off leaving _SHORTEST_STEM letters or more."""
    if not _STARTS_A_WORD.fullmatch(word) or word.isdigit():
        return word
    for ending in _ENDINGS:
        rest = word[: -len(ending)]
        if word.endswith(ending) and len(rest) >= _SHORTEST_STEM:
            if ending in ("ing", "ed") and rest[-1] == rest[-2] and rest[-1] not in "lsz":
                rest = rest[:-1]  # "stopp" is "stop"
            return rest
    return word


def _at_word_start(word):
    """A pattern for `word` where a word starts: "meth" is not found in "something", as
    PostgreSQL, which compares whole words, does not find it there either."""
    return rf"(?<!\w){re.escape(word)}"


def _spellings(word):
    """`word` as a page may spell it: an apostrophe straight or curly ("can't", "can’t"). Both are
    searched, whichever the reader typed (query_words reads a curly one as straight)."""
    return tuple(dict.fromkeys((word, word.replace("'", "’"))))


class _SimpleEngine:
    def __init__(self, query):
        groups = [group for group in word_groups(query) if group[0].lstrip("-") not in STOP_WORDS]
        if not taken_as_written(query):
            # Each word also by its stem, as PostgreSQL finds it: "relapsed" finds "relapse".
            groups = [tuple(dict.fromkeys((*group, stem(group[0])))) for group in groups]
        # A word after a minus leaves out the pages that have it, as websearch_to_tsquery does.
        self.excluded = [group[0][1:] for group in groups if group[0].startswith("-")]
        self.groups = [group for group in groups if not group[0].startswith("-")]
        self.exact = taken_as_written(query)
        # Every word to mark in a snippet: those typed, and those they also find.
        self.words = list(
            dict.fromkeys(
                spelling for group in self.groups for word in group for spelling in _spellings(word)
            )
        )

    def _ranked(self, queryset, weighted_fields, limit):
        if not self.groups:
            return queryset.none()

        def has(group, names):
            return reduce(
                operator.or_,
                (
                    Q(**{f"{name}__iregex": _at_word_start(spelling)})
                    for word in group
                    for spelling in _spellings(word)
                    for name in names
                ),
            )

        names = [name for name, _ in weighted_fields]
        found = [has(group, names) for group in self.groups]
        queryset = queryset.filter(reduce(operator.and_ if self.exact else operator.or_, found))
        for word in self.excluded:
            queryset = queryset.exclude(has((word,), names))
        matched = reduce(
            operator.add,
            (
                Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
                for condition in found
            ),
        )
        rank = reduce(
            operator.add,
            (
                Case(When(has(group, [name]), then=Value(WEIGHTS[weight])), default=Value(0.0))
                for group in self.groups
                for name, weight in weighted_fields
            ),
        )
        return (
            queryset.annotate(matched=matched)
            .annotate(
                whole=Case(
                    When(matched=len(self.groups), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
                rank=rank / Value(float(len(self.groups)), output_field=FloatField()),
            )
            .order_by("-matched", "-rank", "pk")[:limit]
        )

    def _snippet(self, text):
        return excerpt(text, self.words)

    def articles(self, limit):
        queryset = Article.objects.published()
        for article in self._ranked(queryset, [("title", "A"), ("summary", "B"), ("body", "C")], limit):
            yield _article_hit(article, self._snippet(f"{article.summary}\n{plain_text(article.body)}"))

    def faqs(self, limit):
        queryset = FAQ.objects.published().select_related("topic")
        for faq in self._ranked(queryset, [("question", "A"), ("answer", "B")], limit):
            yield _faq_hit(faq, self._snippet(plain_text(faq.answer)))

    def locations(self, limit):
        queryset = Location.objects.published()
        weighted = [("name", "A"), ("city", "A"), ("summary", "B"), *((name, "C") for name in GETTING_HERE)]
        for location in self._ranked(queryset, weighted, limit):
            getting_here = [getattr(location, name) for name in GETTING_HERE]
            yield _location_hit(location, self._snippet("\n".join([location.summary, *getting_here])))

    def pages(self, limit):
        queryset = Page.objects.published()
        for page in self._ranked(queryset, [("title", "A"), ("summary", "B"), ("body", "C")], limit):
            yield _page_hit(page, self._snippet(f"{page.summary}\n{plain_text(page.body)}"))


# --- Snippets ----------------------------------------------------------------------------


def highlight(text, start, stop):
    """Escape `text`, then turn start…stop sentinel pairs into <mark>…</mark>."""
    escaped = escape(" ".join(text.split()))
    marked = re.sub(f"{re.escape(start)}(.*?){re.escape(stop)}", r"<mark>\1</mark>", escaped, flags=re.S)
    # Safe: everything but our own <mark> tags was escaped just above.
    return mark_safe(marked.replace(start, "").replace(stop, ""))


def joined_blocks(text):
    """Lines of text (one per heading, paragraph or list item) as one line: a line that ends
    without punctuation is followed by the block separator, so that a heading does not run into
    the sentence after it ("Signs it has stopped working · There is no single line…")."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    return "".join(
        line + (" " if line.endswith(SENTENCE_ENDINGS) or last else BLOCK_SEPARATOR)
        for last, line in ((index == len(lines) - 1, line) for index, line in enumerate(lines))
    ).strip()


def excerpt(text, words, length=SNIPPET_CHARS):
    """About `length` characters of `text` around the first of `words`, with every word marked."""
    text = joined_blocks(text)
    # Each word where a word starts, as the engines find them: never "meth" in "something". The
    # whole word it starts is marked, as PostgreSQL marks it: "relapse" for "relaps".
    pattern = (
        re.compile(
            "(?:" + "|".join(_at_word_start(word) for word in sorted(words, key=len, reverse=True)) + r")\w*",
            re.IGNORECASE,
        )
        if words
        else None
    )
    first = pattern.search(text) if pattern else None
    begin = max(0, first.start() - length // 3) if first else 0
    if begin:
        begin = text.find(" ", begin) + 1 or begin
    window = text[begin : begin + length]
    if begin + length < len(text):
        window = window.rsplit(" ", 1)[0] + " …"
    if begin:
        window = "… " + window
    token = secrets.token_hex(8)
    start, stop = f"hl{token}start", f"hl{token}stop"
    if pattern:
        window = pattern.sub(lambda match: f"{start}{match.group(0)}{stop}", window)
    return highlight(window, start, stop)


# --- The page ----------------------------------------------------------------------------


def place_named(query):
    """The place `query` names, when it is a ZIP code or a town in Georgia (locations.nearest),
    or None. Someone who searches for "30041" or "Cumming" is looking for the location nearest
    them, which no page names; the locations page can list them nearest first. No query: the
    places are a list in memory."""
    if not query or len(query) > nearest.MAX_LENGTH:
        return None
    try:
        return nearest.find_place(query)
    except nearest.PlaceNotFound:
        return None


# What someone types for a telephone number: digits with spaces, dashes, dots and brackets, perhaps
# after a + ("(470) 284-1834", "470-284-1834", "+1 470 284 1834").
_TYPED_NUMBER = re.compile(r"\+?[\d\s().\-‑–]+")


def national_digits(number):
    """The digits of a US number without the country's 1: "+1 (470) 284-1834" is "4702841834"."""
    digits = re.sub(r"\D", "", number or "")
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


@dataclass
class Dialled:
    """Whose number a search is: the main one (site settings) and the locations with their own."""

    main: bool
    locations: list


def number_dialled(query, settings, locations):
    """Whose number `query` is, when it is a telephone number of ours: the main number or a
    location's own, with or without the area code. None for anything else. Someone who types our
    number wants to call it; the pages that print it are not the answer. No query: the settings
    and locations are the ones every page loads (carter_site.caching)."""
    if not query or not _TYPED_NUMBER.fullmatch(query):
        return None
    typed = national_digits(query)
    if len(typed) not in (7, 10):  # a whole number, or one without its area code
        return None

    def is_typed(number):
        digits = national_digits(number)
        return len(digits) == 10 and digits.endswith(typed)

    main = bool(settings) and is_typed(settings.phone)
    own = [location for location in locations if location.phone and is_typed(location.phone)]
    return Dialled(main, own) if main or own else None


class SearchView(TemplateView):
    """/search/?q=…: results for visitors; never indexed (robots.txt and a noindex tag)."""

    template_name = "search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        raw = self.request.GET.get("q", "")
        query = clean_query(raw)
        results = search(query, clinician_pages(self.request)) if query else None
        crisis = signals_crisis(query)
        if crisis and results is not None and results.partial:
            # "i want to die" has no page; the pages that say "want" are not what was asked for,
            # and "Nothing matched" under the crisis line would only be noise: the line is the answer.
            results = SearchResults(query)
        # A location with every word ("Jefferson") is the answer; one with some of them is not.
        found_a_location = (
            results is not None
            and not results.partial
            and any(group.key == "locations" for group in results.groups)
        )
        context.update(
            query=query,
            shortened=len(" ".join(raw.split())) > MAX_QUERY_LENGTH,
            max_length=MAX_QUERY_LENGTH,
            results=results,
            crisis=crisis,
            near_place=None if found_a_location else place_named(query),
            dialled=number_dialled(query, site_settings(self.request), published_locations(self.request)),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, follow"
        return response
