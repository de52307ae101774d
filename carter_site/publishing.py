"""Who may see a piece of content, written once for every content type.

- Content with a simple "published" tick (locations, FAQs, testimonials) inherits
  `PublishedFlag` and gets its rule from `PublishedFlagQuerySet.published()`.
- Articles add a schedule (see articles.models.ArticleQuerySet) but expose the same
  `published()` and `is_public` names, so views, lists and sitemaps treat all alike.
- `PublicObjectMixin` is how a detail page applies the rule: visitors get a 404 for
  anything that is not public; staff allowed to view the model see it with a
  "not public" banner, in a response that is never cached.
"""

from django.db import models
from django.utils.cache import add_never_cache_headers


class PublishedFlagQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class PublishedFlag(models.Model):
    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="Tick to show this on the public site. Unticked, only staff can see it.",
    )

    objects = PublishedFlagQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_public(self):
        return self.is_published


class SeoFields(models.Model):
    """Optional overrides for how a page appears in search results and link previews."""

    SEO_TITLE_LIMIT = 60
    META_DESCRIPTION_LIMIT = 160

    seo_title = models.CharField(
        "SEO title",
        max_length=90,
        blank=True,
        help_text="Optional. The title shown in search results and browser tabs, if it should "
        "differ from the page's own title. About 60 characters fit.",
    )
    meta_description = models.CharField(
        max_length=300,
        blank=True,
        help_text="Optional. The text under the title in search results. About 160 characters "
        "fit. Left empty, the summary is used.",
    )

    class Meta:
        abstract = True

    def get_page_title(self):
        return self.seo_title or str(self)

    def get_meta_description(self):
        return self.meta_description or getattr(self, "summary", "")


def can_see_unpublished(user, model):
    """Staff with permission to view this kind of content may see it before it is public."""
    opts = model._meta
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


class PublicObjectMixin:
    """Detail views: published objects for visitors; everything, with a banner, for staff."""

    def get_base_queryset(self):
        if can_see_unpublished(self.request.user, self.model):
            return self.model.objects.all()
        return self.model.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["not_public"] = not self.object.is_public
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("not_public"):
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response
