"""The planning office's editor for a concept's structure: basics and municipalities, quarters, action
fields with goals, SWOT and roles, plus "Meine Konzepte".

Views are thin: they get their objects through ``projects.access`` (404/403 before anything else happens),
let a form parse the input, call a service and redirect with a message (post/redirect/get). A service's
``ValidationError`` goes back to the fields of the form, with nothing saved. Every page works without
JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import model_to_dict
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from . import selectors, services
from .access import (
    EDIT,
    INTERNAL,
    MANAGE_ROLES,
    action_field_for_user,
    concept_for_user,
    goal_for_user,
    membership_for_user,
    quarter_for_user,
    swot_entry_for_user,
)
from .forms import (
    ActionFieldForm,
    ConceptCreateForm,
    ConceptForm,
    GoalFormSet,
    MembershipForm,
    MoveForm,
    MunicipalityForm,
    OrganisationForm,
    ParticipationFormSet,
    QuarterForm,
    SwotEntryForm,
    VersionedForm,
    add_service_errors,
)
from .locking import EditConflict, ObjectGone

ADD_CONCEPT = "projects.add_concept"
ADD_MUNICIPALITY = "projects.add_municipality"
ADD_ORGANISATION = "projects.add_organisation"


def _list_url(name: str, concept, anchor: str = "") -> str:
    url = reverse(f"projects:{name}", kwargs={"slug": concept.slug})
    return f"{url}#{anchor}" if anchor else url


def _initial(instance, form_class) -> dict:
    """A form's initial values for editing ``instance``: its fields and the version it is loaded at."""
    return {**model_to_dict(instance, fields=list(form_class.base_fields)), "version": instance.version}


# --- Bases -----------------------------------------------------------------------------------------


class EditorPageMixin:
    """Loads the page's objects through the access helpers and puts ``concept`` and ``section`` (the
    current entry of the editor navigation) into the context.

    Views list ``LoginRequiredMixin`` first, so anonymous users go to the login page before ``load``
    runs. ``load`` sets ``self.concept`` and, on pages about one object, ``self.object``.
    """

    perm = EDIT
    section = ""
    object_name = "object"
    object = None

    def dispatch(self, request, *args, **kwargs):
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self) -> None:
        self.concept = concept_for_user(self.request.user, slug=self.kwargs["slug"], perm=self.perm)

    def get_context_data(self, **kwargs):
        if self.object is not None:
            kwargs.setdefault(self.object_name, self.object)
        return super().get_context_data(concept=self.concept, section=self.section, **kwargs)

    def locking(self, data: dict) -> dict:
        """A service's arguments for the version the user loaded (``data``: the form's) and who saves."""
        return {"expected_version": data["version"], "user": self.request.user}

    def render_conflict(self, conflict: EditConflict, **context):
        """The page again after an edit conflict: ``context`` holds the forms with the user's input, moved
        to the current version; the page lists what others changed meanwhile and when."""
        last_saved = selectors.last_saved(instance=conflict.instance)
        return self.render_to_response(
            self.get_context_data(conflict=conflict, last_saved=last_saved, **context)
        )


class EditorFormView(EditorPageMixin, FormView):
    """A one-form page of the editor: the form parses, ``save(data)`` calls the service and returns what
    it saved. A ``ValidationError`` from the service shows at the fields and nothing is stored; after an
    edit conflict the page comes back with the input (``render_conflict``); success redirects with a
    message."""

    form_class = None
    form_takes_concept = True  # forms whose choices depend on the concept get it as ``concept``
    success_message = ""

    def form_extra_kwargs(self) -> dict:
        return {"concept": self.concept} if self.form_takes_concept else {}

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), **self.form_extra_kwargs()}
        if self.object is not None and issubclass(self.form_class, VersionedForm):
            kwargs["versioned"] = True  # editing a lockable object: the form carries the version loaded
        return kwargs

    def get_initial(self):
        return _initial(self.object, self.form_class) if self.object is not None else super().get_initial()

    def success_text(self, saved) -> str:
        return self.success_message % {"name": str(saved)}

    def form_valid(self, form):
        try:
            self.saved = self.save(form.cleaned_data)
        except EditConflict as conflict:
            self.object = conflict.instance
            form = form.with_version(conflict.instance.version, **self.form_extra_kwargs())
            return self.render_conflict(conflict, form=form)
        except ValidationError as error:
            add_service_errors(error, form)
            if self.object is not None and not isinstance(error, ObjectGone):
                self.object.refresh_from_db()  # the page shows what is stored, the form what was typed
            return self.form_invalid(form)
        messages.success(self.request, self.success_text(self.saved))
        return redirect(self.get_success_url())


