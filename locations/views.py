import copy

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, ListView

from articles.models import Article
from carter_site.caching import published_location, published_locations
from carter_site.publishing import PublicObjectMixin, can_see_unpublished
from carter_site.querysets import built_once
from carter_site.seo import breadcrumb_trail, uploaded_image
from carter_site.text import visible_text
from faqs.models import FAQ, LocationFAQ, topics_of
from testimonials.models import Testimonial

from . import nearest
from .models import Location

# The parts of the location page's queries that are the same for every request of a day,
# built once per process (carter_site.querysets).


@built_once
def visible_faq_placements():
    """A location's placements of published FAQs, with the FAQ and its topic."""
    return LocationFAQ.objects.filter(faq__in=FAQ.objects.published()).select_related("faq__topic")


@built_once
def visible_testimonials(today):
    """Testimonials that may be shown on `today`."""
    return Testimonial.objects.published(today)


class LocationListView(ListView):
    """The locations, in the editors' order; or, for `?near=` a ZIP code or a Georgia town,
    nearest first with their distance. A page with `near` in its address, even empty (the form
    sent blank, which asks for a place), is the visitor's own: never cached or indexed
    (carter_site.caching.PRIVATE_QUERY_VIEWS)."""

    context_object_name = "locations"
    template_name = "locations/location_list.html"

    def get_queryset(self):
        # The published locations with their hours: cached site-wide (carter_site.caching).
        return published_locations(self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        near_asked = "near" in self.request.GET  # the form was sent, if only blank
        # As search cleans its query: no NUL, nor marks that reverse the sentence echoing it.
        asked = " ".join(visible_text(self.request.GET.get("near", "")).split())[: nearest.MAX_LENGTH]
        place = error = None
        if near_asked:
            try:
                place = nearest.find_place(asked)
            except nearest.PlaceNotFound as problem:
                error = str(problem)
        if place:
            listed = nearest.by_distance(context["locations"], place)
        else:
            listed = [nearest.Nearby(location, None) for location in context["locations"]]
        closest = listed[0] if place and listed and listed[0].miles is not None else None
        context.update(
            near_asked=near_asked,
            near=asked,
            near_max_length=nearest.MAX_LENGTH,
            place=place,
            place_error=error,
            # Nothing but the state, punctuation or emoji: the page asks for a place, as if blank.
            place_missing=error == nearest.NOTHING_TYPED,
            listed=listed,
            closest=closest,
            far=closest is not None and closest.miles > nearest.FAR_MILES,
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["near_asked"]:
            response["X-Robots-Tag"] = "noindex, follow"
        return response


class LocationDetailView(PublicObjectMixin, DetailView):
    model = Location
    related_articles = 6

    def page_prefetches(self):
        return [
            Prefetch("faq_placements", queryset=visible_faq_placements(), to_attr="visible_faq_placements"),
            Prefetch(
                "testimonials",
                queryset=visible_testimonials(timezone.localdate()),
                to_attr="visible_testimonials",
            ),
        ]

    def get_queryset(self):
        return self.get_base_queryset().prefetch_related(
            "opening_hours", "special_days", *self.page_prefetches()
        )

    def get_object(self, queryset=None):
        if can_see_unpublished(self.request.user, Location):
            return super().get_object(queryset)
        # Visitors: the location and its hours come from the cached published locations.
        location = published_location(self.request, self.kwargs["slug"])
        if location is None:
            raise Http404("No published location here.")
        location = copy.copy(location)  # the cached one is shared by this process's requests
        prefetch_related_objects([location], *self.page_prefetches())
        return location

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["faqs"] = [placement.faq for placement in self.object.visible_faq_placements]
        context["faq_topics"] = topics_of(context["faqs"])
        context["testimonials"] = self.object.visible_testimonials
        context["photo"] = uploaded_image(self.object.photo, self.object.photo_alt)
        context["articles"] = (
            Article.objects.published().for_list().filter(locations=self.object)[: self.related_articles]
        )
        context["breadcrumbs"] = breadcrumb_trail(
            ("Locations", reverse("locations:list")), (self.object.name, self.object.get_absolute_url())
        )
        return context
