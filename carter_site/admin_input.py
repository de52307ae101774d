"""What the admin makes of request data no page of its own would send.

A browser sends only ids the admin rendered, but a damaged page, an edited address or a
hand-made request may send anything. Django's admin answered some of that with a 500: ids that
are not ids reached the database in a bulk action, a date too large for the calendar in a
list's date filter, and on PostgreSQL a NUL character in a list's filter or a picker's search.
Here each is answered as the admin answers other mistakes: a message, with
nothing changed.

Every model admin gets `CheckedListRequestsMixin` and `PlainFieldMessagesMixin`, Django's and
other apps' (users, groups, sign-in lockouts) too: carter_site.two_factor.CarterAdminSite adds
them when a model is registered.
Admins and inlines with searchable pickers (`autocomplete_fields`) use `AutocompleteOfIdsMixin`.
"""

from django.contrib import messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.http import urlencode

from .images import NOT_AN_IMAGE

NUL = "\x00"


def is_id(field, value):
    """True if `value`, as posted, is a value the primary key `field` can hold (a whole number in
    the column's range, for the usual id), so that looking it up cannot fail."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class CheckedListRequestsMixin:
    """For ModelAdmin: a bulk action on a selection that holds something other than ids, list
    filters with numbers too large to use or a NUL character, and searches for a NUL character."""

    def get_changelist_instance(self, request):
        # A filter by a text with a NUL character (city=%00), which PostgreSQL refuses to be
        # asked about (no saved text holds one: forms refuse it): Django's answer to a filter
        # it cannot apply, as below. The search box (q) checks its words itself, with a message.
        filters = (values for name, values in request.GET.lists() if name != SEARCH_VAR)
        if any(NUL in value for values in filters for value in values):
            raise IncorrectLookupParameters("A filter holds a NUL character.")
        # A year too large for a date (the date filter), or an id too large for SQLite's integers
        # (a filter by location or topic): Django's answer to any other filter it cannot apply,
        # the whole list with "?e=1", instead of an OverflowError.
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error

    def get_search_results(self, request, queryset, search_term):
        # The searchable pickers' search (the autocomplete view) does not check its words as the
        # list's search box does: a NUL character reached PostgreSQL, which refuses it. No saved
        # text holds one, so nothing matches.
        if NUL in search_term:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

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


SLUG_MESSAGE = (
    "An address may hold only letters, numbers and hyphens, for example coming-back-to-iop: no spaces, "
    "accents or other marks."
)


class PlainFieldMessagesMixin:
    """For ModelAdmin: Django's messages that name its own field types, in an editor's words. An
    address (a slug) with a space or a mark got "Enter a valid “slug” consisting of letters,
    numbers, underscores or hyphens."; a file that is not a picture, chosen for an article's or a
    location's photo, "Upload a valid image. The file you uploaded was either not an image or a
    corrupted image.", where the editor's own upload says what to upload instead."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return formfield
        if isinstance(db_field, models.SlugField):
            formfield.error_messages = {**formfield.error_messages, "invalid": SLUG_MESSAGE}
        elif isinstance(db_field, models.ImageField):
            formfield.error_messages = {**formfield.error_messages, "invalid_image": NOT_AN_IMAGE}
        return formfield


class AutocompleteSelect(widgets.AutocompleteSelect):
    """Django's searchable picker, except that a posted value which cannot be an id is shown as
    nothing chosen, beside the field's own "Select a valid choice", instead of failing the page:
    Django looks the posted values up to show them again, and letters failed that lookup.

    `leave_out`, when set, is the id of one object the picker never offers (the article being
    edited, which cannot be its own *Read next*): its searches ask for `?leave_out=<id>`, which
    the searched model's admin reads with `left_out_of_autocomplete`. The picker's script adds
    its own parameters to an address that already has some."""

    leave_out = None

    def get_url(self):
        url = super().get_url()
        return url if self.leave_out is None else f"{url}?{urlencode({LEAVE_OUT: self.leave_out})}"

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        return super().optgroups(name, [item for item in value if is_id(target, item)], attr)


LEAVE_OUT = "leave_out"


def left_out_of_autocomplete(request, queryset, field):
    """`queryset` without the object the picker of `field` (a model's foreign key) was told to
    leave out (AutocompleteSelect.leave_out): for the searched model's `get_search_results`. Other
    pickers of the same model, and a value that is not an id, sent by hand, leave nothing out."""
    if request.resolver_match is None or request.resolver_match.url_name != "autocomplete":
        return queryset
    asked = (request.GET.get("app_label"), request.GET.get("model_name"), request.GET.get("field_name"))
    value = request.GET.get(LEAVE_OUT)
    if asked != (field.model._meta.app_label, field.model._meta.model_name, field.name) or value is None:
        return queryset
    if not is_id(queryset.model._meta.pk, value):
        return queryset
    return queryset.exclude(pk=value)


class AutocompleteOfIdsMixin:
    """For ModelAdmin and inlines with `autocomplete_fields`: the picker above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
