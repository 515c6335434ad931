"""The Excel/CSV import pages: upload → preview → confirm (see ``funding.exchange.imports``), in the editor and in
the Django admin.

Both use the same service layer (``imports.read_upload``, ``import_plan``, ``import_apply``), the same
session storage and the same preview (``templates/funding/includes/import_*.html``); they differ only
in who may import and where the pages lead. The editor's pages check ``projects.edit_concept`` on the
concept in the URL; the admin's pages (``funding.admin.MeasureAdmin.get_urls``, staff only) check the
Django model permissions of everything an import writes (``admin_concept_for_import``).

Between preview and confirmation the parsed tables (not the file) wait in the user's session under a
random token, with the plan the preview showed (``imports.StoredPlan``: what applying it writes); at
most ``MAX_PENDING`` imports per session, each for one hour. Nothing of a plan comes from the browser:
confirming posts the token and the digest of the preview seen, and applies the stored plan without
planning again, only if it is free of errors, is the one the user saw and the database still holds
what it was computed from; otherwise the page shows the new preview. After applying, the user is told
when the import reset a municipality's KuF sign-off, as after a save in the measure editor.
"""

import secrets
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from funding.access import admin_concept_for_import, admin_import_allowed
from funding.review.notices import announce_review_resets
from projects.access import DOWNLOAD_REPORTS, EDIT, concept_for_user
from projects.models import Concept

from . import imports
from .forms import ImportUploadForm

SESSION_KEY = "funding_imports"
MAX_PENDING = 3
PENDING_FOR = timedelta(hours=1)
TOKEN_PARAM = "datei"  # noqa: S105 - a query parameter name, not a secret
CONCEPT_PARAM = "konzept"  # the admin's upload page: the concept chosen in advance


def _pending(request) -> dict:
    """The session's pending imports that have not expired."""
    now = timezone.now()
    pending = request.session.get(SESSION_KEY, {})
    return {
        token: entry
        for token, entry in pending.items()
        if (created := parse_datetime(entry.get("created", ""))) and now - created < PENDING_FOR
    }


def store_pending(request, *, concept, parsed: imports.ParsedFile) -> str:
    pending = _pending(request)
    newest = sorted(pending.items(), key=lambda item: item[1]["created"])[-(MAX_PENDING - 1) :]
    token = secrets.token_urlsafe(16)
    pending = dict(newest)
    pending[token] = {
        "concept": concept.pk,
        "created": timezone.now().isoformat(),
        "file": parsed.to_json(),
    }
    request.session[SESSION_KEY] = pending
    return token


def load_pending(request, *, concept, token: str) -> imports.ParsedFile | None:
    entry = _pending(request).get(token)
    if entry is None or entry["concept"] != concept.pk:
        return None
    return imports.ParsedFile.from_json(entry["file"])


def store_plan(request, *, token: str, plan: imports.ImportPlan) -> None:
    """Keep ``plan``, the one the preview of the pending import ``token`` shows, for its confirmation."""
    pending = _pending(request)
    if token in pending:
        pending[token]["plan"] = plan.stored().to_json()
        request.session[SESSION_KEY] = pending


def load_plan(request, *, token: str) -> imports.StoredPlan | None:
    """The plan the last preview of the pending import ``token`` showed (None: no preview yet)."""
    entry = _pending(request).get(token)
    if entry is None or "plan" not in entry:
        return None
    return imports.StoredPlan.from_json(entry["plan"])


def drop_pending(request, token: str) -> None:
    pending = _pending(request)
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending


def preview_context(plan: imports.ImportPlan) -> dict:
    """What ``funding/includes/import_preview_result.html`` shows: counts, errors, rows per sheet."""
    sheets = []
    for kind in (imports.MEASURES, imports.COSTS, imports.MODULES):
        outcomes = [outcome for outcome in plan.outcomes if outcome.kind == kind]
        if not outcomes:
            continue
        sheets.append(
            {
                "label": imports.LAYOUT_BY_KIND[kind].label,
                "shown": [o for o in outcomes if o.status != imports.UNCHANGED],
                "unchanged": [o for o in outcomes if o.status == imports.UNCHANGED],
            }
        )
    return {
        "plan": plan,
        "counts": plan.counts,
        "sheets": sheets,
        "errors": plan.errors,
        "token_param": TOKEN_PARAM,
        "can_apply": plan.ok and plan.has_changes,
    }


# --- The steps, shared by the editor and the admin ----------------------------------------------------

