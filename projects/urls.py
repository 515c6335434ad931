"""The concept editor (planning offices and admins). Paths are German, names English."""

from django.urls import path

from . import views

app_name = "projects"

concept = "konzepte/<slug:slug>"

urlpatterns = [
    path("mein/", views.ConceptDashboardView.as_view(), name="dashboard"),
    path("kommunen/new/", views.MunicipalityCreateView.as_view(), name="municipality_create"),
    path("organisationen/new/", views.OrganisationCreateView.as_view(), name="organisation_create"),
    path("konzepte/new/", views.ConceptCreateView.as_view(), name="concept_create"),
    path(f"{concept}/edit/", views.ConceptUpdateView.as_view(), name="concept_edit"),
    path(f"{concept}/verlauf/", views.ConceptHistoryView.as_view(), name="concept_history"),
    # Quarters
    path(f"{concept}/quartiere/", views.QuarterListView.as_view(), name="quarter_list"),
    path(f"{concept}/quartiere/new/", views.QuarterCreateView.as_view(), name="quarter_create"),
    path(f"{concept}/quartiere/<int:pk>/edit/", views.QuarterUpdateView.as_view(), name="quarter_edit"),
    path(f"{concept}/quartiere/<int:pk>/delete/", views.QuarterDeleteView.as_view(), name="quarter_delete"),
    # Action fields and goals
    path(f"{concept}/handlungsfelder/", views.ActionFieldListView.as_view(), name="action_field_list"),
    path(
        f"{concept}/handlungsfelder/new/", views.ActionFieldCreateView.as_view(), name="action_field_create"
    ),
    path(
        f"{concept}/handlungsfelder/<int:pk>/edit/",
        views.ActionFieldUpdateView.as_view(),
        name="action_field_edit",
    ),
    path(
        f"{concept}/handlungsfelder/<int:pk>/delete/",
        views.ActionFieldDeleteView.as_view(),
        name="action_field_delete",
    ),
    path(
        f"{concept}/handlungsfelder/<int:pk>/move/",
        views.ActionFieldMoveView.as_view(),
        name="action_field_move",
    ),
    path(f"{concept}/ziele/<int:pk>/move/", views.GoalMoveView.as_view(), name="goal_move"),
    # SWOT
    path(f"{concept}/swot/", views.SwotEntryListView.as_view(), name="swot_list"),
    path(f"{concept}/swot/new/", views.SwotEntryCreateView.as_view(), name="swot_create"),
    path(f"{concept}/swot/<int:pk>/edit/", views.SwotEntryUpdateView.as_view(), name="swot_edit"),
    path(f"{concept}/swot/<int:pk>/delete/", views.SwotEntryDeleteView.as_view(), name="swot_delete"),
    # Roles
    path(f"{concept}/rollen/", views.ConceptMembershipListView.as_view(), name="membership_list"),
    path(
        f"{concept}/rollen/<int:pk>/delete/",
        views.ConceptMembershipDeleteView.as_view(),
        name="membership_delete",
    ),
]
