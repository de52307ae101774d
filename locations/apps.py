from django.apps import AppConfig


class LocationsConfig(AppConfig):
    name = "locations"

    def ready(self):
        from carter_site.history import register

        from .models import Location, OpeningHours, SpecialDay

        register(OpeningHours)
        register(SpecialDay)
        register(Location, follow=["opening_hours", "special_days", "faq_placements"])
