from django.http import HttpResponseServerError
from django.template import loader
from django.views import defaults
from django.views.generic import TemplateView

from articles.models import Article
from testimonials.models import Testimonial

from .caching import published_locations
from .models import SiteSettings
from .security import server_error_for_outage


class HomeView(TemplateView):
    template_name = "home.html"
    featured_articles = 3
    featured_testimonials = 2

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = Article.objects.published().for_list()[: self.featured_articles]
        context["locations"] = published_locations(self.request)  # cached: no query
        context["testimonials"] = (
            Testimonial.objects.published()
            .featured()
            .select_related("location")[: self.featured_testimonials]
        )
        return context


def page_not_found(request, exception):
    return defaults.page_not_found(request, exception, template_name="404.html")


def server_error(request):
    """The 500 page, in the site's design, even when the database is what failed.

    When the error is the database not answering (raised outside a view, where
    DatabaseOutageMiddleware cannot catch it), the calm 503 page instead.
    """
    outage = server_error_for_outage(request)
    if outage is not None:
        return outage
    template = loader.get_template("500.html")
    body = template.render({"site_settings": SiteSettings.load_without_database(), "request": request})
    return HttpResponseServerError(body)
