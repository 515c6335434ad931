from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("konzepte/<slug:slug>/beteiligung/", views.CommentListView.as_view(), name="comment_list"),
    path(
        "konzepte/<slug:slug>/beteiligung/<int:pk>/",
        views.CommentModerateView.as_view(),
        name="comment_moderate",
    ),
]
