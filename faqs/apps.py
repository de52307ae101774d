from django.apps import AppConfig


class FaqsConfig(AppConfig):
    name = "faqs"
    verbose_name = "FAQs"

    def ready(self):
        from carter_site.history import register

        from .models import FAQ, ArticleFAQ, LocationFAQ, Topic

        register(Topic)
        register(ArticleFAQ)
        register(LocationFAQ)
        register(FAQ, follow=["article_placements", "location_placements"])
