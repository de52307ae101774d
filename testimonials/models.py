import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from carter_site.fields import LastSavedField
from carter_site.publishing import PublishedFlag, PublishedFlagQuerySet
from carter_site.reversing import cached_reverse


class TestimonialQuerySet(PublishedFlagQuerySet):
    def published(self, today=None):
        """Only with written consent on file, signed, not withdrawn and not expired."""
        today = today or timezone.localdate()
        return super().published().with_lasting_consent(today).filter(consent_signed_on__lte=today)

    def with_lasting_consent(self, today=None):
        """Written consent on file, neither withdrawn nor expired (it may start in the future)."""
        today = today or timezone.localdate()
        return self.filter(consent_on_file=True, consent_withdrawn_on__isnull=True).exclude(
            consent_expires_on__lte=today
        )

    def featured(self):
        return self.filter(is_featured=True)


class Testimonial(PublishedFlag):
    quote = models.TextField(
        max_length=1200,
        help_text="The client's words, exactly as approved. No promises of results.",
    )
    attribution = models.CharField(
        max_length=120,
        help_text="Who said it, without identifying them, for example 'Former IOP client, 2023'. "
        "Leave the town out: the location chosen below is shown after it.",
    )
    location = models.ForeignKey(
        "locations.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="testimonials",
        help_text="Optional. The location where this client was treated; shown on its page.",
    )
    consent_on_file = models.BooleanField(
        "written consent on file",
        default=False,
        help_text="Tick only when the client's signed authorization is on file. Without it, "
        "this testimonial never appears on the public site.",
    )
    consent_signed_on = models.DateField(
        "consent signed on",
        null=True,
        blank=True,
        help_text="The date on the client's signed authorization. Required with consent on file.",
    )
    consent_expires_on = models.DateField(
        "consent expires on",
        null=True,
        blank=True,
        help_text="Optional. The first day the testimonial is off the site: it shows through the day "
        "before, then leaves the site by itself. For an authorization valid through June 30, enter July 1.",
    )
    consent_withdrawn_on = models.DateField(
        "consent withdrawn on",
        null=True,
        blank=True,
        help_text="If the client withdraws consent, enter the date: the testimonial leaves the site at once.",
    )
    is_featured = models.BooleanField(
        "featured", default=False, help_text="Featured testimonials appear on the home page."
    )
    # The words the client's consent covers: fingerprints of the quote and the attribution as last
    # saved with consent on file, and the signing date of that consent. Kept while consent is off
    # the file, so that words changed meanwhile are still new to the client when consent is ticked
    # again (unapproved_words).
    approved_quote_fingerprint = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    approved_attribution_fingerprint = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    approved_with_consent_signed_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = LastSavedField()

    objects = TestimonialQuerySet.as_manager()

    class Meta:
        ordering = ["-is_featured", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(consent_on_file=True),
                name="testimonial_published_needs_consent",
                violation_error_message="A testimonial can only be published once written consent is on file.",
            ),
            models.CheckConstraint(
                condition=models.Q(consent_on_file=False) | models.Q(consent_signed_on__isnull=False),
                name="testimonial_consent_has_signed_date",
                violation_error_message="Enter the date the client signed the authorization.",
            ),
            models.CheckConstraint(
                condition=models.Q(consent_expires_on__isnull=True)
                | models.Q(consent_signed_on__isnull=True)
                | models.Q(consent_expires_on__gt=models.F("consent_signed_on")),
                name="testimonial_consent_expires_after_signing",
                violation_error_message="Consent must expire after the date it was signed.",
            ),
        ]

    def __str__(self):
        quote = self.quote if len(self.quote) <= 60 else self.quote[:57].rstrip() + "…"
        return f"“{quote}” — {self.attribution}"

    @property
    def anchor(self):
        """The id of its element on a page (a string: integers pass through localisation)."""
        return f"testimonial-{self.pk}"

    def get_absolute_url(self):
        return cached_reverse("testimonials:list") + f"#{self.anchor}"

    def save(self, *args, **kwargs):
        if self.consent_on_file and self.consent_signed_on:
            self.record_approved_words()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], *APPROVAL_FIELDS}
        super().save(*args, **kwargs)

    def record_approved_words(self):
        """Saved with consent on file, the words are those the client approved: the admin's form
        refuses others until the client's approval of them is recorded (TestimonialForm)."""
        for name in WORDS:
            setattr(self, f"approved_{name}_fingerprint", words_fingerprint(getattr(self, name)))
        self.approved_with_consent_signed_on = self.consent_signed_on

    def unapproved_words(self, words, signed_on):
        """The names of `words` ({"quote": …, "attribution": …}, as they are about to be saved with
        consent on file signed on `signed_on`) that the client has not approved: those that differ
        from the words last saved with consent on file, however many saves ago. New written consent
        (signed after the consent those words were saved with) covers the words recorded with it,
        and so does the first consent recorded."""
        approved_with = self.approved_with_consent_signed_on
        if approved_with is None or (signed_on is not None and signed_on > approved_with):
            return []
        return [
            name
            for name, text in words.items()
            if words_fingerprint(text) != getattr(self, f"approved_{name}_fingerprint")
        ]

    def clean(self):
        """Each mistake beside the field to correct. The database's constraints (Meta) refuse the
        same, but Django shows a constraint's message at the top of the form, away from the field;
        a field with an error here is not checked by its constraint again, so it is said once."""
        super().clean()
        today = timezone.localdate()
        errors = {}
        if self.is_published and not self.consent_on_file:
            errors["is_published"] = _constraint_message("testimonial_published_needs_consent")
        if self.consent_on_file and not self.consent_signed_on:
            errors["consent_signed_on"] = _constraint_message("testimonial_consent_has_signed_date")
        if (
            self.consent_expires_on
            and self.consent_signed_on
            and self.consent_expires_on <= self.consent_signed_on
        ):
            errors["consent_expires_on"] = _constraint_message("testimonial_consent_expires_after_signing")
        withdrawn, signed = self.consent_withdrawn_on, self.consent_signed_on
        if withdrawn and withdrawn > today:
            errors["consent_withdrawn_on"] = (
                "Enter the day the client withdrew consent: it cannot be in the future."
            )
        elif withdrawn and signed and withdrawn < signed:
            errors["consent_withdrawn_on"] = (
                f"Consent cannot be withdrawn before the day it was signed ({date_format(signed)}). Check "
                "both dates."
            )
            if withdrawn == self.saved_withdrawal():
                errors["consent_withdrawn_on"] += (
                    " If the client signed new written consent after withdrawing, clear this date: "
                    "the new consent lifts the withdrawal."
                )
        elif not withdrawn and (saved := self.saved_withdrawal()) and not (signed and signed > saved):
            # A withdrawal is the client's decision: only their new consent, signed after it, undoes it.
            errors["consent_withdrawn_on"] = (
                f"The client withdrew consent on {date_format(saved)}: record the date they signed new "
                "written consent, after that day, before the quote can show again."
            )
        if errors:
            raise ValidationError(errors)

    def saved_withdrawal(self):
        """The withdrawal of consent saved now (as a restore leaves it: the current one), or None."""
        if self.pk is None:
            return None
        return (
            type(self)
            ._default_manager.filter(pk=self.pk)
            .values_list("consent_withdrawn_on", flat=True)
            .first()
        )

    @property
    def consent_is_valid(self):
        # One rule for both: a testimonial hidden for a reason consent_problem does not name
        # would be reported to the editor as "None.".
        return self.consent_problem() is None

    @property
    def is_public(self):
        return self.is_published and self.consent_is_valid

    def consent_problem(self):
        """Why the consent on file does not let the testimonial show today, as the end of a
        sentence ("the client withdrew consent on Jan. 6, 2025"); None while it does."""
        today = timezone.localdate()
        if not self.consent_on_file or not self.consent_signed_on:
            return "no written consent is on file"
        if self.consent_withdrawn_on:
            return f"the client withdrew consent on {date_format(self.consent_withdrawn_on)}"
        if self.consent_expires_on and self.consent_expires_on <= today:
            return f"the consent expired on {date_format(self.consent_expires_on)}. Record a renewed consent"
        if self.consent_signed_on > today:
            return f"the consent is dated {date_format(self.consent_signed_on)}; it shows from that day"
        return None


class ArticleTestimonial(models.Model):
    testimonial = models.ForeignKey(Testimonial, on_delete=models.PROTECT, related_name="article_placements")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="testimonial_placements"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "testimonial on an article"
        verbose_name_plural = "testimonials on this article"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "testimonial"],
                name="article_testimonial_unique",
                violation_error_message="This testimonial is already on the article.",
            )
        ]

    def __str__(self):
        return f"{self.testimonial} on “{self.article}”"


WORDS = ("quote", "attribution")  # what the client approves
APPROVAL_FIELDS = (
    "approved_quote_fingerprint",
    "approved_attribution_fingerprint",
    "approved_with_consent_signed_on",
)


def words_fingerprint(text):
    """The client's words, exactly as saved, as a fingerprint: another spelling is other words."""
    return hashlib.sha256(text.encode()).hexdigest()


def _constraint_message(name):
    """The message of the Testimonial constraint `name`: one wording for the form and the database."""
    constraint = next(c for c in Testimonial._meta.constraints if c.name == name)
    return constraint.get_violation_error_message()
