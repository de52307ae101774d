from django.urls import path

from carter_site.security import read_only

from . import views

app_name = "locations"
urlpatterns = [
    path("", read_only(views.LocationListView.as_view()), name="list"),
    path("<slug:slug>/", read_only(views.LocationDetailView.as_view()), name="detail"),
]
