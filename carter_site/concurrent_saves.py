"""Admin saves that lose a race for a value only one row may hold.

A change form checks that an address (slug), an FAQ's question or a redirect's old address is
free, then writes the row. When another editor's save takes the value between the two, the
database refuses the row with an IntegrityError, which reached the editor as a 500 with their
typing lost. Django's admin writes a save in one transaction (the object, its inlines and its
history entry), so nothing of the refused save is kept: the view is run once more, and the form,
checked against what is saved now, says which value is taken, with everything typed kept.

The same goes for a save that finds the object saved by someone else after its form was checked
(SavedMeanwhile, raised by carter_site.history.EditConflictMixin): run again, the form's check
sees the newer save and says who made it.
"""

import re

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.db import IntegrityError
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import ngettext


class SavedMeanwhile(Exception):
    """The object was saved by someone else between this form's check and its write."""


class RetryRefusedSaveMixin:
    """For ModelAdmin: a save the database refuses is answered by the form again, not a 500."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (IntegrityError, SavedMeanwhile):
            if request.method != "POST" or getattr(request, "save_refused_once", False):
                raise  # what the form cannot see: a real error
            request.save_refused_once = True
            for _name, uploads in request.FILES.lists():
                for upload in uploads:
                    upload.seek(0)  # read once already by the first try's checks
            return super().changeform_view(request, object_id, form_url, extra_context)


class RowsDeletedMeanwhileMixin:
    """For ModelAdmin: rows deleted by someone else after a page was opened are left out of its
    save, and the editor is told. That is a row of the list's order column (`list_editable`), or
    a row of an inline on a change form (an FAQ placed on an article, an opening hour).

    Without this, Django's formset answered such a save with "Please correct the errors below"
    and no error to be seen: the one it found ("Select a valid choice") is on the row's hidden id
    field, and the row itself is gone. Nothing was saved, and the editor could not tell why. Now
    the rest is saved (or its own errors shown) as usual.
    """

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and self.list_editable and "_save" in request.POST:
            request.POST, deleted = _without_deleted_rows(request.POST, self.model)
            if deleted:
                name = self.model._meta.verbose_name if deleted == 1 else self.model._meta.verbose_name_plural
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d %(name)s in this list was deleted by someone else after you opened "
                        "the list. It is no longer on the site, and your change to it is left out; your "
                        "changes to the other rows are kept.",
                        "%(count)d %(name)s in this list were deleted by someone else after you opened "
                        "the list. They are no longer on the site, and your changes to them are left out; "
                        "your changes to the other rows are kept.",
                        deleted,
                    )
                    % {"count": deleted, "name": name},
                    messages.WARNING,
                )
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                for inline in self.get_inline_instances(request, obj):
                    prefix = inline.get_formset(request, obj).get_default_prefix()
                    if any(key.startswith(f"{prefix}-") for key in request.FILES):
                        continue  # rows with uploads: renumbering would part them from their files
                    request.POST, deleted = _without_deleted_rows(request.POST, inline.model, prefix)
                    if deleted:
                        self.message_user(
                            request,
                            ngettext(
                                "Someone else removed %(count)d row of “%(section)s” after you opened "
                                "this page. It is left out; everything else you typed is kept.",
                                "Someone else removed %(count)d rows of “%(section)s” after you opened "
                                "this page. They are left out; everything else you typed is kept.",
                                deleted,
                            )
                            % {"count": deleted, "section": capfirst(inline.verbose_name_plural)},
                            messages.WARNING,
                        )
        return super().changeform_view(request, object_id, form_url, extra_context)


def _without_deleted_rows(data, model, prefix="form"):
    """`data` (a POST) without the rows of the formset `prefix` whose object no longer exists, the rest
    renumbered from 0; and how many were left out. Anything unexpected is left to the formset."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
        initial = int(data.get(f"{prefix}-INITIAL_FORMS", ""))
    except ValueError:
        return data, 0
    if not 0 <= initial <= total <= 1000:  # Django's own limit on a formset's size
        return data, 0
    pk_name = model._meta.pk.name
    posted = {index: data.get(f"{prefix}-{index}-{pk_name}", "") for index in range(initial)}
    numbers = {value for value in posted.values() if value.isascii() and value.isdigit()}
    existing = {str(pk) for pk in model._default_manager.filter(pk__in=numbers).values_list("pk", flat=True)}
    deleted = {index for index, value in posted.items() if value in numbers and value not in existing}
    if not deleted:
        return data, 0
    row = re.compile(rf"{re.escape(prefix)}-(\d+)-(.+)")
    kept = [index for index in range(total) if index not in deleted]
    renumbered = {old: new for new, old in enumerate(kept)}
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        match = row.fullmatch(key)
        if match is None:
            cleaned.setlist(key, values)
        elif int(match[1]) in renumbered:
            cleaned.setlist(f"{prefix}-{renumbered[int(match[1])]}-{match[2]}", values)
    cleaned[f"{prefix}-TOTAL_FORMS"] = str(len(kept))
    cleaned[f"{prefix}-INITIAL_FORMS"] = str(initial - len(deleted))
    cleaned._mutable = False
    return cleaned, len(deleted)
