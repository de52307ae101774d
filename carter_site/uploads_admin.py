"""The admin's "Uploaded pictures" page: every upload, where it is used, and a way to delete
what nothing uses any more (carter_site.media_usage says how use is found).

An editor who uploaded the wrong photo, or took a picture out of a text, expects it gone from the
web; the file stays at its address until it is deleted. Whoever may put pictures into the text of
pages (carter_site.editor_uploads.may_edit_rich_text) may delete those nothing uses, or that
only earlier versions use, after a confirmation page. A file that a saved row uses is never
deleted: use is read again when the deletion is confirmed, and a file used meanwhile is kept,
with a message. One uploaded into a text not saved yet is not in use until the save, so the
confirmation names the files uploaded in the last day.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from .editor_uploads import may_edit_rich_text
from .media_usage import STORAGE_ERRORS, delete, reason, usage

logger = logging.getLogger(__name__)

# An upload this recent may be waiting for a text someone is writing: the confirmation says so.
RECENT = timedelta(days=1)


def _admin_url(model, view, *args):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:  # not in the admin (a placement edited inline, say)
        return ""


def described(places_by_name):
    """Stored name -> where it is used, as sorted (text, address) pairs: "Article “Your first
    week”" and its change page; for a row whose earlier version names the file, its history;
    for a deleted row, the recover list. One query per kind of row, however many files."""
    pks_by_model = defaultdict(set)
    for places in places_by_name.values():
        for place in places:
            if place.model is not None:
                pks_by_model[place.model].add(place.pk)
    rows = {}
    for model, pks in pks_by_model.items():
        keys = {pk: _primary_key(model, pk) for pk in pks}
        in_bulk = model._base_manager.in_bulk({key for key in keys.values() if key is not None})
        rows[model] = {pk: in_bulk.get(key) for pk, key in keys.items()}
    return {
        name: sorted(
            _label(place, rows[place.model][place.pk]) for place in places if place.model is not None
        )
        for name, places in places_by_name.items()
    }


def _primary_key(model, pk):
    """A version's object id as the model's primary key; None for one it cannot be (a row of a
    model whose key has changed type since), which then reads as deleted."""
    try:
        return model._meta.pk.to_python(pk)
    except ValidationError:
        return None


def _label(place, row):
    model = place.model
    name = capfirst(model._meta.verbose_name)
    if row is None:
        return f"{name} no. {place.pk}, deleted: an earlier version", _admin_url(model, "recoverlist")
    if place.in_history:
        return f"{name} “{row}”: an earlier version", _admin_url(model, "history", row.pk)
    return f"{name} “{row}”", _admin_url(model, "change", row.pk)


def _rows(found, files, labels):
    return [
        {
            "file": file,
            "url": default_storage.url(file.name),
            "preview": default_storage.url(found.preview(file)),
            "size": found.size(file),
            "places": labels.get(file.name, []),
        }
        for file in files
    ]


@never_cache
def uploads_view(request):
    if not may_edit_rich_text(request):
        raise PermissionDenied
    try:
        found = usage(default_storage)
    except STORAGE_ERRORS as error:
        messages.error(
            request,
            f"The uploaded pictures could not be read ({reason(error)}); nothing was deleted. "
            "Tell whoever runs the site.",
        )
        return HttpResponseRedirect(reverse("admin:index"))
    if request.method == "POST":
        return _delete_chosen(request, found)
    labels = described(found.places)
    context = {
        **admin.site.each_context(request),
        "title": "Uploaded pictures",
        "unused": _rows(found, found.unused, labels),
        "only_in_history": _rows(found, found.only_in_history, labels),
        "in_use": _rows(found, found.in_use, labels),
    }
    return TemplateResponse(request, "admin/uploads/list.html", context)


def _delete_chosen(request, found):
    chosen = list(dict.fromkeys(request.POST.getlist("name")))
    deletable = {file.name: file for file in found.unused + found.only_in_history}
    files = [deletable[name] for name in chosen if name in deletable]
    labels = described({name: found.places[name] for name in chosen if name in found.places})
    for name in (name for name in chosen if name not in deletable):
        if name in found.places:
            where = "; ".join(text for text, _ in labels[name])
            messages.warning(request, f"{name} was kept: it is used now ({where}).")
        elif (picture := found.picture_of(name)) is not None:
            kind = (
                "the editor's small copy"
                if name in found.thumbnails.values()
                else "a smaller copy for phones"
            )
            messages.warning(request, f"{name} is {kind} of {picture}, and goes with it.")
        else:
            messages.warning(request, f"{name} is not among the uploads (deleted already?).")
    if not files:
        if not chosen:
            messages.warning(request, "Choose the pictures to delete first: tick the box beside each.")
        return HttpResponseRedirect(request.path)
    if request.POST.get("confirmed") != "yes":
        rows = _rows(found, files, labels)
        context = {
            **admin.site.each_context(request),
            "title": "Delete these pictures?",
            "files": rows,
            "in_history": any(file in found.only_in_history for file in files),
            "recent": [row for row in rows if row["file"].modified > timezone.now() - RECENT],
        }
        return TemplateResponse(request, "admin/uploads/delete_confirmation.html", context)
    deleted, freed, failures = delete(default_storage, found, files)
    for name, why in failures:
        messages.error(request, f"{name} could not be deleted ({why}); it is still there.")
    if deleted:
        logger.info("%s deleted the uploads %s", request.user.get_username(), ", ".join(deleted))
        messages.success(
            request,
            ngettext(
                "Deleted %(count)d picture (%(size)s).",
                "Deleted %(count)d pictures (%(size)s).",
                len(deleted),
            )
            % {"count": len(deleted), "size": filesizeformat(freed)},
        )
    return HttpResponseRedirect(request.path)
