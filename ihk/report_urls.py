"""Report downloads (Excel): ``reports:kuf_xlsx``, ``reports:kuf_diff_xlsx``, ``reports:measures_xlsx``."""

from django.urls import path

from . import report_views

app_name = "reports"

urlpatterns = [
    path("konzepte/<slug:slug>/kuf.xlsx", report_views.KufXlsxView.as_view(), name="kuf_xlsx"),
    path(
        "konzepte/<slug:slug>/kuf-vergleich.xlsx",
        report_views.KufDiffXlsxView.as_view(),
        name="kuf_diff_xlsx",
    ),
    path(
        "konzepte/<slug:slug>/massnahmen.xlsx", report_views.MeasuresXlsxView.as_view(), name="measures_xlsx"
    ),
]
