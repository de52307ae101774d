from django.contrib import admin
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from articles.content_checks import FAQ_PROSE, FAQ_TEXTS, check_readability, check_rich_text, check_wording
from carter_site.admin import (
    PublishedFlagAdmin,
    RowsNamedByTheirObjectsInline,
    SaysWhatUsesItMixin,
    WarnsAfterSavingMixin,
    WarnsOfLinksLeftBehindMixin,
)
from carter_site.history import HistoryAdmin

from .models import FAQ, ArticleFAQ, LocationFAQ, Topic, articles_on_topic_pages


class FAQPlacementInline(RowsNamedByTheirObjectsInline):
    extra = 0
    autocomplete_fields = ["faq"]
    fields = ["faq", "order"]


class ArticleFAQInline(FAQPlacementInline):
    model = ArticleFAQ


class LocationFAQInline(FAQPlacementInline):
    model = LocationFAQ


@admin.register(Topic)
class TopicAdmin(WarnsOfLinksLeftBehindMixin, SaysWhatUsesItMixin, HistoryAdmin):
    """Topics keep versions, like everything an editor arranges: a topic deleted after its last
    FAQ can be recovered, and with it the FAQs that were deleted before it. One that still has
    questions cannot be deleted: the page says which, and to give them another topic first."""

    # A topic has no Published tick: what to do instead is to move its questions.
    delete_confirmation_template = "admin/faqs/topic/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/faqs/topic/delete_selected_confirmation.html"

    list_display = ["name", "order", "faq_count", "live_article_count"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    # Explicit, because the annotation below drops the model's default ordering, and the list
    # and the autocomplete widget page through it.
    ordering = ["order", "name"]

    def get_queryset(self, request):
        # The articles its page lists (faqs.views.TopicView): live ones holding a published
        # question of it, each counted once. A subquery, not a join: the FAQ count stays true.
        live_articles = (
            articles_on_topic_pages(faq__topic=OuterRef("pk"))
            .order_by()
            .values("faq__topic")
            .annotate(count=Count("article", distinct=True))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                faq_count=Count("faqs"),
                live_article_count=Coalesce(Subquery(live_articles, output_field=IntegerField()), 0),
            )
        )

    @admin.display(description="FAQs", ordering="faq_count")
    def faq_count(self, obj):
        return obj.faq_count

    @admin.display(description="Live articles on its page", ordering="live_article_count")
    def live_article_count(self, obj):
        return obj.live_article_count


@admin.register(FAQ)
class FAQAdmin(WarnsOfLinksLeftBehindMixin, WarnsAfterSavingMixin, PublishedFlagAdmin):
    list_display = ["question", "topic", "order", "is_published", "placement_count", "updated_at"]
    list_editable = ["order"]
    list_filter = ["is_published", "topic"]
    list_select_related = ["topic"]
    # Explicit, because the annotation below drops the model's default ordering and the
    # autocomplete widget pages through this list.
    ordering = ["topic__order", "topic__name", "order", "question"]
    search_fields = ["question", "answer"]
    date_hierarchy = "updated_at"
    autocomplete_fields = ["topic"]
    fields = ["question", "answer", "topic", "order", "is_published"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                placement_count=Count("article_placements", distinct=True)
                + Count("location_placements", distinct=True)
            )
        )

    def content_warnings(self, obj):
        return [
            *check_rich_text(obj.answer),
            *check_wording(obj, FAQ_TEXTS),
            *check_readability(obj, FAQ_PROSE),
        ]

    @admin.display(description="shown on pages", ordering="placement_count")
    def placement_count(self, obj):
        return obj.placement_count

    def public_state(self, faq):
        """The topic whose page the FAQ holds up, as saved before an edit: its topic while it is
        published, else None (WarnsOfLinksLeftBehindMixin)."""
        return FAQ.objects.published().filter(pk=faq.pk).values_list("topic_id", flat=True).first()

    def pages_left_by_save(self, faq, topic_before):
        """The topic the FAQ held up before the save, when no published question is left in it:
        unpublishing its last question or moving that question to another topic empties it, and
        its page goes away."""
        if topic_before is None:
            return []
        published = FAQ.objects.published().filter(topic=OuterRef("pk"))
        return list(Topic.objects.filter(pk=topic_before).exclude(Exists(published)))

    def pages_going_away(self, faqs, deleting=False):
        """A topic's page exists while it has a published question: the topics whose last
        published questions these were (WarnsOfLinksLeftBehindMixin)."""
        faqs = list(faqs)
        if deleting:  # only a published question holds a page up
            faqs = [faq for faq in faqs if faq.is_published]
        if not faqs:
            return []
        others = FAQ.objects.published().filter(topic=OuterRef("pk")).exclude(pk__in=[faq.pk for faq in faqs])
        return list(Topic.objects.filter(pk__in={faq.topic_id for faq in faqs}).exclude(Exists(others)))
