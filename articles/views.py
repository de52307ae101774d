from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from carter_site.publishing import PublicObjectMixin
from faqs.models import FAQ, ArticleFAQ
from locations.models import Location
from testimonials.models import ArticleTestimonial, Testimonial

from .models import Article


class ArticleListView(ListView):
    paginate_by = 10
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_list()


class ArticleDetailView(PublicObjectMixin, DetailView):
    model = Article

    def get_queryset(self):
        return self.get_base_queryset().prefetch_related(
            Prefetch(
                "faq_placements",
                queryset=ArticleFAQ.objects.filter(faq__in=FAQ.objects.published()).select_related("faq"),
                to_attr="visible_faq_placements",
            ),
            Prefetch(
                "testimonial_placements",
                queryset=ArticleTestimonial.objects.filter(
                    testimonial__in=Testimonial.objects.published()
                ).select_related("testimonial"),
                to_attr="visible_testimonial_placements",
            ),
            Prefetch("locations", queryset=Location.objects.published(), to_attr="visible_locations"),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["faqs"] = [placement.faq for placement in self.object.visible_faq_placements]
        context["testimonials"] = [p.testimonial for p in self.object.visible_testimonial_placements]
        context["locations"] = self.object.visible_locations
        return context
