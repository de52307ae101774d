from django.apps import AppConfig


class CarterSiteConfig(AppConfig):
    name = "carter_site"
    verbose_name = "Site"
