"""The concept editor (planning offices and admins). Paths are German, names English."""

from django.urls import include, path

from . import views

app_name = "projects"

# The parts of one concept: /konzepte/<slug>/…
concept_patterns = [
    path("edit/", views.ConceptUpdateView.as_view(), name="concept_edit"),
    path("verlauf/", views.ConceptHistoryView.as_view(), name="concept_history"),
    # Quarters
    path("quartiere/", views.QuarterListView.as_view(), name="quarter_list"),
    path("quartiere/new/", views.QuarterCreateView.as_view(), name="quarter_create"),
    path("quartiere/<int:pk>/edit/", views.QuarterUpdateView.as_view(), name="quarter_edit"),
    path("quartiere/<int:pk>/delete/", views.QuarterDeleteView.as_view(), name="quarter_delete"),
    # Action fields and goals
    path("handlungsfelder/", views.ActionFieldListView.as_view(), name="action_field_list"),
    path("handlungsfelder/new/", views.ActionFieldCreateView.as_view(), name="action_field_create"),
    path("handlungsfelder/<int:pk>/edit/", views.ActionFieldUpdateView.as_view(), name="action_field_edit"),
    path(
        "handlungsfelder/<int:pk>/delete/", views.ActionFieldDeleteView.as_view(), name="action_field_delete"
    ),
    path("handlungsfelder/<int:pk>/move/", views.ActionFieldMoveView.as_view(), name="action_field_move"),
    path("ziele/<int:pk>/move/", views.GoalMoveView.as_view(), name="goal_move"),
    # SWOT
    path("swot/", views.SwotEntryListView.as_view(), name="swot_list"),
    path("swot/new/", views.SwotEntryCreateView.as_view(), name="swot_create"),
    path("swot/<int:pk>/edit/", views.SwotEntryUpdateView.as_view(), name="swot_edit"),
    path("swot/<int:pk>/delete/", views.SwotEntryDeleteView.as_view(), name="swot_delete"),
    # Roles
    path("rollen/", views.ConceptMembershipListView.as_view(), name="membership_list"),
    path("rollen/<int:pk>/delete/", views.ConceptMembershipDeleteView.as_view(), name="membership_delete"),
]

urlpatterns = [
    path("mein/", views.ConceptDashboardView.as_view(), name="dashboard"),
    path("kommunen/new/", views.MunicipalityCreateView.as_view(), name="municipality_create"),
    path("organisationen/new/", views.OrganisationCreateView.as_view(), name="organisation_create"),
    path("konzepte/new/", views.ConceptCreateView.as_view(), name="concept_create"),
    path("konzepte/<slug:slug>/", include(concept_patterns)),
]
