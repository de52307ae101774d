import json
from collections import Counter
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Prefetch, Q, Value, When
from django.db.models.functions import Coalesce, Now
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from articles.importing import FileReport, ImportFailure, check_batch, import_source, read_source
from carter_site.admin import (
    AsksForFilesAgainMixin,
    PlacedOnceFormSet,
    RowsNamedByTheirObjectsInline,
    SaysWhereOldAddressesLeadMixin,
    WarnsAfterSavingMixin,
    WarnsOfLinksLeftBehindMixin,
)
from carter_site.admin_input import AutocompleteSelect, left_out_of_autocomplete
from carter_site.audit import log_bulk_change
from carter_site.caching import content_changed
from carter_site.history import EditStampForm, HistoryAdmin
from carter_site.models import SiteSettings
from carter_site.publishing import SeoFields, end_sentence, local_time
from carter_site.redirects import redirect_path_limit
from carter_site.seo import absolute_url, site_origin
from carter_site.text import visible_text
from faqs.admin import ArticleFAQInline
from testimonials.admin import ArticleTestimonialInline

from . import content_checks, notices
from .forms import (
    ConfirmImportForm,
    DeclineReviewRequestForm,
    ImportArticlesForm,
    ReviewRequestForm,
    WithdrawReviewRequestForm,
    make_payload,
    payload_limit,
)
from .models import Article, ArticleLocation, Clinician, PreviewLink, ReadNextChoice, ReviewRequest
from .views import ArticlePreviewView

REVIEW_FIELDS = ("reviewed_by", "reviewed_on")


