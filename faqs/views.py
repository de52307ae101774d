from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.views.generic import ListView

from articles.models import Article
from carter_site.seo import breadcrumb_trail

from .models import FAQ, OPEN_PARAMETER, articles_on_topic_pages

# Up to this many published questions, the FAQ page shows every answer. Beyond it, the page
# lists the questions by topic, each linked to its answer on the topic's own page: with 400
# questions the page was 880 KB of HTML (half of it the answers again, as structured data),
# too much for a phone on a weak connection (docs/performance.md).
ALL_ANSWERS_UP_TO = 100


class FAQListView(ListView):
    """Every published FAQ, grouped by topic in the template: with its answer while there are
    few, as a link to its topic's page beyond ALL_ANSWERS_UP_TO."""

    context_object_name = "faqs"

    def get_queryset(self):
        return (
            FAQ.objects.published()
            .select_related("topic")
            .order_by("topic__order", "topic__name", "order", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["open_faq"] = self.open_faq()
        context["questions_only"] = len(context["faqs"]) > ALL_ANSWERS_UP_TO
        return context

    def open_faq(self):
        """The id in `?open=`, for the question to show open; anything else opens none."""
        raw = self.request.GET.get(OPEN_PARAMETER, "")
        if raw.isascii() and raw.isdigit() and len(raw) <= 18:
            return int(raw)
        return None


class TopicView(FAQListView):
    """One topic's published questions with their answers, then the live articles about it: the
    newest as cards, earlier ones as a list of titles. Not found while it has no published
    question.

    An article is about a topic when its own questions (its FAQ section) hold a published one of
    the topic: the same tie *Read next* follows (Article.related_articles), so editors set it
    once, where it shows.
    """

    template_name = "faqs/topic.html"
    related_articles = 6
    # Beyond the cards, up to this many earlier articles by title (a phone's page stays small);
    # older ones are in the list of every article, which the page then links to.
    earlier_articles = 100

    def get_queryset(self):
        return super().get_queryset().filter(topic__slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context["faqs"]:
            raise Http404("No published questions in this topic.")
        topic = context["topic"] = context["faqs"][0].topic
        context["questions_only"] = False
        shown = self.related_articles + self.earlier_articles
        articles = self.articles_about(topic, shown + 1)
        context["articles"] = articles[: self.related_articles]
        context["earlier_articles"] = articles[self.related_articles : shown]
        context["older_articles"] = len(articles) > shown
        context["breadcrumbs"] = breadcrumb_trail(
            ("Questions", reverse("faqs:list")), (topic.name, topic.get_absolute_url())
        )
        return context

    def articles_about(self, topic, limit):
        """Up to `limit` of the newest live articles whose FAQ section holds a published question
        of `topic`: one query, however many questions each of them holds."""
        about = articles_on_topic_pages(article=OuterRef("pk"), faq__topic=topic)
        return list(Article.objects.published().for_list().filter(Exists(about))[:limit])
