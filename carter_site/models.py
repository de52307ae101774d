import re

from django.core.exceptions import ValidationError
from django.db import models

from .fields import LastSavedField
from .passkeys import Passkey  # noqa: F401  (a django-otp device, kept in carter_site.passkeys)
from .phone import tel_uri, validate_phone_number

# 988 as a number of its own, not a part of a longer one: "(470) 988-2040", "470.988.2040" and
# "988-555-0101" are other lines, and a visitor in crisis would dial them.
_NUMBER_988 = re.compile(r"(?<!\d)(?<!\d[-.\s])(?<!\d\))(?<!\d\)\s)988(?![-.\s]?\d)")


def validate_crisis_line(value):
    """The crisis line must give 988 itself: the one number a visitor in crisis needs to see."""
    if not _NUMBER_988.search(value or ""):
        raise ValidationError(
            "Keep the number 988 in this text: it is how a visitor in crisis reaches the Suicide & Crisis "
            "Lifeline. For example: “In a crisis or thinking about suicide? Call or text 988, any time.”",
            code="no_988",
        )


REVIEW_AGAIN_AFTER = [
    (6, "6 months"),
    (12, "12 months"),
    (18, "18 months"),
    (24, "24 months"),
    (0, "Never: only a change to the words calls for a new review"),
]


class SiteSettings(models.Model):
    """The one row of settings: name, phone number, crisis line, which marketing edits; and the
    site's rule for publishing, which only site administrators change (docs/roles.md)."""

    organization_name = models.CharField(
        max_length=120,
        default="The Carter Treatment Center",
        help_text="Shown in the header, the footer and browser tabs.",
    )
    phone = models.CharField(
        "main phone number",
        max_length=32,
        default="(470) 284-1834",
        validators=[validate_phone_number],
        help_text="The admissions number on every page, written as people read it, "
        "for example (470) 284-1834. The call buttons dial it.",
    )
    phone_hours = models.CharField(
        "when the phone is answered",
        max_length=120,
        blank=True,
        default="Answered every day, including evenings and weekends",
        help_text="A short line shown under the call button. Leave empty to hide it.",
    )
    crisis_line_text = models.TextField(
        "crisis line text",
        max_length=400,
        default="In a crisis or thinking about suicide? Call or text 988, the Suicide & Crisis "
        "Lifeline, any time. In an emergency, call 911.",
        validators=[validate_crisis_line],
        help_text="Shown apart from admissions on every page. It must give the number 988, the "
        "Suicide & Crisis Lifeline.",
    )
    default_meta_description = models.CharField(
        max_length=300,
        default="Intensive outpatient treatment for substance use, anxiety and burnout in "
        "Alpharetta, Jefferson and Atlanta, Georgia, built around your work and family.",
        help_text="Used for search results on pages without a summary of their own. "
        "About 160 characters fit.",
    )
    publishing_needs_review = models.BooleanField(
        "publishing needs a current clinical review",
        default=False,
        db_default=False,
        help_text="When ticked, an article can be published or scheduled only while a clinician's review "
        "of its text is current, and the words of a published article cannot change until a clinician "
        "reviews them again (or it is unpublished). Ticking it takes the scheduled articles without a current "
        "review back to draft, each keeping its publish time; articles already live stay as they are.",
    )
    review_again_after_months = models.PositiveSmallIntegerField(
        "ask for a new clinical review after",
        choices=REVIEW_AGAIN_AFTER,
        default=12,
        db_default=12,
        help_text="How old a clinical review may grow before the site editor lists the article as due "
        "for another one, though its words have not changed: what is true about treatment, insurance "
        "and medicines moves on. Nothing changes on the site when a review falls due; the date "
        "readers see stays the day the clinician read it.",
    )
    # When it was last saved: the change form refuses to undo a save made after it was opened
    # (carter_site.history.EditConflictMixin).
    updated_at = LastSavedField()

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"
        permissions = [
            ("change_review_rule", "Can change whether publishing needs a current clinical review"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="site_settings_single_row"),
            models.CheckConstraint(
                condition=models.Q(
                    review_again_after_months__in=[months for months, _ in REVIEW_AGAIN_AFTER]
                ),
                name="site_settings_review_again_after_a_choice",
                violation_error_message="Choose one of the listed times after which to ask for a new review.",
            ),
        ]

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @property
    def tel_uri(self):
        return tel_uri(self.phone)

    @classmethod
    def load(cls):
        """The saved settings, or the defaults when nobody has saved any yet.

        Cached until any content changes (carter_site.caching):
        no query on a busy site, and an edit shows on the next request in every process.
        """
        from .caching import site_settings

        return site_settings()

    @classmethod
    def load_without_database(cls):
        """For error pages: the cached copy if there is one, else the built-in defaults."""
        from .caching import cached_site_settings

        return cached_site_settings() or cls(pk=1)


