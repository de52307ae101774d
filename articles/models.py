import datetime
import hashlib
import math
import re
from html import unescape

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import slugify

from carter_site.fields import LastSavedField
from carter_site.images import (
    PictureField,
    kept_with_the_picture,
    photo_described,
    photo_errors,
    photo_fields,
    validate_uploaded_image,
)
from carter_site.memo import by_digest
from carter_site.publishing import SeoFields, end_sentence, local_time
from carter_site.redirects import KeepsOldAddresses, redirect_path_limit, validate_lower_case
from carter_site.reversing import cached_reverse
from carter_site.richtext import BLANK_RUN, RichTextField
from carter_site.text import visible_text

WORDS_PER_MINUTE = 200


@by_digest(maxsize=256)
def _word_count(html):
    """Words in a body: remembered per text, since every view of an article shows its reading
    time and parsing a long body costs more than the rest of its header (docs/performance.md)."""
    return len(strip_tags(html or "").split())


def validate_storable_time(value):
    """A time that can be stored once converted to UTC: late in 9999 in Atlanta is already the
    year 10000 in UTC, which Python cannot represent. A clear form error, not a failed save."""
    if value is not None and value.year >= 9999:
        raise ValidationError("Choose a time before the year 9999.", code="out_of_range")


# The earliest year of a time an editor sets on an article (its publish and take-down times, a
# shared preview link's expiry). It catches a slip of the keyboard (0001, or 0026 for 2026), not a
# real date: it leaves room for an article brought over from an older website with its own date
# (docs/editorial-workflow.md, "What the admin refuses").
EARLIEST_YEAR = 2000


def validate_plausible_time(value):
    """A time late enough to be meant: 0001-01-01 went live as "January 1, 0001", with a time
    zone offset of 1883 (local mean time) that no browser reads, and a year 1 in the list's dates."""
    if value is not None and value.year < EARLIEST_YEAR:
        raise ValidationError(
            "Choose a time in the year %(earliest)d or later: nothing on this site is from the year "
            "%(year)d, so the year was probably mistyped.",
            code="too_early",
            params={"earliest": EARLIEST_YEAR, "year": value.year},
        )


