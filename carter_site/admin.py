import copy
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import ngettext

from . import (
    accounts_admin,  # noqa: F401  (the staff accounts' admin registers itself)
    not_found_admin,  # noqa: F401  (so does "Addresses not found")
)
from .admin_deletes import collect
from .admin_input import AutocompleteOfIdsMixin
from .admin_times import TypedTimesMixin
from .audit import count_of_changes, log_bulk_change, with_the_objects_they_name
from .caching import content_changed
from .concurrent_saves import RetryRefusedSaveMixin, RowsAddedMeanwhileFormSet, unique_together_with
from .history import HistoryAdmin
from .links import describe_text, link_warnings, previewed_article_id, texts_linking_to
from .models import SiteSettings
from .redirects import (
    file_at,
    find_loop,
    is_reserved_address,
    live_page_at,
    redirect_path_limit,
    unpublished_page_at,
)
from .richtext import RichTextFormField, losses_warnings
from .security import is_admin_path


def where_used(obj):
    """What keeps an object from being deleted, as an editor can act on it: the article a
    placement belongs to (not the placement row), or the object itself, linked to its page
    in the admin when it has one."""
    owner = obj.article if hasattr(obj, "article_id") else obj  # a placement on an article
    label = f"{capfirst(owner._meta.verbose_name)}: {owner}"
    try:
        url = reverse(f"admin:{owner._meta.app_label}_{owner._meta.model_name}_change", args=[owner.pk])
    except NoReverseMatch:
        return label
    return format_html('<a href="{}">{}</a>', url, label)


class PlacedOnceFormSet(RowsAddedMeanwhileFormSet):
    """Rows that place an object on a page (an FAQ or a testimonial on an article, an FAQ on a
    location, a location of an article), each object once per page. Two rows placing the same one
    each say which it is, in an editor's words, instead of Django's "Please correct the duplicate
    data for faq."; nothing on the page is saved."""

    def clean(self):
        self.mark_placed_twice()
        super().clean()  # Django's duplicate check: the rows marked above are no longer its concern

    def mark_placed_twice(self):
        for names in unique_together_with(self.model, self.fk):
            placed = [name for name in names if name != self.fk.name]
            if len(placed) != 1:
                continue  # not a placement: a row whose natural key has more parts
            rows = {}
            for form in self.forms:
                if not form.is_valid() or self._should_delete_form(form):
                    continue
                if (value := form.cleaned_data.get(placed[0])) is not None:
                    rows.setdefault(value, []).append(form)
            for value, placing in rows.items():
                for form in placing if len(placing) > 1 else ():
                    form.add_error(None, self.placed_twice_error(value))

    def placed_twice_error(self, placed):
        name = str(placed)  # a testimonial's name is its quote, in quotation marks already
        return ValidationError(
            "This %(kind)s is on the %(page)s twice: %(name)s. Delete one of the two rows.",
            code="placed_twice",
            params={
                "kind": placed._meta.verbose_name,
                "page": self.fk.related_model._meta.verbose_name,
                "name": name if name.startswith("“") else f"“{name}”",
            },
        )


class RowsNamedByTheirObjectsInline(TypedTimesMixin, AutocompleteOfIdsMixin, admin.TabularInline):
    """An inline whose rows are shown by name, a name made of the objects they join: those
    objects are read with the rows (audit.with_the_objects_they_name). Its searchable pickers
    take posted values that are not ids calmly (admin_input.AutocompleteOfIdsMixin), a row
    someone else added meanwhile is not added twice (concurrent_saves.RowsAddedMeanwhileFormSet),
    and an object placed twice on the page is named on both rows (PlacedOnceFormSet)."""

    formset = PlacedOnceFormSet

    def get_queryset(self, request):
        return with_the_objects_they_name(super().get_queryset(request))


