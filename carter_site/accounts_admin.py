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
who can undo it but someone with shell access to the server. Each check locks the accounts it
counts, in the transaction that makes the change (hold_account_managers): of two administrators
taking each other's rights at the same moment, the second is checked after the first is saved.

An authenticator saved in the admin starts unconfirmed (django-otp's default would trust it before
any phone has scanned it) and is confirmed by entering a code from the app on its QR code page,
as `manage.py enroll_totp NAME --confirm CODE` does on the server; until then it signs nobody in
and does not count as a way for the last administrator to sign in.

An authenticator's QR code page, opened after its device was deleted (a lost phone's, from the
browser's history or a second tab), says the device no longer exists, as the device's own page
does, instead of failing with a server error (django-otp reads the device without checking).
Its secret and the other settings its app makes codes from (digits, step, t0, drift, tolerance)
are not changed in place: a changed setting silently makes the phone's codes stop matching, and a
session opened with a code from the old secret is tied to the device, not to the secret, and would
stay signed in. A new phone gets a new device, and
deleting the old one ends the sessions opened with it (docs/security.md, "Break glass").

Its secret (the key, the QR code and the set-up address) is shown only while no phone is known to
hold it: the device is unconfirmed and no code from it was ever accepted (secret_may_be_shown).
Once a phone has it, anyone who could open the device's page could otherwise copy the staff
member's second step without leaving a trace; to set up a phone again, add a new authenticator
and delete the old one.