def months_after(day, months):
    """The same day `months` calendar months after `day` (before, when negative), or the month's
    last day when it has no such day: a review of 31 March falls due again on 30 September."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first_of_next = datetime.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return datetime.date(year, month + 1, min(day.day, (first_of_next - datetime.timedelta(days=1)).day))


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Live articles: published, their time has come, and not yet expired."""
        now = now or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now).exclude(
            expires_at__lte=now
        )

    def scheduled(self, now=None):
        """Published articles whose time is yet to come: they go live by themselves at it."""
        now = now or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=now)

    def for_list(self):
        """What a list of articles shows, and nothing it does not (the bodies are long)."""
        return self.defer("body")

    def review_due_again(self, months, today=None):
        """Published articles, live or scheduled, whose clinical review is `months` old or older
        (SiteSettings.review_again_after_months; 0 is never) and which nobody has asked a clinician
        to read again yet: what the admin lists as "Due for another review". Their words may not
        have changed; what is true about treatment, insurance and medicines may have."""
        if not months:
            return self.none()
        today = today or timezone.localdate()
        return (
            self.filter(status=Article.Status.PUBLISHED, reviewed_by__isnull=False)
            .filter(reviewed_on__lte=months_after(today, -months))
            .exclude(expires_at__lte=timezone.now())
            .exclude(pk__in=ReviewRequest.objects.open().values("article_id"))
        )

    def waiting_for_review(self, requests=None):
        """Articles with a request for a clinical review that nobody has answered, withdrawn or
        declined; of those, the ones with an open request among `requests` when given (the ones
        asked of a clinician, ReviewRequestQuerySet.asked_of)."""
        requests = ReviewRequest.objects.all() if requests is None else requests
        return self.filter(pk__in=requests.open().values("article_id"))

    def review_declined(self):
        """Articles whose last request for a review was declined, not asked again since, and
        whose review is not current (a review recorded after the decline settles it): what the
        editors still have to act on (docs/editorial-workflow.md, "Declining")."""
        last = (
            ReviewRequest.objects.filter(article=models.OuterRef("pk")).newest_first().values("outcome")[:1]
        )
        declined = self.alias(last_request=models.Subquery(last)).filter(
            last_request=ReviewRequest.Outcome.DECLINED
        )
        return declined.exclude(pk__in=declined._ids_with_current_review())

    def review_current(self):
        """Reviewed, and the words have not changed since (Article.review_is_current)."""
        return self.filter(pk__in=self._ids_with_current_review())

    def without_current_review(self):
        """Never reviewed, or reviewed but changed since: what the site's rule that publishing needs
        a current clinical review keeps from going out (SiteSettings.publishing_needs_review)."""
        return self.exclude(pk__in=self._ids_with_current_review())

    def review_out_of_date(self):
        """Reviewed, but the headline, summary or text changed since (Article.review_is_out_of_date)."""
        return self.filter(reviewed_by__isnull=False).exclude(pk__in=self._ids_with_current_review())

    def _ids_with_current_review(self):
        """One query, whatever the number of articles: the fingerprint strips markup, which SQL
        cannot, so the words of the reviewed articles are read and compared here."""
        reviewed = self.filter(reviewed_by__isnull=False).order_by()
        rows = reviewed.values_list("pk", "title", "summary", "body", "reviewed_fingerprint")
        return [
            pk
            for pk, title, summary, body, signed in rows
            if review_fingerprint(title, summary, body) == signed
        ]

    def related_to(self, article, locations, faqs, limit=3):
        """Up to `limit` other live articles for the foot of `article`'s page ("Read next"): first
        the ones its editor chose (ReadNextChoice), in their order, then the closest of the others
        about the same locations or FAQ topics.

        Closeness is the number of the article's locations and FAQ topics (of published FAQs)
        another article shares; ties go to the newer. `locations` and `faqs` are the ones the
        article page shows (already fetched); the result is a list, from one query however
        many articles there are and however many were chosen. A chosen article that is not live
        (a draft, scheduled, taken down) is left out by the same join that leaves out the others;
        one deleted has no row left. When the page's query says the article chose none
        (`chooses_read_next`, ArticleDetailView) and it has no locations or topics, no query.

        The query scores the narrow link tables first and joins the scores to the live articles,
        rather than joining every article to all its links and counting distinct values per
        article: in PostgreSQL that cost about 3 ms of planning and execution for each article
        page, this costs under 1 (docs/performance.md). The chosen ones are one more branch of
        the scores, ranked by their order before any shared count. Which articles are live still
        comes from `published()`, compiled by the ORM, so there is one definition of it.
        """
        from faqs.models import FAQ, ArticleFAQ

        location_ids = sorted({location.pk for location in locations})
        topic_ids = sorted({faq.topic_id for faq in faqs if faq.topic_id is not None})
        chooses = getattr(article, "chooses_read_next", True) and article.pk is not None
        if not location_ids and not topic_ids and not chooses:
            return []
        connection = connections[self.db]
        quote = connection.ops.quote_name

        def placeholders(values):
            return ", ".join(["%s"] * len(values))

        shared_things, params = [], []
        if location_ids:
            links = ArticleLocation._meta
            shared_things.append(
                f"SELECT {quote(links.get_field('article').column)} AS article_id, 'location' AS kind, "
                f"{quote(links.get_field('location').column)} AS thing FROM {quote(links.db_table)} "
                f"WHERE {quote(links.get_field('location').column)} IN ({placeholders(location_ids)})"
            )
            params += location_ids
        if topic_ids:
            placements, faq = ArticleFAQ._meta, FAQ._meta
            shared_things.append(
                f"SELECT p.{quote(placements.get_field('article').column)}, 'topic', "
                f"f.{quote(faq.get_field('topic').column)} FROM {quote(placements.db_table)} p "
                f"JOIN {quote(faq.db_table)} f ON f.{quote(faq.pk.column)} = p.{quote(placements.get_field('faq').column)} "
                f"WHERE f.{quote(faq.get_field('is_published').column)} = %s "
                f"AND f.{quote(faq.get_field('topic').column)} IN ({placeholders(topic_ids)})"
            )
            params += [True, *topic_ids]
        # Each candidate once per branch: (article, place among the chosen, its row, shared
        # count). The chosen ones have no shared count, the others no place; a chosen article
        # that shares topics too is in both, and the GROUP BY below makes it one.
        candidates = []
        if chooses:
            chosen = ReadNextChoice._meta
            candidates.append(
                f"SELECT {quote(chosen.get_field('chosen').column)} AS article_id, "
                f"{quote(chosen.get_field('order').column)} AS place, {quote(chosen.pk.column)} AS choice, "
                f"0 AS shared FROM {quote(chosen.db_table)} "
                f"WHERE {quote(chosen.get_field('article').column)} = %s"
            )
            params = [article.pk, *params]
        if shared_things:
            candidates.append(
                "SELECT article_id, NULL AS place, NULL AS choice, COUNT(*) AS shared "
                f"FROM ({' UNION '.join(shared_things)}) things "
                "GROUP BY article_id"
            )
        # The live articles, with the columns a list shows, as the ORM writes them; PostgreSQL
        # and SQLite flatten this subquery into a plain scan of the table.
        live = self.published().for_list().exclude(pk=article.pk).order_by()
        live_sql, live_params = live.query.get_compiler(using=self.db).as_sql()
        meta = self.model._meta
        sql = (
            f"SELECT live.*, scores.shared, scores.place FROM ({live_sql}) live JOIN ("
            "SELECT article_id, MIN(place) AS place, MIN(choice) AS choice, MAX(shared) AS shared "
            f"FROM ({' UNION ALL '.join(candidates)}) candidates GROUP BY article_id"
            f") scores ON scores.article_id = live.{quote(meta.pk.column)} "
            "ORDER BY CASE WHEN scores.place IS NULL THEN 1 ELSE 0 END, scores.place, scores.choice, "
            f"scores.shared DESC, live.{quote(meta.get_field('published_at').column)} DESC, "
            f"live.{quote(meta.pk.column)} DESC LIMIT %s"
        )
        return list(self.model._default_manager.db_manager(self.db).raw(sql, [*live_params, *params, limit]))


class ClinicianQuerySet(models.QuerySet):
    def published(self):
        """Clinicians who agreed to a public page, whether or not they still review: a clinician
        who has left is still the reviewer of what they read, and their page stays while they
        agree to it (docs/editorial-workflow.md, "A clinician's page")."""
        return self.filter(has_page=True)