class AsksForFilesAgainMixin:
    """For the admin of a model with a picture: when the change form comes back with something to
    correct, a file chosen in it was checked, found fine and not saved, and the browser shows
    the field empty again (it never sends a chosen file twice). Saving the corrected form would
    then leave the picture out without a word, so the field asks for it again."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if request.method == "POST" and form.is_bound:
            for name, field in form.fields.items():
                chosen = request.FILES.get(form.add_prefix(name))
                if isinstance(field, forms.FileField) and chosen and name not in form.errors:
                    message = (
                        f"Choose the {str(field.label).lower()} “{chosen.name}” again before saving: it was "
                        "fine, but a browser does not keep a chosen file when the page comes back with "
                        "something to correct, so it is not saved yet."
                    )
                    form.add_error(name, message)
                    context["errors"].append(message)  # counted in "Please correct the errors below"
        return super().render_change_form(request, context, add, change, form_url, obj)


class SaysWhereOldAddressesLeadMixin:
    """For the admin of a page whose address changes with its slug (carter_site.redirects): after a
    rename of a page that has been public, the editor is told that its old address leads to the
    new one, the redirect added by itself. And when the page is public at an address that
    Redirects sends elsewhere, that this redirect is not used while the page is there (Django's
    redirects answer only where the site has no page)."""

    def save_model(self, request, obj, form, change):
        request.renamed_from = None
        old_slug = form.initial.get("slug") if change else None
        super().save_model(request, obj, form, change)
        if old_slug and old_slug != obj.slug and obj.was_public:
            before = copy.copy(obj)
            before.slug = old_slug
            request.renamed_from = before.get_absolute_url()

    def _say_where_addresses_lead(self, request, obj):
        # Said only after the whole save has held: a save the database refuses after this one's
        # save_model is undone and tried again (RetryRefusedSaveMixin), which would have said it
        # twice, or of a rename that was undone. After "… was added/changed successfully".
        address = obj.get_absolute_url()
        if getattr(request, "renamed_from", None) and len(request.renamed_from) > redirect_path_limit():
            self.message_user(
                request,
                f"The page's address is now {address}. Its old address was longer than a redirect can "
                f"keep ({redirect_path_limit()} characters), so links already shared to it no longer "
                "find the page.",
                messages.WARNING,
            )
        elif getattr(request, "renamed_from", None):
            self.message_user(
                request,
                f"The page's address is now {address}. Its old address, {request.renamed_from}, "
                "leads there, so links already shared keep working (see Redirects).",
                messages.INFO,
            )
        if obj.is_public:
            for target in Redirect.objects.filter(old_path=address).values_list("new_path", flat=True):
                self.message_user(
                    request,
                    f"Redirects also sends {address} to {target or 'nowhere (gone)'}. That redirect is not "
                    "used while this page is published there; delete it in Redirects unless it should "
                    "take over once the page is unpublished.",
                    messages.WARNING,
                )

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._say_where_addresses_lead(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._say_where_addresses_lead(request, obj)
        return response


class WarnsAfterSavingMixin:
    """For the admin of content written in the rich-text editor: after a save, whichever button
    saved it, what the sanitiser took out of the text as sent that the editor would miss (a link
    whose address the site does not keep, an embedded video: richtext.losses_warnings), the
    warnings of `content_warnings()` (a picture without a description, a skipped heading level)
    and those about its links to pages visitors cannot reach, each after Django's "… was
    added/changed successfully". They warn; the editor decides."""

    def content_warnings(self, obj):
        return []

    def save_form(self, request, form, change):
        # Read from what the browser sent: by now the form's instance holds the sanitised text.
        request.rich_text_losses = [
            warning
            for name, field in form.fields.items()
            if isinstance(field, RichTextFormField) and not field.disabled
            for warning in losses_warnings(
                form.data.get(form.add_prefix(name)), where=f"the {str(field.label).lower()}"
            )
        ]
        return super().save_form(request, form, change)

    def warn_about_content(self, request, obj):
        # Then, for every kind of rich text alike, its links that lead visitors nowhere (links.py).
        for warning in [
            *getattr(request, "rich_text_losses", []),
            *self.content_warnings(obj),
            *link_warnings(obj, viewer=request.user),
        ]:
            self.message_user(request, f"Check: {warning}", messages.WARNING)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.warn_about_content(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        # A plain Save goes through response_post_save_change (below); the other buttons do not.
        if any(button in request.POST for button in ("_continue", "_saveasnew", "_addanother")):
            self.warn_about_content(request, obj)
        return response

    def response_post_save_change(self, request, obj):  # "Save": back to the list
        self.warn_about_content(request, obj)
        return super().response_post_save_change(request, obj)


def links_left_behind(page, texts, lead="now lead"):
    """The warning that published `texts` link to `page`, which visitors can no longer open: each
    text linked to its change form, so the editor can go and change the link."""

    def change_form(text):
        try:
            return reverse(f"admin:{text._meta.app_label}_{text._meta.model_name}_change", args=[text.pk])
        except NoReverseMatch:
            return ""

    count = len(texts)
    listed = format_html_join(
        ", ", '<a href="{}">{}</a>', ((change_form(text), describe_text(text)) for text in texts)
    )
    linking = ngettext("%(count)d published text links to", "%(count)d published texts link to", count) % {
        "count": count
    }
    return format_html(
        "{} {} ({}): {}. Their links {} visitors to “page not found”: change them, or add a redirect "
        "from {} to the page that replaces it (Redirects).",
        linking,
        f"“{page}”",
        page.get_absolute_url(),
        listed,
        lead,
        page.get_absolute_url(),
    )


class WarnsOfLinksLeftBehindMixin:
    """For the admin of a page other texts link to (an article, a location, a standing page, an FAQ
    topic): when it stops being public (unpublished, scheduled for later, taken down) or is about
    to be deleted, which published texts link to it (carter_site.links.texts_linking_to), so the
    editor can change those links or add a redirect before visitors meet “page not found”. A
    warning: nothing is refused."""

    def save_model(self, request, obj, form, change):
        if hasattr(request, "links_target_before_restore"):  # read before the old version was written back
            request.links_target_before = request.links_target_before_restore
        else:
            request.links_target_before = self.public_state(obj) if change else None
        super().save_model(request, obj, form, change)

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        # Restoring an old version (django-reversion's revision view) writes it to the database
        # first, then saves the change form over it: read before that, the object as visitors
        # had it, or save_model would compare the old version with itself and never warn. A
        # recovered object was deleted: nothing of it was public.
        if request.method == "POST":
            request.links_target_before_restore = self.public_state(self.model(pk=version.object_id))
        return super()._reversion_revisionform_view(request, version, template_name, extra_context)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        pages = self.pages_left_by_save(obj, getattr(request, "links_target_before", None))
        self.warn_of_pages_left_behind(request, pages)
        return response

    def public_state(self, obj):
        """What visitors can reach of `obj` as the database holds it now, read before a save and
        handed to pages_left_by_save after it: whether it is public, by default."""
        published = getattr(self.model._default_manager, "published", None)
        return bool(published is not None and published().filter(pk=obj.pk).exists())

    def pages_left_by_save(self, obj, before):
        """The pages the save of `obj` took off the site, `before` being its public_state before
        the save: the object itself, when it was public and is no longer."""
        return [obj] if before and not obj.is_public else []

    def get_deleted_objects(self, objs, request):
        deleted = super().get_deleted_objects(objs, request)
        # Said on the confirmation page (a delete link, or the bulk action's first step), where the
        # editor can still stop; not again once the delete is confirmed.
        confirming = request.method == "GET" or (
            request.POST.get("action") == "delete_selected" and "post" not in request.POST
        )
        if confirming:
            self.warn_of_links_left_behind(request, list(objs), lead="will lead")
        return deleted

    def pages_going_away(self, objs, deleting=False):
        """The pages visitors lose with `objs` (unpublished, or about to be deleted when
        `deleting`): the objects themselves, for a model with a page of its own."""
        return objs

    def warn_of_links_left_behind(self, request, objs, lead="now lead"):
        self.warn_of_pages_left_behind(
            request, self.pages_going_away(objs, deleting=lead == "will lead"), lead
        )

    def warn_of_pages_left_behind(self, request, pages, lead="now lead"):
        for page, texts in texts_linking_to(pages).items():
            self.message_user(request, links_left_behind(page, texts, lead), messages.WARNING)


class SaysWhatUsesItMixin:
    """For the admin of something other content uses (a location, an FAQ, a topic): a delete it
    refuses, of one or of a selection, lists what uses it, linked, and says what to do instead,
    in place of Django's "would require deleting the following protected related objects"."""

    delete_confirmation_template = "admin/carter_site/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/carter_site/delete_selected_confirmation.html"

    def get_deleted_objects(self, objs, request):
        """As Django's, but what blocks a delete is listed as the pages that use it, linked."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            protected = list(dict.fromkeys(where_used(obj) for obj in collect(objs).protected))
        return deleted, counts, perms_needed, protected


class PublishedFlagAdmin(SaysWhatUsesItMixin, HistoryAdmin):
    """Shared by the admins of content with a 'published' tick: bulk publish and unpublish."""

    actions = ["publish_selected", "unpublish_selected"]

    def publishable(self, queryset):
        """The part of `queryset` that may be published; subclasses narrow it."""
        return queryset

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
    def publish_selected(self, request, queryset):
        allowed = self.publishable(queryset)
        with transaction.atomic():  # the change and its record in the admin's history, together
            changing = allowed.filter(is_published=False)
            changed = list(changing)
            updated = changing.update(is_published=True, **self._public_from_now_on())
            log_bulk_change(request, changed, "Published with the bulk action.")
        content_changed()  # update() sends no signal: invalidate the cached pages here
        said = count_of_changes(
            updated,
            allowed.count() - updated,
            ("Published %(count)d item.", "Published %(count)d items."),
            ("%(count)d was published already.", "%(count)d were published already."),
        )
        self.message_user(request, said, messages.SUCCESS)
        skipped = queryset.count() - allowed.count()
        if skipped:
            self.message_user(request, self.publish_refused_message(skipped), messages.WARNING)

    def publish_refused_message(self, count):
        return f"{count} could not be published."

    def _public_from_now_on(self):
        """What an update() of rows that are or were public must also write: a page that has had
        a public address keeps it when renamed later (carter_site.redirects), and update() runs
        none of the code that records it on save."""
        names = {field.name for field in self.model._meta.concrete_fields}
        return {"was_public": True} if "was_public" in names else {}

    @admin.action(description="Unpublish selected %(verbose_name_plural)s", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        with transaction.atomic():
            changing = queryset.filter(is_published=True)
            changed = list(changing)
            # Ticked Published is not always shown: a testimonial's consent may not have begun.
            published = getattr(self.model._default_manager, "published", None)
            shown = (
                published().filter(pk__in=[obj.pk for obj in changed]).count() if published else len(changed)
            )
            updated = changing.update(is_published=False, **self._public_from_now_on())
            log_bulk_change(request, changed, "Unpublished with the bulk action.")
        content_changed()
        if shown == updated:
            texts = (
                "Unpublished %(count)d item: it is no longer on the public site.",
                "Unpublished %(count)d items: they are no longer on the public site.",
            )
        else:
            texts = ("Unpublished %(count)d item.", "Unpublished %(count)d items.")
        said = count_of_changes(
            updated,
            queryset.count() - updated,
            texts,
            ("%(count)d was not published.", "%(count)d were not published."),
        )
        if shown != updated:
            said += " " + (
                ngettext(
                    "%(shown)d of them was on the public site and no longer is; the others were not shown there.",
                    "%(shown)d of them were on the public site and no longer are; the others were not shown there.",
                    shown,
                )
                if shown
                else "None of them was shown on the public site, so visitors see no change."
            ) % {"shown": shown}
        self.message_user(request, said, messages.SUCCESS)
        if isinstance(self, WarnsOfLinksLeftBehindMixin):  # after what changed, what it leaves behind
            self.warn_of_links_left_behind(request, changed)


@admin.register(SiteSettings)
class SiteSettingsAdmin(HistoryAdmin):
    """The one row of settings, with history like the content: a mistyped phone number is on every
    page at once, and the number it replaced is one click away in History (restore)."""

    fieldsets = [
        (None, {"fields": ["organization_name", "default_meta_description"]}),
        (
            "Getting help",
            {
                "description": "Shown on every page. The call buttons dial the main phone number; "
                "the crisis line stays apart from admissions.",
                "fields": ["phone", "phone_hours", "crisis_line_text"],
            },
        ),
        (
            "Publishing",
            {
                "description": "The site's rule for articles (the editors' guide says more under “When "
                "publishing needs a current clinical review”). Only site administrators change it.",
                "fields": ["publishing_needs_review", "review_again_after_months"],
            },
        ),
    ]

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # One row, named after its kind: Django's "The site settings “Site settings” was changed
        # successfully." says the same words twice.
        if level == messages.SUCCESS and str(message).startswith(f"The {self.opts.verbose_name} “"):
            message = "The site settings were saved: every page shows them from now on."
        super().message_user(request, message, level, *args, **kwargs)

    # The publishing rule is a decision about today, not part of an old version's wording:
    # restoring the phone number of last month must not turn the rule off (or on) with it.
    kept_on_restore = ("publishing_needs_review", "review_again_after_months")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("carter_site.change_review_rule"):
            # Posting them anyway changes nothing: both are the clinical side's decisions.
            readonly += ["publishing_needs_review", "review_again_after_months"]
        return readonly

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request.review_rule_switched_on = obj.publishing_needs_review and (
            "publishing_needs_review" in form.changed_data
        )

    # The record each article sent back to draft keeps in its history (and the admin's log).
    BACK_TO_DRAFT_RECORD = (
        "Back to draft: it was scheduled without a current clinical review when a site administrator "
        "switched on “Publishing needs a current clinical review”. Its publish time is kept: once a "
        "clinician has reviewed it, set the status to Published and save to schedule it again."
    )

    def add_view(self, request, form_url="", extra_context=None):
        return self._then_back_to_draft(request, super().add_view, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._then_back_to_draft(request, super().change_view, object_id, form_url, extra_context)

    def _then_back_to_draft(self, request, view, *args):
        """Switching the rule on sends the scheduled articles without a current review back to
        draft, in the same transaction as the settings: both are saved, or neither. After the
        settings' own version is saved (django-reversion's revision opens and closes around the
        view), so that the articles' versions make a revision of their own, labelled with why."""
        with transaction.atomic():
            response = view(request, *args)
            back_to_draft = []
            if getattr(request, "review_rule_switched_on", False):
                request.review_rule_switched_on = False
                back_to_draft = self._scheduled_without_review_back_to_draft(request)
        if back_to_draft:
            self._say_back_to_draft(request, back_to_draft)
        return response

    def _scheduled_without_review_back_to_draft(self, request):
        """The scheduled articles without a current clinical review, made drafts again (their
        publish time kept) with a record in each one's history; the list of them, by title. Locked
        first, so that no edit slips between the check and the change."""
        from articles.models import Article

        scheduled = Article.objects.scheduled().order_by()
        ids = list(scheduled.select_for_update().values_list("pk", flat=True))
        unreviewed = list(
            Article.objects.filter(pk__in=ids).without_current_review().order_by("title").only("title")
        )
        if unreviewed:
            Article.objects.filter(pk__in=[article.pk for article in unreviewed]).update(
                status=Article.Status.DRAFT
            )
            log_bulk_change(request, unreviewed, self.BACK_TO_DRAFT_RECORD)
            content_changed()  # update() sends no signal: the cached pages' times to come change
        return unreviewed

    def _say_back_to_draft(self, request, articles):
        shown = 5
        named = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:articles_article_change", args=[article.pk]), f"“{article.title}”")
                for article in articles[:shown]
            ),
        )
        if len(articles) > shown:
            named = format_html("{} and {} more", named, len(articles) - shown)
        ids = ",".join(str(article.pk) for article in articles)
        url = reverse("admin:articles_article_changelist") + f"?id__in={ids}"
        if len(articles) == 1:
            said = (
                "1 scheduled article without a current clinical review is back to draft, so that it does "
                "not go live: {}. It keeps its publish time, and its history says why. Ask for a review of "
                "it; once a clinician has recorded one, set its status to Published and save to schedule it "
                'again. <a href="{}">See it in the article list</a>.'
            )
        else:
            said = (
                f"{len(articles)} scheduled articles without a current clinical review are back to draft, so "
                "that they do not go live: {}. Each keeps its publish time, and its history says why. Ask "
                "for a review of each; once a clinician has recorded one, set its status to Published and "
                'save to schedule it again. <a href="{}">See them in the article list</a>.'
            )
        self.message_user(request, format_html(said, named, url), messages.WARNING)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._warn_of_live_articles_without_review(request)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._warn_of_live_articles_without_review(request)
        return response

    def _warn_of_live_articles_without_review(self, request):
        """Once the rule is switched on, the articles it leaves as they are: those already live
        without a current review. Nothing is unpublished by a setting; the message names them and
        links to them in the article list. (The scheduled ones go back to draft: changeform_view.)"""
        if not getattr(request, "review_rule_switched_on", False):
            return
        from articles.models import Article

        unreviewed = list(
            Article.objects.published()
            .without_current_review()
            .order_by("title")
            .values_list("title", flat=True)
        )
        if not unreviewed:
            return
        named = ", ".join(f"“{title}”" for title in unreviewed[:5])
        if len(unreviewed) > 5:
            named += f" and {len(unreviewed) - 5} more"
        url = reverse("admin:articles_article_changelist") + "?state=live&review=not_current"
        self.message_user(
            request,
            format_html(
                "{} {} on the site without a current clinical review: {}. Nothing was unpublished: the rule "
                'applies to what is published or changed from now on. <a href="{}">See them in the article '
                "list</a>, ask for a review of each, or unpublish those that should not stay up.",
                len(unreviewed),
                ngettext("article is", "articles are", len(unreviewed)),
                named,
                url,
            ),
            messages.WARNING,
        )

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """There is only one row: go straight to it (or to creating it)."""
        settings = SiteSettings.objects.first()
        if settings is None:
            return redirect(reverse("admin:carter_site_sitesettings_add"))
        return redirect(reverse("admin:carter_site_sitesettings_change", args=[settings.pk]))


