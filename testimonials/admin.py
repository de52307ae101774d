from django.contrib import admin

from carter_site.admin import PublishedFlagAdmin

from .models import ArticleTestimonial, Testimonial


class ArticleTestimonialInline(admin.TabularInline):
    model = ArticleTestimonial
    extra = 0
    autocomplete_fields = ["testimonial"]
    fields = ["testimonial", "order"]


@admin.register(Testimonial)
class TestimonialAdmin(PublishedFlagAdmin):
    list_display = [
        "__str__",
        "attribution",
        "location",
        "consent_on_file",
        "is_published",
        "is_featured",
        "shown",
    ]
    list_filter = ["consent_on_file", "is_published", "is_featured", "location"]
    list_select_related = ["location"]
    search_fields = ["quote", "attribution"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["location"]
    fieldsets = [
        (None, {"fields": ["quote", "attribution", "location"]}),
        (
            "Consent and publishing",
            {
                "description": "A testimonial is health information used in marketing. It appears on the "
                "site only while the client's written authorization is on file and it is published.",
                "fields": ["consent_on_file", "is_published", "is_featured"],
            },
        ),
    ]

    @admin.display(description="on the site", boolean=True)
    def shown(self, obj):
        return obj.is_public

    def publishable(self, queryset):
        return queryset.filter(consent_on_file=True)

    def publish_refused_message(self, count):
        return (
            f"{count} testimonial(s) were not published because no written consent is on file. "
            "Record the consent first."
        )
