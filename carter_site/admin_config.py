"""The admin's app config: Django's admin on the site class of carter_site.two_factor.

A module of its own because carter_site/apps.py may hold one AppConfig only.
"""

from django.contrib.admin.apps import AdminConfig


class CarterAdminConfig(AdminConfig):
    """Django's admin, on a site that asks staff for a second factor when required."""

    default_site = "carter_site.two_factor.CarterAdminSite"
