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
    """For ModelAdmin: a bulk action on a selection that holds something other than ids."""

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
