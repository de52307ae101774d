from django.urls import path, re_path

from carter_site.security import read_only

from . import views

app_name = "articles"
urlpatterns = [
    path("", read_only(views.ArticleListView.as_view()), name="list"),
    path("<slug:slug>/", read_only(views.ArticleDetailView.as_view()), name="detail"),
    # Only what a shared preview's signed token can look like (data:signature, URL-safe base64):
    # any other address under preview/ is a 404 at once, not a redirect to a slash and then one.
    re_path(
        r"^preview/(?P<token>\.?[-\w]+:[-\w]+)/$",
        read_only(views.SharedPreviewView.as_view()),
        name="shared_preview",
    ),
]