Nobody may hold another person's second step through the admin: an authenticator's user is fixed
once it is saved (given to someone else, its first owner's phone would sign in as them), nobody
sets one up for someone else who already signs in with an app or a passkey (only the person
knows whether the new phone is theirs), and one-time codes are not typed in here at all, only
issued by `manage.py break_glass_token` (OneTimeCodesAdmin).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import ngettext
from django_otp.conf import settings as otp_settings
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from reversion.models import Revision

from .audit import log_account_event
from .passkeys import Passkey
from .two_factor import otp_required, why_no_way_in

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
    confirmed authenticator app or a passkey. Counting the groups `leaving_out_groups` as if they
    no longer held that permission, and the devices `leaving_out_devices` (authenticator apps,
    passkeys) as gone."""
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
        from .passkeys import Passkey

        leaving = {(type(device), device.pk) for device in leaving_out_devices}
        ways_in = [
            model.objects.filter(confirmed=True)
            .exclude(pk__in=[pk for kind, pk in leaving if kind is model])
            .values("user_id")
            for model in (TOTPDevice, Passkey)  # an authenticator app or a passkey
        ]
        managers = managers.filter(Q(pk__in=ways_in[0]) | Q(pk__in=ways_in[1]))
    return managers.distinct()


def last_manager_message(who, first=None):
    """Why a change that would leave nobody able to look after accounts is refused, and what to
    do first (`first`: by default, give the role to someone else who can sign in)."""
    app = otp_required()
    if first is None:
        first = "Give another person the role Site administrators" + (
            " and set up their authenticator app or passkey" if app else ""
        )
        first += " first"
    return (
        "Nobody else could then look after staff accounts (give roles, reset passwords, set up "
        f"authenticator apps, unlock or deactivate): {who} the last active staff account that may, "
        f"and that can sign in with a password{' and an authenticator app or passkey' if app else ''}. "
        f"{first}, and this change can be made."
    )


def last_manager_error(who, first=None):
    return forms.ValidationError(last_manager_message(who, first), code="last_account_manager")


def hold_account_managers():
    """Lock the accounts that may look after accounts, until the end of the transaction: what
    the checks below read before they allow a change that would take that power from one of them.

    Two administrators demoting each other at the same moment would otherwise both pass: each
    check sees the other still able, before either change is saved. With the lock, taken before
    the check reads, the second check waits until the first change is committed, then sees it and
    refuses. The admin's views that run the checks are each one transaction, so the lock lasts
    until the change is saved. In the order of their ids, so that two checks never wait for each
    other; `no_key` leaves others free to write rows that refer to these accounts (history
    entries, sign-ins). PostgreSQL takes the locks; SQLite writes one transaction at a time and
    ignores them."""
    locked = (
        User.objects.select_for_update(no_key=True)
        .filter(pk__in=account_managers().values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    list(locked)


def leaves_nobody(**leaving_out):
    """Whether somebody can look after accounts now and nobody could once `leaving_out` are gone."""
    hold_account_managers()
    return account_managers().exists() and not account_managers(**leaving_out).exists()


class StaffAccountForm(UserAdmin.form):
    """Django's form for an account, refusing to leave nobody able to look after accounts."""

    # Django's own help ("Designates whether this user should be treated as active. Unselect this
    # instead of deleting accounts.") is a developer's sentence; these say what each box does here
    # (docs/roles.md, "A staff member's account, from joining to leaving").
    PLAIN_HELP = {
        "is_active": "Untick when someone leaves, rather than deleting the account: every session it "
        "had open ends at once, it cannot sign in again, and its name stays on what it did.",
        "is_staff": "Lets this person sign in to the site editor. Choose their one group below too: "
        "without one, they see nothing there.",
        "is_superuser": "Every permission, whatever the groups. Give it to site administrators only, "
        "if at all: their group already holds every permission.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, help_text in self.PLAIN_HELP.items():
            if name in self.fields:
                self.fields[name].help_text = help_text

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
    hold_account_managers()
    if account_managers().exists() and not remaining.exists():
        return [last_manager_message(who, first)]
    return []


def is_last_manager(user):
    """Whether `user` is the only account left that can look after accounts."""
    hold_account_managers()
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


# An authenticator's settings, which the app on the phone makes its codes from: fixed once saved.
FIXED_SETTINGS = ["key", "digits", "step", "t0", "drift", "tolerance"]

SECRET_HIDDEN = (
    "The QR code and the secret are shown only until the authenticator is confirmed: a phone has "
    "them now, and nobody else should. To set up a phone again (a new or reset one), add a new "
    "authenticator for {username} and delete this one."
)


def secret_may_be_shown(device):
    """Whether the admin may show `device`'s secret (its key, QR code and set-up address): only
    while it waits to be scanned, unconfirmed and never used. A confirmed one is on a phone; one
    unconfirmed later (Confirmed unticked) was on a phone too, and a code from it has been accepted (last_used_at), so showing it again would hand a copy to whoever
    unticked it."""
    return not device.confirmed and device.last_used_at is None


NEW_AUTHENTICATOR_FIRST = (
    "Set up the new authenticator app first (TOTP devices, Add), or give another person the role "
    "Site administrators with an authenticator app of their own"
)


def owners_of(devices):
    owners = {device.user.get_username() for device in devices}
    return f"“{owners.pop()}” is" if len(owners) == 1 else "the owners of these authenticator apps are"


def why_not_for_someone_else(acting, user):
    """The sentence that refuses `acting` setting up (adding or confirming) an authenticator app for
    `user`, or None. Anyone may for themselves, and an administrator for someone with no way in yet
    (a newcomer, or a lost phone whose device was deleted first). For someone who already signs in
    with an app or a passkey, a second app set up by another person would be that person's own
    copy of their second step: with the password (which an administrator may set), they could sign
    in as them, unseen by them. Their own app or passkey still works after it, so they would not
    notice; a lost phone's device deleted first, they do."""
    if acting is None or acting.pk == user.pk:
        return None
    existing = [
        *TOTPDevice.objects.filter(user=user, confirmed=True).values_list("name", flat=True),
        *Passkey.objects.filter(user=user, confirmed=True).values_list("name", flat=True),
    ]
    if not existing:
        return None
    username = user.get_username()
    named = ", ".join(f"“{name}”" for name in existing)
    return (
        f"{username} already signs in with an authenticator app or a passkey ({named}). Another one set "
        f"up by someone else could sign in as {username} without them knowing, so only {username} "
        "adds one. For a lost phone, delete its authenticator (and its passkey) first, then set up "
        "the new one here."
    )


class AuthenticatorForm(forms.ModelForm):
    """django-otp's form for an authenticator, refusing to unconfirm the last one the last account
    that can look after accounts signs in with, or to give it to someone else.

    A new authenticator starts unconfirmed: it counts (for signing in, and for the last
    administrator) once a code from it has been entered on its QR code page
    (ConfirmAuthenticatorForm), when a phone is known to make its codes. Its user is fixed once it
    is saved: given to someone else, the phone that has its secret (its first owner's) would sign
    in as them. Nobody adds one for someone else who already has a way in (why_not_for_someone_else)."""

    acting_user = None  # who fills the form in (AuthenticatorAdmin.get_form)

    def clean(self):
        cleaned = super().clean()
        device = self.instance
        if device.pk is None:
            user = cleaned.get("user")
            refusal = user is not None and why_not_for_someone_else(self.acting_user, user)
            if refusal:
                self.add_error("user", forms.ValidationError(refusal, code="someone_elses_second_step"))
            return cleaned
        if self.errors:
            return cleaned
        if not cleaned.get("confirmed", device.confirmed) and leaves_nobody(leaving_out_devices=[device]):
            raise last_manager_error(owners_of([device]), NEW_AUTHENTICATOR_FIRST)
        return cleaned

    def save(self, commit=True):
        if self.instance._state.adding:
            self.instance.confirmed = False  # django-otp's default is True: no phone has scanned it yet
        return super().save(commit)


class ConfirmAuthenticatorForm(forms.Form):
    """A code from the app, entered on an authenticator's QR code page, confirms that the app was
    set up with it, as `manage.py enroll_totp NAME --confirm CODE` does on the server. The view
    passes the device locked (select_for_update), so that one code confirms it once."""

    code = forms.CharField(
        max_length=16,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off"}
        ),
        help_text="The code changes every 30 seconds: enter the one the app shows now.",
    )

    def __init__(self, *args, device, acting_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.acting_user = acting_user
        self.fields["code"].label = f"Enter the {device.digits}-digit code your app shows"
        self.fields[
            "code"
        ].help_text = f"The code changes every {device.step} seconds: enter the one the app shows now."

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == self.device.digits):
            raise forms.ValidationError(
                f"Enter the {self.device.digits} digits the app shows under this site's name, without "
                "letters or other signs.",
                code="not_a_code",
            )
        return code

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if code is None:
            return cleaned
        device = self.device
        refusal = why_no_way_in(device.user, "the authenticator app was not confirmed") or (
            why_not_for_someone_else(self.acting_user, device.user)
        )
        if refusal:
            raise forms.ValidationError(refusal, code="may_not_sign_in")
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                "Several wrong codes were entered for this authenticator just now, so codes are not "
                "checked for a moment: wait a minute, then enter the code the app shows then.",
                code="throttled",
            )
        if not device.verify_token(code):  # counts the failure (django-otp's throttling)
            self.add_error(
                "code",
                forms.ValidationError(
                    "That is not the code this authenticator makes now: it may have changed while "
                    "you typed it, or the app may have scanned another QR code. Enter the code the "
                    "app shows now, under this site's name. If no code it shows is accepted, delete "
                    "this authenticator, add a new one and scan its QR code again.",
                    code="wrong_code",
                ),
            )
        return cleaned

    def save(self):
        self.device.confirmed = True
        self.device.save(update_fields=["confirmed"])
        return self.device


