from django.urls import include, path

from . import views

app_name = "participation"

# A concept's residents' comments: /konzepte/<slug>/beteiligung/…
comment_patterns = [
    path("", views.CommentListView.as_view(), name="comment_list"),
    path("<int:pk>/", views.CommentModerateView.as_view(), name="comment_moderate"),
]

urlpatterns = [path("konzepte/<slug:slug>/beteiligung/", include(comment_patterns))]
