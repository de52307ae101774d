"""What the admin makes of request data no page of its own would send.

A browser sends only ids the admin rendered, but a damaged page, an edited address or a
hand-made request may send anything. Django's admin answered some of that with a 500: ids that
are not ids reached the database in a bulk action or a save of a list's order column, a date too large for the calendar in a
list's date filter, on PostgreSQL a NUL character in a list's filter or a picker's search, and
a date and time in an add page's address. Here each is answered as the admin answers other
mistakes: a message, with nothing changed. An address naming a relation from another model as
the field a picker's popup sends back (`?_to_field=...`) was a 500 on every list, add, change
and deletion page; it is refused as Django refuses any field it does not allow there, a 400.

Every model admin gets `CheckedListRequestsMixin`, `CheckedInitialValuesMixin` and
`PlainFieldMessagesMixin`, Django's and other apps' (users, groups, sign-in lockouts) too:
carter_site.two_factor.CarterAdminSite adds them when a model is registered.
Admins and inlines with searchable pickers (`autocomplete_fields`) use `AutocompleteOfIdsMixin`.
"""

import re

from django.contrib import messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.text import Truncator, capfirst

from .images import NOT_AN_IMAGE
from .text import visible_text

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
    """For ModelAdmin: a bulk action, or a save of the list's editable column, naming rows by
    something other than ids, list filters with numbers too large to use or a NUL character,
    searches for a NUL character, and a `_to_field` naming another model's relation to this one."""

    def to_field_allowed(self, request, to_field):
        # `_to_field` says which field of the row a picker's popup sends back: a field of this
        # model. Django looked up any name and then read `primary_key` of what it found, which a
        # relation from another model (an article's review requests, a group's users) does not
        # have: every list, add, change and deletion page of every model answered
        # `?_to_field=<such a name>` with a 500. Such a name is no field to send back: refused,
        # as Django refuses any field it does not allow (a 400).
        try:
            field = self.opts.get_field(to_field)
        except FieldDoesNotExist:
            return False
        if isinstance(field, models.ForeignObjectRel):
            return False
        return super().to_field_allowed(request, to_field)

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

    def changelist_view(self, request, extra_context=None):
        # A save of the list's editable column (an order) whose rows name something other than
        # ids: Django looked the rows up by them, and SQLite cannot even be asked about a number
        # too large for its integers (a 500).
        if request.method == "POST" and self.list_editable and "_save" in request.POST:
            row_id = re.compile(rf"form-\d+-{re.escape(self.opts.pk.name)}")
            posted = [value for key, value in request.POST.items() if row_id.fullmatch(key)]
            if not all(is_id(self.opts.pk, value) for value in posted):
                self.message_user(
                    request,
                    "The rows of the list did not come back as the list showed them, so nothing was "
                    "saved. Reload the list and make your changes again.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

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


class CheckedInitialValuesMixin:
    """For ModelAdmin: an add page's address that fills in a date and time (?published_at=...), as
    Django allows for any field. Django handed the text as it was to the date and time boxes, which
    failed on it, a time written correctly included: it is read as a time in the site's time zone
    ("2027-03-14 09:00"), and anything else leaves the boxes empty and says why."""

    def get_changeform_initial_data(self, request):
        from .admin_times import clock_change_problem

        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if not isinstance(field, models.DateTimeField) or not isinstance(value, str) or not value:
                continue
            try:
                moment = parse_datetime(value.strip())
            except ValueError:  # the right shape, but no such day or hour ("2027-02-30 09:00")
                moment = None
            if moment is None:
                shown = Truncator(visible_text(value, single_line=True)).chars(40)
                problem = f"“{shown}” is not a date and time; write it as 2027-03-14 09:00."
            elif timezone.is_naive(moment):
                problem = clock_change_problem(moment)
                moment = timezone.make_aware(moment)
            else:
                problem = None
            if problem:
                del initial[name]
                label = capfirst(field.verbose_name)
                messages.warning(request, f"“{label}” in the address was left out: {problem}")
            else:
                initial[name] = moment
        return initial


SLUG_MESSAGE = (
    "An address may hold only letters, numbers and hyphens, for example coming-back-to-iop: no spaces, "
    "accents or other marks."
)


class SaidOnceFormMixin:
    """For a ModelForm: a value that could not be read ("13:00 PM", a date written day first) is
    said once, by its field. The model's own check (Model.clean) then finds that field empty and
    asked for it too ("Give the opening time", "Enter the date the client signed"), as if the
    editor had typed nothing."""

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            kept = {
                name: errors
                for name, errors in error.error_dict.items()
                if name == NON_FIELD_ERRORS or name not in self._errors
            }
            if not kept:
                return
            error = ValidationError(kept)
        super().add_error(field, error)


SLUG_TAKEN = (
    "Another %(name)s, “%(other)s”, already has this address. Change it here, for example by adding "
    "a word: each %(name)s needs an address of its own."
)


class SlugTakenFormMixin:
    """For an admin's ModelForm: an address (slug) another object has already is refused naming
    that object. Django said "Article with this Slug already exists.", which an editor who gave
    two articles the same title (the slug is filled in from it) could not place: which article,
    and what is a Slug? A field with words of its own for it (its error_messages["unique"]) keeps
    them."""

    def clean(self):
        cleaned = super().clean()
        model = self._meta.model
        for field in model._meta.fields:
            if not (isinstance(field, models.SlugField) and field.unique) or field.name in self._errors:
                continue
            if str(field.error_messages["unique"]) != str(models.Field.default_error_messages["unique"]):
                continue  # words of its own (a clinician's page suggests another address): Django says them
            value = cleaned.get(field.name)
            if not value:
                continue
            other = model._default_manager.filter(**{field.name: value}).exclude(pk=self.instance.pk).first()
            if other is None:
                continue
            params = {"name": model._meta.verbose_name, "other": Truncator(str(other)).chars(80)}
            self.add_error(field.name, ValidationError(SLUG_TAKEN, code="unique", params=params))
        return cleaned


class PlainFieldMessagesMixin:
    """For ModelAdmin: Django's messages that name its own field types, in an editor's words. An
    address (a slug) with a space or a mark got "Enter a valid “slug” consisting of letters,
    numbers, underscores or hyphens."; a file that is not a picture, chosen for an article's or a
    location's photo, "Upload a valid image. The file you uploaded was either not an image or a
    corrupted image.", where the editor's own upload says what to upload instead; an address
    another object has already, "Article with this Slug already exists." (SlugTakenFormMixin)."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, SlugTakenFormMixin) or not any(
            isinstance(field, models.SlugField) and field.unique and field.name in form.base_fields
            for field in self.opts.fields
        ):
            return form
        return type(form.__name__, (SlugTakenFormMixin, form), {"__module__": form.__module__})

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
