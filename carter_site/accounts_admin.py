"""Staff accounts in the admin: Django's user page, keeping the record of who did what.

A staff member who leaves is deactivated (untick *Active*), not deleted (docs/roles.md, "A staff
member's account, from joining to leaving"). Deleting an account would delete with it every entry
it made in the admin's history (Django's LogEntry is deleted with its user) and leave the
versions it saved without a name: the record of who changed what on a health site is gone. So an
account that has made changes is not deleted from the admin; the confirmation page says so, and
what to do instead. An account that never changed anything (made by mistake) is deleted as before.
"""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django.utils.translation import ngettext
from reversion.models import Revision

User = get_user_model()


def changes_recorded(users):
    """{user id: (history entries, saved versions)} for those of `users` who have made a change."""
    ids = [user.pk for user in users]
    entries = dict(
        LogEntry.objects.filter(user_id__in=ids).values_list("user_id").annotate(n=Count("pk")).order_by()
    )
    versions = dict(
        Revision.objects.filter(user_id__in=ids).values_list("user_id").annotate(n=Count("pk")).order_by()
    )
    return {pk: (entries.get(pk, 0), versions.get(pk, 0)) for pk in ids if entries.get(pk) or versions.get(pk)}


def what_deleting_would_erase(user, entries, versions):
    said = [
        ngettext("%(n)d entry in the admin's history", "%(n)d entries in the admin's history", n) % {"n": n}
        for n in [entries]
        if n
    ] + [
        ngettext("the name on %(n)d saved version", "the name on %(n)d saved versions", n) % {"n": n}
        for n in [versions]
        if n
    ]
    return f"{user.get_username()}: {' and '.join(said)}"


admin.site.unregister(User)


@admin.register(User)
class StaffAccountAdmin(UserAdmin):
    """Django's user admin; an account that has made changes is deactivated instead of deleted."""

    delete_confirmation_template = "admin/auth/user/delete_account_confirmation.html"
    delete_selected_confirmation_template = "admin/auth/user/delete_accounts_confirmation.html"

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        objs = list(objs)
        recorded = changes_recorded(objs)
        kept = [what_deleting_would_erase(user, *recorded[user.pk]) for user in objs if user.pk in recorded]
        return deleted, counts, perms_needed, [*protected, *kept]
