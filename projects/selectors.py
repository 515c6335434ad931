"""Reads for concepts: the public list and the pages of the concept editor."""

from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from .history import FieldChange, HistoryEntry, history_entries
from .models import ActionField, Concept, ConceptMembership, ConceptMunicipality, Goal, Quarter, SwotEntry


def concept_list_public() -> QuerySet[Concept]:
    """Published concepts with lead body, municipalities and measure count. Two queries for any number.

    Totals that need other apps (costs) are added by the caller, which may import them.
    """
    return (
        Concept.objects.published()
        .select_related("lead_organisation")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=ConceptMunicipality.objects.select_related("municipality").order_by(
                    "role", "municipality__name"
                ),
            )
        )
        .annotate(measure_count=Count("measures", distinct=True))
        .order_by("title")
    )


# --- The concept editor ----------------------------------------------------------------------------

SWOT_HEADINGS = {
    SwotEntry.Kind.STRENGTH: _("Stärken"),
    SwotEntry.Kind.WEAKNESS: _("Schwächen"),
    SwotEntry.Kind.OPPORTUNITY: _("Chancen"),
    SwotEntry.Kind.THREAT: _("Risiken"),
}


@dataclass(frozen=True)
class SwotGroup:
    kind: str
    heading: str
    entries: list[SwotEntry]


def concept_list_for_dashboard(*, user) -> QuerySet[Concept]:
    """The concepts ``user`` works on ("Meine Konzepte"): those with a role of theirs, all for admins.

    Each concept has ``measure_count``, ``last_change`` (the latest change of the concept, its measures,
    quarters, action fields and SWOT entries; goals change with their action field's version) and ``my_memberships`` (the user's roles in it). Two queries for any number of
    concepts, measures and people.
    """
    concepts = Concept.objects.all()
    if not user.is_superuser:
        concepts = concepts.filter(
            Exists(ConceptMembership.objects.filter(concept=OuterRef("pk"), user=user))
        )

    def latest(history_model):
        """The newest change of the concept's rows in ``history_model`` (deleted rows count too)."""
        newest = (
            history_model.objects.filter(concept_id=OuterRef("pk"))
            .order_by("-history_date")
            .values("history_date")[:1]
        )
        return Coalesce(Subquery(newest), "updated_at")

    return (
        concepts.annotate(
            measure_count=Count("measures", distinct=True),
            last_change=Greatest(
                "updated_at",
                Coalesce(Max("measures__updated_at"), "updated_at"),
                latest(Quarter.history.model),
                latest(ActionField.history.model),
                latest(SwotEntry.history.model),
            ),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=ConceptMembership.objects.filter(user=user).order_by("role"),
                to_attr="my_memberships",
            )
        )
        .order_by("title")
    )


def quarters_for_editor(*, concept: Concept) -> QuerySet[Quarter]:
    """The concept's quarters in their order, with municipality. One query."""
    return concept.quarters.select_related("municipality").order_by("order", "code")


def action_fields_for_editor(*, concept: Concept) -> QuerySet[ActionField]:
    """The concept's action fields in order with ``measure_count`` and their goals in order. Two queries."""
    return (
        concept.action_fields.annotate(measure_count=Count("measures"))
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.order_by("order", "code", "pk")))
        .order_by("order", "code", "pk")
    )


def goals_for_editor(*, action_field: ActionField) -> QuerySet[Goal]:
    """The goals of ``action_field`` in order. One query."""
    return action_field.goals.order_by("order", "code", "pk")


def swot_groups(*, concept: Concept) -> list[SwotGroup]:
    """The concept's SWOT entries grouped by kind (strengths, weaknesses, opportunities, threats), each
    with its action field and quarter. One query."""
    entries: dict[str, list[SwotEntry]] = {kind: [] for kind in SwotEntry.Kind.values}
    for entry in concept.swot_entries.select_related("action_field", "quarter").order_by("order", "pk"):
        entries[entry.kind].append(entry)
    return [SwotGroup(kind, SWOT_HEADINGS[kind], entries[kind]) for kind in SwotEntry.Kind.values]


