"""What the admin makes of request data no page of its own would send.

A browser sends only ids the admin rendered, but a damaged page, an edited address or a
hand-made request may send anything. Django's admin answered some of that with a 500: ids that
are not ids reached the database in a bulk action, and a date too large for the calendar in a
list's date filter. Here each is answered as the admin answers other mistakes: a message, with
nothing changed.

Every model admin gets `CheckedListRequestsMixin`, Django's and other apps' (users, groups,
sign-in lockouts) too: carter_site.two_factor.CarterAdminSite adds it when a model is registered.
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect


def is_id(field, value):
    """True if `value`, as posted, is a value the primary key `field` can hold (a whole number in
    the column's range, for the usual id), so that looking it up cannot fail."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class CheckedListRequestsMixin:
    """For ModelAdmin: a bulk action on a selection that holds something other than ids, and
    list filters with numbers too large to use."""

    def get_changelist_instance(self, request):
        # A year too large for a date (the date filter), or an id too large for SQLite's integers
        # (a filter by location or topic): Django's answer to any other filter it cannot apply,
        # the whole list with "?e=1", instead of an OverflowError.
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_id(self.opts.pk, value) for value in selected):
            self.message_user(
                request,
                "The selection names rows that are not on this list, so the action was not run and "
                "nothing was changed. Reload the list, tick the rows again and retry.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)
