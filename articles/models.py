import math

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from carter_site.images import validate_uploaded_image
from carter_site.publishing import SeoFields
from carter_site.richtext import RichTextField

WORDS_PER_MINUTE = 200


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Live articles: published, their time has come, and not yet expired."""
        now = now or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now).exclude(
            expires_at__lte=now
        )

    def for_list(self):
        """What a list of articles shows, and nothing it does not (the bodies are long)."""
        return self.defer("body")


class Article(SeoFields):
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
        help_text="The end of the page's address: /articles/<slug>/. Filled in from the title; "
        "avoid changing it once the article is public.",
    )
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences shown in lists and, unless a meta description is set, "
        "in search results. About 160 characters fit there.",
    )
    body = RichTextField(help_text="The article. Use Heading 2 for sections and Heading 3 inside them.")
    hero_image = models.ImageField(
        upload_to="articles/%Y/%m/",
        blank=True,
        validators=[validate_uploaded_image],
        help_text="Optional picture at the top. JPEG, PNG, GIF or WebP, up to 5 MB.",
    )
    hero_image_alt = models.CharField(
        "hero image description",
        max_length=250,
        blank=True,
        help_text="Required with a picture: what it shows, for people who cannot see it.",
    )
    author = models.CharField(
        max_length=120,
        blank=True,
        help_text="The byline, for example 'Carter clinical team'. Leave empty for none.",
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
        help_text="When the article goes live. A future time schedules it; left empty when "
        "publishing, it is set to now.",
    )
    expires_at = models.DateTimeField(
        "take down at",
        null=True,
        blank=True,
        help_text="Optional. The article stops being public at this time.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
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
        constraints = [
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
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.hero_image and not self.hero_image_alt.strip():
            raise ValidationError(
                {
                    "hero_image_alt": "Describe the picture for people who cannot see it (required with an image)."
                }
            )
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

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
    def word_count(self):
        return len(strip_tags(self.body).split())

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
