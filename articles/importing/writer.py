"""Saving a parsed file: one transaction per file, and a report of what was (or would be) done.

Decisions an editor should know (docs/importing.md explains them):

- Articles are saved as drafts, unless the command line asks for --publish.
- Re-importing a file updates the article with the same address (the slug made from the
  title), or else the one article with the same title, if it is still a draft. A published
  or scheduled article is never overwritten: the file is refused with a message saying so.
- An FAQ whose question already exists (ignoring case, spaces and punctuation) is placed as
  it is; its answer is replaced by the file's only while it is unpublished and on no other
  page. New FAQs are unpublished (a clinician reviews answers before they go public) in the
  topic the FAQ heading names, or else in the topic "Imported".
- Each client quote becomes a testimonial that is unpublished and has no consent on file: a
  person must record the client's written authorization before it can appear.
- Locations are linked when their name appears anywhere in the file.
"""

import html
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import slugify

from articles.models import Article, ArticleLocation
from carter_site.database_errors import is_connection_failure
from carter_site.models import SiteSettings
from faqs.models import FAQ, ArticleFAQ, LocationFAQ, Topic
from locations.models import Location
from testimonials.models import ArticleTestimonial, Testimonial

from .document import Block
from .htmlsource import parse_html
from .plaintext import parse_text
from .sources import HTML, ImportFailure, read_source
from .structure import faq_heading_topic
from .text import matching_key, phone_numbers, same_number, shorten

try:  # version history (carter_site.history); the importer works without it
    import reversion
except ImportError:  # pragma: no cover
    reversion = None

logger = logging.getLogger(__name__)

IMPORTED_TOPIC = {"slug": "imported", "name": "Imported", "order": 1000}


@dataclass
class FAQResult:
    question: str
    answer_text: str
    status: str  # "new", "existing" or "updated"
    is_published: bool
    topic: str


@dataclass
class QuoteResult:
    quote: str
    attribution: str
    status: str  # "new" or "existing"


@dataclass
class FileReport:
    """What happened to one file, for the command line and the admin's preview alike."""

    CREATE = "create"
    UPDATE = "update"

    name: str
    dry_run: bool = False
    error: str = ""
    source_format: str = ""
    action: str = ""
    title: str = ""
    title_from_first_sentence: bool = False
    slug: str = ""
    summary: str = ""
    status: str = ""
    article_id: int | None = None
    sections: list[tuple[int, str]] = field(default_factory=list)
    faqs: list[FAQResult] = field(default_factory=list)
    faq_headings: list[str] = field(default_factory=list)
    quotes: list[QuoteResult] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    calls_to_action: list[str] = field(default_factory=list)
    call_to_action_note: str = ""
    body_html: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self):
        return not self.error

    @property
    def new_faq_count(self):
        return sum(1 for faq in self.faqs if faq.status == "new")

    @property
    def verb(self):
        """'Created', 'Would update'…: the action in words."""
        if self.dry_run:
            return {self.CREATE: "Would create", self.UPDATE: "Would update"}.get(self.action, "")
        return {self.CREATE: "Created", self.UPDATE: "Updated"}.get(self.action, "")


def parse_source(source, known_numbers=None):
    """A decoded file to a ParsedArticle, without touching the database.

    `known_numbers` are the center's phone numbers: only a paragraph giving one of them can
    be the call-to-action that is left out. None (in tests) accepts any number.
    """
    if source.format == HTML:
        return parse_html(source, known_numbers)
    return parse_text(source, known_numbers)


def center_numbers():
    """The main number from site settings and each location's own."""
    numbers = [SiteSettings.load().phone, *Location.objects.exclude(phone="").values_list("phone", flat=True)]
    return [number for number in numbers if number]


def import_file(name, fileobj, *, size=None, publish=False, dry_run=False, user=None):
    """Read, parse and save one file. Never raises: whatever goes wrong is in the report."""
    try:
        source = read_source(name, fileobj, size=size)
    except ImportFailure as failure:
        return FileReport(name=name, dry_run=dry_run, error=str(failure))
    except OSError as error:
        return FileReport(
            name=name, dry_run=dry_run, error=f"The file could not be read: {error.strerror or error}."
        )
    return import_source(source, publish=publish, dry_run=dry_run, user=user)


class _DryRun(Exception):
    """Raised at the end of a dry run so that the transaction is rolled back."""


