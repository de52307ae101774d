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
from django.db import IntegrityError, models
from django.forms.models import BaseInlineFormSet
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import ngettext

from .admin_input import is_id


class SavedMeanwhile(Exception):
    """The object was saved by someone else between this form's check and its write."""


class RetryRefusedSaveMixin:
    """For ModelAdmin: a save the database refuses is answered by the form again, not a 500.

    What the refused try said to the editor (a warning added while saving) is taken back with
    the rest of it: the second try says it again if it still holds, so it is said once."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        said_before = _queued_messages(request)[:]
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (IntegrityError, SavedMeanwhile):
            if request.method != "POST" or getattr(request, "save_refused_once", False):
                raise  # what the form cannot see: a real error
            request.save_refused_once = True
            _queued_messages(request)[:] = said_before
            for _name, uploads in request.FILES.lists():
                for upload in uploads:
                    upload.seek(0)  # read once already by the first try's checks
            return super().changeform_view(request, object_id, form_url, extra_context)


def _queued_messages(request):
    """The messages added during this request, not yet stored (Django's message storage keeps
    them in a list until the response; there is no public way to take one back)."""
    storage = getattr(request, "_messages", None)
    queued = getattr(storage, "_queued_messages", None)
    return queued if isinstance(queued, list) else []


class RowsAddedMeanwhileFormSet(BaseInlineFormSet):
    """An inline's rows, checked also against the rows someone else added to the object after
    this page was opened. Django compares a new row only with the other rows on the page: one
    that repeats a row saved meanwhile (two editors placing the same FAQ on an article) reached
    the database, which refused it, and saving again, even after the edit-conflict message,
    ended in a 500. Now the row says so, and nothing is saved."""

    def clean(self):
        super().clean()
        if self.instance.pk is None:
            return  # a new object: nobody else can have added rows to it
        shown = [form.instance.pk for form in self.initial_forms if form.instance.pk is not None]
        saved_meanwhile = self.model._default_manager.filter(**{self.fk.name: self.instance}).exclude(
            pk__in=shown
        )
        unique_sets = unique_together_with(self.model, self.fk)
        for form in self.forms:
            if (
                not unique_sets
                or not form.has_changed()
                or not form.is_valid()
                or self._should_delete_form(form)
            ):
                continue
            for names in unique_sets:
                values = {name: form.cleaned_data.get(name) for name in names if name != self.fk.name}
                if None not in values.values() and saved_meanwhile.filter(**values).exists():
                    form.add_error(
                        None,
                        f"Someone else added this {self.model._meta.verbose_name} after you opened this "
                        "page, so it is there already. Delete this row; reload the page to see what is "
                        "saved now.",
                    )
                    break


def unique_together_with(model, field):
    """The sets of field names whose values no two rows of `model` may share that include `field`
    (unique_together, and unconditional UniqueConstraints on fields)."""
    opts = model._meta
    sets = [tuple(names) for names in opts.unique_together]
    sets += [
        tuple(constraint.fields)
        for constraint in opts.constraints
        if isinstance(constraint, models.UniqueConstraint)
        and constraint.fields
        and constraint.condition is None
    ]
    return [names for names in sets if field.name in names]


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
    pk = model._meta.pk
    pk_name = pk.name
    posted = {index: data.get(f"{prefix}-{index}-{pk_name}", "") for index in range(initial)}
    # Ids only: a number too large for the column is not one (SQLite cannot even be asked about it).
    numbers = {value for value in posted.values() if value.isascii() and value.isdigit() and is_id(pk, value)}
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
