"""Who may see a piece of content, written once for every content type.

- Content with a simple "published" tick (locations, FAQs, testimonials) inherits
  `PublishedFlag` and gets its rule from `PublishedFlagQuerySet.published()`.
- Articles add a schedule (see articles.models.ArticleQuerySet) but expose the same
  `published()` and `is_public` names, so views, lists and sitemaps treat all alike.
- `PublicObjectMixin` is how a detail page applies the rule: visitors get a 404 for
  anything that is not public; staff allowed to view the model see it with a
  banner that says where it stands (`staff_banner`), in a response that is never cached.
"""

from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format


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
    """Staff with permission to view this kind of content may see it before it is public, when
    their session passed the admin's second step (a password alone, an authenticator removed since,
    a break-glass code whose time is up: no drafts, as no admin)."""
    from .two_factor import passed_second_step

    opts = model._meta
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        and passed_second_step(user)
    )


def local_time(value):
    """A time as the admin shows it, in the site's time zone: "June 2, 2031, 9 a.m."."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def end_sentence(text):
    """`text` with a full stop, unless it ends with one already ("9 a.m." ends a sentence as is)."""
    return text if text.endswith(".") else f"{text}."


@dataclass(frozen=True)
class StaffBanner:
    """The line over a page that staff see and visitors do not (templates/base.html)."""

    title: str
    text: str


def _state(obj):
    """Where content with a schedule stands (articles: draft, scheduled, live, expired); content
    with a published tick is live or a draft."""
    if hasattr(obj, "get_state"):
        return str(obj.get_state())
    return "live" if obj.is_public else "draft"


def _why_not_public(obj, state):
    if state == "scheduled":
        return (
            f"It goes live on {end_sentence(local_time(obj.published_at))} Until then only staff can "
            "see this page; visitors get “page not found”."
        )
    if state == "expired":
        return (
            f"Its take-down time ({local_time(obj.expires_at)}) has passed, so visitors get “page not "
            "found”. To put it back on the site, change or clear the take-down time."
        )
    return "Only staff can see this page. Visitors get “page not found” until it is published."


def staff_banner(obj):
    """The banner over a page that is not public, shown to staff at its public address."""
    state = _state(obj)
    title = {"scheduled": "Scheduled — not public yet.", "expired": "Taken down — not public."}
    return StaffBanner(title.get(state, "Draft — not public."), _why_not_public(obj, state))


def preview_banner(obj, title, live_title):
    """The banner over a preview of the saved `obj`: headed `title`, or `live_title` when the page
    is live (it is public, then, and the preview shows what visitors see)."""
    state = _state(obj)
    if state == "live":
        return StaffBanner(
            live_title, "This page is live: visitors see this version at its public address now."
        )
    if state == "draft":
        return StaffBanner(title, "It is a draft: this is how the page will look once it is published.")
    return StaffBanner(title, _why_not_public(obj, state))


class PublicObjectMixin:
    """Detail views: published objects for visitors; everything, with a banner, for staff."""

    def get_base_queryset(self):
        if can_see_unpublished(self.request.user, self.model):
            return self.model.objects.all()
        return self.model.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["not_public"] = not self.object.is_public
        if context["not_public"]:
            context["staff_banner"] = staff_banner(self.object)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("not_public"):
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response