class Clinician(KeepsOldAddresses, models.Model):
    """A licensed clinician who can vouch for what an article says.

    A clinical reviewer signs a review only as the clinician their own account is linked to
    (`user`); only someone allowed to record reviews on a clinician's behalf (Site
    administrators) may choose another (articles.admin.ArticleAdminForm).

    With their agreement (`has_page`), a clinician has a public page at /clinicians/<slug>/:
    their name, licence letters, bio, the photo they gave for it if any, and the live articles
    they wrote (Article.written_by) or their review of is current."""

    name = models.CharField(max_length=120, help_text="Full name, as on the licence.")
    credentials = models.CharField(
        max_length=60, help_text="Licence letters, for example LPC, LCSW, LMFT, MD."
    )
    bio = models.TextField(
        blank=True,
        max_length=800,
        help_text="Two or three plain sentences, shown on the clinician's page as written (no "
        "formatting; an empty line starts a new paragraph).",
    )
    has_page = models.BooleanField(
        "show a page on the site",
        default=False,
        db_default=False,
        help_text="Ask the clinician first, and tick only once they have agreed: their name, licence "
        "letters, bio and the articles they wrote or reviewed then have a public page, and the articles "
        "link to it. Untick to take the page down.",
    )
    slug = models.SlugField(
        max_length=120,
        unique=True,
        default="",
        db_default="",
        validators=[validate_lower_case],
        help_text="The last part of the page's address: morgan-hale makes /clinicians/morgan-hale/. Lower "
        "case, words joined by hyphens, filled in from the name. Once the page is public, a new "
        "address keeps the old one working.",
        error_messages={
            "unique": "Another clinician's page has this address already. Make it different, for "
            "example with a middle initial or the licence letters (morgan-hale-lcsw)."
        },
    )
    was_public = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="Set for good once the clinician's page has been public: renaming it keeps its old address.",
    )
    photo, photo_width, photo_height, photo_copy_widths, photo_alt = photo_fields(
        upload_to="clinicians/%Y/%m/",
        help_text="Optional, shown on the clinician's page. Use only a photo the clinician supplied "
        "themselves and agreed to have on it. JPEG, PNG, GIF or WebP, up to 5 MB.",
    )
    is_active = models.BooleanField(
        "can review", default=True, help_text="Untick when this clinician no longer reviews content."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clinician",
        verbose_name="sign-in account",
        help_text="The staff account this clinician signs in with. A member of Clinical reviewers can "
        "sign reviews only as the clinician linked to their own account.",
        error_messages={
            "unique": "This account is linked to another clinician already. An account signs "
            "reviews for one clinician only."
        },
    )
    # When it was last saved: the change form refuses to undo a save made after it was opened.
    updated_at = LastSavedField()

    objects = ClinicianQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            photo_described("clinician_photo_has_alt"),
        ]

    def __str__(self):
        return f"{self.name}, {self.credentials}"

    def save(self, *args, **kwargs):
        if not self.slug:  # a clinician recorded in code (the admin's form asks for the address)
            self.slug = self.free_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return cached_reverse("clinicians:detail", self.slug)

    def clean(self):
        super().clean()
        errors = photo_errors(self)
        if errors:
            raise ValidationError(errors)

    def free_slug(self):
        """An address made from the name that no other clinician has: "morgan-hale", else
        "morgan-hale-2" and so on ("clinician" for a name without letters an address can hold)."""
        base = slugify(self.name)[:110] or "clinician"
        taken = set(
            Clinician.objects.exclude(pk=self.pk).filter(slug__startswith=base).values_list("slug", flat=True)
        )
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug

    @property
    def is_public(self):
        return self.has_page

    @property
    def credentials_explained(self):
        """What the licence letters mean, in plain words, for the ones we can say honestly."""
        from .credentials import meanings

        return meanings(self.credentials)


# Tags that end a word where they stand: blocks, line breaks, pictures. Bold or a link inside a
# word ("<b>re</b>lapse") does not split it.
_WORD_BREAKING_TAG = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|blockquote|table|caption|thead|tbody|tfoot|tr|td|th|div|figure"
    r"|figcaption|dl|dt|dd|pre|br|hr|img)\b[^>]*>",
    re.IGNORECASE,
)


def review_words(text):
    """The words of `text` (rich or plain) as a reader sees them, one space apart: markup,
    entities and blank paragraphs make no difference."""
    return BLANK_RUN.sub(" ", unescape(strip_tags(_WORD_BREAKING_TAG.sub(" ", text or "")))).strip()


@by_digest(maxsize=512)
def review_fingerprint(title, summary, body):
    """What a clinical review vouches for: everything the article claims in words, its headline
    and summary as well as its text, ignoring markup and spacing. A text saved again, and
    cleaned of what showed nothing (carter_site.richtext: a blank paragraph, empty bold), is the
    same text to its review.

    Remembered per text, like _word_count: reading the words out of a long body costs about a
    millisecond, and a reviewed article's page asks three times (the byline and its structured
    data), the article list once per reviewed row."""
    return hashlib.sha256(
        "\n".join(review_words(part) for part in (title, summary, body)).encode()
    ).hexdigest()


