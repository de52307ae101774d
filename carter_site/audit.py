"""The admin's history (LogEntry) for changes that bypass the change form.

Django records what the change form, the delete view and `delete_selected` do. Bulk actions that
call `queryset.update()` record nothing by themselves: they call `log_bulk_change()` with the
objects they changed, inside the same transaction as the update. Management commands that
change a staff account record it with `log_account_event()`.
"""

import logging

from django.contrib.admin.models import CHANGE, LogEntry


def log_bulk_change(request, objects, message):
    """One "changed" entry per object, by the signed-in user, with `message`."""
    objects = list(objects)
    if objects:
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=objects, action_flag=CHANGE, change_message=message
        )
    return len(objects)


def log_account_event(user, message, event):
    """A security event on a staff account done outside the admin (by a management command):
    in the user's admin history, and in the security log."""
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[user], action_flag=CHANGE, change_message=message, single_object=True
    )
    logging.getLogger("carter_site.security").warning(message, extra={"event": event, "user_id": user.pk})
