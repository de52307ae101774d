from django.db.models import Aggregate, CharField, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView

from carter_site.caching import published_locations
from carter_site.pagination import CanonicalPageMixin
from carter_site.publishing import PublicObjectMixin, StaffBanner, preview_banner
from carter_site.querysets import built_once
from carter_site.security import shows_public_page
from carter_site.seo import breadcrumb_trail, uploaded_image
from faqs.models import FAQ, ArticleFAQ, Topic, articles_on_topic_pages, topics_of
from testimonials.models import ArticleTestimonial, Testimonial

from .models import Article, ArticleLocation, Clinician, PreviewLink, ReadNextChoice


class JoinedIds(Aggregate):
    """The ids in a group as one comma-separated string, e.g. "3,7" (SQLite and PostgreSQL)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, function="STRING_AGG", template="%(function)s(%(expressions)s::text, ',')"
        )


# The parts of the article page's query that are the same for every request of a day, built
# once per process (carter_site.querysets).


@built_once
def visible_faq_placements():
    """An article's placements of published FAQs, with the FAQ and its topic."""
    return ArticleFAQ.objects.filter(faq__in=FAQ.objects.published()).select_related("faq__topic")


@built_once
def visible_testimonial_placements(today):
    """An article's placements of testimonials that may be shown on `today`, with the testimonial."""
    return ArticleTestimonial.objects.filter(
        testimonial__in=Testimonial.objects.published(today)
    ).select_related("testimonial")


# An expression: annotate() resolves a copy of it, never this one.
LOCATION_IDS = Subquery(
    ArticleLocation.objects.filter(article=OuterRef("pk"))
    .values("article")
    .annotate(ids=JoinedIds("location_id"))
    .values("ids")
)

# Whether the editor chose any article to read next: if not, an article without locations or
# topics needs no query for "Read next" (ArticleQuerySet.related_to).
CHOOSES_READ_NEXT = Exists(ReadNextChoice.objects.filter(article=OuterRef("pk")))


class ArticleListView(CanonicalPageMixin, ListView):
    """The live articles, newest first, ten a page; above them, the FAQ topics that live
    articles are about, each a link to its page (faqs.views.TopicView), which lists them."""

    paginate_by = 10
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["topics"] = self.topics_with_articles() if context["articles"] else []
        return context

    def topics_with_articles(self):
        """The topics, in the FAQ page's order, of which a live article holds a published
        question: one query. Each has a page that lists that article (TopicView, by the same rule)."""
        return list(Topic.objects.filter(Exists(articles_on_topic_pages(faq__topic=OuterRef("pk")))))


class ArticleDetailView(PublicObjectMixin, DetailView):
    model = Article
    related_articles = 3

    def get_queryset(self):
        return (
            self.get_base_queryset()
            .select_related("reviewed_by", "written_by")
            .prefetch_related(
                Prefetch(
                    "faq_placements", queryset=visible_faq_placements(), to_attr="visible_faq_placements"
                ),
                Prefetch(
                    "testimonial_placements",
                    queryset=visible_testimonial_placements(timezone.localdate()),
                    to_attr="visible_testimonial_placements",
                ),
            )
            # The ids of its locations, in the same query; the locations themselves come from
            # the cached published locations (carter_site.caching), so they cost no query.
            .annotate(location_ids=LOCATION_IDS, chooses_read_next=CHOOSES_READ_NEXT)
        )

    def visible_locations(self, article):
        """The article's published locations, in the site's order of locations."""
        ids = {int(pk) for pk in (article.location_ids or "").split(",") if pk}
        return [location for location in published_locations(self.request) if location.pk in ids]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context["faqs"] = [placement.faq for placement in article.visible_faq_placements]
        context["faq_topics"] = topics_of(context["faqs"])
        context["testimonials"] = [p.testimonial for p in article.visible_testimonial_placements]
        context["locations"] = self.visible_locations(article)
        context["related_articles"] = Article.objects.related_to(
            article, context["locations"], context["faqs"], limit=self.related_articles
        )
        context["hero_image"] = uploaded_image(article.hero_image, article.hero_image_alt)
        context["breadcrumbs"] = breadcrumb_trail(
            ("Articles", reverse("articles:list")), (article.title, article.get_absolute_url())
        )
        return context


