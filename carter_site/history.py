"""Version history for content, kept with django-reversion (see docs/editorial-workflow.md).

Each content app registers its models in its AppConfig.ready(), following the child rows
that belong to a page (placements, opening hours), so that restoring a version or
recovering a deleted object brings back the object exactly as it was, with its places.
"""

import reversion
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
