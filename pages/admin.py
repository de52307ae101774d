from django.contrib import admin, messages

from articles.content_checks import PAGE_PROSE, PAGE_TEXTS, check_article, check_readability, check_wording
from carter_site.admin import (
    PublishedFlagAdmin,
    SaysWhereOldAddressesLeadMixin,
    WarnsAfterSavingMixin,
    WarnsOfLinksLeftBehindMixin,
)

from .models import Page


@admin.register(Page)
class PageAdmin(
    WarnsOfLinksLeftBehindMixin, WarnsAfterSavingMixin, SaysWhereOldAddressesLeadMixin, PublishedFlagAdmin
):
    list_display = ["title", "address", "in_footer", "order", "effective_on", "is_published", "updated_at"]
    list_editable = ["order"]
    list_filter = ["is_published", "in_footer"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (
            None,
            {
                "description": "Pages that stay at one address and are linked from the footer of every "
                "page: the privacy notice, the notice of nondiscrimination, the accessibility "
                "statement. Articles are for everything written to be read and shared.",
                "fields": ["title", "slug", "summary", "body", "effective_on"],
            },
        ),
        ("Footer and publishing", {"fields": ["in_footer", "order", "is_published"]}),
        ("Search engines", {"classes": ["collapse"], "fields": ["seo_title", "meta_description"]}),
    ]

    @admin.display(description="address", ordering="slug")
    def address(self, obj):
        return obj.get_absolute_url()

    def warn_of_pages_left_behind(self, request, pages, lead="now lead"):
        """Besides the links left behind: a page the footer listed leaves every page's footer, and
        some of these pages are notices the center must keep posted."""
        super().warn_of_pages_left_behind(request, pages, lead)
        for page in pages:
            if isinstance(page, Page) and page.in_footer:
                self.message_user(
                    request, footer_page_leaving(page, deleting=lead == "will lead"), messages.WARNING
                )

    def content_warnings(self, obj):
        # An article's checks (a picture without a description, a skipped heading level, a link
        # that does not say where it goes, a word that labels the reader): the notices are written
        # in the same editor.
        return [*check_article(obj), *check_wording(obj, PAGE_TEXTS), *check_readability(obj, PAGE_PROSE)]


NOTICES_TO_KEEP = (
    "If it is a notice the center must keep posted (its Notice of Privacy Practices, its notice of "
    "nondiscrimination)"
)


def footer_page_leaving(page, deleting=False):
    """The warning when a page the footer lists leaves the site: unpublished, or about to be deleted."""
    if deleting:
        return (
            f"Deleting “{page.title}” takes it out of the footer of every page. {NOTICES_TO_KEEP}, "
            "publish its replacement first."
        )
    return (
        f"“{page.title}” is no longer in the footer of every page, nor anywhere on the site. "
        f"{NOTICES_TO_KEEP}, publish it again, or its replacement, today."
    )
