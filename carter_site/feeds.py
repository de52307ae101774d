"""RSS 2.0 and Atom 1.0 feeds of live articles, newest first, advertised in every page's head."""

import copy
from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from articles.models import Article

from .models import SiteSettings
from .seo import absolute_url, site_origin
from .structured_data import article_dates
from .text import visible_text


class LatestArticlesFeed(Feed):
    items_shown = 20

    def __call__(self, request, *args, **kwargs):
        # A copy per request, so the origin (https in production) never leaks between requests.
        feed = copy.copy(self)
        feed.origin = site_origin(request)
        feed.site_settings = SiteSettings.load()
        return Feed.__call__(feed, request, *args, **kwargs)

    def title(self):
        return f"Articles from {self.site_settings.organization_name}"

    def description(self):
        return "Plain answers about intensive outpatient treatment: what to expect, how to start, how to come back."

    def link(self):
        return absolute_url(self.origin, reverse("articles:list"))

    def feed_url(self):
        return absolute_url(self.origin, reverse(self.url_name))

    def author_name(self):
        return self.site_settings.organization_name

    def items(self):
        return (
            Article.objects.published()
            .for_list()
            .select_related("written_by")  # the byline, in the same query
            .order_by("-published_at", "-pk")[: self.items_shown]
        )

    # Saved text never carries control characters (carter_site.text), but a row written before
    # that, or by SQL, would make XML 1.0 refuse the whole feed: every subscriber's feed broken.

    def item_title(self, article):
        return visible_text(article.title, single_line=True)

    def item_description(self, article):
        # RSS descriptions and Atom summaries are HTML to a feed reader, and a summary is plain
        # text: "<b>" typed in one shows as those three characters on the site, and must in a feed.
        return escape(visible_text(article.summary))

    def item_guid(self, article):
        """An id for good: a tag URI on the article's number, not its address, which changes with
        its slug (RFC 4287: an entry's id must not change when it moves). Readers would show a
        renamed article again as new."""
        host = urlsplit(self.origin).hostname or "localhost"
        return f"tag:{host},2026:articles/{article.pk}"

    item_guid_is_permalink = False

    def item_link(self, article):
        return absolute_url(self.origin, article.get_absolute_url())

    def item_pubdate(self, article):
        return article_dates(article)[0]

    def item_updateddate(self, article):
        return article_dates(article)[1]

    def item_author_name(self, article):
        return visible_text(article.byline, single_line=True) or None

    def item_author_link(self, article):
        """The page of the clinician who wrote it, when they have one (Atom only: RSS has no place for it)."""
        writer = article.written_by if article.written_by_id else None
        return absolute_url(self.origin, writer.get_absolute_url()) if writer and writer.has_page else None


class LatestArticlesRssFeed(LatestArticlesFeed):
    url_name = "articles-feed"


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
    url_name = "articles-atom-feed"
