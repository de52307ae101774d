from django.contrib import admin, messages

from articles.content_checks import check_article
from carter_site.admin import PublishedFlagAdmin, SaysWhereOldAddressesLeadMixin

from .models import Page


@admin.register(Page)
class PageAdmin(SaysWhereOldAddressesLeadMixin, PublishedFlagAdmin):
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

    # The checks an article gets (a picture without a description, a skipped heading level, a
    # link that does not say where it goes), after saving as there: they warn, a person decides.
    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.warn_about_content(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if "_continue" in request.POST or "_saveasnew" in request.POST:
            self.warn_about_content(request, obj)
        return response

    def warn_about_content(self, request, obj):
        for warning in check_article(obj):
            self.message_user(request, f"Check: {warning}", messages.WARNING)
