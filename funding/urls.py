from django.urls import path

from funding.editor import views as editor_views
from funding.exchange import views as exchange_views
from funding.programmes import views as programmes_views
from funding.review import views as review_views
from funding.versions import views as versions_views

app_name = "funding"

urlpatterns = [
    # Funding programmes (admins) and the municipalities' rates of a concept (editors)
    path("programme/", programmes_views.ProgrammeListView.as_view(), name="programme_list"),
    path("programme/new/", programmes_views.ProgrammeFormView.as_view(), name="programme_create"),
    path("programme/<int:pk>/edit/", programmes_views.ProgrammeFormView.as_view(), name="programme_edit"),
    path("konzepte/<slug:slug>/foerdersaetze/", programmes_views.RateTableView.as_view(), name="rate_table"),
    path("konzepte/<slug:slug>/massnahmen/", editor_views.MeasureListView.as_view(), name="measure_list"),
    path(
        "konzepte/<slug:slug>/massnahmen/new/",
        editor_views.MeasureEditorView.as_view(),
        name="measure_create",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/new/summen/",
        editor_views.MeasurePreviewView.as_view(),
        name="measure_create_preview",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/<int:pk>/edit/",
        editor_views.MeasureEditorView.as_view(),
        name="measure_edit",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/<int:pk>/summen/",
        editor_views.MeasurePreviewView.as_view(),
        name="measure_preview",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/<int:pk>/verlauf/",
        editor_views.MeasureHistoryView.as_view(),
        name="measure_history",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen/<int:pk>/delete/",
        editor_views.MeasureDeleteView.as_view(),
        name="measure_delete",
    ),
    # Excel/CSV import: upload, then preview and confirm
    path("konzepte/<slug:slug>/import/", exchange_views.ImportUploadView.as_view(), name="import_upload"),
    path(
        "konzepte/<slug:slug>/import/vorschau/",
        exchange_views.ImportPreviewView.as_view(),
        name="import_preview",
    ),
    # The KuF and its review
    path("konzepte/<slug:slug>/kuf/", review_views.KufTableView.as_view(), name="kuf_table"),
    path(
        "konzepte/<slug:slug>/kuf/pruefung/<int:municipality_pk>/",
        review_views.KufSignoffView.as_view(),
        name="kuf_signoff",
    ),
    path(
        "konzepte/<slug:slug>/kuf/zeilen/<int:pk>/kommentare/",
        review_views.KufRowCommentsView.as_view(),
        name="kuf_row_comments",
    ),
    path(
        "konzepte/<slug:slug>/kuf/kommentare/<int:pk>/erledigt/",
        review_views.KufCommentResolveView.as_view(),
        name="kuf_comment_resolve",
    ),
    # Frozen KuF versions and their comparison
    path(
        "konzepte/<slug:slug>/kuf/staende/",
        versions_views.KufVersionListView.as_view(),
        name="kuf_version_list",
    ),
    path("konzepte/<slug:slug>/kuf/vergleich/", versions_views.KufCompareView.as_view(), name="kuf_compare"),
]
