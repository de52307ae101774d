from django.views.generic import ListView

from .models import FAQ, OPEN_PARAMETER


class FAQListView(ListView):
    """Every published FAQ, grouped by topic in the template."""

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
        return context

    def open_faq(self):
        """The id in `?open=`, for the question to show open; anything else opens none."""
        raw = self.request.GET.get(OPEN_PARAMETER, "")
        if raw.isascii() and raw.isdigit() and len(raw) <= 18:
            return int(raw)
        return None
