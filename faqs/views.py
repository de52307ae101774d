from django.http import Http404
from django.views.generic import ListView

from .models import FAQ, OPEN_PARAMETER

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
    """One topic's published questions with their answers. Not found while it has none."""

    template_name = "faqs/topic.html"

    def get_queryset(self):
        return super().get_queryset().filter(topic__slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context["faqs"]:
            raise Http404("No published questions in this topic.")
        context["topic"] = context["faqs"][0].topic
        context["questions_only"] = False
        return context
