from django.views.generic import DetailView

from carter_site.publishing import PublicObjectMixin
from carter_site.seo import breadcrumb_trail

from .models import Page


class PageDetailView(PublicObjectMixin, DetailView):
    model = Page
    context_object_name = "standing_page"

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = breadcrumb_trail((self.object.title, self.object.get_absolute_url()))
        return context
