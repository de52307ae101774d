"""sitemap.xml: the home page, the lists, and every live article, location, FAQ topic, standing page
and clinician's page.

Each section reads its model's `published()` queryset, so drafts, scheduled and expired
articles and unpublished locations never appear. URLs start with `seo.site_origin()`,
like every other absolute URL on the site (https in production).
"""

import math

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Count, DateTimeField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from articles.models import Article, Clinician
from faqs.models import FAQ, ArticleFAQ, LocationFAQ, Topic
from locations.models import Location
from pages.models import Page
from testimonials.models import ArticleTestimonial, Testimonial

from .caching import seconds_until_next_change_for
from .seo import site_origin


class _SiteSitemap(Sitemap):
    def __init__(self, origin):
        self.origin = origin

    def get_protocol(self, protocol=None):
        return self.origin.split("://", 1)[0]

    def get_domain(self, site=None):
        return self.origin.split("://", 1)[1]


def _latest(queryset, expression):
    return queryset.aggregate(latest=Max(expression))["latest"]


class PagesSitemap(_SiteSitemap):
    """The home page and the lists, each dated by the newest change to what it lists."""

    changefreq = "weekly"

    def items(self):
        # An article's last change is an edit or going live, whichever came later.
        articles = _latest(
            Article.objects.published(), Greatest("published_at", "updated_at", output_field=DateTimeField())
        )
        locations = _latest(Location.objects.published(), "updated_at")
        stories = Testimonial.objects.published().aggregate(
            all=Max("updated_at"), featured=Max("updated_at", filter=Q(is_featured=True))
        )
        testimonials, featured = stories["all"], stories["featured"]
        clinicians = Clinician.objects.published().aggregate(changed=Max("updated_at"), count=Count("pk"))
        return [
            # The home page shows the newest articles, the locations and the featured stories.
            ("home", _newest_of(articles, locations, featured)),
            ("articles:list", articles),
            ("locations:list", locations),
            ("faqs:list", _latest(FAQ.objects.published(), "updated_at")),
            ("testimonials:list", testimonials),
            # The list of clinicians' pages, while there is one to list (the footer links it then).
            *([("clinicians:list", clinicians["changed"])] if clinicians["count"] else []),
        ]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


def _newest(queryset, field):
    """The newest `field` in `queryset`, as a subquery on the page's row."""
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def _newest_of(*moments):
    return max((moment for moment in moments if moment is not None), default=None)


class ArticleSitemap(_SiteSitemap):
    """An article changes with its own edits and with the answers and quotes it shows."""

    changefreq = "monthly"

    def items(self):
        today = timezone.localdate()
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at")
            .annotate(
                faqs_changed=_newest(
                    ArticleFAQ.objects.filter(article=OuterRef("pk"), faq__is_published=True),
                    "faq__updated_at",
                ),
                quotes_changed=_newest(
                    ArticleTestimonial.objects.filter(
                        article=OuterRef("pk"), testimonial__in=Testimonial.objects.published(today)
                    ),
                    "testimonial__updated_at",
                ),
            )
            .order_by("-published_at", "pk")
        )

    def lastmod(self, article):
        # Any save of the article, not only a change of its words (the dateModified its page
        # says, structured_data.article_dates): lastmod asks search engines to read the page
        # again, and a location, picture, review or SEO title changes what they read. It is never
        # earlier than the page's dateModified, so a change of words is always read again.
        return _newest_of(
            article.published_at, article.updated_at, article.faqs_changed, article.quotes_changed
        )


class LocationSitemap(_SiteSitemap):
    """A location page changes with its own edits and with the answers and quotes it shows."""

    changefreq = "monthly"

    def items(self):
        today = timezone.localdate()
        return (
            Location.objects.published()
            .only("slug", "updated_at")
            .annotate(
                faqs_changed=_newest(
                    LocationFAQ.objects.filter(location=OuterRef("pk"), faq__is_published=True),
                    "faq__updated_at",
                ),
                quotes_changed=_newest(
                    Testimonial.objects.published(today).filter(location=OuterRef("pk")), "updated_at"
                ),
            )
        )

    def lastmod(self, location):
        return _newest_of(location.updated_at, location.faqs_changed, location.quotes_changed)


class TopicSitemap(_SiteSitemap):
    """A topic's questions and answers, on a page of its own while it has published ones; it
    changes with its name and with its questions."""

    changefreq = "monthly"

    def items(self):
        published = FAQ.objects.published()
        # A handful: a list, which the sitemap's paginator counts without a COUNT query.
        return list(
            Topic.objects.filter(pk__in=published.values("topic_id"))
            .only("slug", "updated_at")
            .annotate(faqs_changed=_newest(published.filter(topic=OuterRef("pk")), "updated_at"))
            .order_by("order", "name")
        )

    def lastmod(self, topic):
        return _newest_of(topic.updated_at, topic.faqs_changed)


class StandingPageSitemap(_SiteSitemap):
    """The privacy notice, the accessibility statement and the like: they change with their edits."""

    changefreq = "yearly"

    def items(self):
        # A handful: a list, which the sitemap's paginator counts without a COUNT query.
        return list(Page.objects.published().only("slug", "updated_at"))

    def lastmod(self, page):
        return page.updated_at


class ClinicianSitemap(_SiteSitemap):
    """The page of each clinician who agreed to one: it changes with their own edits and with the
    live articles they reviewed (an edit may end a review's being current, and so its place there)."""

    changefreq = "monthly"

    def items(self):
        reviewed = Article.objects.published().filter(reviewed_by=OuterRef("pk"))
        # A handful: a list, which the sitemap's paginator counts without a COUNT query.
        return list(
            Clinician.objects.published()
            .only("slug", "updated_at")
            .annotate(
                articles_changed=_newest(reviewed, "updated_at"),
                articles_published=_newest(reviewed, "published_at"),
            )
        )

    def lastmod(self, clinician):
        return _newest_of(clinician.updated_at, clinician.articles_changed, clinician.articles_published)


SECTIONS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "locations": LocationSitemap,
    "faq-topics": TopicSitemap,
    "standing-pages": StandingPageSitemap,
    "clinicians": ClinicianSitemap,
}


# Search engines and CDNs may keep the sitemap this long, never past the next scheduled change.
SITEMAP_MAX_AGE = 60 * 60


@require_safe
def sitemap_xml(request):
    """The sitemap, which a shared cache may keep an hour, but never past the moment an article
    goes live or comes down (or midnight): the one a CDN serves then must already show it."""
    origin = site_origin(request)
    response = sitemap(request, sitemaps={name: section(origin) for name, section in SECTIONS.items()})
    until_change = seconds_until_next_change_for(request)
    patch_cache_control(response, public=True, max_age=max(0, min(SITEMAP_MAX_AGE, math.floor(until_change))))
    return response