class ArticleAdminForm(EditStampForm):
    """The article's change form. A saved review stays valid when its clinician stops reviewing;
    only a new review (another clinician or another date) needs one who reviews. The rule lives
    here, not in the field's limit_choices_to, which would refuse the saved review too.

    A review is signed in the name of the person saving it: a clinical reviewer may record or
    withdraw a review only as the clinician linked to their own account (Clinician.user). Only
    someone allowed to record reviews on a clinician's behalf (Site administrators) may choose
    another clinician. ArticleAdmin.get_form says who is saving."""

    # Whom the person saving may sign as: anyone, or only their own clinician (None: no clinician
    # is linked to their account). Set per request by ArticleAdmin.get_form.
    signs_for_any_clinician = False
    own_clinician = None
    # Whether the person saving may change nothing but the review (ArticleAdmin.is_reviewer_only):
    # saving their own out-of-date review as it stands renews it (renews_saved_review). Set per
    # request by ArticleAdmin.get_form.
    reviewer_only = False
    # Set by clean(): this save renews the saved review for the words as they stand.
    renews_review = False
    # The article as saved before a restore wrote an old version over it ({} when recovering a
    # deleted one), for the rule that publishing needs a current clinical review
    # (Article.review_rule_refusal). None: the database says. Set per request by ArticleAdmin.get_form.
    saved_before = None

    # Not a field of the article: whether this save's new words are new to readers
    # (Article.keeps_words_date). Shown once the article has been public (ArticleAdmin.get_fieldsets).
    small_correction = forms.BooleanField(
        label="Small correction (a typo, a broken link): keep the date readers see",
        required=False,
        help_text="Tick only when what the article says stays the same: a misspelt word, a missing "
        "comma, a link's words put right. Leave it unticked for anything a reader would want to know "
        "about: a fact, a number, advice, a phone number or address, a section added or taken out, a "
        "new headline or summary. Then the page shows “Updated” with today's date, and search engines "
        "are told the article changed.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("reviewed_by")
        if field is not None and not self.signs_for_any_clinician:
            field.help_text = (
                f"You sign reviews as {self.own_clinician}."
                if self.own_clinician
                else unlinked_account_message()
            )

    def clean_slug(self):
        """A new address no longer than a redirect keeps (Article.slug_limit), so that renaming
        the article later leads readers on: a longer one made that rename fail on PostgreSQL. An
        address saved before, longer than that, is left alone while it stays the same."""
        slug = self.cleaned_data["slug"]
        over = len(slug) - Article.slug_limit()
        if over > 0 and slug != self.initial.get("slug"):
            raise ValidationError(
                f"Shorten the address by {over} character{'s' if over > 1 else ''}: with /articles/ "
                f"before it, a page's address may have at most {redirect_path_limit()} characters, so "
                "that it can still lead readers on if it changes later.",
                code="max_length",
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        self.instance.saved_before = self.saved_before
        self.instance.keeps_words_date = bool(cleaned.get("small_correction"))
        # A review recorded with this save (ArticleAdmin.save_model) vouches for the words as
        # saved: the site's rule that publishing needs a current review is met by it, and its
        # date cannot be before they were written (Article.review_date_refusal).
        self.renews_review = self.renews_saved_review()
        self.instance.records_review_with_save = self.renews_review or bool(
            {"reviewed_by", "reviewed_on"} <= set(self.fields)
            and cleaned.get("reviewed_by")
            and any(field in self.changed_data for field in REVIEW_FIELDS)
        )
        if not {"reviewed_by", "reviewed_on"} <= set(self.fields):
            return cleaned  # read-only here: nothing sent can change the review
        clinician, day = cleaned.get("reviewed_by"), cleaned.get("reviewed_on")
        if "reviewed_by" in self.errors or "reviewed_on" in self.errors:
            return cleaned
        not_theirs = self.not_theirs_to_sign(clinician)
        if not_theirs:
            self.add_error("reviewed_by", not_theirs)
        elif clinician and not clinician.is_active and self.is_new_review():
            self.add_error(
                "reviewed_by",
                f"{clinician} no longer reviews (“can review” is unticked on their clinician record), so "
                "they cannot sign a new review. Choose a clinician who reviews, or keep the saved review date.",
            )
        elif day and not clinician:
            self.add_error(
                "reviewed_by",
                f"Choose the clinician who reviewed the article on {date_format(day)}, or clear the review date.",
            )
        elif clinician and not day:
            self.add_error(
                "reviewed_on", f"Give the day {clinician} reviewed the article, or clear the clinician."
            )
        return cleaned

    def renews_saved_review(self):
        """Whether saving renews the saved review for the words as they stand: a clinical reviewer
        who can change nothing but the review saves an out-of-date one as it is, in the name of
        the clinician they sign as, who still reviews. Saving another clinician's, or that of one
        who no longer reviews, leaves it out of date (ArticleAdmin.save_model says so)."""
        saved = self.instance.reviewed_by if self.instance.reviewed_by_id else None
        return bool(
            self.reviewer_only
            and saved is not None
            and not any(field in self.changed_data for field in REVIEW_FIELDS)
            and self.instance.review_is_out_of_date
            and self.may_sign_as(saved)
            and saved.is_active
        )

    def is_new_review(self):
        saved = self.instance
        return (self.cleaned_data.get("reviewed_by"), self.cleaned_data.get("reviewed_on")) != (
            saved.reviewed_by if saved.reviewed_by_id else None,
            saved.reviewed_on,
        )

    def may_sign_as(self, clinician):
        """Whether the person saving may sign a review in `clinician`'s name."""
        return self.signs_for_any_clinician or (
            self.own_clinician is not None and self.own_clinician == clinician
        )

    def not_theirs_to_sign(self, clinician):
        """Why the person saving may not make this change to the review, or "" when they may.

        Keeping the saved review as it is needs nothing; a new review, a changed one or a
        withdrawn one is theirs to make only in their own clinician's name."""
        if self.signs_for_any_clinician or not self.is_new_review():
            return ""
        saved = self.instance.reviewed_by if self.instance.reviewed_by_id else None
        if self.own_clinician is None:
            return unlinked_account_message()
        if clinician is not None and clinician != self.own_clinician:
            return (
                f"You can sign a review only in your own name, {self.own_clinician}. {clinician} records "
                "their reviews with their own account."
            )
        if clinician is None and saved is not None and saved != self.own_clinician:
            return (
                f"This review is {saved}'s: only they, or an administrator, can withdraw it. To vouch for "
                f"the text yourself, choose {self.own_clinician} and the day you read it."
            )
        return ""


def titles(articles, shown=5):
    """“One”, “Two” and 3 more: the articles a message is about, in a line that stays short."""
    named = ", ".join(f"“{article}”" for article in articles[:shown])
    more = len(articles) - shown
    return f"{named} and {more} more" if more > 0 else named


def unlinked_account_message():
    return (
        "Your account is not linked to a clinician record, so you cannot sign a clinical review. Ask a "
        "site administrator to link your account to your clinician record (Clinicians, “sign-in "
        "account”)."
    )


class PreviewLinkForm(forms.ModelForm):
    """A new row is a link to make, even left as shown: its note is optional and its expiry is
    filled in by default, so Django would take it for an untouched extra row and drop it, while
    the page said "changed successfully" and showed no address to send."""

    def has_changed(self):
        return self.instance._state.adding or super().has_changed()


class PreviewLinkInline(RowsNamedByTheirObjectsInline):
    model = PreviewLink
    form = PreviewLinkForm
    extra = 0
    fields = ["note", "shareable_address", "expires_at", "revoked", "created_by", "created_at"]
    readonly_fields = ["shareable_address", "created_by", "created_at"]
    verbose_name_plural = "shared preview links (for reviewers without an admin login)"

    def get_formset(self, request, obj=None, **kwargs):
        # The whole address, to copy into an email: a bare path works for nobody who receives it.
        # (Inline admins are made afresh for each request.)
        self.origin = site_origin(request)
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="address to send")
    def shareable_address(self, obj):
        if not obj.pk:
            return "Save to create the address."
        state = "" if obj.is_active else " (no longer works)"
        address = absolute_url(getattr(self, "origin", ""), obj.get_absolute_url())
        return format_html('<a href="{0}">{0}</a>{1}', address, state)


class ArticleLocationInline(RowsNamedByTheirObjectsInline):
    model = ArticleLocation
    extra = 0
    autocomplete_fields = ["location"]
    verbose_name = "location this article is about"
    verbose_name_plural = "locations this article is about"


class ReadNextFormSet(PlacedOnceFormSet):
    """The articles an editor chose to read next: never the article itself, each once, and at most
    ReadNextChoice.LIMIT, each refusal said in an editor's words on the form (nothing is saved)."""

    def clean(self):
        for form in self._kept_forms():
            if self.instance.pk is not None and form.cleaned_data["chosen"].pk == self.instance.pk:
                form.add_error(
                    "chosen",
                    "This is the article you are editing: choose another one for readers to go to next.",
                )
        super().clean()
        chosen = len(self._kept_forms())
        if chosen > ReadNextChoice.LIMIT:
            raise ValidationError(
                f"Choose at most {ReadNextChoice.LIMIT} articles to read next ({chosen} are chosen): "
                "delete a row, or tick “Delete” on one, then save again.",
                code="too_many_read_next",
            )

    def _kept_forms(self):
        return [
            form
            for form in self.forms
            if form.is_valid() and not self._should_delete_form(form) and form.cleaned_data.get("chosen")
        ]

    def placed_twice_error(self, placed):
        return ValidationError(
            "“%(name)s” is chosen twice to read next. Delete one of the two rows.",
            code="placed_twice",
            params={"name": placed},
        )


class ReadNextInline(RowsNamedByTheirObjectsInline):
    model = ReadNextChoice
    formset = ReadNextFormSet
    fk_name = "article"
    extra = 0
    max_num = ReadNextChoice.LIMIT
    autocomplete_fields = ["chosen"]
    fields = ["chosen", "order"]
    verbose_name = "article to read next"
    verbose_name_plural = "Read next: articles you choose to show first (up to 3)"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("chosen")
        if obj is not None and field is not None:
            # Its picker never offers the article being edited (the formset refuses it too).
            picker = getattr(field.widget, "widget", field.widget)  # inside the "+" wrapper
            if isinstance(picker, AutocompleteSelect):
                picker.leave_out = obj.pk
        return formset


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Article.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=Article.Status.PUBLISHED)
        match self.value():
            case Article.State.DRAFT:
                return queryset.filter(status=Article.Status.DRAFT)
            case Article.State.SCHEDULED:
                return published.filter(published_at__gt=now)
            case Article.State.LIVE:
                return queryset.published(now)
            case Article.State.EXPIRED:
                return published.filter(expires_at__lte=now)
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    title = "clinical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        # A reviewer whose account is linked to a clinician finds first what was asked of them.
        mine = [("asked_of_me", "Asked of me")] if own_clinician_of(request) else []
        return [
            *mine,
            ("none", "Not reviewed"),
            ("reviewed", "Reviewed, current"),
            ("out_of_date", "Review out of date"),
            ("not_current", "No current review"),
            ("waiting", "Waiting for review"),
            ("for_anyone", "Waiting, for any reviewer"),
            ("declined", "Declined, not asked again"),
            *([("due_again", "Due for another review")] if review_again_after() else []),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "asked_of_me":
                own = own_clinician_of(request)
                if own is None:
                    return queryset.none()  # an account linked to no clinician is asked nothing
                return queryset.waiting_for_review(ReviewRequest.objects.asked_of(own))
            case "for_anyone":
                return queryset.waiting_for_review(ReviewRequest.objects.for_anyone())
            case "declined":
                return queryset.review_declined()
            case "none":
                return queryset.filter(reviewed_by__isnull=True)
            case "reviewed":
                return queryset.review_current()
            case "out_of_date":
                return queryset.review_out_of_date()
            case "not_current":
                return queryset.without_current_review()
            case "waiting":
                return queryset.waiting_for_review()
            case "due_again":
                return queryset.review_due_again(review_again_after())
        return queryset


def review_again_after():
    """After how many months the site asks for a new review of an unchanged text (0: never)."""
    from carter_site.models import SiteSettings

    return SiteSettings.load().review_again_after_months


def signs_for_any_clinician(user):
    """May record a review in any clinician's name (Site administrators): for a clinician who read
    the article on paper or through a shared preview link, without an account here. Everyone
    else who records reviews signs as the clinician linked to their own account."""
    return user.has_perm("articles.review_for_any_clinician")


def own_clinician(user):
    """The clinician `user` signs reviews as, or None."""
    return Clinician.objects.filter(user_id=user.pk).first() if user.is_authenticated else None


def own_clinician_of(request):
    """own_clinician() of the person making the request, read once however many parts of the
    page ask (the form, its buttons, the list's filter)."""
    if not hasattr(request, "_own_clinician"):
        request._own_clinician = own_clinician(request.user)
    return request._own_clinician


def declined_reviews(request):
    """For the admin's home page: how many articles' last request for a review was declined and
    not asked again (ArticleQuerySet.review_declined), to those who ask for reviews (Marketing
    editors, Site administrators); None to everyone else."""
    if not request.user.has_perm("articles.add_reviewrequest"):
        return None
    return Article.objects.review_declined().count()


def scheduled_without_review(request):
    """For the admin's home page, while the site's rule that publishing needs a current clinical
    review is on: how many scheduled articles have none, to those who may change articles; None
    otherwise. Saving such an article, or switching the rule on, sends it back to draft; one
    scheduled before this check existed, or in the moment the rule was switched on, would still go
    live at its time, and this line is where someone sees it first."""
    from carter_site.models import SiteSettings

    if (
        not request.user.has_perm("articles.change_article")
        or not SiteSettings.load().publishing_needs_review
    ):
        return None
    return Article.objects.scheduled().without_current_review().count()


def reviews_due_again(request):
    """For the admin's home page: how many published articles are due for another review and
    not yet asked for one (ArticleQuerySet.review_due_again), to those who ask for reviews or
    record them; None to everyone else, and when the site never asks again. One query."""
    user = request.user
    months = review_again_after()
    if not months or not (
        user.has_perm("articles.add_reviewrequest") or user.has_perm("articles.review_article")
    ):
        return None
    return Article.objects.review_due_again(months).count()


@dataclass(frozen=True)
class ReviewQueue:
    """What waits for a clinical review, for the admin's home page: all of it, the requests
    naming the clinician the person's account is linked to (None when it is linked to none),
    and those naming no clinician."""

    total: int
    asked_of_me: int | None
    for_anyone: int


def waiting_for_review(request):
    """For the admin's home page: what waits for a clinical review (ReviewQueue), to those who
    record reviews (Clinical reviewers, Site administrators); None to everyone else. One query
    for the counts (one article has one open request at most), one for the person's clinician."""
    if not request.user.has_perm("articles.review_article"):
        return None
    own = own_clinician_of(request)
    mine = {"asked_of_me": Count("pk", filter=Q(clinician=own))} if own else {}
    counts = ReviewRequest.objects.open().aggregate(
        total=Count("pk"), for_anyone=Count("pk", filter=Q(clinician__isnull=True)), **mine
    )
    return ReviewQueue(asked_of_me=None, **counts) if not own else ReviewQueue(**counts)


@admin.register(Clinician)
class ClinicianAdmin(AsksForFilesAgainMixin, SaysWhereOldAddressesLeadMixin, HistoryAdmin):
    """Kept by site administrators (docs/roles.md): who may review, which account signs for whom,
    and, with the clinician's agreement, their public page. Clinical reviewers and editors see
    the list."""

    list_display = ["name", "credentials", "is_active", "has_page", "user"]
    list_filter = ["is_active", "has_page"]
    list_select_related = ["user"]
    search_fields = ["name", "credentials"]
    autocomplete_fields = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "credentials", "is_active", "user"]}),
        (
            "Public page",
            {
                "description": "A page on the site with the clinician's name, licence letters, bio and "
                "photo if any, and the live articles they wrote or whose current words they reviewed; "
                "the articles' byline and “Clinically reviewed by” line link to it. Only with the "
                "clinician's agreement: ask them first, and have them read their bio.",
                "fields": ["has_page", "slug", "bio", "photo", "photo_alt"],
            },
        ),
    ]
    # Which account signs for a clinician, and whether they agree to a public page, are facts about
    # today, not part of an old version's words: a restore never shows a page they took back.
    kept_on_restore = ("user", "has_page")

    def view_on_site(self, obj):
        """ "View on site" only for a page visitors can open."""
        return obj.get_absolute_url() if obj.has_page else None

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # The article form's clinician picker offers only clinicians who review, and to a
            # reviewer only the clinician they sign as (ArticleAdminForm refuses any other).
            queryset = queryset.filter(is_active=True)
            if not signs_for_any_clinician(request.user):
                queryset = queryset.filter(user_id=request.user.pk)
        return queryset, may_have_duplicates


