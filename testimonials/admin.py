import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from reversion.models import Version

from carter_site.admin import PublishedFlagAdmin, RowsNamedByTheirObjectsInline
from carter_site.history import EditStampForm

from .models import APPROVAL_FIELDS, WORDS, ArticleTestimonial, Testimonial


class ArticleTestimonialInline(RowsNamedByTheirObjectsInline):
    model = ArticleTestimonial
    extra = 0
    autocomplete_fields = ["testimonial"]
    fields = ["testimonial", "order"]


class TestimonialForm(EditStampForm):
    """A client consents to the words they approved, named as they agreed: words other than those
    saved with their consent (Testimonial.unapproved_words), changed in this save or while consent
    was off the file, need the editor to say the client approved them too, or a new consent."""

    words_approved = forms.BooleanField(
        label="The client approved these new words",
        required=False,
        help_text="Needed when you change the quote or attribution of a testimonial with consent on "
        "file: tick it only once the client has approved the changed text (keep their approval with the "
        "consent form). Not needed when you record new written consent with a later signing date.",
    )

    WORDS = WORDS
    # The words saved before an old version was put back (restoring writes the version to the
    # database before the form is built, so the form's own initial values are the old words).
    saved_words = None

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("consent_on_file") or cleaned.get("words_approved"):
            return cleaned
        words = {name: cleaned[name] for name in self.WORDS if cleaned.get(name) is not None}
        unapproved = self.instance.unapproved_words(words, cleaned.get("consent_signed_on"))
        if not unapproved:
            return cleaned
        if self.saved_words is not None:
            changed = [name for name in self.WORDS if cleaned.get(name) != self.saved_words[name]]
        else:
            changed = [name for name in self.WORDS if name in self.changed_data]
        what = " and ".join("the quote" if name == "quote" else "the attribution" for name in unapproved)
        if set(unapproved) <= set(changed):
            said = f"You changed {what}."
        else:  # changed while consent was off the file, and consent is ticked again
            said = f"{capfirst(what)} changed since the client approved {'it' if len(unapproved) == 1 else 'them'}."
        approved_with = date_format(self.instance.approved_with_consent_signed_on)
        self.add_error(
            "words_approved",
            f"{said} The client's consent covers the words they approved: tick this once they have approved "
            f"the new text, or record the date they signed new written consent for it (after {approved_with}). "
            "Otherwise, put the approved words back.",
        )
        return cleaned


@admin.register(Testimonial)
class TestimonialAdmin(PublishedFlagAdmin):
    form = TestimonialForm
    # Consent is the client's decision as it stands today: an old version never undoes a
    # withdrawal, brings back an expired consent or reverses its dates.
    kept_on_restore = ("consent_on_file", "consent_signed_on", "consent_expires_on", "consent_withdrawn_on")
    list_display = [
        "__str__",
        "attribution",
        "location",
        "consent",
        "is_published",
        "is_featured",
        "shown",
    ]
    list_filter = ["consent_on_file", "is_published", "is_featured", "location"]
    list_select_related = ["location"]
    # Also the places a testimonial is shown on: its location, and the articles it is placed on.
    # Django lists a testimonial on two matching articles once (a subquery, not DISTINCT).
    search_fields = ["quote", "attribution", "location__name", "article_placements__article__title"]
    search_help_text = (
        "Finds words in the quote or attribution, a location's name or the title of an article it is on."
    )
    date_hierarchy = "created_at"
    autocomplete_fields = ["location"]
    fieldsets = [
        (None, {"fields": ["quote", "attribution", "location", "words_approved"]}),
        (
            "Consent and publishing",
            {
                "description": "A testimonial is health information used in marketing. It appears on the "
                "site only while the client's written authorization is on file and it is published.",
                "fields": [
                    "consent_on_file",
                    "consent_signed_on",
                    "consent_expires_on",
                    "consent_withdrawn_on",
                    "is_published",
                    "is_featured",
                ],
            },
        ),
    ]

    def recover_view(self, request, version_id, extra_context=None):
        # Recovering a deleted testimonial from an older version than its last (the address names
        # any version) keeps the consent and approved words it had when it was deleted, as a restore
        # keeps today's: a withdrawal recorded before the delete stays.
        version = self._version(version_id)
        if version is not None:
            last = Version.objects.get_for_object_reference(self.model, version.object_id).first()
            request.saved_before_restore = last.field_dict
            request.kept_on_restore = {name: last.field_dict[name] for name in self.kept_on_restore}
        return super().recover_view(request, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # What the client approved is, like consent, today's fact (kept_on_restore), but no field
        # the editor sees: restoring an old version keeps it without saying so. Its old words are
        # then new words to the client unless they are the ones approved now.
        saved = getattr(request, "saved_before_restore", None)
        if object_id and saved is not None:
            Testimonial.objects.filter(pk=unquote(object_id)).update(
                **{name: saved[name] for name in APPROVAL_FIELDS}
            )
        return super().changeform_view(request, object_id, form_url, extra_context)

    @property
    def compare_exclude(self):
        return [*super().compare_exclude, *APPROVAL_FIELDS]  # fingerprints: nothing an editor can read

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        saved = getattr(request, "saved_before_restore", None)
        if saved is None:
            return form
        return type(form.__name__, (form,), {"saved_words": {name: saved[name] for name in form.WORDS}})

    @admin.display(description="on the site", boolean=True)
    def shown(self, obj):
        return obj.is_public

    @admin.display(description="consent", ordering="consent_expires_on")
    def consent(self, obj):
        today = timezone.localdate()
        if not obj.consent_on_file:
            return "None on file"
        if obj.consent_withdrawn_on:
            return f"Withdrawn {date_format(obj.consent_withdrawn_on)}"
        if obj.consent_expires_on and obj.consent_expires_on <= today:
            return f"Expired {date_format(obj.consent_expires_on)}"
        if obj.consent_expires_on:
            # The expiry date is the first day it is off the site: "until" read as "through" it.
            last_day = obj.consent_expires_on - datetime.timedelta(days=1)
            return f"Valid through {date_format(last_day)} (expires {date_format(obj.consent_expires_on)})"
        return f"Signed {date_format(obj.consent_signed_on)}" if obj.consent_signed_on else "Date missing"

    def publishable(self, queryset):
        """Those whose consent is on file and neither withdrawn nor expired: publishing the
        others would change nothing a visitor sees. (Consent signed with a future date may be
        published ahead: it shows from that date.)"""
        return queryset.with_lasting_consent()

    def publish_refused_message(self, count):
        return (
            f"{count} testimonial(s) were not published because their written consent is missing, "
            "withdrawn or expired (see the consent column). Record a valid consent first."
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        problem = hidden_because(obj)
        if problem:
            self.message_user(
                request,
                f"“{obj.attribution}” is saved but not on the site: {problem}",
                messages.WARNING,
            )


def hidden_because(testimonial):
    """Why a testimonial ticked 'published' is not on the site, in a sentence; None if it is."""
    if not testimonial.is_published or testimonial.consent_is_valid:
        return None
    return f"{testimonial.consent_problem()}."