def import_source(source, *, publish=False, dry_run=False, user=None):
    """Parse and save one decoded file in its own transaction. Never raises, but for a database
    that does not answer at all: that is no fault of the file, and manage.py (one sentence) and
    the admin (the page for an outage, 503) say so once.

    A dry run does everything a real import does, inside a transaction that is then rolled
    back, so the preview reports exactly what confirming will do. A real import is one
    version in the article's history, so an editor can compare it or restore the one before.
    """
    report = FileReport(name=source.name, dry_run=dry_run, source_format=source.format)
    try:
        known_numbers = center_numbers()
        parsed = parse_source(source, known_numbers)
        describe(report, parsed)
        with transaction.atomic(), recorded_in_history(f"Imported from {source.name}", user):
            save(parsed, report, publish=publish, known_numbers=known_numbers)
            if dry_run:
                raise _DryRun
    except _DryRun:
        report.article_id = None
    except ImportFailure as failure:
        report.error = str(failure)
    except ValidationError as error:
        if publish and any(
            e.code == "review_required" for e in getattr(error, "error_dict", {}).get("status", [])
        ):
            # The site's rule that publishing needs a current clinical review (Article.clean): the
            # words of a file are new, so no clinician has reviewed them.
            report.error = (
                "This site publishes only articles whose clinical review is current, and the words of an "
                "imported file are new: import it without publishing, ask for a clinical review in the "
                "admin, and publish the article once a clinician has recorded it."
            )
        else:
            report.error = "The article could not be saved: " + "; ".join(validation_messages(error))
    except DatabaseError as error:
        if is_connection_failure(error):
            raise  # no file can be imported: the command or the admin says the database is down
        logger.exception("Importing %s failed in the database", source.name)
        report.error = (
            "The database refused the article, perhaps because someone changed it meanwhile. Try again."
        )
    except Exception:  # one broken file must not stop the others, nor show an error page
        logger.exception("Importing %s failed unexpectedly", source.name)
        report.error = (
            "Something unexpected went wrong while reading this file; it was logged for a developer."
        )
    if report.error:
        report.article_id = None
        report.action = ""
    return report


@contextmanager
def recorded_in_history(comment, user):
    if reversion is None:
        yield
        return
    with reversion.create_revision(atomic=False):
        reversion.set_comment(comment)
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        yield


def validation_messages(error):
    if hasattr(error, "message_dict"):
        return [f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()]
    return list(error.messages)


def describe(report, parsed):
    report.title = parsed.title
    report.title_from_first_sentence = parsed.title_from_first_sentence
    report.summary = parsed.summary
    report.sections = parsed.sections
    report.faq_headings = list(parsed.faq_headings)
    report.calls_to_action = list(parsed.calls_to_action)
    report.body_html = parsed.body_html
    report.warnings = list(parsed.warnings)


# --- Saving -----------------------------------------------------------------------------------


def save(parsed, report, *, publish, known_numbers):
    article = save_article(parsed, report, publish=publish)
    link_locations(article, parsed, report)
    place_faqs(article, parsed, report, publish=publish)
    place_testimonials(article, parsed, report)
    check_phone_numbers(parsed, report, known_numbers)


def make_slug(title, name):
    slug = slugify(title) or slugify(PurePath(name).stem)
    if not slug:
        raise ImportFailure(
            "No recognisable title: neither the title nor the file name has letters to make an address from."
        )
    if len(slug) > Article.slug_limit():
        slug = slug[: Article.slug_limit()].rsplit("-", 1)[0]
    return slug


def find_existing(slug, title):
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        same_title = list(Article.objects.filter(title__iexact=title)[:2])
        article = same_title[0] if len(same_title) == 1 else None
    return article