class Article(KeepsOldAddresses, SeoFields):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class State(models.TextChoices):
        """Where an article stands right now, derived from status and dates."""

        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"
        EXPIRED = "expired", "Expired"

    title = models.CharField(
        max_length=200, help_text="The headline, as readers see it at the top of the page."
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        validators=[validate_lower_case],
        help_text="The last part of the page's address: your-article-name makes "
        "/articles/your-article-name/. Lower case, words joined by hyphens, filled in from the title. "
        "Once the article has been public, a new address keeps the old one working.",
    )
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences shown in lists and, unless a meta description is set, "
        "in search results. About 160 characters fit there.",
    )
    body = RichTextField(help_text="The article. Use Heading 2 for sections and Heading 3 inside them.")
    hero_image = PictureField(
        width_field="hero_image_width",
        height_field="hero_image_height",
        copies_field="hero_image_copy_widths",
        upload_to="articles/%Y/%m/",
        blank=True,
        validators=[validate_uploaded_image],
        help_text="Optional picture at the top. JPEG, PNG, GIF or WebP, up to 5 MB.",
    )
    hero_image_width, hero_image_height, hero_image_copy_widths = kept_with_the_picture()
    hero_image_alt = models.CharField(
        "hero image description",
        max_length=250,
        blank=True,
        help_text="Required with a picture: what it shows, for people who cannot see it.",
    )
    author = models.CharField(
        max_length=120,
        blank=True,
        help_text="The byline, typed as it should read, for example 'Carter clinical team'. Leave empty "
        "for none, or when a clinician wrote the article: choose them under “written by” instead.",
    )
    # The other kind of byline: a clinician on record, named with their licence letters and linked
    # to their page when they have one. An article has one byline or none, never both (clean(),
    # article_one_byline). PROTECT: a clinician named on an article cannot be deleted, so no page
    # ever loses or changes its byline without an editor choosing to (docs/editorial-workflow.md).
    written_by = models.ForeignKey(
        Clinician,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="written_articles",
        verbose_name="written by",
        help_text="Optional: the clinician who wrote the article. The byline then reads “By” their name "
        "and licence letters, and links to their page if they have one. Leave “author” empty when you "
        "choose someone here.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Drafts are never public. Published articles go live at their publish time.",
    )
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        db_index=True,
        help_text="When the article goes live. With the status Published, a future time schedules it; "
        "a draft stays a draft whatever the time. Left empty when publishing, it is set to now.",
        validators=[validate_plausible_time, validate_storable_time],
    )
    was_public = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="Set for good once the article has been public: renaming it keeps its old address.",
    )
    expires_at = models.DateTimeField(
        "take down at",
        null=True,
        blank=True,
        help_text="Optional. The article stops being public at this time.",
        validators=[validate_plausible_time, validate_storable_time],
    )
    reviewed_by = models.ForeignKey(
        Clinician,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_articles",
        verbose_name="clinically reviewed by",
        # A clinician who no longer reviews cannot sign a new review, nor is offered for one; a
        # review they signed stays (articles.admin.ArticleAdminForm, ClinicianAdmin).
        help_text="Only clinical reviewers can set this.",
    )
    reviewed_on = models.DateField(
        "clinical review date", null=True, blank=True, help_text="The day the clinician checked the article."
    )
    reviewed_fingerprint = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    # When readers last got new words: a save that changed the headline, summary or text
    # (review_fingerprint) of an article that had been public. Empty until then: what is written
    # before an article goes out is drafting, and a small correction keeps the date
    # (keeps_words_date). The page shows it as "Updated", and it is the JSON-LD dateModified and
    # the feeds' updated (docs/editorial-workflow.md, "The date readers see").
    words_changed_at = models.DateTimeField("words last changed", null=True, blank=True, editable=False)
    # The fingerprint of the words as last saved, to tell a change of words from any other save.
    words_fingerprint = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = LastSavedField()
    locations = models.ManyToManyField(
        "locations.Location",
        through="ArticleLocation",
        blank=True,
        related_name="articles",
        help_text="The locations this article is about; it is listed on their pages.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        permissions = [
            ("review_article", "Can record the clinical review of an article"),
            ("review_for_any_clinician", "Can record a clinical review on any clinician's behalf"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reviewed_by__isnull=True, reviewed_on__isnull=True)
                | models.Q(reviewed_by__isnull=False, reviewed_on__isnull=False),
                name="article_review_has_reviewer_and_date",
                violation_error_message="A clinical review needs both the clinician and the date.",
            ),
            models.CheckConstraint(
                condition=models.Q(written_by__isnull=True) | models.Q(author=""),
                name="article_one_byline",
                violation_error_message="An article has one byline: either a clinician under “written "
                "by” or the words typed in “author”, not both.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message="A published article needs a publish time.",
            ),
            models.CheckConstraint(
                condition=models.Q(hero_image="") | ~models.Q(hero_image_alt=""),
                name="article_hero_image_has_alt",
                violation_error_message="Describe the hero image for people who cannot see it.",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True)
                | models.Q(published_at__isnull=True)
                | models.Q(expires_at__gt=models.F("published_at")),
                name="article_expires_after_publish",
                violation_error_message="The take-down time must be after the publish time.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return cached_reverse("articles:detail", self.slug)

    @staticmethod
    def slug_limit():
        """The longest slug whose address (/articles/<slug>/) a redirect keeps, so that renaming
        the article later still leads readers from the old address to the new."""
        return redirect_path_limit() - (len(cached_reverse("articles:detail", "x")) - 1)

    def clean(self):
        super().clean()
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            raise ValidationError(
                {"reviewed_on": "A review date cannot be in the future: give the day the clinician read it."}
            )
        refused = self.review_date_refusal()
        if refused is not None:
            raise refused
        if self.hero_image and not self.hero_image_alt.strip():
            raise ValidationError(
                {
                    "hero_image_alt": "Describe the picture for people who cannot see it (required with an image)."
                }
            )
        publishing_now = self.status == self.Status.PUBLISHED and not self.published_at
        if publishing_now:
            self.published_at = timezone.now()
        expires_at, published_at = self.expires_at, self.published_at
        # A take-down time before 2000 is refused by its field (validate_plausible_time): said once.
        if expires_at and published_at and expires_at.year >= EARLIEST_YEAR and expires_at <= published_at:
            # The database refuses it too (article_expires_after_publish), but its message shows
            # only at the top of the form; this one sits beside the field to change.
            raise ValidationError(
                {
                    "expires_at": "The take-down time must be after the publish time"
                    + (", which is now when you publish without one" if publishing_now else "")
                    + ". Change it, or clear it to keep the article up."
                }
            )
        if self.written_by_id and self.author:
            # The database refuses it too (article_one_byline); this says it beside the field.
            raise ValidationError(
                {
                    "written_by": f"An article has one byline: {self.written_by} here, or “{self.author}” "
                    "typed in “author”, not both. Clear “author” for the byline to name the clinician, "
                    "or clear this field to keep the typed byline."
                }
            )
        refused = self.review_rule_refusal()
        if refused is not None:
            raise refused
        if self.review_rule_unschedules():
            # Scheduled, it would go live at its time without a current review: a draft again.
            self.status = self.Status.DRAFT
            self.unscheduled_by_review_rule = True

    # --- The site's rule that publishing needs a current clinical review (SiteSettings). The
    # one place it is written: every form that saves an article (the admin's change form, a
    # restore or a recovery, the importer) calls clean(); the bulk Publish action asks
    # ArticleQuerySet.review_current for the articles it makes public.

    # Set by the form saving the article (articles.admin.ArticleAdminForm), read by clean(): a
    # clinical review of the text as it will be saved is recorded with this save (record_review
    # runs after the checks), so the words need no earlier review.
    records_review_with_save = False
    # What the article was before this change, as field values, when the database no longer says:
    # a restore writes the old version over the row before its form is checked; {} when nothing
    # was saved before (a deleted article being recovered). None: read it from the database.
    saved_before = None

    REVIEW_RULE_FIELDS = ("status", "published_at", "expires_at", "title", "summary", "body")

    def review_rule_refusal(self, now=None):
        """The ValidationError that refuses this save under the site's rule that publishing needs
        a current clinical review, or None when it may be saved (or the rule is off).

        With the rule on, an article that is public or scheduled once saved needs a current review
        (or one recorded in the same save) when this save makes it public or scheduled, or changes
        its words (review_fingerprint: the headline, summary and text). A save that changes
        neither, of an article published before the rule was switched on, is left alone: its SEO
        fields, picture, take-down time, or a clinician withdrawing a review."""
        from carter_site.models import SiteSettings

        if not SiteSettings.load().publishing_needs_review:
            return None
        going_out = (self.State.SCHEDULED, self.State.LIVE)
        state = self.get_state(now)
        if state not in going_out or self.records_review_with_save or self.review_is_current:
            return None
        before = self._saved_before_this_change()
        if before is None or before.get_state(now) not in going_out:
            why = (
                f"{self.reviewed_by}'s review ({date_format(self.reviewed_on)}) is of other words"
                if self.reviewed_by_id
                else "no clinician has reviewed it"
            )
            return ValidationError(
                {
                    "status": ValidationError(
                        f"This site publishes only articles whose clinical review is current, and {why}. "
                        "Nothing was saved. Keep the status Draft and save your changes, then ask for a "
                        "review (“Ask for clinical review” at the top of the article's page); once a "
                        "clinician has recorded it, publish or schedule the article.",
                        code="review_required",
                    )
                }
            )
        if before.fingerprint() != self.fingerprint():
            where = "live" if state == self.State.LIVE else f"scheduled for {local_time(self.published_at)}"
            return ValidationError(
                f"This article is {where}, and this site publishes only words a clinician has reviewed: "
                "your changes to its headline, summary or text were not saved, since no clinician has "
                "reviewed the new words. Either set the status to Draft and save, which takes the article "
                "off the site with your changes until a clinician has reviewed them and you publish it "
                "again; or leave its words as they are and ask a clinician to review the change with you "
                "(a clinician who may edit articles, or a site administrator, can make it and record the "
                "review in the same save). The SEO title, meta description, picture and take-down time "
                "can be changed as usual.",
                code="reviewed_words_changed",
            )
        return None

    def review_date_refusal(self, now=None):
        """The ValidationError that refuses the review recorded with this save
        (records_review_with_save) when it is dated before the words it signs were written, or
        None. Only a review being recorded is checked: a saved review of earlier words stays as it
        was, out of date. The importer records no review; the demo content writes its own.

        The words (review_fingerprint: headline, summary, text) were written today when this save
        writes them, a new article's included; otherwise on the day they last changed for readers
        (words_changed_at, the page's "Updated" and its dateModified); failing that, on the day
        the article was created. Words changed only while it was a draft are not dated
        (note_words_change), so for those the day it was created is the earliest this site knows."""
        day = self.reviewed_on
        if not (self.records_review_with_save and day):
            return None
        today = timezone.localdate(now)
        before = self._saved_before_this_change() if self.pk is not None else None
        if self.pk is None:
            written, why = today, "This article is new with this save"
        elif before is not None and before.fingerprint() != self.fingerprint():
            written, why = today, "Its headline, summary or text change with this save"
        elif self.words_changed_at:
            written = timezone.localdate(self.words_changed_at)
            why = f"Its words were last changed on {date_format(written)}"
        else:
            written = timezone.localdate(self.created_at) if self.created_at else today
            why = f"It was created here on {date_format(written)}"
        if day >= written:
            return None
        choose = f"today, {date_format(today)}" if written >= today else f"{date_format(written)} or later"
        return ValidationError(
            {
                "reviewed_on": ValidationError(
                    f"{why}, so no clinician can have read these words on {date_format(day)}: a review "
                    f"vouches for the words as they stand. Give the day the clinician read them, {choose}.",
                    code="review_before_words",
                )
            }
        )

    # Set by clean() when review_rule_unschedules() sent the article back to draft: read by the
    # admin to say so after the save and in the article's history.
    unscheduled_by_review_rule = False

    UNSCHEDULED_RECORD = (
        "Back to draft: this site publishes only articles whose clinical review is current, and this "
        "scheduled article was left without one. Its publish time is kept: once a clinician has reviewed "
        "it, set the status to Published and save to schedule it again."
    )

    def review_rule_unschedules(self, now=None):
        """Whether this save, which the rule does not refuse, would leave the article scheduled
        without a current clinical review while the rule is on: a clinician withdrawing their
        review of a scheduled article (their name must not stay on words they no longer vouch
        for), or any save of one scheduled before the rule was switched on. It would go live at its
        time unreviewed, with nobody saving it then: clean() takes it back to draft instead."""
        from carter_site.models import SiteSettings

        return bool(
            self.get_state(now) == self.State.SCHEDULED
            and not self.records_review_with_save
            and not self.review_is_current
            and SiteSettings.load().publishing_needs_review
        )

    def _saved_before_this_change(self):
        """The article as saved before this change (only the fields the rule reads), or None."""
        fields = self.REVIEW_RULE_FIELDS
        if self.saved_before is not None:
            values = {name: self.saved_before[name] for name in fields} if self.saved_before else None
        elif self.pk is None:
            values = None
        else:
            values = type(self)._default_manager.filter(pk=self.pk).values(*fields).first()
        return None if values is None else Article(**values)

    # Set by the form saving the article (the admin's "Small correction" box): new words are saved
    # without a new "Updated" date.
    keeps_words_date = False

    def note_words_change(self, now=None):
        """Before a save: when the words readers see (review_fingerprint) differ from those last
        saved and the article had been public before this save, they are new to readers, dated
        now; unless the editor called it a small correction (keeps_words_date).

        A restore has just written the old version over the row, its date and fingerprint too:
        what was saved before it (saved_before) says what readers had, and its date stays unless
        the restored words differ from theirs. Recovering a deleted article ({}) brings it back as
        it was. An empty stored fingerprint (a version saved before there was one) tells nothing:
        no date from it."""
        words = self.fingerprint()
        if self.saved_before is not None:
            before = self.saved_before or None
            if before is not None:
                self.words_fingerprint = before.get("words_fingerprint", "")
                self.words_changed_at = before.get("words_changed_at")
        elif self.pk is None:
            before = None
        else:
            before = {}  # read below, only when the words changed
        if before is not None and self.words_fingerprint and self.words_fingerprint != words:
            if not before:
                before = (
                    type(self)
                    ._default_manager.filter(pk=self.pk)
                    .values("status", "published_at", "was_public")
                    .first()
                    or {}
                )
            if self._was_public_before(before, now) and not self.keeps_words_date:
                self.words_changed_at = now or timezone.now()
        self.words_fingerprint = words

    def _was_public_before(self, before, now=None):
        """Whether the article, as `before` (field values) has it, had been public: it says so
        (was_public), or it was published and its time had come."""
        published_at = before.get("published_at")
        return bool(
            before.get("was_public")
            or (
                before.get("status") == self.Status.PUBLISHED
                and published_at is not None
                and published_at <= (now or timezone.now())
            )
        )

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        self.note_words_change()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "words_fingerprint", "words_changed_at"}
        super().save(*args, **kwargs)
        self.keeps_words_date = False
        if getattr(self, "_review_recorded", False):
            self._review_recorded = False
            # Read by the admin after the save, to tell whoever asked (articles.notices).
            self.answered_review_requests = self.review_requests.open().answer(self.reviewed_by)

    @property
    def has_been_public(self):
        """Public now or at any time before (unpublished since): its address has been shared."""
        return self.was_public or bool(
            self.status == self.Status.PUBLISHED and self.published_at and self.published_at <= timezone.now()
        )

    def record_review(self, clinician, on):
        """The clinician vouches for the article as it reads now. Saving it answers the request
        for a review, if one is open (ReviewRequest): the review is of the text as it stands."""
        self.reviewed_by = clinician
        self.reviewed_on = on
        self.reviewed_fingerprint = self.fingerprint() if clinician else ""
        self._review_recorded = clinician is not None

    @property
    def open_review_request(self):
        """The request for a clinical review waiting for an answer, or None. Read with the article
        when ArticleAdmin.get_queryset prefetched its last request (`last_review_requests`),
        otherwise here."""
        if hasattr(self, "last_review_requests"):
            last = self.last_review_requests[0] if self.last_review_requests else None
            return last if last is not None and last.closed_at is None else None
        if self.pk is None:
            return None
        return self.review_requests.open().select_related("asked_by", "clinician").first()

    @property
    def declined_review_request(self):
        """The last request for a review when it was declined, none was asked since and no review
        of the text as it stands settled it (as ArticleQuerySet.review_declined), or None. Read
        from the prefetched `last_review_requests` (ArticleAdmin.get_queryset), otherwise here."""
        if hasattr(self, "last_review_requests"):
            last = self.last_review_requests[0] if self.last_review_requests else None
        elif self.pk is None:
            return None
        else:
            last = self.review_requests.newest_first().select_related("declined_by__clinician").first()
        if last is None or last.outcome != ReviewRequest.Outcome.DECLINED or self.review_is_current:
            return None
        return last

    @property
    def updated_on(self):
        """When the words last changed, if that was on a later day than the article went out (in
        the site's time zone): what the page shows as "Updated". None otherwise: a change made the
        day it was published is part of publishing it."""
        changed, published = self.words_changed_at, self.published_at
        if changed is None or published is None:
            return None
        return changed if timezone.localdate(changed) > timezone.localdate(published) else None

    @property
    def review_is_current(self):
        return bool(self.reviewed_by_id and self.reviewed_fingerprint == self.fingerprint())

    def fingerprint(self):
        return review_fingerprint(self.title, self.summary, self.body)

    def review_due_again_on(self, months):
        """The day the review falls due again after `months` (SiteSettings.review_again_after_months),
        or None: not reviewed, or the site never asks again (0)."""
        if not (months and self.reviewed_by_id and self.reviewed_on):
            return None
        return months_after(self.reviewed_on, months)

    def review_is_due_again(self, months, today=None):
        """Whether this article is published, not taken down, and its review `months` old or older
        (ArticleQuerySet.review_due_again, but for whether someone asked already)."""
        due = self.review_due_again_on(months)
        return (
            due is not None
            and due <= (today or timezone.localdate())
            and self.get_state() in (self.State.LIVE, self.State.SCHEDULED)
        )

    @property
    def review_is_out_of_date(self):
        return bool(self.reviewed_by_id) and not self.review_is_current

    def get_state(self, now=None):
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED:
            return self.State.DRAFT
        if self.expires_at and self.expires_at <= now:
            return self.State.EXPIRED
        if self.published_at > now:
            return self.State.SCHEDULED
        return self.State.LIVE

    @property
    def is_public(self):
        return self.get_state() == self.State.LIVE

    @property
    def byline(self):
        """What follows “By” on the page and in the feeds: the clinician who wrote the article, with
        their licence letters, else the words typed in `author` ("" for no byline). Read with the
        article (select_related("written_by")) wherever a page or list shows it."""
        return str(self.written_by) if self.written_by_id else self.author

    @property
    def word_count(self):
        return _word_count(self.body)

    @property
    def reading_minutes(self):
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))


