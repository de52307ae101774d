"""Forms of the admin's "Import articles" page: choosing files, and confirming a preview.

Between the preview and the confirmation the files' text travels in the page itself, in
one hidden field signed with the site's secret key (django.core.signing), tied to the user
who previewed it and valid for an hour. Nothing is stored on the server in between, and
text changed in the browser fails the signature instead of being imported.
"""

from django import forms
from django.conf import settings
from django.core import signing

from articles.importing import MAX_FILE_BYTES, Source, human_size
from articles.models import Clinician, ReviewRequest
from carter_site.text import visible_text

PAYLOAD_SALT = "articles.import-preview"
PAYLOAD_MAX_AGE = 60 * 60  # seconds between preview and confirmation
ACCEPTED_TYPES = ".txt,.text,.md,.html,.htm,text/plain,text/html"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type="file" multiple>, as a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        files = [super(MultipleFileField, self).clean(item, initial) for item in items if item]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class ImportArticlesForm(forms.Form):
    MAX_FILES = 50

    files = MultipleFileField(
        label="Files",
        # Empty files are reported file by file, with the others imported, rather than
        # failing the whole form.
        allow_empty_file=True,
        help_text=f"Plain text (.txt) or HTML (.html) in UTF-8, up to {human_size(MAX_FILE_BYTES)} each. "
        "Choose several at once if you like.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > self.MAX_FILES:
            raise forms.ValidationError(
                f"Choose at most {self.MAX_FILES} files at a time; import the rest in another batch."
            )
        return files


def payload_limit():
    """How long the signed text may be: the confirmation must fit in what Django accepts in a POST."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return None if limit is None else max(limit - 64 * 1024, 0)


def make_payload(user, sources):
    data = {"user": user.pk, "files": [[source.name, source.text, source.format] for source in sources]}
    return signing.dumps(data, salt=PAYLOAD_SALT, compress=True)


class ConfirmImportForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_payload(self):
        try:
            data = signing.loads(self.cleaned_data["payload"], salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE)
        except signing.SignatureExpired:
            raise forms.ValidationError(
                "This preview is more than an hour old. Upload the files again.", code="expired"
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                "The preview could not be verified. Upload the files again.", code="invalid"
            ) from None
        try:
            if data["user"] != self.user.pk:
                raise ValueError("previewed by someone else")
            return [
                Source(name=str(name), text=str(text), format=str(kind)) for name, text, kind in data["files"]
            ]
        except (KeyError, TypeError, ValueError):
            raise forms.ValidationError(
                "The preview could not be verified. Upload the files again.", code="invalid"
            ) from None


class ReviewRequestForm(forms.ModelForm):
    """Asking for a clinical review: whom (optional) and a note. The article and who asks are
    set by the admin; ReviewRequest.clean() says when a review cannot be asked for."""

    class Meta:
        model = ReviewRequest
        fields = ["clinician", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A clinician who no longer reviews is not offered (and refused if posted anyway).
        self.fields["clinician"].queryset = Clinician.objects.filter(is_active=True)
        self.fields["clinician"].empty_label = "Any clinical reviewer"
        self.fields["clinician"].error_messages["invalid_choice"] = (
            "That clinician no longer reviews (or was removed): choose one from the list, or any clinical "
            "reviewer."
        )


class WithdrawReviewRequestForm(forms.Form):
    """An editor withdraws a request. `request` is the request the page showed: if another took
    its place meanwhile (withdrawn and asked again, with a new note), nothing is withdrawn
    (ArticleAdmin.withdraw_review_request_view)."""

    request = forms.IntegerField(widget=forms.HiddenInput)


class DeclineReviewRequestForm(WithdrawReviewRequestForm):
    """A clinical reviewer declines a request, saying why. `request` is the request the page
    showed: if another took its place meanwhile (withdrawn and asked again), nothing is declined
    (ArticleAdmin.decline_review_request_view)."""

    reason = forms.CharField(
        max_length=ReviewRequest.REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=ReviewRequest._meta.get_field("decline_reason").help_text,
        error_messages={
            "required": "Say why you are not reviewing it: the editor reads it to know what to do next, "
            "for example whom to ask instead.",
        },
    )

    def clean_reason(self):
        # Saved with update(), which sends no pre_save: cleaned here as a save would clean it.
        reason = " ".join(visible_text(self.cleaned_data["reason"], single_line=True).split())
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"], code="required")
        return reason
