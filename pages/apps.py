from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Standing pages"

    def ready(self):
        from carter_site.history import register

        from .models import Page

        register(Page)
