from django.apps import AppConfig


class LocationsConfig(AppConfig):
    name = "locations"

    def ready(self):
        from carter_site.history import register

        from .models import Location, OpeningHours

        register(OpeningHours)
        register(Location, follow=["opening_hours", "faq_placements"])