class RedirectForm(forms.ModelForm):
    """A redirect by hand. Its site is always this one (settings.SITE_ID): django.contrib.redirects
    answers only for the current site, so the choice Django's form offered (a radio button,
    not preselected, whose only choice was example.com) could only be right or useless."""

    class Meta:
        model = Redirect
        fields = ["old_path", "new_path"]

    def clean(self):
        cleaned = super().clean()
        site = self.instance.site = Site.objects.get_current()
        old_path, new_path = cleaned.get("old_path"), cleaned.get("new_path")
        if old_path and new_path is not None:
            if not old_path.startswith("/"):
                self.add_error(
                    "old_path", "Start the old address with a slash, for example /articles/old-name/."
                )
            elif is_reserved_address(old_path):
                self.add_error(
                    "old_path",
                    "Addresses under /.well-known/ are where other services check that they are talking "
                    "to this site (a certificate for its address, its security contact), not pages: a "
                    "redirect from one would let another server answer for the site. Ask whoever runs "
                    "the servers if a service needs one.",
                )
            elif Redirect.objects.filter(site=site, old_path=old_path).exclude(pk=self.instance.pk).exists():
                # Checked here: the site is not a field of the form, so Django's check of the pair
                # (site, old address) would not run.
                self.add_error(
                    "old_path",
                    f"A redirect from {old_path} already exists. Change that one in the list of redirects "
                    "instead.",
                )
            if live_page_at(old_path):
                self.add_error(
                    "old_path",
                    f"Visitors get a page at {old_path}, so a redirect from it would never be used. To "
                    "move that page, change its slug: the redirect from its old address is added by itself.",
                )
            on_this_site = new_path.startswith("/") and not new_path.startswith("//")
            # Only https: an http:// address would show the network which page a visitor went on to.
            if new_path and not (on_this_site or new_path.startswith("https://")):
                self.add_error(
                    "new_path",
                    "Point the redirect at an address on this site, such as /articles/new-name/, or at a "
                    "full address starting with https://. Leave it empty to tell visitors the page is gone.",
                )
            loop = find_loop(old_path, new_path, site=site, exclude_pk=self.instance.pk)
            if loop:
                raise forms.ValidationError(
                    "This redirect would send visitors in a circle: %(chain)s. Point it at the page's "
                    "current address instead.",
                    code="redirect_loop",
                    params={"chain": " → ".join(loop)},
                )
            closed = self.closed_to_visitors(new_path) if new_path and on_this_site else ""
            if closed:
                self.add_error("new_path", closed)
            elif new_path and on_this_site:
                nowhere = self.nothing_at(new_path, site)
                if nowhere:
                    self.add_error("new_path", nowhere)
        return cleaned

    def closed_to_visitors(self, new_path):
        """Why a redirect may not send visitors to `new_path`, an address on this site that answers
        but is not theirs: the site editor (a redirect would publish where it is) or a shared
        preview link (it would show a draft to everyone). "" for any other address."""
        from articles.models import Article

        path = urlsplit(new_path).path
        if is_admin_path(path):
            return (
                f"{path} is in the site editor, which visitors cannot open: a redirect there would only "
                "show them where it is. Point it at the page on the site instead, such as /articles/new-name/."
            )
        try:
            match = resolve(path)
        except Resolver404:
            return ""
        if match.view_name != "articles:shared_preview":
            return ""
        article = Article.objects.filter(pk=previewed_article_id(match) or None).first()
        address = article.get_absolute_url() if article else "(/articles/…/)"
        return (
            "This is a shared preview link: a redirect would show the draft to everyone who follows it. "
            f"Point it at the article’s own address, {address}: the redirect can be made before the "
            "article is published."
        )

    def nothing_at(self, new_path, site):
        """Why visitors sent to `new_path`, an address on this site, would find no page there, or
        "" when they find one. An article, location or standing page that is not public yet is a
        page: the redirect can be made ahead of its publication (RedirectAdmin says so)."""
        if live_page_at(new_path) or unpublished_page_at(new_path) or file_at(new_path):
            return ""
        path = urlsplit(new_path).path
        onward = Redirect.objects.filter(site=site, old_path=path).exclude(pk=self.instance.pk).first()
        if onward is not None:
            if not onward.new_path:
                return (
                    f"{path} is itself an old address that tells visitors its page is gone. Point this "
                    "redirect at a page that exists, or leave it empty to say the same."
                )
            return (
                f"{path} is itself an old address, redirected to {onward.new_path}. Point this redirect "
                f"at {onward.new_path}, so that visitors get there in one step."
            )
        for likely in (path.lower(), f"{path}/", f"{path.lower()}/"):
            if likely != path and (live_page_at(likely) or unpublished_page_at(likely)):
                return f"There is no page at {path}. Did you mean {likely}?"
        return (
            f"There is no page at {path}: visitors sent there would get “page not found”. Open the "
            "page on the site and copy its address from the browser (for example /articles/new-name/), "
            "or leave this empty to tell visitors the old page is gone."
        )


admin.site.unregister(Redirect)


@admin.register(Redirect)
class RedirectAdmin(RetryRefusedSaveMixin, admin.ModelAdmin):
    """Old addresses that answer 301. Renaming a public page's slug adds one by itself."""

    form = RedirectForm
    list_display = ["old_path", "new_path"]
    search_fields = ["old_path", "new_path"]
    ordering = ["old_path"]

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._say_if_not_public_yet(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._say_if_not_public_yet(request, obj)
        return response

    def _say_if_not_public_yet(self, request, obj):
        page = unpublished_page_at(obj.new_path) if obj.new_path.startswith("/") else None
        if page is not None:
            self.message_user(
                request,
                f"“{page}” at {obj.new_path} is not public now, so visitors this redirect sends there get "
                "“page not found” until it is published.",
                messages.WARNING,
            )
