from django.apps import AppConfig


class CarterSiteConfig(AppConfig):
    name = "carter_site"
    verbose_name = "Site"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import pre_save

        from . import caching, media_usage, redirects
        from .history import register
        from .models import SiteSettings
        from .text import strip_hidden_characters

        # Versions of the settings (phone number, crisis line), as of the content: History.
        register(SiteSettings)

        # Any change to content makes every cached page and site-wide datum fresh again.
        caching.connect_signals()
        # Titles, names and quotes never carry control characters or direction marks.
        for app_label in caching.CONTENT_APPS:
            for model in apps.get_app_config(app_label).get_models():
                if model._meta.label in caching.DESCRIBE_UPLOADS:
                    continue  # a stored name is kept as the storage has it
                pre_save.connect(
                    strip_hidden_characters, sender=model, dispatch_uid=f"hidden:{model._meta.label}"
                )
        # A page whose slug changes, however it is saved, keeps its old address (301).
        redirects.connect_signals()
        # Each saved version's names that may be an upload's, for the uploaded pictures page.
        media_usage.connect_signals()
        # A staff member hears by email when how they sign in changes (carter_site.sign_in_notices).
        from .sign_in_notices import connect_signals as connect_sign_in_notices

        connect_sign_in_notices()
