"""Staff accounts in the admin: Django's user and group pages, keeping the record of who did what
and somebody able to look after accounts.

A staff member who leaves is deactivated (untick *Active*), not deleted (docs/roles.md, "A staff
member's account, from joining to leaving"). Deleting an account would delete with it every entry
it made in the admin's history (Django's LogEntry is deleted with its user) and leave the
versions it saved without a name: the record of who changed what on a health site is gone. So an
account that has made changes is not deleted from the admin; the confirmation page says so, and
what to do instead. An account that never changed anything (made by mistake) is deleted as before.

Someone must stay able to look after accounts (give roles, reset passwords, set up authenticator
apps, deactivate): an active staff account holding *Can change user* that can sign in, with a
password and, where production asks for one (ADMIN_REQUIRE_OTP), a confirmed authenticator app.
The last such account cannot lose that power in the admin, neither by its own hand (unticking
*Active* or *Staff status*, leaving Site administrators, disabling its password, deleting or
unconfirming its last authenticator) nor by another's, nor through its group (taking the
permission from Site administrators, deleting the group), nor by being deleted: the change is
refused with a message saying what to do first. Handing the role to accounts that cannot sign in
(no authenticator yet) does not count as handing it on. Otherwise the site is left with no one
who can undo it but someone with shell access to the server.

An authenticator's QR code page, opened after its device was deleted (a lost phone's, from the
browser's history or a second tab), says the device no longer exists, as the device's own page
does, instead of failing with a server error (django-otp reads the device without checking).
Its secret is not changed in place: a session opened with a code from the old secret is tied to
the device, not to the secret, and would stay signed in. A new phone gets a new device, and
deleting the old one ends the sessions opened with it (docs/security.md, "Break glass").
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from reversion.models import Revision

from .two_factor import otp_required

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
    return {
        pk: (entries.get(pk, 0), versions.get(pk, 0)) for pk in ids if entries.get(pk) or versions.get(pk)
    }


def what_deleting_would_erase(user, entries, versions):
    said = []
    if entries:
        said.append(
            ngettext("%(n)d entry in the admin's history", "%(n)d entries in the admin's history", entries)
            % {"n": entries}
        )
    if versions:
        said.append(
            ngettext("the name on %(n)d saved version", "the name on %(n)d saved versions", versions)
            % {"n": versions}
        )
    return (
        f"“{user.get_username()}” has made changes on this site ({' and '.join(said)}). Deleting the "
        "account would erase them from the admin's history, and the versions it saved would no longer "
        "say who saved them."
    )


def manage_accounts_permission():
    return Permission.objects.filter(content_type__app_label="auth", codename="change_user")


def account_managers(leaving_out_groups=(), leaving_out_devices=()):
    """The active staff accounts that may look after accounts (hold *Can change user*, or are
    superusers) and can sign in to do it: with a password and, when the admin asks for one, a
    confirmed authenticator app. Counting the groups `leaving_out_groups` as if they no longer
    held that permission, and the authenticators `leaving_out_devices` as gone."""
    permission = manage_accounts_permission()
    groups = Group.objects.filter(permissions__in=permission).exclude(
        pk__in=[group.pk for group in leaving_out_groups]
    )
    managers = (
        User.objects.filter(is_active=True, is_staff=True)
        .exclude(password="")
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .filter(Q(is_superuser=True) | Q(user_permissions__in=permission) | Q(groups__in=groups))
    )
    if otp_required():
        devices = TOTPDevice.objects.filter(confirmed=True).exclude(
            pk__in=[device.pk for device in leaving_out_devices]
        )
        managers = managers.filter(pk__in=devices.values("user_id"))
    return managers.distinct()


def last_manager_message(who, first=None):
    """Why a change that would leave nobody able to look after accounts is refused, and what to
    do first (`first`: by default, give the role to someone else who can sign in)."""
    app = otp_required()
    if first is None:
        first = "Give another person the role Site administrators" + (
            " and set up their authenticator app" if app else ""
        )
        first += " first"
    return (
        "Nobody else could then look after staff accounts (give roles, reset passwords, set up "
        f"authenticator apps, unlock or deactivate): {who} the last active staff account that may, "
        f"and that can sign in with a password{' and an authenticator app' if app else ''}. "
        f"{first}, and this change can be made."
    )


def last_manager_error(who, first=None):
    return forms.ValidationError(last_manager_message(who, first), code="last_account_manager")


def leaves_nobody(**leaving_out):
    """Whether somebody can look after accounts now and nobody could once `leaving_out` are gone."""
    return account_managers().exists() and not account_managers(**leaving_out).exists()


class StaffAccountForm(UserAdmin.form):
    """Django's form for an account, refusing to leave nobody able to look after accounts."""

    def clean(self):
        cleaned = super().clean()
        user = self.instance
        if (
            user.pk is not None
            and not self.errors
            and not self.would_manage_accounts(cleaned)
            and is_last_manager(user)
        ):
            raise last_manager_error(f"“{user.get_username()}” is")
        return cleaned

    def would_manage_accounts(self, cleaned):
        def value(name):
            return cleaned[name] if name in self.fields else getattr(self.instance, name)

        if not (value("is_active") and value("is_staff")):
            return False
        if value("is_superuser"):
            return True
        permission = manage_accounts_permission()
        if "user_permissions" in self.fields:
            if cleaned["user_permissions"].filter(pk__in=permission).exists():
                return True
        elif self.instance.user_permissions.filter(pk__in=permission).exists():
            return True
        groups = cleaned["groups"] if "groups" in self.fields else self.instance.groups.all()
        return groups.filter(permissions__in=permission).exists()


