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


def _foreign_key(model, parent_model, name=None):
    """The foreign key of an inline's `model` to the admin's `parent_model`."""
    if name:
        return model._meta.get_field(name)
    return next(
        field
        for field in model._meta.concrete_fields
        if field.many_to_one and issubclass(parent_model, field.related_model)
    )


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

    # Fields that record facts about today rather than the wording of a version (a client's
    # consent): restoring an old version keeps their current values.
    kept_on_restore = ()

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
        request.restoring_a_version = True
        if obj is not None and self.kept_on_restore:
            request.kept_on_restore = {name: getattr(obj, name) for name in self.kept_on_restore}
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_restore_permission(request):
            return self._refuse_restore(request, reverse(self._admin_url("changelist")))
        request.restoring_a_version = True
        return super().recover_view(request, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # django-reversion has just written the old version to the database, in a transaction
        # it rolls back unless the editor saves: the form shows what is there now.
        if object_id and getattr(request, "restoring_a_version", False):
            self._leave_out_places_of_deleted_things(request, unquote(object_id))
            self._keep_current_facts(request, unquote(object_id))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _keep_current_facts(self, request, object_id):
        kept = getattr(request, "kept_on_restore", None)
        if not kept:
            return
        restored = self.model._default_manager.filter(pk=object_id)
        if restored.filter(**kept).exists():
            return  # the version had the same facts
        restored.update(**kept)
        labels = ", ".join(str(self.model._meta.get_field(name).verbose_name) for name in kept)
        self.message_user(
            request,
            f"Restoring brings back the words of this version, not its {labels}: those keep "
            "their current values, shown below.",
            messages.WARNING,
        )

    def _leave_out_places_of_deleted_things(self, request, object_id):
        """An old version may place an FAQ or testimonial deleted since. Its row would point at
        nothing (the form could neither show nor save it), so it is left out, and the editor told."""
        obj = self.model._default_manager.filter(pk=object_id).first()
        if obj is None:
            return
        for inline in self.inlines:
            model = inline.model
            parent = _foreign_key(model, self.model, inline.fk_name)
            for field in model._meta.concrete_fields:
                if not field.many_to_one or field == parent:
                    continue
                dangling = model._default_manager.filter(
                    **{parent.name: obj, f"{field.attname}__isnull": False}
                ).exclude(**{f"{field.attname}__in": field.related_model._default_manager.values("pk")})
                count = dangling.count()
                if not count:
                    continue
                dangling.delete()
                one, many = (
                    field.related_model._meta.verbose_name,
                    field.related_model._meta.verbose_name_plural,
                )
                it, was = ("it", "was") if count == 1 else ("them", "were")
                self.message_user(
                    request,
                    f"This version placed {count} {one if count == 1 else many} that {was} deleted since: "
                    f"left out here. To place {it} again, use “Recover deleted {many}” on the list of "
                    f"{many} first.",
                    messages.WARNING,
                )

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