EXPIRED = gettext_lazy(
    "Diese Importdatei ist nicht mehr vorhanden (abgelaufen oder bereits übernommen). "
    "Bitte laden Sie die Datei erneut hoch."
)


def applied_message(plan: imports.StoredPlan) -> str:
    """The success message after an import was applied: its file and what it changed."""
    counts = plan.counts
    return _("Import aus %(name)s übernommen: %(new)s neu, %(changed)s geändert, %(deleted)s gelöscht.") % {
        "name": plan.name,
        "new": counts[imports.NEW],
        "changed": counts[imports.CHANGED],
        "deleted": counts[imports.DELETED],
    }


class _UploadSteps(View):
    """Step 1: choose the file. A file that cannot be read or has a wrong layout is refused here.
    Subclasses say how the concept is found (``concept()``; ``form_concept`` once the form is valid)
    and where the preview is (``preview_url(concept)``)."""

    template_name = ""

    def form_concept(self, form, concept):
        """The concept the file is for, once the form is valid: by default ``concept`` (the one of
        ``concept()``)."""
        return concept

    def new_form(self, data=None, files=None):
        return ImportUploadForm(data, files)

    def extra_context(self) -> dict:
        return {}

    def render_page(self, form, concept=None, issues=(), status=200):
        context = {"form": form, "issues": issues, "layouts": imports.LAYOUTS, **self.extra_context()}
        if concept is not None:
            context["concept"] = concept
        return render(self.request, self.template_name, context, status=status)

    def post(self, request, *args, **kwargs):
        concept = self.concept()
        form = self.new_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form, concept, status=400)
        concept = self.form_concept(form, concept)
        upload = form.cleaned_data["file"]
        try:
            parsed = imports.read_upload(name=upload.name, data=upload.read())
        except imports.ImportFileError as error:
            return self.render_page(form, concept, issues=error.issues, status=400)
        token = store_pending(request, concept=concept, parsed=parsed)
        return redirect(f"{self.preview_url(concept)}?{TOKEN_PARAM}={token}")


class _PendingImportPage(View):
    """A page about one pending import (the token in the request): finding it, and showing its plan.
    Subclasses say how the concept is found (``concept()``) and where the pages lead
    (``upload_url(concept)``, ``done_url(concept)``)."""

    template_name = ""

    def extra_context(self, concept) -> dict:
        return {}

    def pending(self, concept, token: str) -> imports.ParsedFile | None:
        """The pending import, or None (with a message) if it expired or was applied."""
        parsed = load_pending(self.request, concept=concept, token=token)
        if parsed is None:
            messages.info(self.request, EXPIRED)
        return parsed

    def render_page(self, concept, parsed: imports.ParsedFile, token: str, status=200):
        """The preview of ``parsed``: the plan made now, and kept for the confirmation."""
        plan = imports.import_plan(concept=concept, parsed=parsed)
        store_plan(self.request, token=token, plan=plan)
        context = {"concept": concept, "token": token, "upload_url": self.upload_url(concept)}
        context.update({**preview_context(plan), **self.extra_context(concept)})
        return render(self.request, self.template_name, context, status=status)


class _PreviewSteps(_PendingImportPage):
    """Step 2 (GET): every row's result. Step 3 (POST): apply, or cancel."""

    def get(self, request, *args, **kwargs):
        concept, token = self.concept(), request.GET.get(TOKEN_PARAM, "")
        parsed = self.pending(concept, token)
        if parsed is None:
            return redirect(self.upload_url(concept))
        return self.render_page(concept, parsed, token)

    def post(self, request, *args, **kwargs):
        concept, token = self.concept(), request.POST.get(TOKEN_PARAM, "")
        parsed = self.pending(concept, token)
        if parsed is None:
            return redirect(self.upload_url(concept))
        if "cancel" in request.POST:
            drop_pending(request, token)
            messages.info(request, _("Der Import wurde abgebrochen; es wurde nichts geändert."))
            return redirect(self.upload_url(concept))
        digest = request.POST.get("digest", "")
        # A pending import kept before plans were stored has none: its plan is made now.
        stored = (
            load_plan(request, token=token) or imports.import_plan(concept=concept, parsed=parsed).stored()
        )
        try:
            plan = imports.import_apply(concept=concept, plan=stored, digest=digest, user=request.user)
        except imports.ImportRefused as refused:
            messages.error(request, refused.message)
            return self.render_page(concept, parsed, token, status=409)
        drop_pending(request, token)
        messages.success(request, applied_message(plan))
        if plan.has_changes:
            announce_review_resets(request, concept, plan.municipality_ids)
        return redirect(self.done_url(concept))


