"""Moderating residents' comments: the queue of a concept and one comment's decision and answer.

Thin views: objects come through ``participation.access``, forms parse, ``services`` decide. Pages work
without JavaScript (post/redirect/get).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from projects.forms import add_service_errors

from . import selectors, services
from .access import comment_for_user, moderated_concept_for_user
from .forms import CommentModerationForm
from .models import Comment


def _form_for(comment: Comment, data=None) -> CommentModerationForm:
    return CommentModerationForm(
        data,
        prefix=f"c{comment.pk}",
        initial={
            "status": comment.status,
            "reply": comment.reply,
            "loaded_state": services.comment_state(comment),
        },
    )


def _status(value: str | None) -> str:
    """A status tab of the queue as asked for: a comment status or "all"; waiting comments otherwise."""
    return value if value in {*Comment.Status.values, "all"} else Comment.Status.PENDING


class CommentListView(LoginRequiredMixin, TemplateView):
    """The concept's comments with one status (default: waiting), each with its moderation form."""

    template_name = "participation/comment_list.html"

    def get_context_data(self, **kwargs):
        concept = moderated_concept_for_user(self.request.user, slug=self.kwargs["slug"])
        status = _status(self.request.GET.get("status"))
        comments = list(
            selectors.comments_for_moderation(concept=concept, status=None if status == "all" else status)
        )
        for comment in comments:
            comment.form = _form_for(comment)
        return super().get_context_data(
            concept=concept,
            section="participation",
            status=status,
            tabs=selectors.comment_status_counts(concept=concept),
            comments=comments,
            **kwargs,
        )


class CommentModerateView(LoginRequiredMixin, TemplateView):
    """GET shows one comment with its form; POST publishes, rejects or answers it."""

    template_name = "participation/comment_moderate.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.concept, self.comment = comment_for_user(request.user, slug=kwargs["slug"], pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", _form_for(self.comment))
        return super().get_context_data(
            concept=self.concept, section="participation", comment=self.comment, **kwargs
        )

    def post(self, request, *args, **kwargs):
        form = _form_for(self.comment, request.POST)
        if form.is_valid():
            try:
                saved = services.comment_moderate(
                    comment=self.comment,
                    status=form.cleaned_data["status"],
                    reply=form.cleaned_data["reply"],
                    loaded_state=form.cleaned_data["loaded_state"],
                    user=request.user,
                )
            except ValidationError as error:
                add_service_errors(error, form)
                self.comment.refresh_from_db()
            else:
                messages.success(
                    request,
                    _("Die Anmerkung zu %(code)s ist jetzt: %(status)s.")
                    % {"code": saved.measure.code, "status": saved.get_status_display()},
                )
                url = reverse("participation:comment_list", kwargs={"slug": self.concept.slug})
                return redirect(f"{url}?status={_status(request.POST.get('back_status'))}")
        return self.render_to_response(self.get_context_data(form=form))
