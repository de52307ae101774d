"""The admin's history (LogEntry, and versions of content) for changes that bypass the change form.

Django records what the change form, the delete view and `delete_selected` do. Bulk actions that
call `queryset.update()` record nothing by themselves: they call `log_bulk_change()` with the
objects they changed, inside the same transaction as the update. Management commands that
change a staff account record it with `log_account_event()`.
"""

import logging

import reversion
from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import ngettext

from .richtext import RichTextField


def has_edit_stamp(model):
    """Whether `model` records when it was last saved (`updated_at`): what a change form compares to
    tell that someone saved the object since it was opened (carter_site.history)."""
    return any(field.name == "updated_at" for field in model._meta.concrete_fields)


def with_the_objects_they_name(queryset, leave_out=None):
    """`queryset` of rows that join objects (an FAQ placed on an article, a preview link and who
    made it), each read with the objects it points to, in the same query: a row's name is made of
    them ("“Is there parking?” on “Your first week”"), one query per row and object otherwise.
    Their rich text is left out, as no name uses it; so is the foreign key `leave_out`."""
    model = queryset.model
    named_by = [
        field for field in model._meta.concrete_fields if field.many_to_one and field is not leave_out
    ]
    long_texts = [
        f"{field.name}__{text.name}"
        for field in named_by
        for text in field.related_model._meta.concrete_fields
        if isinstance(text, RichTextField)
    ]
    return queryset.select_related(*(field.name for field in named_by)).defer(*long_texts)


def followed_rows(model):
    """The one-to-many relations whose rows `model`'s versions carry (an article's placements, a
    location's hours): what saving a version labels, and what restoring one writes back."""
    if not reversion.is_registered(model):
        return []
    relations = (model._meta.get_field(name) for name in reversion.revisions._get_options(model).follow)
    return [relation for relation in relations if relation.one_to_many]


def with_followed_rows(queryset):
    """`queryset` with the rows its versions follow (an article's placements, a location's
    hours) read beforehand, each with the objects it names. Saving a version labels every
    followed row by its name ("“Is there parking?” on “Your first week”"): without this, that
    was a query per row and per object, hundreds for a bulk action on a full list."""
    prefetches = [
        Prefetch(
            relation.name,
            queryset=with_the_objects_they_name(
                relation.related_model._default_manager.all(), leave_out=relation.field
            ),
        )
        for relation in followed_rows(queryset.model)
    ]
    return queryset.prefetch_related(*prefetches)


def log_bulk_change(request, objects, message):
    """One "changed" entry per object, by the signed-in user, with `message`; and, for content
    with a version history, a version of each object as the change left it, so that History
    lists the bulk change with the form saves (and it can be compared or restored like them)."""
    objects = list(objects)
    if objects:
        model = type(objects[0])
        if has_edit_stamp(model):
            # The edit stamp too: a change form opened before the bulk change must not undo it
            # unseen (carter_site.history, "edit conflicts").
            model._default_manager.filter(pk__in=[obj.pk for obj in objects]).update(
                updated_at=timezone.now()
            )
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=objects, action_flag=CHANGE, change_message=message
        )
        if reversion.is_registered(model):
            with reversion.create_revision(atomic=False):  # inside the caller's transaction
                reversion.set_user(request.user)
                reversion.set_comment(message)
                for obj in with_followed_rows(
                    model._default_manager.filter(pk__in=[obj.pk for obj in objects])
                ):
                    reversion.add_to_revision(obj)
    return len(objects)


def count_of_changes(changed, unchanged, changed_text, unchanged_text):
    """What a bulk action did, counted truthfully: "Published 1 item. 2 were published already."
    Each text is a (singular, plural) pair with %(count)d; the first sentence is left out when
    nothing changed but something already was as asked."""
    parts = []
    if changed or not unchanged:
        parts.append(ngettext(*changed_text, changed) % {"count": changed})
    if unchanged:
        parts.append(ngettext(*unchanged_text, unchanged) % {"count": unchanged})
    return " ".join(parts)


def log_account_event(user, message, event):
    """A security event on a staff account done outside the admin (by a management command):
    in the user's admin history, and in the security log."""
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[user], action_flag=CHANGE, change_message=message, single_object=True
    )
    logging.getLogger("carter_site.security").warning(message, extra={"event": event, "user_id": user.pk})
