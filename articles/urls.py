from django.urls import path

from carter_site.security import read_only

from . import views

app_name = "articles"
urlpatterns = [
    path("", read_only(views.ArticleListView.as_view()), name="list"),
    path("<slug:slug>/", read_only(views.ArticleDetailView.as_view()), name="detail"),
    path("preview/<str:token>/", read_only(views.SharedPreviewView.as_view()), name="shared_preview"),
]