class ImportArticlesAdminMixin:
    """The "Import articles" page, reached from the article list (articles.importing does the work).

    Upload one or more files, read the preview (a dry run of the real import), confirm, and
    land on the list with a message per file. Only staff who may add articles get in.
    """

    import_template = "admin/articles/article/import.html"
    change_list_template = "admin/articles/article/change_list.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name=name), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        # The list template adds the button to whatever list template the admin had before
        # (django-reversion's, with its "Recover deleted" button, or Django's own).
        base = super().change_list_template or "admin/change_list.html"
        extra_context = {"changelist_base_template": base, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "payload" in request.POST:
            return self.confirm_import(request)
        if request.method != "POST":
            return self.render_import(request, form=ImportArticlesForm())
        form = ImportArticlesForm(request.POST, request.FILES)
        if form.is_valid():
            return self.preview_import(request, form.cleaned_data["files"])
        return self.render_import(request, form=form)

    def preview_import(self, request, uploads):
        reports, sources, limit, carried = [], [], payload_limit(), 0
        for upload in uploads:
            try:
                source = read_source(upload.name, upload, size=upload.size)
            except ImportFailure as failure:
                reports.append(FileReport(name=upload.name, dry_run=True, error=str(failure)))
                continue
            report = import_source(source, dry_run=True, user=request.user)
            # Each file's share of the signed text, measured alone: a little more than in the
            # whole, so the confirmation always fits in what Django accepts.
            size = len(make_payload(request.user, [source]))
            if report.ok and limit is not None and carried + size > limit:
                report.error = (
                    "There is too much text in this batch to carry to the confirmation. Import this "
                    "file in another batch."
                )
            if report.ok:
                sources.append(source)
                carried += size
            reports.append(report)
        check_batch(reports)
        payload = make_payload(request.user, sources) if sources else ""
        return self.render_import(
            request, form=ImportArticlesForm(), reports=reports, payload=payload, importable=len(sources)
        )

    def confirm_import(self, request):
        form = ConfirmImportForm(request.POST, user=request.user)
        if not form.is_valid():
            for error in form.errors.get("payload", ["The preview could not be verified."]):
                self.message_user(request, error, messages.ERROR)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        for source in form.cleaned_data["payload"]:
            report = import_source(source, user=request.user)
            self.report_import(request, report)
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    def report_import(self, request, report):
        if not report.ok:
            self.message_user(
                request, f"{report.name}: {report.error} Nothing was saved for this file.", messages.ERROR
            )
            return
        article = Article.objects.get(pk=report.article_id)
        if report.action == FileReport.CREATE:
            self.log_addition(request, article, f"Imported from {report.name}.")
            done = "imported as the draft"
        else:
            self.log_change(request, article, f"Updated from the imported file {report.name}.")
            done = "updated the draft"
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[article.pk])
        self.message_user(
            request,
            format_html(
                '{}: {} “<a href="{}">{}</a>” ({} section(s), {} FAQ(s), {} quote(s)).',
                report.name,
                done,
                url,
                article.title,
                len(report.sections),
                len(report.faqs),
                len(report.quotes),
            ),
            messages.SUCCESS,
        )
        if report.title_from_first_sentence:
            self.message_user(
                request,
                f"“{article.title}”: the title was taken from the file's first sentence. Confirm or change it.",
                messages.WARNING,
            )
        unpublished = sum(1 for faq in report.faqs if faq.status == "new" and not faq.is_published)
        new_quotes = sum(1 for quote in report.quotes if quote.status == "new")
        if unpublished or new_quotes:
            self.message_user(
                request,
                f"“{article.title}”: {unpublished} new FAQ(s) and {new_quotes} new testimonial(s) were saved "
                "unpublished. Review the FAQs, and record each client's written consent, before they can "
                "appear on the article.",
                messages.WARNING,
            )

    def render_import(self, request, *, form, reports=(), payload="", importable=0):
        context = {
            **self.admin_site.each_context(request),
            "title": "Import articles",
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "has_view_permission": self.has_view_permission(request),
            "form": form,
            "reports": reports,
            "payload": payload,
            "importable": importable,
        }
        return TemplateResponse(request, self.import_template, context)


