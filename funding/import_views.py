"""The editor's Excel/CSV import: upload → preview → confirm (see ``funding.imports``).

Between preview and confirmation the parsed tables (not the file) wait in the user's session under a
random token; at most ``MAX_PENDING`` imports per session, each for one hour. The preview shows every
row's result; confirming applies the plan only if it is free of errors and still the one the user saw.
"""

import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views import View

from projects.access import EDIT, concept_for_user

from . import imports
from .forms import ImportUploadForm

SESSION_KEY = "funding_imports"
MAX_PENDING = 3
PENDING_FOR = timedelta(hours=1)
TOKEN_PARAM = "datei"  # noqa: S105 - a query parameter name, not a secret


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


def drop_pending(request, token: str) -> None:
    pending = _pending(request)
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending


class ImportUploadView(LoginRequiredMixin, View):
    """Step 1: choose the file. A file that cannot be read or has a wrong layout is refused here."""

    template_name = "funding/import_upload.html"

    def render_page(self, concept, form, issues=(), status=200):
        context = {
            "concept": concept,
            "form": form,
            "issues": issues,
            "layouts": imports.LAYOUTS,
            "section": "measures",
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        concept = concept_for_user(request.user, slug=self.kwargs["slug"], perm=EDIT)
        return self.render_page(concept, ImportUploadForm())

    def post(self, request, *args, **kwargs):
        concept = concept_for_user(request.user, slug=self.kwargs["slug"], perm=EDIT)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(concept, form, status=400)
        upload = form.cleaned_data["file"]
        try:
            parsed = imports.read_upload(name=upload.name, data=upload.read())
        except imports.ImportFileError as error:
            return self.render_page(concept, form, issues=error.issues, status=400)
        token = store_pending(request, concept=concept, parsed=parsed)
        url = reverse("funding:import_preview", args=[concept.slug])
        return redirect(f"{url}?{TOKEN_PARAM}={token}")


class ImportPreviewView(LoginRequiredMixin, View):
    """Step 2 (GET): every row's result. Step 3 (POST): apply, or cancel."""

    template_name = "funding/import_preview.html"

    def render_page(self, concept, plan: imports.ImportPlan, token: str, status=200):
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
        context = {
            "concept": concept,
            "plan": plan,
            "counts": plan.counts,
            "sheets": sheets,
            "errors": plan.errors,
            "token": token,
            "token_param": TOKEN_PARAM,
            "can_apply": plan.ok and plan.has_changes,
            "section": "measures",
        }
        return render(self.request, self.template_name, context, status=status)

    def _parsed(self, request, concept, token):
        parsed = load_pending(request, concept=concept, token=token)
        if parsed is None:
            messages.info(
                request,
                _(
                    "Diese Importdatei ist nicht mehr vorhanden (abgelaufen oder bereits übernommen). "
                    "Bitte laden Sie die Datei erneut hoch."
                ),
            )
        return parsed

    def get(self, request, *args, **kwargs):
        concept = concept_for_user(request.user, slug=self.kwargs["slug"], perm=EDIT)
        token = request.GET.get(TOKEN_PARAM, "")
        parsed = self._parsed(request, concept, token)
        if parsed is None:
            return redirect("funding:import_upload", slug=concept.slug)
        return self.render_page(concept, imports.import_plan(concept=concept, parsed=parsed), token)

    def post(self, request, *args, **kwargs):
        concept = concept_for_user(request.user, slug=self.kwargs["slug"], perm=EDIT)
        token = request.POST.get(TOKEN_PARAM, "")
        parsed = self._parsed(request, concept, token)
        if parsed is None:
            return redirect("funding:import_upload", slug=concept.slug)
        if "cancel" in request.POST:
            drop_pending(request, token)
            messages.info(request, _("Der Import wurde abgebrochen; es wurde nichts geändert."))
            return redirect("funding:import_upload", slug=concept.slug)
        try:
            plan = imports.import_apply(
                concept=concept, parsed=parsed, digest=request.POST.get("digest", ""), user=request.user
            )
        except imports.ImportRefused as refused:
            messages.error(request, refused.message)
            return self.render_page(concept, refused.plan, token, status=409)
        drop_pending(request, token)
        counts = plan.counts
        messages.success(
            request,
            _("Import aus %(name)s übernommen: %(new)s neu, %(changed)s geändert, %(deleted)s gelöscht.")
            % {
                "name": plan.name,
                "new": counts[imports.NEW],
                "changed": counts[imports.CHANGED],
                "deleted": counts[imports.DELETED],
            },
        )
        return redirect("funding:measure_list", slug=concept.slug)
