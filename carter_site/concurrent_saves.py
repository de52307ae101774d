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

from django.db import IntegrityError


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
