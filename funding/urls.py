from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("konzepte/<slug:slug>/massnahmen/", views.MeasureListView.as_view(), name="measure_list"),
    path("konzepte/<slug:slug>/massnahmen/new/", views.MeasureEditorView.as_view(), name="measure_create"),
    path(
        "konzepte/<slug:slug>/massnahmen/new/summen/",
        views.MeasurePreviewView.as_view(),
        name="measure_create_preview",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/<int:pk>/edit/",
        views.MeasureEditorView.as_view(),
        name="measure_edit",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/<int:pk>/summen/",
        views.MeasurePreviewView.as_view(),
        name="measure_preview",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/<int:pk>/verlauf/",
        views.MeasureHistoryView.as_view(),
        name="measure_history",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/<int:pk>/delete/",
        views.MeasureDeleteView.as_view(),
        name="measure_delete",
    ),
]
