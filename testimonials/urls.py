from django.urls import path

from carter_site.security import read_only

from . import views

app_name = "testimonials"
urlpatterns = [path("", read_only(views.TestimonialListView.as_view()), name="list")]