class CheckedInOneTransactionMixin:
    """For the admins whose checks lock the accounts that may look after accounts
    (hold_account_managers): bulk actions (deleting a selection) run in one transaction, as the
    add, change and delete views already do in Django, so the check and the change are one."""

    def response_action(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, queryset)


class KeepsTheLastWayInMixin(CheckedInOneTransactionMixin):
    """For the admins of second steps (authenticator apps, passkeys): deleting one is refused, with
    a page that says why, when it is the last way in of the last account that can look after
    accounts (hold_account_managers), while sign-in needs a second step."""

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


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(CheckedInOneTransactionMixin, GroupAdmin):
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
class StaffAccountAdmin(CheckedInOneTransactionMixin, UserAdmin):
    """Django's user admin; an account that has made changes is deactivated instead of deleted,
    and the last one that may look after accounts keeps that power."""

    form = StaffAccountForm
    change_password_form = StaffPasswordForm
    delete_confirmation_template = "admin/auth/user/delete_account_confirmation.html"
    delete_selected_confirmation_template = "admin/auth/user/delete_accounts_confirmation.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            *fieldsets,
            ("Second step of signing in", {"fields": ["second_steps"]}),
            ("Email notices", {"fields": ["email_notices"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj)]
        return [*fields, "second_steps", "email_notices"] if obj is not None else fields

    @admin.display(description="Authenticator apps and passkeys")
    def second_steps(self, obj):
        """The account's authenticator apps and passkeys, each linked to its page (where an
        administrator removes a lost phone's)."""
        from django.utils.html import format_html, format_html_join

        rows = [
            (
                reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
                "Authenticator app",
                device.name,
                "" if device.confirmed else " (not confirmed: signs nobody in)",
            )
            for device in TOTPDevice.objects.filter(user=obj).order_by("pk")
        ] + [
            (reverse("admin:carter_site_passkey_change", args=[device.pk]), "Passkey", device.name, "")
            for device in Passkey.objects.filter(user=obj).order_by("pk")
        ]
        if not rows:
            return "None: this account cannot sign in where the second step is asked for."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li>{}: <a href="{}">{}</a>{}</li>',
                ((kind, url, name, note) for url, kind, name, note in rows),
            ),
        )

    @admin.display(description="Emails it gets")
    def email_notices(self, obj):
        from articles.notices import notices_of  # the accounts are the site's; the emails, the articles'

        return notices_of(obj)

    def user_change_password(self, request, id, form_url=""):
        # One transaction, as the change form's: the check of StaffPasswordForm and the new password.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().user_change_password(request, id, form_url)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        objs = list(objs)
        recorded = changes_recorded(objs)
        kept = [what_deleting_would_erase(user, *recorded[user.pk]) for user in objs if user.pk in recorded]
        remaining = account_managers().exclude(pk__in=[user.pk for user in objs])
        who = f"“{objs[0].get_username()}” is" if len(objs) == 1 else "the selected accounts are"
        return deleted, counts, perms_needed, [*protected, *kept, *refused_deletions(remaining, who)]


