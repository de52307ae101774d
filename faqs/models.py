import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import strip_tags

from carter_site.fields import LastSavedField
from carter_site.publishing import PublishedFlag, PublishedFlagQuerySet
from carter_site.redirects import KeepsOldAddresses, validate_lower_case
from carter_site.reversing import cached_reverse
from carter_site.richtext import RichTextField
from carter_site.text import matching_key

# The query parameter that names the question the FAQ page shows open (FAQ.get_open_url).
OPEN_PARAMETER = "open"


_HEADING = re.compile(r"<h[1-6][\s>]", re.IGNORECASE)


def validate_no_headings(answer):
    """An answer shows under its question, which is a heading on every page that places it (the
    FAQ page, an article's or a location's questions): a heading inside the answer would break
    the outline a screen reader's user moves by. The answer's editor offers none (and makes a
    pasted one a paragraph); text posted without the editor may still bring one."""
    if _HEADING.search(answer or ""):
        raise ValidationError(
            "An answer cannot hold a heading: it shows under its question, which is already one. "
            "Make that line an ordinary paragraph, in bold if it should stand out.",
            code="heading_in_answer",
        )


class Topic(KeepsOldAddresses, models.Model):
    """A group of questions, with a page of its own (`/faqs/<slug>/`) while it has a published one.

    Renaming its slug leaves a permanent redirect from the old address (KeepsOldAddresses), as for
    articles and locations: a topic's page may have been shared or indexed whenever it had a
    question, which no field records, so every rename keeps the old address."""

    name = models.CharField(
        max_length=100,
        unique=True,
        help_text="For example 'Insurance and cost': a capital only where a sentence would have one, as the "
        "site also writes it inside sentences ('Every answer about insurance and cost').",
    )
    slug = models.SlugField(
        unique=True,
        validators=[validate_lower_case],
        help_text="The last part of the topic's page address: insurance-and-cost makes "
        "/faqs/insurance-and-cost/, and its anchor on the FAQ page. Lower case, words joined by "
        "hyphens. Changing it later keeps the old address working.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first on the FAQ page.")
    # When it was last saved: the change form refuses to undo a save made after it was opened.
    updated_at = LastSavedField()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """Its own page, with its questions and their answers."""
        return cached_reverse("faqs:topic", self.slug)

    @property
    def name_in_sentence(self):
        """The name as it reads inside a sentence ("Every answer about starting IOP"): its first
        letter in lower case, unless its first word is all capitals (IOP, MARTA) or "I", which it keeps.
        The rest is as the editor wrote it, so "Returning to IOP" keeps its IOP, which lower-casing
        the whole name lost. A name that starts with a place's name ("Alpharetta parking") still
        loses its capital: nothing in a name says it is one."""
        first_word = self.name.split(maxsplit=1)[0] if self.name.strip() else ""
        if first_word.isupper() and (len(first_word) > 1 or first_word == "I"):
            return self.name
        return self.name[:1].lower() + self.name[1:]

    @property
    def has_been_public(self):
        """Always: see the class's note."""
        return True


def articles_on_topic_pages(**lookups):
    """The placements (ArticleFAQ) that put an article on a topic's page: a published question of
    the topic in a live article's FAQ section. Narrowed by `lookups` (`faq__topic=…`,
    `article=OuterRef("pk")`): the one rule the topic page (faqs.views.TopicView), the FAQ page,
    the article list and the admin's list of topics all follow."""
    from articles.models import Article

    return ArticleFAQ.objects.filter(
        faq__in=FAQ.objects.published(), article__in=Article.objects.published(), **lookups
    )


def topics_of(faqs):
    """The topics of `faqs`, each once, in the FAQ page's order: what a page showing some questions
    links to for more (includes/faq_list.html). Their topics must come with them (select_related)."""
    topics = {faq.topic_id: faq.topic for faq in faqs}
    return sorted(topics.values(), key=lambda topic: (topic.order, topic.name))


class FAQQuerySet(PublishedFlagQuerySet):
    pass


