from django.apps import AppConfig


class TestimonialsConfig(AppConfig):
    name = "testimonials"

    def ready(self):
        from carter_site.history import register

        from .models import ArticleTestimonial, Testimonial

        register(ArticleTestimonial)
        register(Testimonial, follow=["article_placements"])