class EditorPicture(models.Model):
    """A picture uploaded through the rich-text editor, with what a page needs to offer its smaller
    copies (carter_site.picture_copies) without asking the storage: its width as browsers show it
    and the widths of the copies made. Written when the editor stores the picture, and by
    `manage.py picture_copies` for those stored before; deleted with the picture
    (carter_site.media_usage). Nobody edits these rows: they describe files."""

    name = models.CharField(max_length=255, unique=True, help_text="Where the picture is stored.")
    width = models.PositiveIntegerField(
        null=True, blank=True, help_text="Its width in pixels as shown; empty when it could not be read."
    )
    # The widths of the copies made, in increasing order: empty when none was worth making, None
    # when they are yet to be made (a failure when it was stored; manage.py picture_copies).
    copy_widths = models.JSONField(null=True, blank=True, help_text="The widths of its smaller copies.")

    class Meta:
        verbose_name = "picture uploaded in the editor"
        verbose_name_plural = "pictures uploaded in the editor"
        default_permissions = ()

    def __str__(self):
        return self.name


class NameInVersion(models.Model):
    """A name that a saved version (django-reversion's) holds and that could be an uploaded
    file's: the value of a field, or a name its text gives in an address. Kept by its digest, a
    number, when the version is saved, so that the *Uploaded pictures* page finds which uploads
    earlier versions use without reading every version (carter_site.media_usage)."""

    # One row a name a version, and no more columns than that: there are several a version.
    pk = models.CompositePrimaryKey("version", "digest")
    version = models.ForeignKey(
        "reversion.Version", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    digest = models.BigIntegerField(db_index=True)

    class Meta:
        default_permissions = ()  # the site's own bookkeeping: nobody edits it

    def __str__(self):
        return f"{self.digest} in version {self.version_id}"


class NamesInVersionsRead(models.Model):
    """The one row that says NameInVersion holds the names of the versions up to `up_to`, read
    with the rules `rules` names (the path of the uploads' addresses): when that changes, they
    are all read again."""

    rules = models.TextField()
    up_to = models.BigIntegerField(default=0)
    read_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"Names in versions read at {self.read_at} ({self.rules})"


class AddressNotFound(models.Model):
    """An address on this site that answered "page not found", with how often and between which
    days: a count per path, nothing about who asked (carter_site.not_found, docs/security.md
    "Privacy"). Editors read it on the admin's "Addresses not found" page and add a redirect."""

    path = models.CharField(
        "address",
        max_length=200,  # a redirect's old address holds no more (django.contrib.redirects)
        unique=True,
        help_text="The path only, as the redirects store it: never the query string.",
    )
    count = models.PositiveIntegerField("times not found", default=1)
    first_seen = models.DateField("first not found")
    last_seen = models.DateField("last not found", db_index=True)

    class Meta:
        verbose_name = "address not found"
        verbose_name_plural = "addresses not found"
        # Who may add redirects may see and dismiss these (carter_site.not_found): no permissions
        # of their own to hand out.
        default_permissions = ()

    def __str__(self):
        return self.path
