from django.urls import include, path

from funding.editor import views as editor_views
from funding.exchange import views as exchange_views
from funding.programmes import views as programmes_views
from funding.review import views as review_views
from funding.versions import views as versions_views

app_name = "funding"

# A concept's measures: /konzepte/<slug>/massnahmen/…
measure_patterns = [
    path("", editor_views.MeasureListView.as_view(), name="measure_list"),
    path("new/", editor_views.MeasureEditorView.as_view(), name="measure_create"),
    path("new/summen/", editor_views.MeasurePreviewView.as_view(), name="measure_create_preview"),
    path("<int:pk>/edit/", editor_views.MeasureEditorView.as_view(), name="measure_edit"),
    path("<int:pk>/summen/", editor_views.MeasurePreviewView.as_view(), name="measure_preview"),
    path("<int:pk>/verlauf/", editor_views.MeasureHistoryView.as_view(), name="measure_history"),
    path("<int:pk>/delete/", editor_views.MeasureDeleteView.as_view(), name="measure_delete"),
]

# The KuF of a concept, its review and its frozen versions: /konzepte/<slug>/kuf/…
kuf_patterns = [
    path("", review_views.KufTableView.as_view(), name="kuf_table"),
    path("pruefung/<int:municipality_pk>/", review_views.KufSignoffView.as_view(), name="kuf_signoff"),
    path("zeilen/<int:pk>/kommentare/", review_views.KufRowCommentsView.as_view(), name="kuf_row_comments"),
    path(
        "kommentare/<int:pk>/erledigt/",
        review_views.KufCommentResolveView.as_view(),
        name="kuf_comment_resolve",
    ),
    # Frozen KuF versions and their comparison
    path("staende/", versions_views.KufVersionListView.as_view(), name="kuf_version_list"),
    path("vergleich/", versions_views.KufCompareView.as_view(), name="kuf_compare"),
]

concept_patterns = [
    # The municipalities' rates of a concept (editors)
    path("foerdersaetze/", programmes_views.RateTableView.as_view(), name="rate_table"),
    path("massnahmen/", include(measure_patterns)),
    # Excel/CSV import: upload, then preview and confirm
    path("import/", exchange_views.ImportUploadView.as_view(), name="import_upload"),
    path("import/vorschau/", exchange_views.ImportPreviewView.as_view(), name="import_preview"),
    path("kuf/", include(kuf_patterns)),
]

urlpatterns = [
    # Funding programmes (admins)
    path("programme/", programmes_views.ProgrammeListView.as_view(), name="programme_list"),
    path("programme/new/", programmes_views.ProgrammeFormView.as_view(), name="programme_create"),
    path("programme/<int:pk>/edit/", programmes_views.ProgrammeFormView.as_view(), name="programme_edit"),
    path("konzepte/<slug:slug>/", include(concept_patterns)),
]
