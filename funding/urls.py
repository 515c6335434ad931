from django.urls import path

from . import import_views, kuf_views, programme_views, version_views, views

app_name = "funding"

urlpatterns = [
    # Funding programmes (admins) and the municipalities' rates of a concept (editors)
    path("programme/", programme_views.ProgrammeListView.as_view(), name="programme_list"),
    path("programme/new/", programme_views.ProgrammeFormView.as_view(), name="programme_create"),
    path("programme/<int:pk>/edit/", programme_views.ProgrammeFormView.as_view(), name="programme_edit"),
    path("konzepte/<slug:slug>/foerdersaetze/", programme_views.RateTableView.as_view(), name="rate_table"),
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
    # Excel/CSV import: upload, then preview and confirm
    path("konzepte/<slug:slug>/import/", import_views.ImportUploadView.as_view(), name="import_upload"),
    path(
        "konzepte/<slug:slug>/import/vorschau/",
        import_views.ImportPreviewView.as_view(),
        name="import_preview",
    ),
    # The KuF and its review
    path("konzepte/<slug:slug>/kuf/", kuf_views.KufTableView.as_view(), name="kuf_table"),
    path(
        "konzepte/<slug:slug>/kuf/pruefung/<int:municipality_pk>/",
        kuf_views.KufSignoffView.as_view(),
        name="kuf_signoff",
    ),
    path(
        "konzepte/<slug:slug>/kuf/zeilen/<int:pk>/kommentare/",
        kuf_views.KufRowCommentsView.as_view(),
        name="kuf_row_comments",
    ),
    path(
        "konzepte/<slug:slug>/kuf/kommentare/<int:pk>/erledigt/",
        kuf_views.KufCommentResolveView.as_view(),
        name="kuf_comment_resolve",
    ),
    # Frozen KuF versions and their comparison
    path(
        "konzepte/<slug:slug>/kuf/staende/",
        version_views.KufVersionListView.as_view(),
        name="kuf_version_list",
    ),
    path("konzepte/<slug:slug>/kuf/vergleich/", version_views.KufCompareView.as_view(), name="kuf_compare"),
]
