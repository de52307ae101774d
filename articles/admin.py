from django.contrib import admin, messages
from django.db.models import F
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

from faqs.admin import ArticleFAQInline
from testimonials.admin import ArticleTestimonialInline

from .models import Article, ArticleLocation


class ArticleLocationInline(admin.TabularInline):
    model = ArticleLocation
    extra = 0
    autocomplete_fields = ["location"]
    verbose_name = "location this article is about"
    verbose_name_plural = "locations this article is about"


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "published_at", "author", "updated_at"]
    list_filter = [StateFilter, "status", "locations"]
    search_fields = ["title", "summary", "body", "author"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleLocationInline, ArticleFAQInline, ArticleTestimonialInline]
    actions = ["publish_selected", "unpublish_selected"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "author"]}),
        (
            "Publishing",
            {
                "description": "Drafts are never public. A published article goes live at its publish "
                "time and, if a take-down time is set, disappears then.",
                "fields": ["status", "published_at", "expires_at", "created_at", "updated_at"],
            },
        ),
        ("Picture", {"fields": ["hero_image", "hero_image_alt"]}),
        ("Search engines", {"classes": ["collapse"], "fields": ["seo_title", "meta_description"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("body")

    @admin.display(description="state", ordering="status")
    def state(self, obj):
        state = obj.get_state()
        if state == Article.State.SCHEDULED:
            return f"Scheduled for {date_format(obj.published_at, 'DATETIME_FORMAT')}"
        return state.label

    @admin.action(
        description="Publish selected articles now (or at their scheduled time)", permissions=["change"]
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
        updated = queryset.exclude(expires_at__lte=now).update(
            status=Article.Status.PUBLISHED, published_at=Coalesce(F("published_at"), Now())
        )
        self.message_user(
            request,
            ngettext("Published %(count)d article.", "Published %(count)d articles.", updated)
            % {"count": updated},
            messages.SUCCESS,
        )

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        updated = queryset.update(status=Article.Status.DRAFT)
        self.message_user(
            request,
            ngettext(
                "%(count)d article is a draft again and no longer public.",
                "%(count)d articles are drafts again and no longer public.",
                updated,
            )
            % {"count": updated},
            messages.SUCCESS,
        )
