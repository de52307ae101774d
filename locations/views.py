from django.db.models import Prefetch
from django.urls import reverse
from django.views.generic import DetailView, ListView

from articles.models import Article
from carter_site.publishing import PublicObjectMixin
from carter_site.seo import breadcrumb_trail
from faqs.models import FAQ, LocationFAQ
from testimonials.models import Testimonial

from .models import Location


class LocationListView(ListView):
    context_object_name = "locations"

    def get_queryset(self):
        return Location.objects.published().prefetch_related("opening_hours")


class LocationDetailView(PublicObjectMixin, DetailView):
    model = Location
    related_articles = 6

    def get_queryset(self):
        return self.get_base_queryset().prefetch_related(
            "opening_hours",
            Prefetch(
                "faq_placements",
                queryset=LocationFAQ.objects.filter(faq__in=FAQ.objects.published()).select_related("faq"),
                to_attr="visible_faq_placements",
            ),
            Prefetch(
                "testimonials", queryset=Testimonial.objects.published(), to_attr="visible_testimonials"
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["faqs"] = [placement.faq for placement in self.object.visible_faq_placements]
        context["testimonials"] = self.object.visible_testimonials
        context["articles"] = (
            Article.objects.published().for_list().filter(locations=self.object)[: self.related_articles]
        )
        context["breadcrumbs"] = breadcrumb_trail(
            ("Locations", reverse("locations:list")), (self.object.name, self.object.get_absolute_url())
        )
        return context