class EditorRowsView(EditorPageMixin, TemplateView):
    """A versioned form and a table of rows (a ``RowFormSet``) on one page, saved together: subclasses
    give ``formset_initial()``, ``rows(row_forms)``, ``save(data, rows)`` and ``saved_response()``. A
    service's ``ValidationError`` goes to the fields and rows (``rows_key``), nothing stored; after a
    conflict the page comes back with the input. ``edited_attr`` names the attribute of the object."""

    form_class = formset_class = None
    prefix = rows_key = ""
    edited_attr = "object"
    with_deleted = False  # whether rows marked for deletion go to the service (which deletes them)

    def get(self, request, *args, **kwargs):
        initial = _initial(getattr(self, self.edited_attr), self.form_class)
        formset = self.formset_class(prefix=self.prefix, initial=self.formset_initial())
        return self.render_page(self.form_class(versioned=True, initial=initial), formset)

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, versioned=True)
        formset = self.formset_class(request.POST, prefix=self.prefix)
        if not all([form.is_valid(), formset.is_valid()]):
            return self.render_page(form, formset)
        row_forms = formset.filled_forms(with_deleted=self.with_deleted)
        try:
            self.save(form.cleaned_data, self.rows(row_forms))
        except EditConflict as conflict:
            setattr(self, self.edited_attr, conflict.instance)
            form = form.with_version(conflict.instance.version)
            return self.render_conflict(conflict, form=form, formset=formset, extra_errors=[])
        except ValidationError as error:
            add_service_errors(error, form, {self.rows_key: (formset, row_forms)})
            if not isinstance(error, ObjectGone):
                getattr(self, self.edited_attr).refresh_from_db()  # the page shows what is stored
            return self.render_page(form, formset)
        return self.saved_response()

    def render_page(self, form, formset):
        errors = formset.error_summary() if formset.is_bound else []
        return self.render_to_response(self.get_context_data(form=form, formset=formset, extra_errors=errors))


class EditorDeleteView(EditorPageMixin, TemplateView):
    """GET asks for confirmation, POST deletes through ``delete`` and goes back to the list."""

    success_message = ""
    list_name = ""

    def perform_delete(self) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        name = str(self.object)
        try:
            self.perform_delete()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.success_message % {"name": name})
        return redirect(_list_url(self.list_name, self.concept))


class EditorMoveView(EditorPageMixin, View):
    """POST ``direction=up|down`` moves one item of an ordered list and goes back to the list, to the
    item moved (its anchor), so keyboard users keep their place."""

    http_method_names = ["post"]

    def move(self, direction: str) -> bool:
        raise NotImplementedError

    def anchor(self) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("Bitte „nach oben“ oder „nach unten“ wählen. Es wurde nichts verschoben.")
            )
        elif self.move(form.cleaned_data["direction"]):
            message = {
                "up": _("„%(name)s“ steht jetzt eine Stelle weiter oben."),
                "down": _("„%(name)s“ steht jetzt eine Stelle weiter unten."),
            }[form.cleaned_data["direction"]]
            messages.success(request, message % {"name": self.object})
        else:
            messages.info(request, _("„%(name)s“ steht schon am Rand der Liste.") % {"name": self.object})
        return redirect(_list_url("action_field_list", self.concept, self.anchor()))


# --- "Meine Konzepte" ------------------------------------------------------------------------------


class ConceptDashboardView(LoginRequiredMixin, TemplateView):
    """The concepts the user works on, with their roles, state and last change."""

    template_name = "projects/concept_dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        concepts = list(selectors.concept_list_for_dashboard(user=user))
        for concept in concepts:
            concept.role_labels = [membership.get_role_display() for membership in concept.my_memberships]
            if not concept.role_labels and user.is_superuser:
                concept.role_labels = [_("Administration")]
            concept.can_edit = user.has_perm(EDIT, concept)
        return super().get_context_data(
            concepts=concepts,
            can_add_concept=user.has_perm(ADD_CONCEPT),
            can_add_municipality=user.has_perm(ADD_MUNICIPALITY),
            can_add_organisation=user.has_perm(ADD_ORGANISATION),
            can_manage_programmes=user.has_perm("funding.manage_programmes"),
            **kwargs,
        )


# --- Concepts --------------------------------------------------------------------------------------


class ConceptCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Admins start an empty concept; people get roles in it afterwards."""

    permission_required = ADD_CONCEPT
    template_name = "projects/concept_create.html"
    form_class = ConceptCreateForm

    def form_valid(self, form):
        try:
            concept = services.concept_create(data=form.cleaned_data, user=self.request.user)
        except ValidationError as error:
            add_service_errors(error, form)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Das Konzept „%(name)s“ wurde angelegt. Tragen Sie jetzt die beteiligten Kommunen ein.")
            % {"name": concept.title},
        )
        return redirect("projects:concept_edit", slug=concept.slug)


class ConceptUpdateView(LoginRequiredMixin, EditorRowsView):
    """The concept's basics and its participating municipalities, saved together (optimistic locking:
    after a conflict the page shows the other person's changes, saving again applies the input)."""

    template_name = "projects/concept_edit.html"
    section = "basics"
    form_class, formset_class = ConceptForm, ParticipationFormSet
    prefix, rows_key, edited_attr = "municipalities", "participations", "concept"

    def formset_initial(self) -> list[dict]:
        rows = selectors.participations_for_editor(concept=self.concept)
        return [{"municipality": row.municipality_id, "role": row.role} for row in rows]

    with_deleted = True  # a municipality leaves only when its row is marked (the service checks it)

    def rows(self, row_forms):
        values = [row.cleaned_data for row in row_forms]
        return [
            services.ParticipationRow(
                municipality=v["municipality"],
                role=v.get("role", ""),
                remove=bool(v.get(DELETION_FIELD_NAME)),
            )
            for v in values
        ]

    def save(self, data, rows):
        services.concept_update(concept=self.concept, data=data, participations=rows, **self.locking(data))

    def saved_response(self):
        messages.success(self.request, _("Die Stammdaten wurden gespeichert."))
        return redirect("projects:concept_edit", slug=self.concept.slug)

    def get_context_data(self, **kwargs):
        back_here = urlencode({"next": self.request.path})
        return super().get_context_data(
            add_municipality_url=f"{reverse('projects:municipality_create')}?{back_here}",
            add_organisation_url=f"{reverse('projects:organisation_create')}?{back_here}",
            **kwargs,
        )


class ConceptHistoryView(LoginRequiredMixin, EditorPageMixin, TemplateView):
    """ "Verlauf" of the concept's basics: who changed which text, period or status, and when."""

    template_name = "projects/concept_history.html"
    section = "history"
    perm = INTERNAL

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=selectors.concept_history(concept=self.concept), **kwargs)


# --- Municipalities --------------------------------------------------------------------------------


class SharedListCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Admins and editors add an entry missing from a list all concepts share (municipalities,
    organisations), then go back where they came from (``next``, if it is a safe local address)."""

    template_name = "projects/shared_create.html"
    heading = ""
    intro = ""
    button = ""
    created_message = ""

    def next_url(self) -> str:
        url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        safe = url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return url if safe else ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            next=self.next_url(), heading=self.heading, intro=self.intro, button=self.button, **kwargs
        )

    def create(self, data: dict):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            created = self.create(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(error, form)
            return self.form_invalid(form)
        messages.success(self.request, self.created_message % {"name": created.name})
        return HttpResponseRedirect(self.next_url() or reverse("projects:dashboard"))


class MunicipalityCreateView(SharedListCreateView):
    permission_required = ADD_MUNICIPALITY
    form_class = MunicipalityForm
    heading = gettext_lazy("Neue Kommune anlegen")
    intro = gettext_lazy(
        "Kommunen stehen allen Konzepten zur Verfügung. Bitte prüfen Sie vorher, ob es die Kommune schon gibt."
    )
    button = gettext_lazy("Kommune anlegen")
    created_message = gettext_lazy("Die Kommune „%(name)s“ wurde angelegt.")

    def create(self, data):
        return services.municipality_create(data=data, user=self.request.user)


class OrganisationCreateView(SharedListCreateView):
    permission_required = ADD_ORGANISATION
    form_class = OrganisationForm
    heading = gettext_lazy("Neue Organisation anlegen")
    intro = gettext_lazy(
        "Planungsbüros, federführende Stellen und andere Organisationen stehen allen Konzepten zur "
        "Verfügung. Bitte prüfen Sie vorher, ob es die Organisation schon gibt."
    )
    button = gettext_lazy("Organisation anlegen")
    created_message = gettext_lazy("Die Organisation „%(name)s“ wurde angelegt.")

    def create(self, data):
        return services.organisation_create(data=data, user=self.request.user)


# --- Quarters --------------------------------------------------------------------------------------


class QuarterListView(LoginRequiredMixin, EditorPageMixin, TemplateView):
    template_name = "projects/quarter_list.html"
    section = "quarters"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            quarters=list(selectors.quarters_for_editor(concept=self.concept)), **kwargs
        )


class QuarterCreateView(LoginRequiredMixin, EditorFormView):
    template_name = "projects/quarter_form.html"
    section = "quarters"
    form_class = QuarterForm
    success_message = gettext_lazy("Das Quartier „%(name)s“ wurde angelegt.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(has_municipalities=self.concept.participations.exists(), **kwargs)

    def save(self, data):
        return services.quarter_create(concept=self.concept, data=data, user=self.request.user)

    def get_success_url(self):
        return _list_url("quarter_list", self.concept)


class QuarterUpdateView(QuarterCreateView):
    object_name = "quarter"
    success_message = gettext_lazy("Das Quartier „%(name)s“ wurde gespeichert.")

    def load(self):
        self.concept, self.object = quarter_for_user(
            self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"]
        )

    def save(self, data):
        return services.quarter_update(quarter=self.object, data=data, **self.locking(data))


class QuarterDeleteView(LoginRequiredMixin, EditorDeleteView):
    template_name = "projects/quarter_delete.html"
    section = "quarters"
    object_name = "quarter"
    list_name = "quarter_list"
    success_message = gettext_lazy("Das Quartier „%(name)s“ wurde gelöscht.")

    def load(self):
        self.concept, self.object = quarter_for_user(
            self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(usage=selectors.quarter_usage(quarter=self.object), **kwargs)

    def perform_delete(self):
        services.quarter_delete(quarter=self.object, user=self.request.user)


# --- Action fields and goals -----------------------------------------------------------------------


class ActionFieldListView(LoginRequiredMixin, EditorPageMixin, TemplateView):
    template_name = "projects/action_field_list.html"
    section = "fields"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_fields=list(selectors.action_fields_for_editor(concept=self.concept)), **kwargs
        )


class ActionFieldCreateView(LoginRequiredMixin, EditorFormView):
    template_name = "projects/action_field_create.html"
    section = "fields"
    form_class = ActionFieldForm
    form_takes_concept = False
    success_message = gettext_lazy(
        "Das Handlungsfeld „%(name)s“ wurde angelegt. Tragen Sie jetzt seine Ziele ein."
    )

    def save(self, data):
        return services.action_field_create(concept=self.concept, data=data, user=self.request.user)

    def get_success_url(self):
        return reverse("projects:action_field_edit", kwargs={"slug": self.concept.slug, "pk": self.saved.pk})


class ActionFieldUpdateView(LoginRequiredMixin, EditorRowsView):
    """An action field and its goals (add, change, delete, order) on one page, saved together."""

    template_name = "projects/action_field_edit.html"
    section = "fields"
    object_name = "action_field"
    form_class, formset_class = ActionFieldForm, GoalFormSet
    prefix = rows_key = "goals"
    with_deleted = True

    def load(self):
        self.concept, self.object = action_field_for_user(
            self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"]
        )

    def formset_initial(self) -> list[dict]:
        goals = selectors.goals_for_editor(action_field=self.object)
        return [model_to_dict(goal, fields=["id", "code", "title", "description", "order"]) for goal in goals]

    def rows(self, row_forms):
        return [services.GoalRow(**_goal_values(row.cleaned_data)) for row in row_forms]

    def save(self, data, rows):
        services.action_field_update(action_field=self.object, data=data, goals=rows, **self.locking(data))

    def saved_response(self):
        name = {"name": self.object}
        messages.success(self.request, _("Das Handlungsfeld „%(name)s“ wurde gespeichert.") % name)
        return redirect(_list_url("action_field_list", self.concept, f"action-field-{self.object.pk}"))


def _goal_values(cleaned: dict) -> dict:
    """A goal row of the form as ``services.GoalRow`` takes it."""
    return {
        "id": cleaned.get("id"),
        "code": cleaned.get("code", ""),
        "title": cleaned.get("title", ""),
        "description": cleaned.get("description", ""),
        "order": cleaned.get("order"),
        "delete": bool(cleaned.get("DELETE")),
    }


class ActionFieldDeleteView(LoginRequiredMixin, EditorDeleteView):
    template_name = "projects/action_field_delete.html"
    section = "fields"
    object_name = "action_field"
    list_name = "action_field_list"
    success_message = gettext_lazy("Das Handlungsfeld „%(name)s“ wurde gelöscht.")

    def load(self):
        self.concept, self.object = action_field_for_user(
            self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            usage=selectors.action_field_usage(action_field=self.object), **kwargs
        )

    def perform_delete(self):
        services.action_field_delete(action_field=self.object, user=self.request.user)


class ActionFieldMoveView(LoginRequiredMixin, EditorMoveView):
    def load(self):
        self.concept, self.object = action_field_for_user(
            self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"]
        )

    def move(self, direction):
        return services.action_field_move(
            action_field=self.object, direction=direction, user=self.request.user
        )

    def anchor(self):
        return f"action-field-{self.object.pk}"


class GoalMoveView(LoginRequiredMixin, EditorMoveView):
    def load(self):
        self.concept, self.object = goal_for_user(
            self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"]
        )

    def move(self, direction):
        return services.goal_move(goal=self.object, direction=direction, user=self.request.user)

    def anchor(self):
        return f"goal-{self.object.pk}"


# --- SWOT ------------------------------------------------------------------------------------------


class SwotEntryListView(LoginRequiredMixin, EditorPageMixin, TemplateView):
    template_name = "projects/swot_list.html"
    section = "swot"

    def get_context_data(self, **kwargs):
        return super().get_context_data(groups=selectors.swot_groups(concept=self.concept), **kwargs)


class SwotEntryCreateView(LoginRequiredMixin, EditorFormView):
    template_name = "projects/swot_form.html"
    section = "swot"
    form_class = SwotEntryForm
    success_message = gettext_lazy("Der SWOT-Eintrag „%(name)s“ wurde angelegt.")

    def get_initial(self):
        initial = super().get_initial()
        if self.object is None and self.request.GET.get("kind"):
            initial["kind"] = self.request.GET["kind"]
        return initial

    def save(self, data):
        return services.swot_entry_create(concept=self.concept, data=data, user=self.request.user)

    def get_success_url(self):
        return _list_url("swot_list", self.concept)


class SwotEntryUpdateView(SwotEntryCreateView):
    object_name = "entry"
    success_message = gettext_lazy("Der SWOT-Eintrag „%(name)s“ wurde gespeichert.")

    def load(self):
        self.concept, self.object = swot_entry_for_user(
            self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"]
        )

    def save(self, data):
        return services.swot_entry_update(entry=self.object, data=data, **self.locking(data))


class SwotEntryDeleteView(LoginRequiredMixin, EditorDeleteView):
    template_name = "projects/swot_delete.html"
    section = "swot"
    object_name = "entry"
    list_name = "swot_list"
    success_message = gettext_lazy("Der SWOT-Eintrag „%(name)s“ wurde gelöscht.")

    def load(self):
        self.concept, self.object = swot_entry_for_user(
            self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"]
        )

    def perform_delete(self):
        services.swot_entry_delete(entry=self.object, user=self.request.user)


# --- Roles -----------------------------------------------------------------------------------------


class ConceptMembershipListView(LoginRequiredMixin, EditorFormView):
    """Who has which role in the concept, and (same page) a form to give someone a role. Admins only."""

    template_name = "projects/membership_list.html"
    section = "roles"
    perm = MANAGE_ROLES
    form_class = MembershipForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            memberships=list(selectors.memberships_for_editor(concept=self.concept)), **kwargs
        )

    def save(self, data):
        return services.membership_create(
            concept=self.concept,
            member=data["user"],
            role=data["role"],
            municipality=data.get("municipality"),
            user=self.request.user,
        )

    def success_text(self, saved) -> str:
        return _("%(name)s hat jetzt die Rolle „%(role)s“.") % {
            "name": saved.user.get_username(),
            "role": saved.get_role_display(),
        }

    def get_success_url(self):
        return _list_url("membership_list", self.concept)


class ConceptMembershipDeleteView(LoginRequiredMixin, EditorPageMixin, View):
    """POST takes one role away."""

    perm = MANAGE_ROLES
    http_method_names = ["post"]

    def load(self):
        self.concept, self.object = membership_for_user(
            self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"]
        )

    def post(self, request, *args, **kwargs):
        services.membership_delete(membership=self.object, user=request.user)
        messages.success(
            request,
            _("%(name)s hat die Rolle „%(role)s“ nicht mehr.")
            % {"name": self.object.user.get_username(), "role": self.object.get_role_display()},
        )
        return redirect(_list_url("membership_list", self.concept))
