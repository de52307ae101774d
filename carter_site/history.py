"""Version history for content, kept with django-reversion (see docs/editorial-workflow.md).

Each content app registers its models in its AppConfig.ready(), following the child rows
that belong to a page (placements, opening hours), so that restoring a version or
recovering a deleted object brings back the object exactly as it was, with its places.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateformat import time_format
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from reversion.errors import RevertError
from reversion.models import Revision, Version, _safe_revert
from reversion_compare.admin import CompareVersionAdmin

from .admin_deletes import get_deleted_objects
from .admin_input import AutocompleteOfIdsMixin, SaidOnceFormMixin
from .admin_times import TypedTimesMixin
from .audit import followed_rows, has_edit_stamp, with_followed_rows
from .concurrent_saves import RetryRefusedSaveMixin, RowsDeletedMeanwhileMixin, SavedMeanwhile
from .text import nested_quotes


def register(model, follow=(), leave_out=()):
    """Register `model`, following `follow`. The admin may have registered it already
    (VersionAdmin registers its models following every inline), so merge with that, less
    `leave_out`: related rows that are not part of a version (their models are unregistered)."""
    follow = tuple(follow)
    if reversion.is_registered(model):
        follow = tuple(dict.fromkeys(reversion.revisions._get_options(model).follow + follow))
        reversion.unregister(model)
    reversion.register(model, follow=tuple(name for name in follow if name not in leave_out))
    for name in leave_out:
        related = model._meta.get_field(name).related_model
        if reversion.is_registered(related):
            reversion.unregister(related)


def _unique_field_sets(model):
    """The fields whose values no two rows of `model` may share: unique fields, unique_together
    and unconditional UniqueConstraints on fields."""
    opts = model._meta
    for field in opts.concrete_fields:
        if field.unique and not field.primary_key:
            yield (field,)
    for names in opts.unique_together:
        yield tuple(opts.get_field(name) for name in names)
    for constraint in opts.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and constraint.condition is None
        ):
            yield tuple(opts.get_field(name) for name in constraint.fields)


def _taken_by(obj):
    """(fields, other object) for each unique value of `obj` that another row holds now."""
    model = type(obj)
    for fields in _unique_field_sets(model):
        values = {field.attname: getattr(obj, field.attname) for field in fields}
        if any(value is None for value in values.values()):
            continue  # NULLs never collide
        other = model._default_manager.filter(**values).exclude(pk=obj.pk).first()
        if other is not None:
            yield fields, other


def _linked(obj):
    opts = obj._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
    except NoReverseMatch:
        return format_html("“{}”", obj)
    return format_html('“<a href="{}">{}</a>”', url, obj)


def _missing_required_object(obj, coming_back):
    """(field, name of the object) for the first object `obj` points at that no longer exists and
    does not come back with it (`coming_back`: the versions written back), such as a topic
    deleted after its FAQ, else None. The database would refuse the link, and django-reversion
    only says "missing dependency"."""
    returning = {(version.content_type_id, str(version.object_id)) for version in coming_back}
    for field in obj._meta.concrete_fields:
        target = getattr(obj, field.attname) if field.many_to_one else None
        if target is None:
            continue
        related = field.related_model
        if related._default_manager.filter(pk=target).exists():
            continue
        if (ContentType.objects.get_for_model(related).pk, str(target)) in returning:
            continue  # deleted together, they come back together
        deleted = Version.objects.get_deleted(related).filter(object_id=str(target)).first()
        return field, deleted.object_repr if deleted is not None else None
    return None


def _cannot(version, verb):
    """How a message that a version cannot be written back begins."""
    return (
        "This version cannot be restored"
        if verb == "restore"
        else f"“{version.object_repr}” cannot be recovered"
    )


def _missing_message(version, verb, field, name):
    subject = _cannot(version, verb)
    what = field.related_model._meta
    if name is None:
        return (
            f"{subject}: its {field.verbose_name} was deleted after it, and no copy of it was kept. "
            f"Nothing was changed. Add the {field.verbose_name} again and write the {version._model._meta.verbose_name} "
            "anew, copying what you need from its history."
        )
    return (
        f"{subject}: its {field.verbose_name} “{name}” was deleted after it. Nothing was changed. Recover the "
        f"{what.verbose_name} first (Recover deleted {what.verbose_name_plural}, on the list of "
        f"{what.verbose_name_plural}), then try again."
    )


DELETION_COMMENT = "Saved just before deletion."


def written_back(version, verb):
    """The versions that restoring (`verb` "restore") or recovering ("recover") `version` writes
    back, the object's own first, and the rows of each object the restore replaces as a whole.

    A revision holds every object one save or action touched: an article with its placements,
    but also every row a bulk action changed, or the whole demo content. django-reversion's admin
    writes the whole revision back, so restoring one location's first version put back every
    object of the demo content as it was: a testimonial whose client had withdrawn consent was
    public again, and other editors' work since was undone without a trace. Only the opened
    object comes back, with the rows its versions follow (its placements, its hours). Recovering
    also brings back the objects deleted together with it (in one *Delete selected*) that are
    still deleted, never one that exists now."""
    model = version._model
    objects = [version]
    if verb == "recover" and version.revision.comment == DELETION_COMMENT:
        together = version.revision.version_set.filter(content_type=version.content_type)
        together = list(together.exclude(pk=version.pk))
        ids = [other.object_id for other in together]
        existing = {str(pk) for pk in model._default_manager.filter(pk__in=ids).values_list("pk", flat=True)}
        objects += [other for other in together if other.object_id not in existing]
    ids = {other.object_id for other in objects}
    rows = []
    for relation in followed_rows(model):
        row_type = ContentType.objects.get_for_model(relation.related_model)
        for row in version.revision.version_set.filter(content_type=row_type):
            if str(row.field_dict[relation.field.attname]) in ids:
                rows.append((relation, row))
    return objects, rows


def write_back(version, verb):
    """Write the versions `written_back` names over the database, and remove the rows added to
    those objects since (a placement made after the version): the object as the version had it."""
    objects, rows = written_back(version, verb)
    model = version._model
    for relation in followed_rows(model):
        kept = [row.object_id for followed, row in rows if followed == relation]
        relation.related_model._default_manager.filter(
            **{f"{relation.field.name}__in": [other.object_id for other in objects]}
        ).exclude(pk__in=kept).delete()
    _safe_revert([*objects, *(row for _relation, row in rows)])


def revert_obstacle(version, verb):
    """Why writing `version` back would fail, as a message for the editor, or None.

    Writing it back saves the object (and, recovering, those deleted with it) as it was
    (`written_back`). A value that must be unique (an article's or location's slug, an FAQ's
    question), taken since by another object, would make the database refuse it, and
    django-reversion only says "missing dependency". The rows the object's versions follow
    (placements, opening hours) are replaced as a whole, so they cannot collide."""
    model = version._model
    objects, rows = written_back(version, verb)
    coming_back = [*objects, *(row for _relation, row in rows)]
    for other_version in objects:
        try:
            obj = other_version._object_version.object
        except RevertError:
            continue
        missing = _missing_required_object(obj, coming_back)
        if missing is not None:
            return _missing_message(version, verb, *missing)
        for fields, other in _taken_by(obj):
            opts = model._meta
            names = " and ".join(str(field.verbose_name) for field in fields)
            itself = str(other_version.object_id) == str(version.object_id)
            whose = "its" if itself else "whose"
            if [field.name for field in fields] == ["slug"] and hasattr(obj, "get_absolute_url"):
                value = format_html("{} address, {},", whose, obj.get_absolute_url())
            else:
                value = f"{whose} {names}"
            reason = format_html("{} is used now by another {}, {}", value, opts.verbose_name, _linked(other))
            if not itself:  # deleted together, they come back together (a bulk delete)
                reason = format_html(
                    "it was deleted together with the {} “{}”, {}", opts.verbose_name, obj, reason
                )
            return format_html(
                "{}: {}. Nothing was changed. To {} it, first change the {} of that {}, then try again.",
                _cannot(version, verb),
                reason,
                verb,
                names,
                opts.verbose_name,
            )
    return None


EDIT_STAMP_FIELD = "edit_stamp"


def edit_stamp(obj):
    """When `obj` was last saved, as the change form carries it; "" for models without updated_at."""
    stamp = getattr(obj, "updated_at", None)
    return stamp.isoformat() if stamp else ""


class EditStampForm(SaidOnceFormMixin, forms.ModelForm):
    """A change form that knows which saved state it was opened on (see HistoryAdmin), and says
    a value it could not read once, by its field."""

    edit_stamp = forms.CharField(widget=forms.HiddenInput, required=False)


class EditConflictMixin:
    """For ModelAdmin: no lost updates. The change form carries the `updated_at` of what it was
    opened on. When someone else saved the object since (another editor, a bulk action, a
    reviewer), the save is refused with who and when, the form keeps everything typed, and saving
    again keeps this version on purpose. Without it the second of two editors would silently undo
    the first, and a clinician's review could sign text they never saw.
    """

    form = EditStampForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not has_edit_stamp(self.model):
            return fieldsets
        if any(EDIT_STAMP_FIELD in options["fields"] for _name, options in fieldsets):
            return fieldsets  # no fieldsets of its own: the form's fields, the stamp among them
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], EDIT_STAMP_FIELD]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None or EDIT_STAMP_FIELD not in form.base_fields:
            return form
        # What is saved now: read before a restore writes the old version over it.
        saved = getattr(request, "edit_stamp_now", None) or edit_stamp(obj)
        admin, user = self, request.user

        class EditConflictForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields[EDIT_STAMP_FIELD].initial = saved

            def clean(self):
                cleaned = super().clean()
                sent = self.data.get(self.add_prefix(EDIT_STAMP_FIELD))
                if sent is not None and sent != saved:
                    # Carry the newer stamp: saving again, having read this, keeps this version.
                    self.data = self.data.copy()
                    self.data[self.add_prefix(EDIT_STAMP_FIELD)] = saved
                    raise forms.ValidationError(admin._conflict_message(obj, user), code="edit_conflict")
                return cleaned

        return EditConflictForm

    def save_model(self, request, obj, form, change):
        """Write only over the state the form was checked against. Between the form's check and
        this write another save may have landed (two people pressing Save at the same moment):
        the row is claimed only if it still holds the `updated_at` this request read, a claim
        the database makes atomically (on PostgreSQL it waits for a save in progress, then
        looks again). Otherwise the whole save is undone and the view runs once more
        (RetryRefusedSaveMixin), and the form says who saved meanwhile."""
        restoring = getattr(request, "restoring_a_version", False)  # the old version is written already
        checked = EDIT_STAMP_FIELD in form.fields  # a change form, not the list's order column
        if change and checked and not restoring and getattr(obj, "updated_at", None) is not None:
            claimed = self.model._default_manager.filter(pk=obj.pk, updated_at=obj.updated_at).update(
                updated_at=obj.updated_at
            )
            if not claimed:
                raise SavedMeanwhile
        super().save_model(request, obj, form, change)

    def _conflict_message(self, obj, user=None):
        """Who saved `obj` after this form was opened, and when; `user` is the one saving now.
        The person who saved meanwhile may be that same person, in another tab or window: told
        that someone saved "after you opened it", they read of their own name as of another's."""
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model), object_id=str(obj.pk)
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        name = self.opts.verbose_name
        when = ""
        if obj.updated_at:
            saved_at = timezone.localtime(obj.updated_at)
            when = f" at {time_format(saved_at, 'g:i A')}"
            if saved_at.date() != timezone.localdate():
                when = f" on {date_format(saved_at, 'N j')}{when}"
        if entry is not None and user is not None and entry.user_id is not None and entry.user_id == user.pk:
            return (
                f"You saved this {name}{when}, after this page was opened (in another tab or window, say). "
                f"Nothing was saved now: this save would have replaced what you saved then. Open the {name} "
                "in a new tab to see what is saved now. Everything on this page is still below: save again "
                "to keep it over what you saved then, or leave this page to keep that."
            )
        who = "Someone"
        if entry is not None and entry.user is not None:
            who = entry.user.get_full_name() or entry.user.get_username()
        return (
            f"{who} saved this {name}{when}, after you opened it. Nothing was "
            f"saved: your save would have replaced their changes without either of you seeing it. Open "
            f"the {name} in a new tab to see what is saved now. Everything you typed is still below: save "
            "again to keep your version over theirs, or leave this page to keep theirs."
        )


