"""The KuF page (the current state or a frozen version, filtered, grouped, with checks) and the review
around it: sign-off per municipality and comments on rows.

Every figure comes from ``funding.kuf``; this module only selects, groups and formats. Objects are
loaded through the access helpers of ``projects``, ``measures`` and ``funding``.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from funding.access import COMMENT, FREEZE, REVIEW, kuf_comment_for_user, review_target_for_user, row_for_user
from funding.kuf import selectors as kuf_selectors
from funding.models import KufSignoff
from funding.rules import ReviewTarget
from funding.versions import selectors as versions_selectors
from projects.access import EDIT, INTERNAL, concept_for_user

from . import selectors, services
from .forms import KufCommentForm, KufSignoffForm
from .table import kuf_page

STATE_LABELS = {
    "open": _("offen"),
    "approved": _("geprüft"),
    "changes": _("Änderung erbeten"),
    "reset": _("zurückgesetzt"),
}


class KufTableView(LoginRequiredMixin, TemplateView):
    """The KuF of a concept: filterable, grouped with subtotals, year columns with totals, checks on the
    rows, review state per municipality. ``?stand=<pk>`` shows a frozen version instead (read-only)."""

    template_name = "funding/kuf_table.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        concept = concept_for_user(user, slug=self.kwargs["slug"], perm=INTERNAL)
        params = self.request.GET.copy()
        stand = params.pop("stand", [""])[-1]
        source = versions_selectors.kuf_source(concept=concept, stand=stand)
        can_edit = user.has_perm(EDIT, concept)
        page = kuf_page(concept=concept, source=source, params=params, can_edit=can_edit)
        reviews = selectors.kuf_reviews(concept=concept, rows=source.rows) if source.version is None else []
        for review in reviews:
            review.can_review = user.has_perm(
                REVIEW, ReviewTarget(concept=concept, municipality=review.municipality)
            )
            review.state_label = STATE_LABELS[review.state]
        return super().get_context_data(
            concept=concept,
            version=source.version,
            reviews=reviews,
            signoff_form=KufSignoffForm(),
            can_edit=can_edit,
            can_freeze=user.has_perm(FREEZE, concept),
            section="kuf",
            **page,
            **kwargs,
        )


class KufSignoffView(LoginRequiredMixin, View):
    """A reviewer's verdict on their municipality's rows: "geprüft" or "Änderung erbeten" (with a
    reason). POST only; back to the KuF page with a message."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        target = review_target_for_user(
            request.user, slug=self.kwargs["slug"], municipality_pk=self.kwargs["municipality_pk"]
        )
        url = reverse("funding:kuf_table", args=[target.concept.slug]) + "#pruefung"
        form = KufSignoffForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(url)
        try:
            signoff = services.kuf_signoff_create(
                target=target,
                rows=kuf_selectors.kuf_rows_for_concept(concept=target.concept),
                state=form.cleaned_data["state"],
                reason=form.cleaned_data["reason"],
                seen_hash=form.cleaned_data["seen"],
                user=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(url)
        if signoff.state == KufSignoff.State.APPROVED:
            text = _("Die KuF-Zeilen von %(municipality)s sind als geprüft freigegeben.")
        else:
            text = _("Für die KuF-Zeilen von %(municipality)s ist eine Änderung erbeten.")
        messages.success(request, text % {"municipality": target.municipality.name})
        return HttpResponseRedirect(url)


class KufRowCommentsView(LoginRequiredMixin, TemplateView):
    """The comments on one KuF row; reviewers of its municipality and editors add comments here."""

    template_name = "funding/kuf_row_comments.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        perm = COMMENT if request.method == "POST" else None
        self.concept, self.measure = row_for_user(
            request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"], perm=perm
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        kwargs.setdefault("form", KufCommentForm())
        return super().get_context_data(
            concept=self.concept,
            measure=self.measure,
            comments=list(selectors.kuf_comments_for_row(measure=self.measure)),
            can_comment=user.has_perm(COMMENT, self.measure),
            can_resolve_any=user.has_perm(EDIT, self.concept),
            section="kuf",
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = KufCommentForm(request.POST)
        if form.is_valid():
            try:
                services.kuf_comment_create(
                    measure=self.measure, text=form.cleaned_data["text"], user=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Ihr Kommentar wurde gespeichert."))
                return redirect("funding:kuf_row_comments", slug=self.concept.slug, pk=self.measure.pk)
        return self.render_to_response(self.get_context_data(form=form))


class KufCommentResolveView(LoginRequiredMixin, View):
    """Mark a row comment as done. POST only."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        concept, comment = kuf_comment_for_user(request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"])
        services.kuf_comment_resolve(comment=comment, user=request.user)
        messages.success(request, _("Der Kommentar ist als erledigt markiert."))
        return redirect("funding:kuf_row_comments", slug=concept.slug, pk=comment.measure_id)