admin.site.unregister(StaticDevice)


@admin.register(StaticDevice)
class OneTimeCodesAdmin(StaticDeviceAdmin):
    """django-otp's admin of one-time codes (the break-glass codes `break_glass_token` issues), to
    read and to revoke (delete), nothing else.

    A saved device's codes are shown to nobody: its page listed them, so any administrator, or
    anyone holding an administrator's session, could read another person's unused break-glass
    code and sign in as them within the hour, unseen. Nor is a code typed in here: a device added
    with a code of the adder's choosing, for any account (a superuser's included), let its adder
    sign in as that person, with a trace only in the admin's history. Codes come from the command
    alone, which needs the server. Nothing of a device is changed here either: its user (a device
    of one's own given to someone else), or its name (a break-glass device renamed no longer
    expires)."""

    inlines = []

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(KeepsTheLastWayInMixin, TOTPDeviceAdmin):
    """django-otp's admin of authenticator apps. A new one starts unconfirmed and its QR code page
    asks for a code from the app to confirm it; its settings (the secret, digits, step, t0,
    drift, tolerance) are fixed once saved (delete it and add another); a deleted device's QR
    code is "not found"; and the last authenticator of the last account that can look after
    accounts is kept."""

    form = AuthenticatorForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user  # a class of this request's own (modelform_factory)
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj)]
        if obj is None:
            return [*fields, "confirmed"]  # confirmed by a code from the app, on its QR code page
        # A changed setting would make the codes of the app already set up stop matching, and
        # a new secret would leave signed in the sessions opened with the old one. A new user
        # would get the second step its first owner's phone makes.
        fields += [*FIXED_SETTINGS, "user"]
        return fields if obj.confirmed else [*fields, "confirmed"]

    def get_list_display(self, request):
        # django-otp's "QR Code" column links every device's QR code page; ours says which have one.
        return [
            "qrcode_column" if name == "qrcode_link" else name for name in super().get_list_display(request)
        ]

    @admin.display(description="QR code")
    def qrcode_column(self, device):
        return self.qrcode_link(device) if secret_may_be_shown(device) else "—"

    @admin.display(description="QR code")
    def qrcode_link(self, device):
        if secret_may_be_shown(device):
            return super().qrcode_link(device)
        hidden = SECRET_HIDDEN.format(username=device.user.get_username())
        if device.confirmed:
            return hidden
        # Unconfirmed after it was used: the app that has it confirms it again with a code.
        return format_html(
            '{} <a href="{}">Enter a code from the app that has it</a>.',
            hidden,
            reverse("admin:otp_totp_totpdevice_config", args=[device.pk]),
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not secret_may_be_shown(obj):
            # Not even read-only: whoever may open the page could copy it (docs/security.md).
            fieldsets = [
                (name, {**options, "fields": [field for field in options["fields"] if field != "key"]})
                for name, options in fieldsets
            ]
        descriptions = {"Identity": self.identity_description(obj)}
        if obj is not None:
            descriptions["Configuration"] = (
                "Fixed once saved: the app on the phone makes its codes from these, and a changed "
                "value would make them stop matching. For other settings, add a new authenticator "
                "and delete this one."
            )
        shown = []
        for name, options in fieldsets:
            if name in descriptions:
                options = {**options, "description": descriptions[name]}
            if obj is None:  # a new one is unconfirmed, whatever the field's default says
                options = {
                    **options,
                    "fields": [field for field in options["fields"] if field != "confirmed"],
                }
            shown.append((name, options))
        return shown

    def identity_description(self, obj):
        if obj is None:
            return (
                "It starts unconfirmed and lets nobody sign in until it is confirmed: once it is "
                "saved, its QR code page opens; the staff member scans it with their authenticator "
                "app and you enter there the code the app then shows."
            )
        if not obj.confirmed and not secret_may_be_shown(obj):
            return (
                "Not confirmed: it lets nobody sign in. A code from the app that already has it, "
                "entered on its QR code page (the link at the bottom), confirms it again; its QR code "
                "and secret are no longer shown."
            )
        if not obj.confirmed:
            return (
                "Not confirmed yet: it lets nobody sign in. Open its QR code page (the link at the "
                f"bottom), let {obj.user.get_username()} scan it with their authenticator app, and "
                "enter there the code the app then shows."
            )
        return (
            "Unticking Confirmed stops its codes from signing anyone in (a code from the app, "
            "entered on its QR code page, confirms it again). It stays this person's: a phone "
            "for someone else gets an authenticator of its own."
        )

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if (
            IS_POPUP_VAR in request.POST
            or "_addanother" in request.POST
            or otp_settings.OTP_ADMIN_HIDE_SENSITIVE_DATA
        ):
            return response
        # Straight to the QR code, to be scanned and confirmed with a code while the person is there.
        return HttpResponseRedirect(reverse("admin:otp_totp_totpdevice_config", args=[obj.pk]))

    def config_view(self, request, pk):
        """The QR code to scan, and for an unconfirmed authenticator the form that confirms it
        with a code from the app."""
        if otp_settings.OTP_ADMIN_HIDE_SENSITIVE_DATA:
            raise PermissionDenied
        device = TOTPDevice.objects.select_related("user").filter(pk=pk).first()
        if device is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if not self.has_view_or_change_permission(request, device):
            raise PermissionDenied
        may_confirm = self.has_change_permission(request, device)
        form = None
        if request.method == "POST":
            if not may_confirm:
                raise PermissionDenied
            with transaction.atomic():
                device = TOTPDevice.objects.select_for_update().select_related("user").filter(pk=pk).first()
                if device is None:
                    return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
                if device.confirmed:
                    self.message_user(request, f"“{device.name}” is already confirmed.", messages.INFO)
                    return HttpResponseRedirect(request.path)
                form = ConfirmAuthenticatorForm(request.POST, device=device, acting_user=request.user)
                if form.is_valid():
                    form.save()
                    self.log_change(request, device, "Confirmed with a code from the app.")
                    username = device.user.get_username()
                    log_account_event(
                        device.user,
                        event="totp_enrolment",
                        message=f"Authenticator app “{device.name}” confirmed in the admin by "
                        f"{request.user.get_username()}.",
                    )
                    self.message_user(
                        request,
                        f"“{device.name}” is confirmed: {username} now signs in with a code from the app.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:otp_totp_totpdevice_changelist"))
        elif not device.confirmed and may_confirm:
            form = ConfirmAuthenticatorForm(device=device)
        shown = secret_may_be_shown(device)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Authenticator app “{device.name}” of {device.user.get_username()}",
            "opts": self.opts,
            "device": device,
            "form": form,
            "secret_shown": shown,
            "secret_hidden": None if shown else SECRET_HIDDEN.format(username=device.user.get_username()),
        }
        return TemplateResponse(request, "admin/otp_totp/totpdevice/config.html", context)

    def qrcode_view(self, request, pk):
        device = TOTPDevice.objects.filter(pk=pk).first()
        if device is None:
            raise Http404("This authenticator no longer exists.")
        if not self.has_view_or_change_permission(request, device):
            raise PermissionDenied
        if not secret_may_be_shown(device):
            raise Http404("This authenticator's QR code is no longer shown: a phone has it.")
        return super().qrcode_view(request, pk)


@admin.register(Passkey)
class PasskeyAdmin(KeepsTheLastWayInMixin, admin.ModelAdmin):
    """The staff's passkeys. Each is added by its owner on *My passkeys* (a passkey is made by the
    owner's own device, in their own browser), so there is no Add here; an administrator may
    rename one, or delete it (a lost phone's), except the last way in of the last account that
    can look after accounts. A deletion is recorded in the owner's history too."""

    list_display = ["name", "user", "created_at", "last_used_at"]
    list_filter = ["user"]
    search_fields = ["name", "user__username"]
    fields = ["user", "name", "created_at", "last_used_at", "sign_count", "transports"]
    readonly_fields = ["user", "created_at", "last_used_at", "sign_count", "transports"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        for device in queryset:
            log_account_event(
                device.user,
                event="passkey_removed",
                message=f"Passkey “{device.name}” removed in the admin by {request.user.get_username()}.",
            )
        return entries
