"""What a delete would take with it, as the admin's confirmation lists it, read without a query
per row.

Django's list names every row a delete cascades to or is refused by, and its collector reads
those rows with only the object being deleted: a placement's name ("“Is IOP covered?” on “Your
first week”") then read its article on its own, once per row. An FAQ placed on three hundred
articles took 322 queries to confirm. Here the rows come with every object they point to.
"""

from django.contrib.admin.utils import NestedObjects, quote
from django.db import router
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst


class RowsWithWhatTheyNameCollector(NestedObjects):
    """Django's collector for the confirmation page, reading each related row with the objects
    its foreign keys point to (what its name and the page's links are made of)."""

    def related_objects(self, related_model, related_fields, objs):
        pointed_to = [
            field.name
            for field in related_model._meta.concrete_fields
            if field.many_to_one and field.remote_field.model is not None
        ]
        return super().related_objects(related_model, related_fields, objs).select_related(*pointed_to)


def collect(objs):
    """The collector for deleting `objs`, with what it found."""
    collector = RowsWithWhatTheyNameCollector(using=router.db_for_write(objs[0]._meta.model), origin=objs)
    collector.collect(objs)
    return collector


def get_deleted_objects(objs, request, admin_site):
    """As django.contrib.admin.utils.get_deleted_objects (what ModelAdmin.get_deleted_objects
    returns), with the collector above."""
    if not len(objs):
        return [], {}, set(), []
    collector = collect(objs)
    perms_needed = set()

    def format_callback(obj):
        opts = obj._meta
        no_edit_link = f"{capfirst(opts.verbose_name)}: {obj}"
        if not admin_site.is_registered(obj.__class__):
            return no_edit_link  # edited inline, or not in the admin
        if not admin_site.get_model_admin(obj.__class__).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
            )
        except NoReverseMatch:
            return no_edit_link
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    model_count = {
        model._meta.verbose_name_plural: len(found) for model, found in collector.model_objs.items()
    }
    return to_delete, model_count, perms_needed, protected
