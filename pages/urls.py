from django.urls import path

from carter_site.security import read_only

from . import views

app_name = "pages"
# Included last at the root (carter_site/urls.py): every other address of the site comes first.
urlpatterns = [path("<slug:slug>/", read_only(views.PageDetailView.as_view()), name="detail")]
