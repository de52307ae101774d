from django.views.generic import ListView

from .models import Testimonial


class TestimonialListView(ListView):
    context_object_name = "testimonials"
    paginate_by = 20

    def get_queryset(self):
        return Testimonial.objects.published().select_related("location")
