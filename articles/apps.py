from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from carter_site.history import register

        from .models import Article, ArticleLocation, Clinician, ReadNextChoice

        register(ArticleLocation)
        register(ReadNextChoice)
        register(Clinician)
        # Shared preview links are not the article's words: restoring an old version must neither
        # bring back a link since revoked nor delete one made since.
        register(
            Article,
            follow=["faq_placements", "testimonial_placements", "location_links", "read_next_choices"],
            leave_out=["preview_links"],
        )
