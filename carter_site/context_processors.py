from locations.models import Location

from .models import SiteSettings


def site(request):
    """What every page's header and footer show: settings from the admin, and the locations.

    The locations query is lazy: it runs only when a template loops over it.
    """
    return {
        "site_settings": SiteSettings.load(),
        "footer_locations": Location.objects.published().only(
            "name", "slug", "street_address", "city", "state", "postal_code"
        ),
    }