def save_article(parsed, report, *, publish):
    slug = make_slug(parsed.title, parsed.name)
    article = find_existing(slug, parsed.title)
    if article is not None and article.status == Article.Status.PUBLISHED:
        state = article.get_state().label.lower()
        raise ImportFailure(
            f"“{article.title}” is already published ({state}) at {article.get_absolute_url()}. The import "
            "would replace what readers see without review, so nothing was changed. Edit the article "
            "in the editor, or unpublish it and import the file again."
        )
    if article is None:
        report.action = FileReport.CREATE
        article = Article(slug=slug)
    else:
        report.action = FileReport.UPDATE
        changed = date_format(timezone.localtime(article.updated_at), "DATETIME_FORMAT")
        kept = (
            "The version before the import stays in the article's history."
            if reversion is not None and reversion.is_registered(Article)
            else "Changes made to it in the editor since the last import are lost."
        )
        report.warnings.insert(
            0,
            f"An article with this title is already a draft here (“{article.title}”, last changed {changed}). "
            f"Its title, summary, text, FAQs, quotes and locations {'will be' if report.dry_run else 'were'} "
            f"replaced by the file's. {kept}",
        )
    if article.slug != article.slug.lower():
        # A draft saved before addresses had to be lower case (validate_lower_case): the update
        # writes its address as the rule asks rather than fail on a field the file does not carry.
        article.slug = article.slug.lower()
        report.warnings.append(
            f"Its address had capitals, which visitors' lower-case address never reached; it "
            f"{'will be' if report.dry_run else 'is'} now {article.get_absolute_url()}."
        )
    article.title = parsed.title
    article.summary = parsed.summary
    article.body = parsed.body_html
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = article.published_at or timezone.now()
    article.full_clean()
    article.save()
    report.slug = article.slug
    report.status = article.status
    report.article_id = article.pk
    return article


def link_locations(article, parsed, report):
    text = parsed.all_text()
    calls = "\n".join(parsed.calls_to_action)
    found = []
    for location in Location.objects.order_by("order", "name"):
        name = location.name.strip()
        if not name:
            continue
        pattern = re.compile(
            r"(?<!\w)" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)", re.IGNORECASE
        )
        in_text, in_call = bool(pattern.search(text)), bool(pattern.search(calls))
        if in_text or in_call:
            found.append(location)
            report.locations.append(name if in_text else f"{name} (named only in the call-to-action)")
    ArticleLocation.objects.filter(article=article).delete()
    ArticleLocation.objects.bulk_create(
        ArticleLocation(article=article, location=location) for location in found
    )


def faq_topic(parsed):
    """The topic an FAQ heading names ('FAQ: Returning to IOP'), else 'Imported'."""
    topics = {matching_key(topic.name): topic for topic in Topic.objects.all()}
    for heading in parsed.faq_headings:
        named = topics.get(matching_key(faq_heading_topic(heading)))
        if named is not None:
            return named
    topic = Topic.objects.filter(slug=IMPORTED_TOPIC["slug"]).first()
    if topic is None:
        topic = topics.get(matching_key(IMPORTED_TOPIC["name"]))
    return topic or Topic.objects.create(**IMPORTED_TOPIC)


def plain(rich_text):
    return html.unescape(strip_tags(rich_text or ""))


def place_faqs(article, parsed, report, *, publish):
    ArticleFAQ.objects.filter(article=article).delete()
    if not parsed.faqs:
        return
    topic = faq_topic(parsed)
    existing = {matching_key(question): pk for pk, question in FAQ.objects.values_list("pk", "question")}
    next_order = (FAQ.objects.filter(topic=topic).aggregate(top=Max("order"))["top"] or 0) + 1
    placed = set()
    seen_in_file = set()
    for faq_source in parsed.faqs:
        key = matching_key(faq_source.question)
        if key in seen_in_file:
            # Its first answer is the one kept: a later "See above." must not replace it.
            report.warnings.append(
                f"The question “{faq_source.question}” is asked twice; it is placed once, with the first answer."
            )
            continue
        seen_in_file.add(key)
        answer_text = plain(faq_source.answer_html)
        if key in existing:
            faq = FAQ.objects.select_related("topic").get(pk=existing[key])
            status = "existing"
            if matching_key(plain(faq.answer)) != matching_key(answer_text):
                shown_elsewhere = (
                    ArticleFAQ.objects.filter(faq=faq).exclude(article=article).exists()
                    or LocationFAQ.objects.filter(faq=faq).exists()
                )
                if not faq.is_published and not shown_elsewhere:
                    faq.answer = faq_source.answer_html
                    faq.full_clean()
                    faq.save()
                    status = "updated"
                else:
                    report.warnings.append(
                        f"The FAQ “{faq.question}” already exists with another answer, which was kept because "
                        "it is published or shown on other pages. The file's answer was: "
                        f"“{shorten(answer_text, 200)}” Compare them in the FAQs admin."
                    )
        else:
            faq = FAQ(
                question=faq_source.question,
                answer=faq_source.answer_html,
                topic=topic,
                order=next_order,
                is_published=publish,
            )
            faq.full_clean()
            faq.save()
            next_order += 1
            existing[key] = faq.pk
            status = "new"
        if faq.pk in placed:  # two spellings the file tells apart, one FAQ
            continue
        ArticleFAQ.objects.create(article=article, faq=faq, order=len(placed))
        placed.add(faq.pk)
        report.faqs.append(
            FAQResult(
                question=faq.question,
                answer_text=plain(faq.answer),
                status=status,
                is_published=faq.is_published,
                topic=faq.topic.name,
            )
        )
    new_unpublished = [faq for faq in report.faqs if faq.status == "new" and not faq.is_published]
    if new_unpublished:
        report.warnings.append(
            f"{len(new_unpublished)} new FAQ(s) were saved unpublished in the topic “{topic.name}”. A "
            "clinician should read the answers; then publish them in the FAQs admin (and move them to a "
            "better topic if needed). Until then they do not show on the article or the FAQ page."
        )
    for faq in report.faqs:
        if faq.status != "new" and not faq.is_published:
            report.warnings.append(
                f"The existing FAQ “{faq.question}” is unpublished, so it does not show on the article until "
                "it is published."
            )


