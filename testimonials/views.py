from django.views.generic import ListView

from carter_site.pagination import CanonicalPageMixin

from .models import Testimonial


class TestimonialListView(CanonicalPageMixin, ListView):
    context_object_name = "testimonials"
    paginate_by = 20

    def get_queryset(self):
        return Testimonial.objects.published().select_related("location")
