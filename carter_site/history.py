"""Version history for content, kept with django-reversion (see docs/editorial-workflow.md).

Each content app registers its models in its AppConfig.ready(), following the child rows
that belong to a page (placements, opening hours), so that restoring a version or
recovering a deleted object brings back the object exactly as it was, with its places.
"""

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.http import HttpResponseRedirect
from django.urls import reverse
from reversion_compare.admin import CompareVersionAdmin


def register(model, follow=()):
    """Register `model`, following `follow`. The admin may have registered it already
    (VersionAdmin registers its models with their inlines only), so merge with that."""
    follow = tuple(follow)
    if reversion.is_registered(model):
        follow = tuple(dict.fromkeys(reversion.revisions._get_options(model).follow + follow))
        reversion.unregister(model)
    reversion.register(model, follow=follow)


class HistoryAdmin(CompareVersionAdmin):
    """Admin with history, compare, restore and recover-deleted.

    A version is saved just before an object is deleted, so that recovering it brings
    back what it was at that moment, including where it was placed.
    """

    history_latest_first = True

    # --- Restore and recover write a whole old version over the object, whatever the change
    # form leaves editable, so they ask for a permission of their own.

    def has_restore_permission(self, request, obj=None):
        """May put an old version back or recover a deleted object. An admin whose change form lets
        some users edit only part of an object narrows this to those who may edit all of it."""
        return self.has_change_permission(request, obj)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if not self.has_restore_permission(request, obj):
            history = reverse(self._admin_url("history"), args=[quote(unquote(object_id))])
            return self._refuse_restore(request, history)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_restore_permission(request):
            return self._refuse_restore(request, reverse(self._admin_url("changelist")))
        return super().recover_view(request, version_id, extra_context)

    def _refuse_restore(self, request, url):
        name = self.opts.verbose_name_plural
        self.message_user(
            request,
            f"You may not restore or recover {name}: that is for those who edit them. Nothing was changed.",
            messages.ERROR,
        )
        return HttpResponseRedirect(url)

    def _admin_url(self, view):
        return f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def delete_model(self, request, obj):
        self._save_version_before_delete(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._save_version_before_delete(request, list(queryset))
        super().delete_queryset(request, queryset)

    def _save_version_before_delete(self, request, objects):
        with reversion.create_revision(atomic=True):
            reversion.set_user(request.user)
            reversion.set_comment("Saved just before deletion.")
            for obj in objects:
                reversion.add_to_revision(obj)
