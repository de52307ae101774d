"""The admin's "Addresses not found": the addresses visitors asked for and did not find, most
found first, each one click from a redirect (carter_site.not_found counts them; docs/seo.md).

Read only: who may add redirects sees it, and may dismiss a row (a typo nobody will type again).
"Redirect it…" opens the redirect form with the old address filled in; that form's own checks
decide what may be saved. A row whose address a redirect or a page now answers is shown as
fixed rather than hidden: the editor who just added the redirect sees it working, and the count
stops growing; the row is forgotten after 90 days like any other, or dismissed.
"""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from .admin_input import is_id
from .models import AddressNotFound
from .not_found import KEEP_DAYS, MAX_ADDRESSES, forget_old, is_full, mark_fixed, may_redirect


class _ChangeList(ChangeList):
    """Marks the rows shown as fixed or not (a query for all of them, not one per row), and keeps
    the list's search and page for the Dismiss buttons to come back to."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = mark_fixed(self.result_list)
        back = request.GET.urlencode()
        for row in self.result_list:
            row.back = back


@admin.register(AddressNotFound)
class AddressNotFoundAdmin(admin.ModelAdmin):
    list_display = ["path", "count", "first_seen", "last_seen", "what_to_do", "dismiss_button"]
    list_display_links = None
    search_fields = ["path"]
    ordering = ["-count", "path"]
    list_per_page = 50
    actions = ["dismiss"]
    change_list_template = "admin/carter_site/addressnotfound/change_list.html"

    # Seen by who may add redirects; nobody adds or edits a row by hand.
    def has_module_permission(self, request):
        return may_redirect(request)

    def has_view_permission(self, request, obj=None):
        return may_redirect(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # Dismiss, below, without the confirmation page of a deletion

    def get_changelist(self, request, **kwargs):
        return _ChangeList

    def get_urls(self):
        dismiss = self.admin_site.admin_view(self.dismiss_view)
        return [
            path("<str:pk>/dismiss/", dismiss, name="carter_site_addressnotfound_dismiss"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if may_redirect(request):
            forget_old()  # also when no 404 has come for a while: the list shows the last 90 days
        extra_context = {
            "keep_days": KEEP_DAYS,
            "max_addresses": MAX_ADDRESSES,
            "full": may_redirect(request) and is_full(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description="What to do")
    def what_to_do(self, row):
        if row.redirect is not None:
            where = row.redirect.new_path or "“gone” (410)"
            return format_html(
                '<strong>Fixed</strong>: <a href="{}">redirected to {}</a>',
                reverse("admin:redirects_redirect_change", args=[row.redirect.pk]),
                where,
            )
        if row.page_now:
            return format_html(
                '<strong>Fixed</strong>: a page answers at <a href="{0}">{0}</a> now', row.path
            )
        url = f"{reverse('admin:redirects_redirect_add')}?{urlencode({'old_path': row.path})}"
        return format_html('<a class="button" href="{}">Redirect it…</a>', url)

    @admin.display(description="Dismiss")
    def dismiss_button(self, row):
        # A button of the list's own form (which carries the CSRF token), sent to the row's own
        # address: a form inside that form would not be valid HTML.
        url = reverse("admin:carter_site_addressnotfound_dismiss", args=[row.pk])
        if getattr(row, "back", ""):
            url = f"{url}?{row.back}"
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post" '
            'aria-label="Dismiss {}">Dismiss</button>',
            url,
            row.path,
        )

    @admin.action(description="Dismiss the chosen addresses")
    def dismiss(self, request, queryset):
        dismissed, _ = queryset.delete()
        self.message_user(
            request,
            ngettext(
                "Dismissed %(count)d address. It is counted again if visitors ask for it again.",
                "Dismissed %(count)d addresses. They are counted again if visitors ask for them again.",
                dismissed,
            )
            % {"count": dismissed},
            messages.SUCCESS,
        )

    def dismiss_view(self, request, pk):
        """Dismiss one row (POST only; the admin's CSRF check applies), back to the same search
        and page of the list."""
        if not may_redirect(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        changelist = reverse("admin:carter_site_addressnotfound_changelist")
        back = urlencode({key: request.GET[key] for key in ("q", "p") if key in request.GET})
        row = AddressNotFound.objects.filter(pk=pk).first() if is_id(AddressNotFound._meta.pk, pk) else None
        if row is None:
            self.message_user(request, "That address was dismissed or forgotten already.", messages.WARNING)
        else:
            row.delete()
            self.message_user(
                request,
                f"Dismissed {row.path}. It is counted again if visitors ask for it again.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(f"{changelist}?{back}" if back else changelist)