def memberships_for_editor(*, concept: Concept) -> QuerySet[ConceptMembership]:
    """The people with a role in ``concept``, with the reviewers' municipality. One query."""
    return concept.memberships.select_related("user", "municipality").order_by("user__username", "role")


def participations_for_editor(*, concept: Concept) -> QuerySet[ConceptMunicipality]:
    """The concept's participating municipalities with their names. One query."""
    return concept.participations.select_related("municipality").order_by("municipality__name")


def quarter_usage(*, quarter: Quarter) -> dict[str, int]:
    """What deleting ``quarter`` touches: ``measures`` linked to it, its ``swot`` entries."""
    return {"measures": quarter.measures.count(), "swot": quarter.swot_entries.count()}


def action_field_usage(*, action_field: ActionField) -> dict[str, int]:
    """What deleting ``action_field`` touches: ``measures`` (they block it), ``goals``, ``swot`` entries."""
    return {
        "measures": action_field.measures.count(),
        "goals": action_field.goals.count(),
        "swot": action_field.swot_entries.count(),
    }


def last_saved(*, instance: Concept):
    """The latest history record of ``instance`` with the person who saved it, or None. One query."""
    return instance.history.select_related("history_user").order_by("-history_date", "-history_id").first()


def concept_history(*, concept: Concept) -> list[HistoryEntry]:
    """Who changed the concept, when, field by field; newest first: its basics, quarters, action fields,
    goals and SWOT entries (also those deleted since). Measures keep their own history.

    Queries: one per model for the records with their users (five), one per referenced model for the
    names (organisations, municipalities, action fields, quarters) — a fixed number however long the
    history."""
    records = list(concept.history.select_related("history_user"))
    entries = history_entries(records, model=Concept, label=lambda record: _("Stammdaten"))
    entries += history_entries(
        Quarter.history.filter(concept_id=concept.pk).select_related("history_user"),
        model=Quarter,
        label=lambda record: _("Quartier %(code)s") % {"code": record.code},
    )
    field_records = list(ActionField.history.filter(concept_id=concept.pk).select_related("history_user"))
    entries += history_entries(
        field_records,
        model=ActionField,
        label=lambda record: _("Handlungsfeld %(code)s") % {"code": record.code},
        extra_hidden=("order",),
    )
    field_codes = {record.id: record.code for record in field_records}
    entries += history_entries(
        Goal.history.filter(action_field_id__in=list(field_codes)).select_related("history_user"),
        model=Goal,
        label=lambda record: (
            _("Ziel %(field)s/%(code)s")
            % {"field": field_codes.get(record.action_field_id, "?"), "code": record.code}
        ),
        extra_hidden=("action_field",),
    )
    entries += history_entries(
        SwotEntry.history.filter(concept_id=concept.pk).select_related("history_user"),
        model=SwotEntry,
        label=lambda record: _("SWOT: %(text)s") % {"text": record.text[:60]},
        extra_hidden=("order",),
    )
    return sorted(entries, key=lambda entry: entry.date, reverse=True)


def goal_changes_since(*, action_field: ActionField, version: int) -> list[FieldChange]:
    """What happened to the goals of ``action_field`` after the user loaded the action field at
    ``version``: goals added, changed (field by field) or deleted, as conflict lines. Empty if the
    history does not reach back to that version. Three queries (the action field's records, the goals'
    records, the names they refer to)."""
    base = action_field.history.filter(version=version).order_by("history_date", "history_id").first()
    if base is None:
        return []
    records = list(
        Goal.history.filter(action_field_id=action_field.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = history_entries(
        records, model=Goal, label=lambda record: _("Ziel %(code)s") % {"code": record.code}
    )
    changes = []
    for entry in entries:
        if entry.date <= base.history_date:
            continue
        if entry.kind == "~":
            changes += [
                FieldChange(
                    field=f"goal.{c.field}", label=f"{entry.object_label}: {c.label}", old=c.old, new=c.new
                )
                for c in entry.changes
            ]
        else:
            old, new = (
                ("–", entry.kind_label) if entry.kind == "+" else (entry.object_label, entry.kind_label)
            )
            changes.append(FieldChange(field="goal", label=entry.object_label, old=old, new=new))
    return changes