class ArticleLocation(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="location_links")
    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT, related_name="article_links")

    class Meta:
        verbose_name = "location of an article"
        verbose_name_plural = "locations of this article"
        constraints = [
            models.UniqueConstraint(fields=["article", "location"], name="article_location_unique")
        ]

    def __str__(self):
        return f"{self.location} in “{self.article}”"


class ReadNextChoice(models.Model):
    """An article an editor chose to show under "Read next" at the foot of another's page, before
    the ones chosen by shared locations and topics (ArticleQuerySet.related_to). Up to three per
    article, in the editor's order (ReadNextFormSet refuses a fourth); one not live is not shown.
    Part of the article's versions, like its placements (articles.apps)."""

    LIMIT = 3

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_next_choices")
    # Deleting the chosen article takes the choice with it: the page fills the place by itself.
    chosen = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="chosen_to_read_next", verbose_name="article"
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first; equal numbers keep the order they were added in."
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "article to read next"
        verbose_name_plural = "articles to read next"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "chosen"],
                name="read_next_chosen_once",
                violation_error_message="This article is chosen already.",
            ),
            models.CheckConstraint(
                condition=~models.Q(chosen=models.F("article")),
                name="read_next_not_itself",
                violation_error_message="An article cannot be its own “Read next”.",
            ),
        ]

    def __str__(self):
        return f"“{self.chosen}” to read after “{self.article}”"


class PreviewLinkQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(revoked=False, expires_at__gt=now or timezone.now())


def default_preview_expiry():
    return timezone.now() + datetime.timedelta(days=PreviewLink.DEFAULT_DAYS)


class PreviewLink(models.Model):
    """A signed, expiring, revocable address that shows one article, unpublished, to anyone who has it."""

    DEFAULT_DAYS = 7
    SIGNING_SALT = "articles.preview-link"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    note = models.CharField(
        max_length=120, blank=True, help_text="Who it is for, for example 'Dr. Lee, outside review'."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(
        default=default_preview_expiry,
        help_text="The link stops working at this time (7 days by default).",
        validators=[validate_plausible_time, validate_storable_time],
    )
    revoked = models.BooleanField(default=False, help_text="Tick to stop the link working at once.")

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "shared preview link"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of “{self.article}”" + (f" for {self.note}" if self.note else "")

    def get_absolute_url(self):
        return reverse("articles:shared_preview", kwargs={"token": self.token})

    def clean(self):
        super().clean()
        # A new link that has expired already would be sent and never work. A saved link may be
        # moved into the past: that ends it, as Revoked does. A time before the year 2000 is
        # refused by its field already (validate_plausible_time), in words of its own.
        expires_at = self.expires_at
        if (
            self._state.adding
            and expires_at
            and expires_at.year >= EARLIEST_YEAR
            and expires_at <= timezone.now()
        ):
            raise ValidationError(
                {
                    "expires_at": f"This time has passed ({local_time(self.expires_at)}), so the link would "
                    f"not work for anyone. Choose a later time: {self.DEFAULT_DAYS} days from now is usual."
                }
            )

    @property
    def token(self):
        """Signed, so it cannot be forged; without a timestamp, so the address stays the same.
        When it stops working is the row's business (expires_at, revoked)."""
        return signing.Signer(salt=self.SIGNING_SALT).sign_object(
            {"link": self.pk, "article": self.article_id}, compress=True
        )

    @property
    def is_active(self):
        return not self.revoked and self.expires_at > timezone.now()

    class Ended(Exception):
        """A token this site signed, whose link has expired, been revoked or been deleted."""

    @classmethod
    def from_token(cls, token):
        """The active link the token names, or None if the token is not one this site signed
        (made up, or changed on the way). Raises PreviewLink.Ended for a genuine token whose link
        no longer works: only the person it was sent to can hold one, so saying it has ended
        tells nobody anything new, while a guessed token learns nothing."""
        try:
            data = signing.Signer(salt=cls.SIGNING_SALT).unsign_object(token)
            lookup = {"pk": data["link"], "article_id": data["article"]}
        except (signing.BadSignature, KeyError, TypeError):
            return None
        link = cls.objects.active().select_related("article").filter(**lookup).first()
        if link is None:
            raise cls.Ended
        return link


class ReviewRequestQuerySet(models.QuerySet):
    def open(self):
        """Waiting for a clinician: not answered by a review, withdrawn or declined."""
        return self.filter(closed_at__isnull=True)

    def answer(self, clinician=None):
        """A review of the text as it stands was recorded, by `clinician`: the open requests leave
        the queue, remembering whose review answered them. Returns the requests this answered, with
        who asked each (for the email to them, articles.notices); one withdrawn or declined at the
        same moment is not among them, as it stays as the other closed it."""
        now, answered = timezone.now(), []
        for waiting in self.open().select_related("asked_by"):  # one per article at most
            closed = (
                ReviewRequest.objects.open()
                .filter(pk=waiting.pk)
                .update(closed_at=now, outcome=ReviewRequest.Outcome.REVIEWED, answered_by=clinician)
            )
            if closed:
                waiting.closed_at, waiting.outcome, waiting.answered_by = (
                    now,
                    ReviewRequest.Outcome.REVIEWED,
                    clinician,
                )
                answered.append(waiting)
        return answered

    def closed(self):
        """Answered, withdrawn or declined: an article's past requests (ArticleAdmin.past_review_requests)."""
        return self.filter(closed_at__isnull=False)

    def newest_first(self):
        """The open request first (one at most per article), then the closed ones, last closed first."""
        return self.order_by(models.F("closed_at").desc(nulls_first=True), "-pk")

    def last_of_each_article(self):
        """Each article's last request: the one waiting if there is one, otherwise the last closed.
        What the article list's review column shows (ArticleAdmin.get_queryset), one row per article."""
        last = (
            ReviewRequest.objects.filter(article=models.OuterRef("article")).newest_first().values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(last))

    def asked_of(self, clinician):
        """Requests naming `clinician`: the ones their account sees first (docs/roles.md)."""
        return self.filter(clinician=clinician)

    def for_anyone(self):
        """Requests naming no clinician: for whichever clinical reviewer is free."""
        return self.filter(clinician__isnull=True)


class ReviewRequest(models.Model):
    """An editor asks a clinician to review an article (docs/editorial-workflow.md, "Asking for a
    review"). Staff only: no public page reads it, and it is not content (saving one leaves the
    page cache alone, carter_site.caching.NOT_CONTENT).

    One request per article waits at a time. Recording a review of the article, which vouches for
    its text as it stands, answers it (Article.record_review); an edit made after it was asked
    changes nothing: the request is for the text as it stands when the clinician reads it. The
    editor may withdraw it, a clinical reviewer decline it with a reason (decline); closed, it
    stays as the article's history of requests."""

    class Outcome(models.TextChoices):
        REVIEWED = "reviewed", "Answered by a review"
        WITHDRAWN = "withdrawn", "Withdrawn"
        DECLINED = "declined", "Declined"

    NOTE_LIMIT = 300
    REASON_LIMIT = 300

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_requests")
    clinician = models.ForeignKey(
        Clinician,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_requests",
        verbose_name="clinician asked",
        help_text="Optional: the clinician you would like to read it. Leave empty for any clinical reviewer.",
    )
    note = models.CharField(
        max_length=NOTE_LIMIT,
        blank=True,
        help_text="Optional, one or two sentences for the clinician: what changed, what to check, by when. "
        "Staff see it; visitors never do.",
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The clinician whose review answered the request (empty for requests answered before it was
    # recorded, or a clinician since removed).
    answered_by = models.ForeignKey(
        Clinician, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(
        "reason",
        max_length=REASON_LIMIT,
        blank=True,
        default="",
        db_default="",
        help_text="Why you are not reviewing it, in a sentence the editor can act on: “not my field, ask "
        "Dr. Lee”, “the dosage section needs a pharmacist”. Staff see it; visitors never do.",
    )

    objects = ReviewRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "request for a clinical review"
        verbose_name_plural = "requests for a clinical review"
        ordering = ["-asked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(closed_at__isnull=True),
                name="review_request_one_open_per_article",
                violation_error_message="A review of this article has been asked for already.",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, outcome="")
                | (models.Q(closed_at__isnull=False) & ~models.Q(outcome="")),
                name="review_request_closed_with_outcome",
                violation_error_message="A closed request says whether it was answered, withdrawn or declined.",
            ),
            # A declined request always says why, and only a declined one has a reason.
            models.CheckConstraint(
                condition=(models.Q(outcome="declined") & ~models.Q(decline_reason=""))
                | (~models.Q(outcome="declined") & models.Q(decline_reason="")),
                name="review_request_declined_with_reason",
                violation_error_message="A declined request says why it was declined.",
            ),
        ]

    def __str__(self):
        return f"Clinical review of “{self.article}” asked for on {local_time(self.asked_at)}"

    def clean(self):
        super().clean()
        if self.closed_at is None and self.article_id is not None:
            refused = self.refusal(self.article)
            if refused:
                raise ValidationError(refused)
        if self._state.adding and self.clinician is not None and not self.clinician.is_active:
            raise ValidationError(
                {
                    "clinician": f"{self.clinician} no longer reviews (“can review” is unticked on their "
                    "clinician record). Choose a clinician who reviews, or leave it empty."
                }
            )

    @staticmethod
    def refusal(article):
        """Why a review of `article` cannot be asked for now, or "" when it can. Reads only what
        the article holds (its open request prefetched by the admin), so a list asks no more."""
        waiting = article.open_review_request
        if waiting is not None:
            return f"{waiting.described()} Withdraw it first to ask again."
        if article.review_is_current:
            return (
                f"{article.reviewed_by}'s review of this text is current (reviewed "
                f"{date_format(article.reviewed_on)}): there is nothing new to review."
            )
        return ""

    def described(self):
        """ "Review asked for by Sam Lee on May 4, 2026, 9:15 a.m., of Dana Reyes, LPC." """
        asker = (
            (self.asked_by.get_full_name() or self.asked_by.get_username()) if self.asked_by else "someone"
        )
        of = f", of {self.clinician}" if self.clinician_id else ""
        return f"Review asked for by {asker} on {end_sentence(local_time(self.asked_at) + of)}"

    def withdraw(self, by):
        """Close the request as withdrawn; False when it was closed meanwhile (answered by a review,
        or withdrawn by someone else), in which case nothing changes."""
        now = timezone.now()
        closed = (
            ReviewRequest.objects.open()
            .filter(pk=self.pk)
            .update(closed_at=now, outcome=self.Outcome.WITHDRAWN, withdrawn_by=by)
        )
        if closed:
            self.closed_at, self.outcome, self.withdrawn_by = now, self.Outcome.WITHDRAWN, by
        return bool(closed)

    def decline(self, by, reason):
        """A clinical reviewer will not review it, and says why: the request leaves the queue.
        False when it was closed meanwhile (answered by a review, withdrawn, or declined by
        someone else), in which case nothing changes. Who may decline which request is the
        admin's rule (ArticleAdmin.why_not_decline); the reason is required."""
        reason = " ".join(visible_text(reason or "", single_line=True).split())
        if not reason:
            raise ValueError("A request is declined with a reason.")
        now = timezone.now()
        closed = (
            ReviewRequest.objects.open()
            .filter(pk=self.pk)
            .update(closed_at=now, outcome=self.Outcome.DECLINED, declined_by=by, decline_reason=reason)
        )
        if closed:
            self.closed_at, self.outcome = now, self.Outcome.DECLINED
            self.declined_by, self.decline_reason = by, reason
        return bool(closed)

    @staticmethod
    def person(user):
        """How a staff member is named to the others: as their clinician when their account is
        linked to one (read with the request, select_related), otherwise by name."""
        if user is None:
            return "someone"
        clinician = getattr(user, "clinician", None)
        return str(clinician) if clinician else user.get_full_name() or user.get_username()

    def outcome_described(self):
        """What became of a closed request, by whom and when: "Declined by Dana Reyes, LPC on
        May 5, 2026, 10 a.m." """
        when = end_sentence(local_time(self.closed_at)) if self.closed_at else ""
        match self.outcome:
            case self.Outcome.REVIEWED:
                by = f" from {self.answered_by}" if self.answered_by_id else ""
                return f"Answered by a review{by} on {when}"
            case self.Outcome.WITHDRAWN:
                return f"Withdrawn by {self.person(self.withdrawn_by)} on {when}"
            case self.Outcome.DECLINED:
                return f"Declined by {self.person(self.declined_by)} on {when}"
        return "Waiting for a review."


class NoticePreference(models.Model):
    """Which emails a staff member wants: about requests for a clinical review (articles.notices),
    the report of links that lead nowhere (carter_site.link_report), and the weekly email of what is
    coming up (carter_site.coming_up_email). One row per account, made when they first change it on
    *My notices*; an account without one gets them all. Each person changes only their own, so the
    model has no permissions to give."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    review_requests = models.BooleanField(
        "email me about requests for a clinical review",
        default=True,
        help_text="A review asked of you (or of any clinical reviewer, when you record reviews), and what "
        "became of a request you asked: answered by a review, declined with a reason, or withdrawn by "
        "someone else. The admin shows all of it either way.",
    )
    link_report = models.BooleanField(
        "email me the weekly report of links that lead nowhere",
        default=True,
        db_default=True,
        help_text="When the site's weekly check finds links in published texts that lead visitors to no page "
        "(a page taken down, a draft, a part of a page that is gone), you get the list of those in texts you "
        "may edit: where each one is, its page in the site editor, and what is wrong. Nothing is sent when "
        "every link works.",
    )
    coming_up = models.BooleanField(
        "email me each week what the site will change by itself",
        default=True,
        db_default=True,
        help_text="Once a week, the changes of the next seven days that happen with nobody saving anything, "
        "as the site editor's Coming up page lists them for you: articles going live or coming down, "
        "testimonials' consent, holiday hours and closures, reviews falling due, with what may go wrong. "
        "Nothing is sent in a week with nothing coming up.",
    )

    class Meta:
        verbose_name = "email notice preference"
        default_permissions = ()

    def __str__(self):
        return f"Email notices of {self.user}"