class ClinicianListView(ListView):
    """Our clinical reviewers: the clinicians who agreed to a page of their own (one query)."""

    context_object_name = "clinicians"
    template_name = "articles/clinician_list.html"

    def get_queryset(self):
        return Clinician.objects.published().only("name", "credentials", "slug", "has_page")


class ClinicianDetailView(CanonicalPageMixin, PublicObjectMixin, ListView):
    """A clinician's page: who they are, and the live articles they wrote or whose review by them
    is current, 20 a page, in one list: each says which (written, reviewed, or both), the newest
    first by the date it shows (the review's, else the publish date). Two queries: the clinician,
    and the live articles naming them as author or reviewer, whose words are compared with what
    the review signed here (Article.review_is_current) rather than by a second query; the list is
    paginated without a count."""

    model = Clinician
    paginate_by = 20
    context_object_name = "listed_articles"
    template_name = "articles/clinician_detail.html"

    def get(self, request, *args, **kwargs):
        self.object = get_object_or_404(self.get_base_queryset(), slug=self.kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        clinician = self.object
        theirs = (
            Article.objects.published()
            .filter(Q(reviewed_by=clinician) | Q(written_by=clinician))
            .only(
                "title",
                "slug",
                "summary",
                "body",
                "published_at",
                "written_by",
                "reviewed_by",
                "reviewed_on",
                "reviewed_fingerprint",
            )
        )
        listed = []
        for article in theirs:
            article.written_by_them = article.written_by_id == clinician.pk
            article.reviewed_by_them = article.reviewed_by_id == clinician.pk and article.review_is_current
            if article.written_by_them or article.reviewed_by_them:
                listed.append(article)
        self.wrote_any = any(article.written_by_them for article in listed)

        def newest_first(article):
            shown = (
                article.reviewed_on if article.reviewed_by_them else timezone.localdate(article.published_at)
            )
            return shown, article.published_at, article.pk

        return sorted(listed, key=newest_first, reverse=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(clinician=self.object, wrote_any=self.wrote_any, **kwargs)
        context["photo"] = uploaded_image(self.object.photo, self.object.photo_alt)
        context["breadcrumbs"] = breadcrumb_trail(
            ("Our clinical reviewers", reverse("clinicians:list")),
            (str(self.object), self.object.get_absolute_url()),
        )
        if context["not_public"]:
            context["staff_banner"] = StaffBanner(
                "No public page — only staff see this.",
                "Visitors get “page not found” here until “show a page on the site” is ticked on the "
                "clinician's record, which a site administrator does once the clinician has agreed.",
            )
        return context


class ArticlePreviewMixin:
    """Show one article, whatever its state, exactly as the public page renders it.

    Marked as a preview, never cached, never indexed, and the address is not sent on as a referrer;
    under the public pages' Content-Security-Policy, also in the admin (docs/security.md).
    """

    banner_title = "Preview — not public."
    live_banner_title = "Preview of the saved version."

    def get_base_queryset(self):
        return Article.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["not_public"] = True  # a preview address is never indexed, even of a live page
        context["staff_banner"] = preview_banner(self.object, self.banner_title, self.live_banner_title)
        return context

    def render_to_response(self, context, **response_kwargs):
        return self.private(super().render_to_response(context, **response_kwargs))

    @staticmethod
    def private(response):
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return shows_public_page(response)


class ArticlePreviewView(ArticlePreviewMixin, ArticleDetailView):
    """For staff, from the admin (which checks the permission): the saved article, by id."""


class SharedPreviewView(ArticlePreviewMixin, ArticleDetailView):
    """For anyone holding a valid shared preview link: that one article, read-only."""

    banner_title = "Preview shared for review — not public. Please do not forward this link."
    live_banner_title = "Preview shared for review. Please do not forward this link."

    ended_template_name = "articles/preview_link_ended.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except PreviewLink.Ended:
            # Still a 404, never cached or indexed, but in words the person it was sent to can
            # act on. The article is not named: the link no longer shows it to anyone.
            response = render(request, self.ended_template_name, {"nav_section": None}, status=404)
            return self.private(response)

    def get_object(self, queryset=None):
        link = PreviewLink.from_token(self.kwargs["token"])
        if link is None:
            raise Http404("This preview link is not one this site made.")
        return get_object_or_404(self.get_queryset(), pk=link.article_id)