class RoleForm(GroupAdmin.form):
    """Django's form for a group, refusing to take *Can change user* from the last accounts that
    hold it through this group."""

    def clean(self):
        cleaned = super().clean()
        group = self.instance
        if (
            group.pk is not None
            and not self.errors
            and not cleaned["permissions"].filter(pk__in=manage_accounts_permission()).exists()
            and leaves_nobody(leaving_out_groups=[group])
        ):
            raise last_manager_error(f"the members of “{group.name}” are")
        return cleaned


def refused_deletions(remaining, who, first=None):
    """Why a deletion that leaves only `remaining` able to look after accounts is refused."""
    if account_managers().exists() and not remaining.exists():
        return [last_manager_message(who, first)]
    return []


def is_last_manager(user):
    """Whether `user` is the only account left that can look after accounts."""
    return (
        account_managers().filter(pk=user.pk).exists() and not account_managers().exclude(pk=user.pk).exists()
    )


class StaffPasswordForm(AdminPasswordChangeForm):
    """Django's form for setting an account's password in the admin, refusing to disable password
    sign-in for the last account that can look after accounts."""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("set_usable_password", True) and is_last_manager(self.user):
            # On the field: Django's page for this form shows no errors that belong to none.
            self.add_error("usable_password", last_manager_error(f"“{self.user.get_username()}” is"))
        return cleaned


NEW_AUTHENTICATOR_FIRST = (
    "Set up the new authenticator app first (TOTP devices, Add), or give another person the role "
    "Site administrators with an authenticator app of their own"
)


def owners_of(devices):
    owners = {device.user.get_username() for device in devices}
    return f"“{owners.pop()}” is" if len(owners) == 1 else "the owners of these authenticator apps are"


class AuthenticatorForm(forms.ModelForm):
    """django-otp's form for an authenticator, refusing to unconfirm the last one the last account
    that can look after accounts signs in with, or to give it to someone else."""

    def clean(self):
        cleaned = super().clean()
        device = self.instance
        if device.pk is None or self.errors:
            return cleaned
        confirmed = cleaned.get("confirmed", device.confirmed)
        user = cleaned.get("user", device.user)
        if not (confirmed and user.pk == device.user_id) and leaves_nobody(leaving_out_devices=[device]):
            # The form has not written its values into the device yet: this is still its owner.
            raise last_manager_error(owners_of([device]), NEW_AUTHENTICATOR_FIRST)
        return cleaned


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Django's group admin; the last way anyone may look after accounts is kept."""

    form = RoleForm
    delete_confirmation_template = "admin/carter_site/refused_deletion.html"
    delete_selected_confirmation_template = "admin/carter_site/refused_deletions.html"

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        objs = list(objs)
        remaining = account_managers(leaving_out_groups=objs)
        who = f"the members of “{objs[0].name}” are" if len(objs) == 1 else "the members of these groups are"
        return deleted, counts, perms_needed, [*protected, *refused_deletions(remaining, who)]


@admin.register(User)
class StaffAccountAdmin(UserAdmin):
    """Django's user admin; an account that has made changes is deactivated instead of deleted,
    and the last one that may look after accounts keeps that power."""

    form = StaffAccountForm
    change_password_form = StaffPasswordForm
    delete_confirmation_template = "admin/auth/user/delete_account_confirmation.html"
    delete_selected_confirmation_template = "admin/auth/user/delete_accounts_confirmation.html"

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        objs = list(objs)
        recorded = changes_recorded(objs)
        kept = [what_deleting_would_erase(user, *recorded[user.pk]) for user in objs if user.pk in recorded]
        remaining = account_managers().exclude(pk__in=[user.pk for user in objs])
        who = f"“{objs[0].get_username()}” is" if len(objs) == 1 else "the selected accounts are"
        return deleted, counts, perms_needed, [*protected, *kept, *refused_deletions(remaining, who)]


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(TOTPDeviceAdmin):
    """django-otp's admin of authenticator apps; a deleted device's QR code is "not found", and
    a saved device's secret cannot be replaced (delete it and add another), and the last
    authenticator of the last account that can look after accounts is kept."""

    form = AuthenticatorForm
    delete_confirmation_template = "admin/carter_site/refused_deletion.html"
    delete_selected_confirmation_template = "admin/carter_site/refused_deletions.html"

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        objs = list(objs)
        if otp_required() and objs:
            remaining = account_managers(leaving_out_devices=objs)
            refused = refused_deletions(remaining, owners_of(objs), NEW_AUTHENTICATOR_FIRST)
            protected = [*protected, *refused]
        return deleted, counts, perms_needed, protected

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else [*fields, "key"]

    def config_view(self, request, pk):
        try:
            return super().config_view(request, pk)
        except TOTPDevice.DoesNotExist:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))

    def qrcode_view(self, request, pk):
        try:
            return super().qrcode_view(request, pk)
        except TOTPDevice.DoesNotExist:
            raise Http404("This authenticator no longer exists.") from None
