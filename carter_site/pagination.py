"""Lists with pages: one address per page, and a garbled page number is not a dead end."""

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect

from .seo import page_url


def _page_number(raw):
    """The whole number at least 1 that `raw` spells (Python's int(): ' 2', '+2', '２'), or None."""
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if number >= 1 else None


class CanonicalPageMixin:
    """For a paginated ListView: `?page=` takes one form, the one the site links to.

    A number that is not a page (`?page=abc`, `0`, `-1`, `1.5`, empty) comes from a typo or a
    mangled link: the visitor is sent to the list's first page (301) rather than shown "page
    not found". Another spelling of a page (`?page=02`, `?page=1`, the page given twice) is
    sent to the page's own address, so each page has one address (and one cache entry). A
    page past the last one is still a 404: that page does not exist. `?page=last`, which
    Django's paginator understands, leads to the last page's own address, for now (302: which
    page is last changes as the list grows), rather than being a second copy of it.
    """

    def get(self, request, *args, **kwargs):
        values = request.GET.getlist(self.page_kwarg)
        if values == ["last"]:
            queryset = self.get_queryset()
            paginator = self.get_paginator(
                queryset,
                self.get_paginate_by(queryset),
                orphans=self.get_paginate_orphans(),
                allow_empty_first_page=self.get_allow_empty(),
            )
            return HttpResponseRedirect(page_url(request.path, paginator.num_pages))
        if values:
            number = _page_number(values[-1])
            target = page_url(request.path, number or 1)
            if number is None or number == 1 or len(values) > 1 or values[-1] != str(number):
                return HttpResponsePermanentRedirect(target)
        return super().get(request, *args, **kwargs)
