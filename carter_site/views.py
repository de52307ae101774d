from django.conf import settings
from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils import timezone
from django.views.generic import TemplateView

from articles.models import Article
from testimonials.models import Testimonial

from .caching import published_locations
from .querysets import built_once
from .security import server_error_for_outage, without_database_context


@built_once
def featured_testimonials(today):
    """The featured testimonials that may be shown on `today`, with their location (built once
    per process and day: carter_site.querysets)."""
    return Testimonial.objects.published(today).featured().select_related("location")


class HomeView(TemplateView):
    template_name = "home.html"
    featured_articles = 3
    featured_testimonials = 2

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = Article.objects.published().for_list()[: self.featured_articles]
        context["locations"] = published_locations(self.request)  # cached: no query
        context["testimonials"] = featured_testimonials(timezone.localdate())[: self.featured_testimonials]
        return context


def _error_page(request, template_name, response_class, context=None):
    """An error page in the site's design. `nav_section` is None: on an error page no menu
    item is "the current page", even when the address was under that section."""
    body = loader.get_template(template_name).render({"nav_section": None, **(context or {})}, request)
    return response_class(body)


def bad_request(request, exception):
    """The 400 page. Its advice to editors (a form with pasted pictures is too large to send)
    is shown under the admin's address only: a visitor's bad request has nothing to do with it."""
    body = loader.get_template("400.html").render(
        {"nav_section": None, "for_editors": request.path_info.startswith(f"/{settings.ADMIN_URL}")}, request
    )
    return HttpResponseBadRequest(body)


def page_not_found(request, exception):
    """The 404 page. A page number past the end of a list (an old link to a later page, which
    CanonicalPageMixin leaves a 404) also says the list is shorter now, with its first and
    last pages."""
    view_class = getattr(getattr(request.resolver_match, "func", None), "view_class", None)
    shorter_list = (
        request.path if "page" in request.GET and getattr(view_class, "paginate_by", None) else None
    )
    return _error_page(request, "404.html", HttpResponseNotFound, {"shorter_list": shorter_list})


def permission_denied(request, exception):
    return _error_page(request, "403.html", HttpResponseForbidden)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: an editor whose page was open too long, cookies
    blocked, or something posting to a public page. Django's own page is unstyled, mentions
    settings and offers no way to call; this one explains what to do (CSRF_FAILURE_VIEW)."""
    return _error_page(request, "403_csrf.html", HttpResponseForbidden)


def server_error(request):
    """The 500 page, in the site's design, even when the database is what failed.

    When the error is the database not answering (raised outside a view, where
    DatabaseOutageMiddleware cannot catch it), the calm 503 page instead.
    """
    outage = server_error_for_outage(request)
    if outage is not None:
        return outage
    body = loader.get_template("500.html").render(without_database_context(request))
    return HttpResponseServerError(body)