@admin.register(Article)
class ArticleAdmin(
    WarnsOfLinksLeftBehindMixin,
    WarnsAfterSavingMixin,
    SaysWhereOldAddressesLeadMixin,
    AsksForFilesAgainMixin,
    ImportArticlesAdminMixin,
    HistoryAdmin,
):
    form = ArticleAdminForm
    list_display = ["title", "state", "review", "published_at", "byline", "updated_at"]
    list_filter = [StateFilter, ReviewFilter, "status", "locations"]
    list_select_related = ["reviewed_by", "written_by"]
    search_fields = ["title", "summary", "body", "author", "written_by__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["reviewed_by"]
    inlines = [
        ArticleLocationInline,
        ArticleFAQInline,
        ArticleTestimonialInline,
        ReadNextInline,
        PreviewLinkInline,
    ]
    actions = ["publish_selected", "unpublish_selected", "ask_for_review_selected"]
    readonly_fields = [
        "created_at",
        "updated_at",
        "words_last_changed",
        "review_status",
        "review_request",
        "past_requests",
        "reading_level",
        "search_result_preview",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "author", "written_by", "reading_level"]}),
        (
            "Publishing",
            {
                "description": "Drafts are never public. A published article goes live at its publish "
                "time and, if a take-down time is set, disappears then. Save, then use Preview to see "
                "the saved article exactly as visitors will.",
                "fields": [
                    "status",
                    "published_at",
                    "expires_at",
                    "words_last_changed",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
        (
            "Clinical review",
            {
                "description": "Set by a clinician in the Clinical reviewers group, signed in with their "
                "own account, once they have checked what the article claims; a site administrator may "
                "record a review on a clinician's behalf. Editing the headline, summary or text "
                "afterwards marks the review out of date. Editors ask for a review with “Ask for "
                "clinical review” at the top of the page.",
                "fields": ["reviewed_by", "reviewed_on", "review_status", "review_request", "past_requests"],
            },
        ),
        ("Picture", {"fields": ["hero_image", "hero_image_alt"]}),
        (
            "Search engines",
            {"fields": ["seo_title", "meta_description", "search_result_preview"]},
        ),
    ]

    # How many closed requests for a review the article's form lists (past_review_requests).
    PAST_REQUESTS_SHOWN = 10

    # A clinician's review is a fact about today, like a client's consent: restoring an old
    # version brings back its words, never a review the clinician has since withdrawn or one
    # that vouched for other words.
    kept_on_restore = ("reviewed_by", "reviewed_on", "reviewed_fingerprint")

    # --- Clinical review: only reviewers may set it; reviewers change nothing else.

    def can_review(self, request):
        return request.user.has_perm("articles.review_article")

    def is_reviewer_only(self, request):
        """A clinical reviewer who is not also an editor: holds "change" only to record reviews."""
        return self.can_review(request) and not request.user.has_perm("articles.add_article")

    def has_edit_content_permission(self, request, obj=None):
        """May change the article itself (its text, whether and when it is public), not only its review.

        The one rule for what the change form leaves editable, the publishing actions and restoring
        or recovering versions.
        """
        return self.has_change_permission(request, obj) and not self.is_reviewer_only(request)

    def has_ask_for_review_permission(self, request, obj=None):
        """May ask a clinician to review an article (Marketing editors, Site administrators)."""
        return request.user.has_perm("articles.add_reviewrequest") and self.has_change_permission(
            request, obj
        )

    def has_withdraw_review_request_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_reviewrequest") and self.has_change_permission(
            request, obj
        )

    def has_decline_review_request_permission(self, request, obj=None):
        """May decline a request for a review: whoever may record clinical reviews (Clinical
        reviewers, Site administrators). Which requests is why_not_decline's rule."""
        return self.can_review(request) and self.has_change_permission(request, obj)

    def why_not_decline(self, request, waiting):
        """Why the person asking may not decline the request `waiting`, or "" when they may.

        Declining answers for a clinician, as a review does: a request naming a clinician is
        theirs to decline (or a site administrator's, who records reviews on their behalf), one
        naming nobody any reviewer's who signs as a clinician. Whoever asked withdraws instead."""
        user = request.user
        if waiting.asked_by_id is not None and waiting.asked_by_id == user.pk:
            return "You asked for this review yourself: withdraw the request instead of declining it."
        if signs_for_any_clinician(user):
            return ""
        own = own_clinician_of(request)
        if own is None:
            return (
                "Your account is not linked to a clinician record, so you cannot answer a request for a "
                "review. Ask a site administrator to link your account to your clinician record "
                "(Clinicians, “sign-in account”)."
            )
        if waiting.clinician_id is not None and waiting.clinician_id != own.pk:
            return (
                f"This request asks {waiting.clinician}: only they, or a site administrator, can decline it. "
                "Leave it for them, or answer it by recording your own review."
            )
        return ""

    def get_queryset(self, request):
        # Each article's last request for a review (the one waiting, or else the last closed, to
        # say who declined it), with who asked, of whom and who declined, in one query for a whole
        # list (the review column) as for one article (its form).
        last = ReviewRequest.objects.last_of_each_article().select_related(
            "asked_by", "clinician", "declined_by__clinician"
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("review_requests", queryset=last, to_attr="last_review_requests"))
        )

    # Above this many matches the search stays a condition: a list of ids that long costs each
    # query more than the condition does (on SQLite, which reads texts quickly, already at 2,000).
    SEARCH_IDS_AT_MOST = 1000

    def get_search_results(self, request, queryset, search_term):
        """Django's search (each word in the title, summary, text, author or the name of the
        clinician who wrote it), read once. The list asks its queryset up to five times (the
        count, the page, and twice the dates above the list), and each time the database read
        every article's whole text again: with 2,000 articles of 8 kB, a search took most of a
        second on PostgreSQL. The matching ids are read once, and the list asks for those: the
        same articles, in the same order."""
        # The Read next picker never offers the article being edited (ReadNextInline).
        queryset = left_out_of_autocomplete(request, queryset, ReadNextChoice._meta.get_field("chosen"))
        searched, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if searched is queryset or not search_term.split() or may_have_duplicates:
            return searched, may_have_duplicates  # no words to search for
        ids = list(searched.order_by().values_list("pk", flat=True)[: self.SEARCH_IDS_AT_MOST + 1])
        if len(ids) > self.SEARCH_IDS_AT_MOST:
            return searched, may_have_duplicates
        return queryset.filter(pk__in=ids), False

    def has_restore_permission(self, request, obj=None):
        # An old version brings back its text and publishing too, not only its review.
        return self.has_edit_content_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # What was saved before a restore or recovery wrote the old version (HistoryAdmin).
        saved_before = (
            {} if getattr(request, "recovering", False) else getattr(request, "saved_before_restore", None)
        )
        attrs = {"saved_before": saved_before}
        if not self.offers_small_correction(request, obj):
            attrs["small_correction"] = None  # not shown, so nothing posted may claim it
        if self.can_review(request):
            # Whom this person may sign as: the form refuses any other clinician (ArticleAdminForm).
            anyone = signs_for_any_clinician(request.user)
            attrs["signs_for_any_clinician"] = anyone
            attrs["own_clinician"] = None if anyone else own_clinician_of(request)
            attrs["reviewer_only"] = self.is_reviewer_only(request)
        return type(form.__name__, (form,), attrs)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.can_review(request):
            readonly += REVIEW_FIELDS
        elif self.is_reviewer_only(request):
            # A clinical reviewer reads the article and records the review, nothing more.
            editable = set(REVIEW_FIELDS)
            readonly += [
                f
                for fieldset in self.fieldsets
                for f in fieldset[1]["fields"]
                if f not in editable | set(readonly)
            ]
        return readonly

    REVIEW_RULE_NOTE = (
        " On this site, publishing needs a current clinical review: ask for one (“Ask for clinical "
        "review” at the top of the page) before you publish or schedule the article, and once it is "
        "published, change its headline, summary or text only with a new review, or after setting it "
        "back to Draft."
    )

    def get_fieldsets(self, request, obj=None):
        """With the site's rule that publishing needs a current review on, the Publishing section
        says so before anyone meets the refusal (Article.review_rule_refusal)."""
        fieldsets = super().get_fieldsets(request, obj)
        if self.offers_small_correction(request, obj):
            fieldsets = [
                (name, {**options, "fields": self._with_small_correction(options["fields"])})
                if name == "Publishing"
                else (name, options)
                for name, options in fieldsets
            ]
        if not SiteSettings.load().publishing_needs_review:
            return fieldsets
        return [
            (name, {**options, "description": options["description"] + self.REVIEW_RULE_NOTE})
            if name == "Publishing"
            else (name, options)
            for name, options in fieldsets
        ]

    def offers_small_correction(self, request, obj):
        """Whether the form has the "Small correction" box: for those who may change the words, once
        the article has been public. Before, editing is drafting and there is no date to keep."""
        return obj is not None and obj.has_been_public and self.has_edit_content_permission(request, obj)

    @staticmethod
    def _with_small_correction(fields):
        at = fields.index("words_last_changed") + 1
        return [*fields[:at], "small_correction", *fields[at:]]

    def get_prepopulated_fields(self, request, obj=None):
        readonly = set(self.get_readonly_fields(request, obj))
        return {k: v for k, v in super().get_prepopulated_fields(request, obj).items() if k not in readonly}

    def get_inlines(self, request, obj):
        if self.is_reviewer_only(request):
            return []
        return super().get_inlines(request, obj)

    def save_model(self, request, obj, form, change):
        changed = any(field in form.changed_data for field in REVIEW_FIELDS)
        # A clinical reviewer can change nothing but the review: saving an article whose review
        # is out of date, with the same clinician and date, is reviewing its new text again
        # (ArticleAdminForm.renews_saved_review, which the form checked like any new review).
        reviewed_again = form.renews_review
        not_renewed = (
            self.is_reviewer_only(request)
            and obj.review_is_out_of_date
            and not changed
            and not reviewed_again
        )
        if not_renewed and not form.may_sign_as(obj.reviewed_by):
            # Saving renews the review in its clinician's name: only they may (ArticleAdminForm).
            own = form.own_clinician
            self.message_user(
                request,
                f"The review stays out of date: it is {obj.reviewed_by}'s, and only they can renew it. "
                + (
                    f"To record your own review, choose {own} and the day you read it."
                    if own
                    else unlinked_account_message()
                ),
                messages.WARNING,
            )
        elif not_renewed and not obj.reviewed_by.is_active:
            # Only a clinician who reviews can sign the new text (ArticleAdminForm).
            self.message_user(
                request,
                f"The review stays out of date: {obj.reviewed_by} no longer reviews, so saving could not "
                "renew it. To record a new review, choose a clinician who reviews and the day they read it.",
                messages.WARNING,
            )
        if (changed or reviewed_again) and self.can_review(request):
            obj.record_review(obj.reviewed_by, obj.reviewed_on)
        if change and "status" in form.initial:
            # Where it stood before this save, as the form was opened on it: say_where_it_stands
            # tells an editor who took it back to draft what visitors lose. A restore's form opens
            # on the old version, written back already: where it stood is what was saved before
            # (HistoryAdmin.revision_view).
            before = getattr(request, "saved_before_restore", None) or form.initial
            saved = {name: before.get(name) for name in ("status", "published_at", "expires_at")}
            request.article_before = Article(**saved)
        super().save_model(request, obj, form, change)
        notices.review_recorded(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is PreviewLink:
            for link in formset.save(commit=False):
                if link.created_by_id is None:
                    link.created_by = request.user
                link.save()
            for link in formset.deleted_objects:
                link.delete()
            return
        super().save_formset(request, form, formset, change)

    def construct_change_message(self, request, form, formsets, add=False):
        """Django's list of the fields changed, and, when the site's rule that publishing needs a
        current review sent the article back to draft (Article.review_rule_unschedules), why: the
        form's own status did not change, so Django's list would not show it."""
        message = super().construct_change_message(request, form, formsets, add)
        if not form.instance.unscheduled_by_review_rule:
            return message
        changed = LogEntry(change_message=json.dumps(message)).get_change_message()
        return f"{changed} {Article.UNSCHEDULED_RECORD}".strip()

    # After Django's "… was added/changed successfully", which they qualify ("Scheduled: …").
    def warn_about_content(self, request, obj):
        self.say_where_it_stands(request, obj)
        super().warn_about_content(request, obj)

    def content_warnings(self, obj):
        return [
            *content_checks.check_article(obj),
            *content_checks.check_wording(obj, content_checks.ARTICLE_TEXTS),
            *content_checks.check_readability(obj, content_checks.ARTICLE_PROSE),
            *content_checks.check_placements(obj),
        ]

    def say_where_it_stands(self, request, obj):
        """After a save, what visitors get now: "changed successfully" alone would not say that a
        published article is still waiting for its time, will come down at its take-down time or
        is already past it, nor that a draft with a future publish time is not scheduled."""
        state = obj.get_state()
        article_before = getattr(request, "article_before", None)
        before = article_before.get_state() if article_before is not None else None
        if obj.unscheduled_by_review_rule:
            when = end_sentence(local_time(obj.published_at))
            self.message_user(
                request,
                "Back to draft: this site publishes only articles whose clinical review is current, so "
                f"without one it will not go live on {when} Its publish time is kept: once a clinician has "
                "recorded a review, set the status to Published and save to schedule it again.",
                messages.WARNING,
            )
        elif state == Article.State.DRAFT and before == Article.State.LIVE:
            self.message_user(
                request,
                "Unpublished: it is a draft again and no longer on the site. Visitors now get “page not "
                "found” at its address.",
                messages.WARNING,
            )
        elif state == Article.State.DRAFT and before == Article.State.SCHEDULED:
            # The time it was scheduled for: the form may have cleared or moved it with the status.
            when = end_sentence(local_time(article_before.published_at))
            self.message_user(
                request,
                f"Unpublished: it is a draft again and will not go live on {when} "
                "To schedule it again, set the status to Published and save.",
                messages.WARNING,
            )
        elif state == Article.State.DRAFT and obj.published_at and obj.published_at > timezone.now():
            when = date_format(timezone.localtime(obj.published_at), "DATETIME_FORMAT")
            self.message_user(
                request,
                f"Still a draft, not scheduled: the publish time ({when}) counts only once the status is "
                "Published. Until then visitors get “page not found”. To schedule it, set the status to "
                "Published and save.",
                messages.WARNING,
            )
        elif state == Article.State.SCHEDULED:
            # "9 a.m." ends the sentence as it is: no second full stop.
            when = end_sentence(local_time(obj.published_at))
            self.message_user(
                request, f"Scheduled: it goes live on {when} Until then visitors get “page not found”."
            )
        elif state == Article.State.LIVE and obj.expires_at:
            when = end_sentence(local_time(obj.expires_at))
            self.message_user(
                request,
                f"Live until {when} Then it comes off the site by itself; to keep it up, change or clear "
                "the take-down time.",
            )
        elif state == Article.State.EXPIRED:
            when = date_format(timezone.localtime(obj.expires_at), "DATETIME_FORMAT")
            self.message_user(
                request,
                f"Not on the site: its take-down time ({when}) has passed. Change or clear it to put it back.",
                messages.WARNING,
            )

    # --- Read-only panels.

    @admin.display(description="words last changed")
    def words_last_changed(self, obj):
        """When readers last got new words (Article.words_changed_at), and what the page says of it."""
        changed = obj.words_changed_at if obj is not None else None
        if changed is not None:
            if obj.updated_on is not None:
                return (
                    f"{end_sentence(local_time(changed))} Readers see “Updated "
                    f"{date_format(timezone.localtime(changed), 'F j, Y')}” beside the publish date."
                )
            return (
                f"{end_sentence(local_time(changed))} That is the day it was published, so readers see "
                "the publish date alone."
            )
        if obj is not None and obj.pk is not None and obj.has_been_public:
            return "Not changed since publishing: readers see the publish date alone."
        return "Not public yet: changes made before it goes out are drafting, and show no date."

    @admin.display(description="byline", ordering=Coalesce("written_by__name", "author"))
    def byline(self, obj):
        """The typed byline, or the clinician who wrote it (list_select_related reads them with the
        row); sorted by the name shown, as the typed "author" column was."""
        return obj.byline or "—"

    @admin.display(description="review")
    def review(self, obj):
        """When and by whom (list_select_related reads the clinician with the row), and who asked
        for a review that waits, or who declined the last request when none was asked since
        (get_queryset reads the last request with the list)."""
        if not obj.reviewed_by_id:
            said = "—"
        elif obj.review_is_out_of_date:
            said = format_html(
                "<strong>Review out of date</strong> ({}, {})", obj.reviewed_by, date_format(obj.reviewed_on)
            )
        else:
            said = f"Reviewed {date_format(obj.reviewed_on)} by {obj.reviewed_by}"
        waiting = obj.open_review_request
        declined = obj.declined_review_request if waiting is None else None
        if waiting is None and declined is None:
            if obj.review_is_due_again(review_again_after()):
                return format_html("{}<br><strong>Due for another review</strong>", said)
            return said
        asked = format_html(
            "<strong>{}</strong>", waiting.described() if waiting else declined.outcome_described()
        )
        return asked if not obj.reviewed_by_id else format_html("{}<br>{}", said, asked)

    @staticmethod
    def next_review_step(obj):
        """What happens next for an article that needs a new review, said so that it is true for
        whoever reads it (clinical reviewers cannot ask for one) and once one is asked for."""
        if obj.open_review_request is not None:
            return "A new review is asked for: see “Review asked for” below."
        return "Editors ask a clinician for one with “Ask for clinical review” at the top of the page."

    @admin.display(description="review status")
    def review_status(self, obj):
        if not obj or not obj.reviewed_by_id:
            return "Not reviewed yet."
        if obj.review_is_out_of_date:
            return f"Out of date: the text changed after the review. {self.next_review_step(obj)}"
        said = f"Current: {obj.reviewed_by} checked this text on {date_format(obj.reviewed_on)}."
        months = review_again_after()
        due = obj.review_due_again_on(months)
        if due is None:
            return said
        if not obj.review_is_due_again(months):
            return (
                f"{said} The site asks for another review {months} months after one: on {date_format(due)}."
            )
        return format_html(
            "{} <strong>Due for another review since {}:</strong> the site asks for one every {} months, "
            "though the words have not changed. {}",
            said,
            date_format(due),
            months,
            self.next_review_step(obj),
        )

    @admin.display(description="review asked for")
    def review_request(self, obj):
        """The request waiting for a clinician, shown to everyone who opens the article; when
        none waits and the last one was declined, who declined it and why, to ask again."""
        waiting = obj.open_review_request if obj else None
        if waiting is None:
            last = self.past_review_requests(obj)[0][:1] if obj and obj.pk else []
            if last and last[0].outcome == ReviewRequest.Outcome.DECLINED:
                return format_html(
                    "<strong>{}</strong> Reason: “{}” {} To ask again, use “Ask for clinical review” at the "
                    "top of the page.",
                    last[0].outcome_described(),
                    last[0].decline_reason,
                    last[0].described(),
                )
            return "No review is waiting to be done."
        note = format_html(" Note: “{}”", waiting.note) if waiting.note else ""
        return format_html(
            "{}{} It waits until a clinician records a review of the text as it stands.",
            waiting.described(),
            note,
        )

    @admin.display(description="past requests")
    def past_requests(self, obj):
        """The article's closed requests for a review, newest first, in a short read-only table:
        what editors asked, and what became of it (answered, withdrawn, declined and why)."""
        if not obj or not obj.pk:
            return "None yet."
        rows, older = self.past_review_requests(obj)
        if not rows:
            return "None yet: no request for a review of this article has been closed."
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}{}</td></tr>",
            (
                (
                    f"{local_time(row.asked_at)} by {ReviewRequest.person(row.asked_by)}"
                    + (f", of {row.clinician}" if row.clinician_id else ""),
                    row.note or "—",
                    row.outcome_described(),
                    format_html(" Reason: “{}”", row.decline_reason) if row.decline_reason else "",
                )
                for row in rows
            ),
        )
        more = (
            format_html(
                "<p>{}</p>",
                ngettext(
                    "And %(count)d older request, not shown.",
                    "And %(count)d older requests, not shown.",
                    older,
                )
                % {"count": older},
            )
            if older
            else ""
        )
        return format_html(
            '<table class="past-review-requests"><thead><tr><th scope="col">Asked</th>'
            '<th scope="col">Note</th><th scope="col">What became of it</th></tr></thead>'
            "<tbody>{}</tbody></table>{}",
            body,
            more,
        )

    def past_review_requests(self, article):
        """The article's closed requests, newest first: the last PAST_REQUESTS_SHOWN, with who
        asked, answered, withdrew or declined them, and how many older ones there are. Read once
        per article shown, in one query (two when there are older ones to count)."""
        if not hasattr(article, "_past_review_requests"):
            shown = self.PAST_REQUESTS_SHOWN
            rows = list(
                article.review_requests.closed()
                .select_related(
                    "asked_by__clinician",
                    "clinician",
                    "answered_by",
                    "withdrawn_by__clinician",
                    "declined_by__clinician",
                )
                .order_by("-closed_at", "-pk")[: shown + 1]
            )
            older = article.review_requests.closed().count() - shown if len(rows) > shown else 0
            article._past_review_requests = rows[:shown], older
        return article._past_review_requests

    @admin.display(description="reading level")
    def reading_level(self, obj):
        if not obj or not obj.body:
            return "Shown after saving."
        return content_checks.reading_level(obj)

    @admin.display(description="search result preview")
    def search_result_preview(self, obj):
        if not obj or not obj.pk:
            return "Shown after saving."
        title, description = obj.get_page_title(), obj.get_meta_description()
        limits = [
            ("Title", len(title), SeoFields.SEO_TITLE_LIMIT),
            ("Description", len(description), SeoFields.META_DESCRIPTION_LIMIT),
        ]
        counts = format_html_join(
            " · ",
            "{}: {} of about {} characters{}",
            (
                (name, n, limit, " (too long: it will be cut)" if n > limit else "")
                for name, n, limit in limits
            ),
        )
        cut = SeoFields.SEO_TITLE_LIMIT, SeoFields.META_DESCRIPTION_LIMIT
        # A search engine's colours, on the white of its results page: on the admin's own page
        # they were unreadable in its dark mode (dark blue on near-black, 1.5:1).
        return format_html(
            '<div class="search-preview" style="max-width:600px;font-family:arial,sans-serif;'
            'color:#202124;background:#fff;padding:8px 12px;border:1px solid #dadce0;border-radius:8px">'
            '<div style="color:#1a0dab;font-size:18px">{}</div>'
            '<div style="color:#006621;font-size:14px">{}</div>'
            '<div style="color:#545454;font-size:13px">{}</div></div><p>{}</p>',
            title if len(title) <= cut[0] else title[: cut[0] - 1] + "…",
            obj.get_absolute_url(),
            description if len(description) <= cut[1] else description[: cut[1] - 1] + "…",
            counts,
        )

    # --- Preview of the saved article, for staff.

    def get_urls(self):
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="articles_article_preview",
        )
        ask = path(
            "<path:object_id>/ask-for-review/",
            self.admin_site.admin_view(self.ask_for_review_view),
            name="articles_article_ask_for_review",
        )
        withdraw = path(
            "<path:object_id>/withdraw-review-request/",
            self.admin_site.admin_view(self.withdraw_review_request_view),
            name="articles_article_withdraw_review_request",
        )
        decline = path(
            "<path:object_id>/decline-review-request/",
            self.admin_site.admin_view(self.decline_review_request_view),
            name="articles_article_decline_review_request",
        )
        return [preview, ask, withdraw, decline, *super().get_urls()]

    def preview_view(self, request, object_id):
        # The admin's own lookup: an id that is not one (letters, a path) is "not found", not an error.
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No article with this id.")
        if not self.has_view_or_change_permission(request, article):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return ArticlePreviewView.as_view()(request, pk=article.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["preview_url"] = reverse("admin:articles_article_preview", args=[object_id])
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The buttons at the top: ask for a review, or withdraw the one that waits. The article is
        # the one the form shows, read with its request (get_queryset).
        if obj is not None and obj.pk is not None:
            waiting = obj.open_review_request
            if waiting is not None:
                if self.has_withdraw_review_request_permission(request, obj):
                    context["withdraw_review_request_url"] = reverse(
                        "admin:articles_article_withdraw_review_request", args=[obj.pk]
                    )
                if self.has_decline_review_request_permission(request, obj) and not self.why_not_decline(
                    request, waiting
                ):
                    context["decline_review_request_url"] = reverse(
                        "admin:articles_article_decline_review_request", args=[obj.pk]
                    )
            elif self.has_ask_for_review_permission(request, obj) and not obj.review_is_current:
                context["ask_for_review_url"] = reverse(
                    "admin:articles_article_ask_for_review", args=[obj.pk]
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Asking a clinician for a review, and withdrawing the request.

    def _article_for(self, request, object_id, allowed):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No article with this id.")
        if not allowed(request, article):
            raise PermissionDenied
        return article

    def ask_for_review_view(self, request, object_id):
        article = self._article_for(request, object_id, self.has_ask_for_review_permission)
        asked = ReviewRequest(article=article, asked_by=request.user)
        form = ReviewRequestForm(request.POST if request.method == "POST" else None, instance=asked)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    form.save()
                    self.log_change(request, article, "Asked for a clinical review.")
                    notices.review_asked(request, [form.instance])
            except IntegrityError:
                # Two editors asked at the same moment: the database keeps one request per article.
                form.add_error(
                    None,
                    "Someone else asked for a review of this article a moment ago, so yours was not saved. "
                    "Open the article to see their request.",
                )
            else:
                self.message_user(
                    request,
                    f"Review asked for. Clinical reviewers find “{article}” under “Waiting for review” "
                    "until one of them records a review of the text as it stands.",
                    messages.SUCCESS,
                )
                return redirect("admin:articles_article_change", article.pk)
        # Asking again after a decline: the reason says whom to ask, or what to change first.
        last = self.past_review_requests(article)[0][:1]
        declined = last[0] if last and last[0].outcome == ReviewRequest.Outcome.DECLINED else None
        return self.render_review_request_page(
            request,
            "ask_for_review.html",
            "Ask for a clinical review",
            articles=[article],
            form=form,
            declined=declined,
        )

    def withdraw_review_request_view(self, request, object_id):
        article = self._article_for(request, object_id, self.has_withdraw_review_request_permission)
        waiting = article.open_review_request
        if waiting is None:
            last = article.review_requests.order_by("-closed_at", "-pk").first()
            said = "Nothing to withdraw: no review is waiting for this article."
            self.message_user(
                request,
                f"{said} Its last request: {last.outcome_described()}" if last else said,
                messages.WARNING,
            )
            return redirect("admin:articles_article_change", article.pk)
        form = WithdrawReviewRequestForm(
            request.POST if request.method == "POST" else None, initial={"request": waiting.pk}
        )
        if request.method == "POST":
            if not form.is_valid():
                self.message_user(
                    request,
                    "The page did not say which request to withdraw, so nothing changed. Open it again from "
                    "the article's page.",
                    messages.ERROR,
                )
            # The request the page showed, and still waiting: not one asked again meanwhile.
            elif form.cleaned_data["request"] == waiting.pk and waiting.withdraw(request.user):
                self.log_change(request, article, "Withdrew the request for a clinical review.")
                notices.request_withdrawn(request, waiting)
                self.message_user(
                    request, "The request for a clinical review was withdrawn.", messages.SUCCESS
                )
            else:
                self.message_user(
                    request,
                    "The request you were withdrawing was answered, withdrawn or declined by someone else "
                    "meanwhile, so nothing changed. The article's page shows where its review stands now, "
                    "with any new request and its note.",
                    messages.WARNING,
                )
            return redirect("admin:articles_article_change", article.pk)
        return self.render_review_request_page(
            request,
            "withdraw_review_request.html",
            "Withdraw the request for a review",
            articles=[article],
            waiting=waiting,
            form=form,
        )

    def decline_review_request_view(self, request, object_id):
        article = self._article_for(request, object_id, self.has_decline_review_request_permission)
        waiting = article.open_review_request
        change_page = redirect("admin:articles_article_change", article.pk)
        if waiting is None:
            self.message_user(
                request,
                "No review is waiting for this article: it was answered by a review, withdrawn or declined "
                "already. Nothing changed.",
                messages.WARNING,
            )
            return change_page
        refused = self.why_not_decline(request, waiting)
        if refused:
            self.message_user(request, f"{refused} Nothing changed.", messages.ERROR)
            return change_page
        form = DeclineReviewRequestForm(
            request.POST if request.method == "POST" else None, initial={"request": waiting.pk}
        )
        if request.method == "POST" and "request" in form.errors:
            self.message_user(
                request,
                "The page did not say which request to decline, so nothing changed. Open it again from the "
                "article's page.",
                messages.ERROR,
            )
            return change_page
        if request.method == "POST" and form.is_valid():
            # The request the page showed, and still waiting: not one asked again meanwhile.
            with transaction.atomic():
                declined = form.cleaned_data["request"] == waiting.pk and waiting.decline(
                    request.user, form.cleaned_data["reason"]
                )
                if declined:
                    self.log_change(
                        request,
                        article,
                        f"Declined the request for a clinical review: {waiting.decline_reason}",
                    )
                    notices.request_declined(request, waiting)
            if declined:
                self.message_user(
                    request,
                    f"You declined the review of “{article}”. It has left the list of what waits, and the "
                    "article's page tells the editor why.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    "The request you were declining was answered, withdrawn or declined by someone else "
                    "meanwhile, so nothing changed. The article's page shows where its review stands now.",
                    messages.WARNING,
                )
            return change_page
        return self.render_review_request_page(
            request,
            "decline_review_request.html",
            "Decline the request for a review",
            articles=[article],
            waiting=waiting,
            form=form,
        )

    def render_review_request_page(self, request, template, title, **context):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "has_view_permission": self.has_view_permission(request),
            **context,
        }
        return TemplateResponse(request, f"admin/articles/article/{template}", context)

    @admin.action(
        description="Ask for a clinical review of selected articles", permissions=["ask_for_review"]
    )
    def ask_for_review_selected(self, request, queryset):
        """A page asking whom and why, then one request per article that can take one."""
        articles = list(queryset)  # with their open requests (get_queryset)
        form = ReviewRequestForm(
            request.POST if "ask" in request.POST else None, instance=ReviewRequest(asked_by=request.user)
        )
        if not form.is_valid():
            return self.render_review_request_page(
                request,
                "ask_for_review.html",
                "Ask for a clinical review",
                articles=articles,
                form=form,
                bulk=True,
            )
        asking = [article for article in articles if not ReviewRequest.refusal(article)]
        clinician = form.cleaned_data["clinician"]
        # bulk_create sends no pre_save: the note is cleaned here as a save would clean it.
        note = visible_text(form.cleaned_data["note"], single_line=True)
        try:
            with transaction.atomic():
                asked = ReviewRequest.objects.bulk_create(
                    ReviewRequest(article=article, clinician=clinician, note=note, asked_by=request.user)
                    for article in asking
                )
                notices.review_asked(request, asked)
                if asking:
                    LogEntry.objects.log_actions(
                        user_id=request.user.pk,
                        queryset=asking,
                        action_flag=CHANGE,
                        change_message="Asked for a clinical review with the bulk action.",
                    )
        except IntegrityError:
            self.message_user(
                request,
                "Someone else asked for a review of one of these articles at the same moment, so nothing was "
                "asked. Select them again: those with a request now show it in the review column.",
                messages.ERROR,
            )
            return None
        if asking:
            self.message_user(
                request,
                ngettext(
                    "Review asked for %(count)d article. It waits under “Waiting for review”.",
                    "Review asked for %(count)d articles. They wait under “Waiting for review”.",
                    len(asking),
                )
                % {"count": len(asking)},
                messages.SUCCESS,
            )
        waiting = [article for article in articles if article.open_review_request is not None]
        if waiting:
            self.message_user(
                request,
                f"Left as they are, a review being asked for already: {titles(waiting)}. Their requests "
                "show in the review column.",
                messages.WARNING,
            )
        current = [
            article
            for article in articles
            if article.open_review_request is None and article.review_is_current
        ]
        if current:
            self.message_user(
                request,
                f"Left as they are, their review being current (nothing new to review): {titles(current)}.",
                messages.WARNING,
            )

    @admin.display(description="state", ordering="status")
    def state(self, obj):
        """Where it stands, with the time that changes it: when it goes live, when it comes down."""
        state = obj.get_state()
        if state == Article.State.SCHEDULED:
            return f"Scheduled for {local_time(obj.published_at)}"
        if state == Article.State.LIVE and obj.expires_at:
            return f"Live until {local_time(obj.expires_at)}"
        if state == Article.State.EXPIRED:
            return f"Expired {local_time(obj.expires_at)}"
        return state.label

    def changelist_view(self, request, extra_context=None):
        # Django leaves out the actions a user may not use, but answers a posted one silently.
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            self.message_user(
                request, "That action is not available to you. Nothing was changed.", messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    @admin.action(
        description="Publish selected articles now (or at their scheduled time)", permissions=["edit_content"]
    )
    def publish_selected(self, request, queryset):
        now = timezone.now()
        expired = queryset.filter(expires_at__lte=now).count()
        if expired:
            self.message_user(
                request,
                f"{expired} article(s) were left as they are because their take-down time has passed. "
                "Change or clear it first.",
                messages.WARNING,
            )
        publishable = queryset.exclude(expires_at__lte=now)
        with transaction.atomic():  # the change and its record in the admin's history, together
            refused = self.refused_by_review_rule(publishable)
            if refused:
                publishable = publishable.exclude(pk__in=[article.pk for article in refused])
            changed = list(publishable.exclude(status=Article.Status.PUBLISHED, published_at__isnull=False))
            publishable.update(
                status=Article.Status.PUBLISHED, published_at=Coalesce(F("published_at"), Now())
            )
            publishable.filter(published_at__lte=Now(), was_public=False).update(was_public=True)
            log_bulk_change(request, changed, "Published with the bulk action.")
        content_changed()  # update() sends no signal: invalidate the cached pages here
        # Say what visitors will see: public now, public later, or no change at all.
        scheduled = sum(1 for article in changed if article.published_at and article.published_at > now)
        live_now = len(changed) - scheduled
        parts = [
            ngettext("%(count)d article is public now.", "%(count)d articles are public now.", live_now)
            % {"count": live_now}
        ]
        if scheduled:
            parts.append(
                ngettext(
                    "%(count)d will go live at its scheduled time.",
                    "%(count)d will go live at their scheduled times.",
                    scheduled,
                )
                % {"count": scheduled}
            )
        unchanged = len(queryset) - expired - len(refused) - len(changed)
        if unchanged:
            parts.append(
                ngettext("%(count)d was published already.", "%(count)d were published already.", unchanged)
                % {"count": unchanged}
            )
        self.message_user(request, " ".join(parts), messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                format_html(
                    "Left as drafts, this site publishing only articles whose clinical review is current: {}. "
                    "Ask for a clinical review of them (the action “Ask for a clinical review of selected "
                    "articles”), and publish them once a clinician has recorded it.",
                    titles(refused),
                ),
                messages.WARNING,
            )

    def refused_by_review_rule(self, articles):
        """The drafts among `articles` that publishing would make public without a current clinical
        review, when the site's rule asks for one (Article.review_rule_refusal, the rule the
        change form applies): locked until the action's transaction ends, so that no edit slips
        between the check and the publishing."""
        if not SiteSettings.load().publishing_needs_review:
            return []
        drafts = articles.exclude(status=Article.Status.PUBLISHED, published_at__isnull=False)
        ids = list(drafts.prefetch_related(None).select_for_update().values_list("pk", flat=True))
        return list(
            Article.objects.filter(pk__in=ids).without_current_review().order_by("title").only("title")
        )

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["edit_content"])
    def unpublish_selected(self, request, queryset):
        now = timezone.now()
        with transaction.atomic():
            changing = queryset.exclude(status=Article.Status.DRAFT)
            changed = list(changing)
            # Where each stood: only the live ones leave the site now (unpublished_said).
            states = Counter(article.get_state(now) for article in changed)
            # An article that went live at its time was never saved as public: say so now, or
            # renaming it later would leave its shared address without a redirect.
            changing.update(
                status=Article.Status.DRAFT,
                was_public=Case(
                    When(status=Article.Status.PUBLISHED, published_at__lte=Now(), then=Value(True)),
                    default=F("was_public"),
                ),
            )
            log_bulk_change(request, changed, "Unpublished (back to draft) with the bulk action.")
        content_changed()
        said = self.unpublished_said(states, drafts_already=queryset.count() - len(changed))
        self.message_user(request, said, messages.SUCCESS)
        self.warn_of_links_left_behind(request, [article for article in changed if article.is_public])

    @staticmethod
    def unpublished_said(states, drafts_already):
        """What the bulk Unpublish did, by where each article stood (`states`, a Counter of
        Article.State): only the live ones were public and leave the site; scheduled ones will not
        go live, expired ones were off the site already; drafts stay as they were. "3 articles
        are no longer public" for one live, one scheduled and one expired misled the editor."""
        live, scheduled, expired = (
            states[Article.State.LIVE],
            states[Article.State.SCHEDULED],
            states[Article.State.EXPIRED],
        )
        counted = [
            (
                live,
                "%(count)d live article is a draft again and no longer public.",
                "%(count)d live articles are drafts again and no longer public.",
            ),
            (
                scheduled,
                "%(count)d scheduled article is a draft again and will not go live at its time.",
                "%(count)d scheduled articles are drafts again and will not go live at their times.",
            ),
            (
                expired,
                "%(count)d article past its take-down time, already off the site, is a draft again.",
                "%(count)d articles past their take-down time, already off the site, are drafts again.",
            ),
            (
                drafts_already,
                "%(count)d was a draft already and is unchanged.",
                "%(count)d were drafts already and are unchanged.",
            ),
        ]
        parts = [ngettext(one, many, count) % {"count": count} for count, one, many in counted if count]
        if not live and (scheduled or expired):
            parts.append("None of them was on the site, so visitors see no change.")
        return " ".join(parts)