class FAQ(PublishedFlag):
    question = models.CharField(
        max_length=300, help_text="As a reader would ask it, for example 'Will my employer find out?'"
    )
    answer = RichTextField(
        config_name="answer",
        validators=[validate_no_headings],
        help_text="A short, plain answer, without headings. It shows everywhere this question is placed.",
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        related_name="faqs",
        help_text="Groups the question on the FAQ page.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first within a topic.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = LastSavedField()

    objects = FAQQuerySet.as_manager()

    class Meta:
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"
        ordering = ["topic__order", "order", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                name="faq_unique_question",
                violation_error_message="This question already exists. Place the existing one instead.",
            )
        ]

    def __str__(self):
        return self.question

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        # A form without the question (the list's editable order column) leaves it out of
        # validation: clean() then has no question to check.
        self._checking_question = not exclude or "question" not in exclude
        try:
            super().full_clean(exclude, validate_unique, validate_constraints)
        finally:
            del self._checking_question

    def clean(self):
        """The same question in another case, spacing or punctuation is the same question: the
        FAQ page would list it twice. "The same" is carter_site.text.matching_key, as in the importer.

        Not when the question is not being validated (full_clean(exclude=["question"]), as
        forms without it do): saving the list's order column read every other question once
        for each row."""
        super().clean()
        if not getattr(self, "_checking_question", True):
            return
        key = matching_key(self.question)
        others = FAQ.objects.exclude(pk=self.pk).order_by().values_list("question", flat=True)
        same = next((question for question in others if matching_key(question) == key), None)
        if key and same is not None:
            raise ValidationError(
                {"question": f"“{same}” already exists. Place the existing one instead, or edit it."},
                code="unique",
            )

    @property
    def anchor(self):
        """The id of its element on a page (a string: integers pass through localisation)."""
        return f"faq-{self.pk}"

    def get_absolute_url(self):
        return cached_reverse("faqs:list") + f"#{self.anchor}"

    def get_open_url(self):
        """Its topic's page scrolled to this question with its answer open: where a link to one
        answer (a search result, a question on the FAQ page once it lists only the questions)
        goes. A `<details>` is closed when a link lands on it, and the page works without
        JavaScript, so the page itself renders this one open. Reads the topic: select it with
        the FAQ."""
        return cached_reverse("faqs:topic", self.topic.slug) + f"?{OPEN_PARAMETER}={self.pk}#{self.anchor}"

    @property
    def answer_text(self):
        return strip_tags(self.answer).strip()


class FAQPlacement(models.Model):
    """An FAQ shown on a page, in a chosen order. The FAQ itself is edited once."""

    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class ArticleFAQ(FAQPlacement):
    # Deleting an FAQ removes it from its pages; the admin lists them first, and
    # the FAQ can be recovered with its places from the admin's history.
    faq = models.ForeignKey(
        FAQ, on_delete=models.CASCADE, related_name="article_placements", verbose_name="FAQ"
    )
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="faq_placements")

    class Meta(FAQPlacement.Meta):
        verbose_name = "FAQ on an article"
        verbose_name_plural = "FAQs on this article"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "faq"],
                name="article_faq_unique",
                violation_error_message="This FAQ is already on the article.",
            )
        ]

    def __str__(self):
        return f"“{self.faq}” on “{self.article}”"


class LocationFAQ(FAQPlacement):
    faq = models.ForeignKey(
        FAQ, on_delete=models.CASCADE, related_name="location_placements", verbose_name="FAQ"
    )
    location = models.ForeignKey(
        "locations.Location", on_delete=models.CASCADE, related_name="faq_placements"
    )

    class Meta(FAQPlacement.Meta):
        verbose_name = "FAQ on a location"
        verbose_name_plural = "FAQs on this location"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "faq"],
                name="location_faq_unique",
                violation_error_message="This FAQ is already on the location.",
            )
        ]

    def __str__(self):
        return f"“{self.faq}” on {self.location}"