class HistoryAdmin(
    TypedTimesMixin,
    AutocompleteOfIdsMixin,
    EditConflictMixin,
    RetryRefusedSaveMixin,
    RowsDeletedMeanwhileMixin,
    CompareVersionAdmin,
):
    """Admin with history, compare, restore and recover-deleted, and no lost updates.

    A version is saved just before an object is deleted, so that recovering it brings
    back what it was at that moment, including where it was placed.

    Edit conflicts: see EditConflictMixin.
    """

    history_latest_first = True

    def message_user(self, request, message, *args, **kwargs):
        if isinstance(message, str):
            message = nested_quotes(message)  # a testimonial's name is a quote itself
        super().message_user(request, message, *args, **kwargs)

    # The history lists this many versions a page, newest first; a last page of fewer than
    # `history_orphans` goes with the page before, so that every page has two to compare.
    history_per_page = 50
    history_orphans = 5
    object_history_template = "admin/carter_site/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        """The versions of an object, newest first, a page at a time (`?p=2`, the admin's own
        page parameter). django-reversion's history read every version with its revision and
        user, and rendered them all: an article edited for years made a page of hundreds of
        kilobytes. A page reads its own versions (one query) and their number (another),
        however many there are. A page number that is not a number gives the first page, one
        past the end the last, as the admin's own history does."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = self._order_version_queryset(
            Version.objects.get_for_object_reference(self.model, obj.pk).select_related("revision__user")
        )
        paginator = self.get_paginator(request, versions, self.history_per_page, orphans=self.history_orphans)
        page = paginator.get_page(request.GET.get(PAGE_VAR))
        # Versions are numbered from the oldest, 1, as editors count them: two saved in the same
        # minute share a date on the page, never a number.
        newest_here = paginator.count - page.start_index() + 1 if paginator.count else 0
        action_list = [
            {
                "version": version,
                "number": newest_here - position,
                "revision": version.revision,
                "url": reverse(self._admin_url("revision"), args=[quote(version.object_id), version.pk]),
            }
            for position, version in enumerate(page.object_list)
        ]
        comparable = len(action_list) >= 2
        if comparable:  # the two newest of the page are chosen to compare
            action_list[0]["first"] = action_list[1]["second"] = True
        context = {
            **self.admin_site.each_context(request),
            "title": f"Change history: {obj}",
            "subtitle": None,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            "action_list": action_list,
            "comparable": comparable,
            "compare_view": True,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number) if paginator.num_pages > 1 else [],
            "page_var": PAGE_VAR,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def get_deleted_objects(self, objs, request):
        """Django's list of what a delete takes with it, without a query per row it names."""
        return get_deleted_objects(objs, request, self.admin_site)

    @property
    def compare_exclude(self):
        """Compare leaves out other objects that point here without being part of a version (the
        articles about a location, those a clinician reviewed): they have versions of their own,
        and reading each one's made comparing two versions of a location read hundreds. The
        width and height kept with a picture go with the picture, which compare shows."""
        followed = {relation.name for relation in followed_rows(self.model)}
        sizes = [
            name
            for field in self.model._meta.concrete_fields
            if isinstance(field, models.ImageField)
            for name in (field.width_field, field.height_field)
            if name
        ]
        return sizes + [
            relation.name
            for relation in self.model._meta.related_objects
            if relation.one_to_many and relation.name not in followed
        ]

    # Fields that record facts about today rather than the wording of a version (a client's
    # consent): restoring an old version keeps their current values.
    kept_on_restore = ()

    # --- Restore and recover write a whole old version over the object, whatever the change
    # form leaves editable, so they ask for a permission of their own.

    def has_restore_permission(self, request, obj=None):
        """May put an old version back or recover a deleted object. An admin whose change form lets
        some users edit only part of an object narrows this to those who may edit all of it."""
        return self.has_change_permission(request, obj)

    def compare_view(self, request, object_id, extra_context=None):
        """The comparison of two versions, for those who may see the object: it shows the whole of
        both versions, and django-reversion-compare checks no permission of its own (the admin
        lets in any staff member, a staff member in no group included)."""
        obj = self.get_object(request, unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return super().compare_view(request, object_id, extra_context)

    def _version(self, version_id, object_id=None):
        """The version `version_id` if it is one of this admin's model (of the object `object_id`,
        when given), else None. django-reversion looks a version up by its id and the object's id
        alone: a location's version, sent to the address of the article with the same id, was
        written back there, past the location's own permission and checks."""
        versions = Version.objects.get_for_model(self.model).select_related("revision")
        if object_id is not None:
            versions = versions.filter(object_id=unquote(object_id))
        return versions.filter(pk=version_id).first()

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if self._version(version_id, object_id) is None:
            raise Http404("This is not a version of this object.")
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            request.edit_stamp_now = edit_stamp(obj)
        if not self.has_restore_permission(request, obj):
            history = reverse(self._admin_url("history"), args=[quote(unquote(object_id))])
            return self._refuse_restore(request, history)
        obstacle = self._revert_obstacle(object_id, version_id, "restore")
        if obstacle:
            self.message_user(request, obstacle, messages.ERROR)
            return HttpResponseRedirect(reverse(self._admin_url("history"), args=[quote(unquote(object_id))]))
        request.restoring_a_version = True
        if obj is not None:
            # What is saved now, before the old version is written over it: a form may compare with it.
            request.saved_before_restore = {
                field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields
            }
        if obj is not None and self.kept_on_restore:
            request.kept_on_restore = {name: getattr(obj, name) for name in self.kept_on_restore}
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = self._version(version_id)
        if version is None or self.model._default_manager.filter(pk=version.object_id).exists():
            # Recovering writes the version back without the checks of a restore (edit conflicts,
            # facts kept from today): only for what was deleted.
            raise Http404("This is not a version of a deleted object of this kind.")
        if not self.has_restore_permission(request):
            return self._refuse_restore(request, reverse(self._admin_url("changelist")))
        obstacle = self._revert_obstacle(None, version_id, "recover")
        if obstacle:
            self.message_user(request, obstacle, messages.ERROR)
            return HttpResponseRedirect(reverse(self._admin_url("recoverlist")))
        request.restoring_a_version = request.recovering = True
        request.edit_stamp_now = "recovering"  # nothing saved to conflict with: it was deleted
        return super().recover_view(request, version_id, extra_context)

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        """django-reversion's restore and recover view, which writes `version`'s revision back
        before showing the form (and keeps it only if the form is saved), writing back only the
        object and what goes with it (`write_back`), never the rest of the revision."""
        verb = "recover" if getattr(request, "recovering", False) else "restore"
        version.revision.revert = lambda delete=False: write_back(version, verb)
        when = date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
        name = self.opts.verbose_name
        if verb == "restore":
            title, comment = f"Restore an earlier version of this {name}", f"Restored the version of {when}."
        else:
            title, comment = (
                f"Recover this deleted {name}",
                f"Recovered after it was deleted (the version of {when}).",
            )
        response = super()._reversion_revisionform_view(
            request, version, template_name, {**(extra_context or {}), "title": title, "version_saved": when}
        )
        if request.method == "POST" and response.status_code == 302:
            # django-reversion labels both "Reverted to previous version, saved on …" in History.
            latest = Version.objects.get_for_object_reference(self.model, version.object_id).first()
            if latest is not None and latest.revision.comment.startswith("Reverted to previous version"):
                Revision.objects.filter(pk=latest.revision_id).update(comment=comment)
        return response

    def response_change(self, request, obj):
        """After a restore or recover, a message that links to the object's change page and, for
        "Save and continue editing", that page: Django's link and redirect go to the address the
        form was posted to, which would open the old version again."""
        if not getattr(request, "restoring_a_version", False) or IS_POPUP_VAR in request.POST:
            return super().response_change(request, obj)
        url = reverse(self._admin_url("change"), args=[quote(obj.pk)])
        done = "recovered" if getattr(request, "recovering", False) else "restored"
        said = format_html('The {} “<a href="{}">{}</a>” was {}.', self.opts.verbose_name, url, obj, done)
        if "_continue" in request.POST:
            self.message_user(request, format_html("{} You may edit it again below.", said), messages.SUCCESS)
            return HttpResponseRedirect(url)
        self.message_user(request, said, messages.SUCCESS)
        if "_addanother" in request.POST:
            return HttpResponseRedirect(reverse(self._admin_url("add")))
        return self.response_post_save_change(request, obj)

    FIRST_VERSION_COMMENT = "Added before its history was kept: this is its first version."

    def log_change(self, request, obj, message):
        """django-reversion labels a version with the change form's message. An object made
        without a version (before its model had a history, or from the shell) gets its first one
        at its first save here, which History then listed as "No fields changed." where every
        other object's history starts with "Added."."""
        entry = super().log_change(request, obj, message)
        if reversion.is_active() and not Version.objects.get_for_object(obj).exists():
            reversion.set_comment(f"{self.FIRST_VERSION_COMMENT} {entry.get_change_message()}")
        return entry

    def _revert_obstacle(self, object_id, version_id, verb):
        """What keeps the version from being written back (revert_obstacle), for the views above."""
        version = self._version(version_id, object_id)
        return revert_obstacle(version, verb) if version is not None else None

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
        fields = [self.model._meta.get_field(name) for name in kept]
        labels = [f"“{capfirst(field.verbose_name)}”" for field in fields if field.editable]
        named = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
        self.message_user(
            request,
            f"Restoring brings back the words of this version, but not {named}: "
            f"{'it keeps its' if len(labels) == 1 else 'they keep their'} current "
            f"{'value' if len(labels) == 1 else 'values'}, shown below.",
            messages.WARNING,
        )

    def _leave_out_places_of_deleted_things(self, request, object_id):
        """An old version may place an FAQ or testimonial deleted since. Its row would point at
        nothing (the form could neither show nor save it), so it is left out, and the editor told."""
        obj = self.model._default_manager.filter(pk=object_id).first()
        if obj is None:
            return
        # Every kind of row the version brings back with the object: its inlines' rows, and rows
        # edited from their other side (an FAQ's places on articles and locations).
        for relation in followed_rows(self.model):
            model, parent = relation.related_model, relation.field
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

    def changelist_view(self, request, extra_context=None):
        if (
            request.method == "POST"
            and request.POST.get("action") == "delete_selected"
            and request.POST.get("post")
        ):
            # django-reversion keeps one revision open for the whole list request and saves it at
            # the end, without the versions of rows that no longer exist: the versions saved just
            # before a bulk delete (below) would go with the rows, and nothing could be recovered.
            # Without that revision around it, they are saved before the rows are deleted.
            return admin.ModelAdmin.changelist_view(self, request, extra_context)
        return super().changelist_view(request, extra_context)

    def delete_model(self, request, obj):
        self._save_version_before_delete(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._save_version_before_delete(request, list(queryset))
        super().delete_queryset(request, queryset)

    def _save_version_before_delete(self, request, objects):
        objects = with_followed_rows(self.model._default_manager.filter(pk__in=[obj.pk for obj in objects]))
        with reversion.create_revision(atomic=True):
            reversion.set_user(request.user)
            reversion.set_comment(DELETION_COMMENT)
            for obj in objects:
                reversion.add_to_revision(obj)
