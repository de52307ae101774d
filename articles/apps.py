from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from carter_site.history import register

        from .models import Article, ArticleLocation, Clinician

        register(ArticleLocation)
        register(Clinician)
        register(Article, follow=["faq_placements", "testimonial_placements", "location_links"])
