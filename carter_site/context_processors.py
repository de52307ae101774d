from django.utils.functional import SimpleLazyObject

from .caching import published_locations, site_settings


def site(request):
    """What every page's header and footer show: settings from the admin, the locations, and
    which menu section is current.

    Both come from the site-wide data cache (carter_site.caching): no query once any page has
    been rendered since the last change to content, and none at all for a template (a feed, the
    sitemap) that never shows them.
    """
    match = getattr(request, "resolver_match", None)
    return {
        "site_settings": SimpleLazyObject(lambda: site_settings(request)),
        "footer_locations": SimpleLazyObject(lambda: published_locations(request)),
        # The menu section this page belongs to (its app), marked as the current page in the
        # header; error pages set it to None.
        "nav_section": match.app_name if match else None,
    }
