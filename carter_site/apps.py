from django.apps import AppConfig


class CarterSiteConfig(AppConfig):
    name = "carter_site"
    verbose_name = "Site"

    def ready(self):
        from . import caching, redirects

        # Any change to content makes every cached page and site-wide datum fresh again.
        caching.connect_signals()
        # A page whose slug changes, however it is saved, keeps its old address (301).
        redirects.connect_signals()
