from django.urls import path

from carter_site.security import read_only

from . import views

app_name = "faqs"
urlpatterns = [
    path("", read_only(views.FAQListView.as_view()), name="list"),
    path("<slug:slug>/", read_only(views.TopicView.as_view()), name="topic"),
]