def place_testimonials(article, parsed, report):
    ArticleTestimonial.objects.filter(article=article).delete()
    if not parsed.quotes:
        return
    existing = {matching_key(quote): pk for pk, quote in Testimonial.objects.values_list("pk", "quote")}
    locations = list(Location.objects.all())
    placed = set()
    for quote in parsed.quotes:
        key = matching_key(quote.quote)
        if key in existing:
            testimonial = Testimonial.objects.get(pk=existing[key])
            status = "existing"
        else:
            location = location_named_in(quote.attribution, locations)
            testimonial = Testimonial(
                quote=quote.quote,
                # The page shows the location after the attribution: named in both, it would read
                # "Former client, Alpharetta, 2024, Alpharetta".
                attribution=without_town(quote.attribution, location) if location else quote.attribution,
                location=location,
                is_published=False,
                consent_on_file=False,
            )
            testimonial.full_clean()
            testimonial.save()
            existing[key] = testimonial.pk
            status = "new"
        if testimonial.pk in placed:
            continue
        ArticleTestimonial.objects.create(article=article, testimonial=testimonial, order=len(placed))
        placed.add(testimonial.pk)
        report.quotes.append(
            QuoteResult(quote=testimonial.quote, attribution=testimonial.attribution, status=status)
        )
    if any(quote.status == "new" for quote in report.quotes):
        report.warnings.append(
            "Client quotes became testimonials that are unpublished and have no consent on file. They "
            "appear on the article only after someone records the client's written authorization "
            "and publishes them (Testimonials admin)."
        )


def without_town(attribution, location):
    """`attribution` less the location's name and the comma or "in"/"from" that joined it."""
    name = re.escape(location.name)
    shorter = re.sub(rf"\s*(?:,|\b(?:in|from|at)\b)?\s*(?<!\w){name}(?!\w)", "", attribution, flags=re.I)
    shorter = re.sub(r"\s*,\s*,", ",", shorter).strip(" ,")
    return shorter[:1].upper() + shorter[1:] if shorter else attribution


def location_named_in(text, locations):
    named = [
        location
        for location in locations
        if re.search(rf"(?<!\w){re.escape(location.name)}(?!\w)", text, re.I)
    ]
    return named[0] if len(named) == 1 else None


def check_phone_numbers(parsed, report, known_numbers):
    if parsed.calls_to_action:
        report.call_to_action_note = (
            "Left out of the article: every page already ends with the call box, which dials the "
            f"number in site settings ({known_numbers[0]})."
        )
    texts = [block.text for block in parsed.blocks if block.kind != Block.HEADING]
    texts += [faq.answer_text for faq in parsed.faqs]
    for text in texts:
        for number in phone_numbers(text):
            if not any(same_number(number, known) for known in known_numbers):
                report.warnings.append(
                    f"The text gives the phone number {number} (“{shorten(text, 80)}”), which is not one "
                    "of the center's numbers (site settings and locations). It was kept as written: check it."
                )


def check_batch(reports):
    """Files of one batch that make the same article: the later ones update what the first created."""
    first_with_slug = {}
    for report in reports:
        if not report.ok or not report.slug:
            continue
        if report.slug in first_with_slug:
            report.warnings.append(
                f"“{first_with_slug[report.slug]}” in this batch has the same title, so this file updates "
                "the same article: the content of the last of them is what stays."
            )
        else:
            first_with_slug[report.slug] = report.name
