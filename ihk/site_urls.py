"""Public pages: the list of published concepts and a concept's overview."""

from django.urls import path

from . import views

app_name = "site"

urlpatterns = [
    path("", views.ConceptListView.as_view(), name="concept_list"),
    path("konzepte/<slug:slug>/", views.ConceptDetailView.as_view(), name="concept_detail"),
]
