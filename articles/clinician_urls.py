"""The clinicians' pages, at /clinicians/ (carter_site/urls.py): a public page for each clinician
who agreed to one, and the list of them."""

from django.urls import path

from carter_site.security import read_only

from . import views

app_name = "clinicians"
urlpatterns = [
    path("", read_only(views.ClinicianListView.as_view()), name="list"),
    path("<slug:slug>/", read_only(views.ClinicianDetailView.as_view()), name="detail"),
]
