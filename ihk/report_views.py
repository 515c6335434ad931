"""Downloads of the report files: the KuF workbook (live or a frozen version, filtered like the KuF
page) and the measure list in the import's columns.

The views only check access (``concept_for_user`` with ``DOWNLOAD_REPORTS``), parse the GET
parameters and hand over to ``ihk/reports``: the selectors build the data, ``xlsx.py`` writes it.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.views import View

from funding.kuf.filters import KufFilterSet
from projects.access import DOWNLOAD_REPORTS, concept_for_user

from .reports import selectors, xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # Internal figures: no shared cache may keep them.
    response["Cache-Control"] = "private, no-store"
    return response


class KufXlsxView(LoginRequiredMixin, View):
    """The KuF as Excel. Takes the KuF page's GET parameters (filters, grouping, year values) and
    ``stand=<pk>`` for a frozen version."""

    def get(self, request, *args, **kwargs):
        concept = concept_for_user(request.user, slug=self.kwargs["slug"], perm=DOWNLOAD_REPORTS)
        params = request.GET.copy()
        stand = params.pop("stand", [""])[-1]
        source = selectors.kuf_source(concept=concept, stand=stand)
        filterset = KufFilterSet(params or None, rows=source.rows, years=source.years)
        options = filterset.options()
        report = selectors.kuf_report_for_source(
            concept=concept,
            source=source,
            row_filter=filterset.row_filter(),
            group_by=options["group_by"],
            year_value=options["year_value"],
            unit=options["unit"],
            ignored_filter=filterset.describe_invalid(),
        )
        return xlsx_response(xlsx.kuf_xlsx(report), xlsx.kuf_filename(report))


class MeasuresXlsxView(LoginRequiredMixin, View):
    """Measures, cost lines and financing modules as Excel, in the columns the import reads."""

    def get(self, request, *args, **kwargs):
        concept = concept_for_user(request.user, slug=self.kwargs["slug"], perm=DOWNLOAD_REPORTS)
        report = selectors.measure_list_report(concept=concept)
        return xlsx_response(xlsx.measures_xlsx(report), xlsx.measures_filename(report))


class KufDiffXlsxView(LoginRequiredMixin, View):
    """The comparison of two KuF states as Excel: ``?alt=<pk or "aktuell">&neu=<pk or "aktuell">``, the
    parameters of the comparison page; by default the newest version against the current state."""

    def get(self, request, *args, **kwargs):
        concept = concept_for_user(request.user, slug=self.kwargs["slug"], perm=DOWNLOAD_REPORTS)
        report = selectors.kuf_diff_report(
            concept=concept, old=request.GET.get("alt", ""), new=request.GET.get("neu", "")
        )
        return xlsx_response(xlsx.kuf_diff_xlsx(report), xlsx.kuf_diff_filename(report))
