from django.views.generic import ListView

from .models import FAQ


class FAQListView(ListView):
    """Every published FAQ, grouped by topic in the template."""

    context_object_name = "faqs"

    def get_queryset(self):
        return (
            FAQ.objects.published()
            .select_related("topic")
            .order_by("topic__order", "topic__name", "order", "pk")
        )