# --- The editor ---------------------------------------------------------------------------------------


class ImportUploadView(LoginRequiredMixin, _UploadSteps):
    """The editor's upload page (editors of the concept, admins)."""

    template_name = "funding/import_upload.html"

    def concept(self):
        return concept_for_user(self.request.user, slug=self.kwargs["slug"], perm=EDIT)

    def preview_url(self, concept) -> str:
        return reverse("funding:import_preview", args=[concept.slug])

    def extra_context(self) -> dict:
        return {"section": "measures"}

    def get(self, request, *args, **kwargs):
        return self.render_page(ImportUploadForm(), self.concept())


class ImportPreviewView(LoginRequiredMixin, _PreviewSteps):
    """The editor's preview and confirmation."""

    template_name = "funding/import_preview.html"

    def concept(self):
        return concept_for_user(self.request.user, slug=self.kwargs["slug"], perm=EDIT)

    def upload_url(self, concept) -> str:
        return reverse("funding:import_upload", args=[concept.slug])

    def done_url(self, concept) -> str:
        return reverse("funding:measure_list", args=[concept.slug])

    def extra_context(self, concept) -> dict:
        return {"section": "measures"}


# --- The admin ----------------------------------------------------------------------------------------


class AdminImportForm(ImportUploadForm):
    """The admin's upload form: the concept to import into, and the file."""

    concept = forms.ModelChoiceField(
        label=gettext_lazy("Konzept"),
        queryset=Concept.objects.order_by("title"),
        error_messages={"invalid_choice": gettext_lazy("Bitte ein vorhandenes Konzept wählen.")},
    )
    field_order = ("concept", "file")


class _AdminPage:
    """The admin's frame around a page: site context, breadcrumbs, the measure model's options."""

    model_admin = None  # the ``MeasureAdmin`` (set by ``as_view`` in its ``get_urls``)
    title = gettext_lazy("Import aus Excel oder CSV")

    def admin_context(self) -> dict:
        model_admin = self.model_admin
        return {
            **model_admin.admin_site.each_context(self.request),
            "opts": model_admin.opts,
            "title": str(self.title),
            "changelist_url": reverse(
                f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist"
            ),
        }

    def url(self, view: str, *args) -> str:
        opts = self.model_admin.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


class AdminImportUploadView(_AdminPage, _UploadSteps):
    """The admin's upload page ("Import aus Excel/CSV" on the measure list and a concept's page)."""

    template_name = "admin/funding/import_upload.html"

    def concept(self):
        if not admin_import_allowed(self.request.user):
            raise PermissionDenied(_("Für den Import fehlt Ihnen die Berechtigung."))
        return None

    def form_concept(self, form, concept):
        # ``post`` has checked the permission (``concept()``); the form's choice field loaded the concept.
        return form.cleaned_data["concept"]

    def new_form(self, data=None, files=None):
        return AdminImportForm(data, files)

    def preview_url(self, concept) -> str:
        return self.url("import_preview", concept.pk)

    def extra_context(self) -> dict:
        return self.admin_context()

    def get(self, request, *args, **kwargs):
        self.concept()
        initial = {}
        chosen = request.GET.get(CONCEPT_PARAM, "")
        if chosen.isdigit():
            initial["concept"] = Concept.objects.filter(pk=chosen).first()
        return self.render_page(AdminImportForm(initial=initial))


class AdminImportPreviewView(_AdminPage, _PreviewSteps):
    """The admin's preview and confirmation; afterwards the measure list of the concept."""

    template_name = "admin/funding/import_preview.html"
    title = gettext_lazy("Vorschau des Imports")

    def concept(self):
        return admin_concept_for_import(self.request.user, pk=self.kwargs["concept_pk"])

    def upload_url(self, concept) -> str:
        return f"{self.url('import')}?{CONCEPT_PARAM}={concept.pk}"

    def done_url(self, concept) -> str:
        return f"{self.url('changelist')}?concept__id__exact={concept.pk}"

    def extra_context(self, concept) -> dict:
        context = self.admin_context()
        if self.request.user.has_perm(DOWNLOAD_REPORTS, concept):
            context["export_url"] = reverse("reports:measures_xlsx", args=[concept.slug])
        return context
