"""Report downloads (Excel): ``reports:kuf_xlsx``, ``reports:kuf_diff_xlsx``, ``reports:measures_xlsx``."""

from django.urls import include, path

from . import report_views

app_name = "reports"

# A concept's workbooks: /konzepte/<slug>/….xlsx
concept_patterns = [
    path("kuf.xlsx", report_views.KufXlsxView.as_view(), name="kuf_xlsx"),
    path("kuf-vergleich.xlsx", report_views.KufDiffXlsxView.as_view(), name="kuf_diff_xlsx"),
    path("massnahmen.xlsx", report_views.MeasuresXlsxView.as_view(), name="measures_xlsx"),
]

urlpatterns = [path("konzepte/<slug:slug>/", include(concept_patterns))]
