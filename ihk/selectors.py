"""Reads that span every app: the public concept list and a concept's overview page."""

from dataclasses import dataclass, field

from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from funding import kuf
from funding.kuf.selectors import kuf_table_for_concept
from funding.models import CostLine
from projects.models import ActionField, Concept, ConceptMunicipality, Goal, Quarter, SwotEntry
from projects.selectors import concept_list_public

MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)
SWOT_HEADINGS = {
    SwotEntry.Kind.STRENGTH: _("Stärken"),
    SwotEntry.Kind.WEAKNESS: _("Schwächen"),
    SwotEntry.Kind.OPPORTUNITY: _("Chancen"),
    SwotEntry.Kind.THREAT: _("Risiken"),
}


def concept_list_with_totals() -> QuerySet[Concept]:
    """Published concepts with ``gross_total``: one correlated subquery, no query per concept."""
    gross = (
        CostLine.objects.filter(measure__concept=OuterRef("pk"))
        .order_by()
        .values("measure__concept")
        .annotate(total=Sum("gross"))
        .values("total")
    )
    return concept_list_public().annotate(
        gross_total=Coalesce(Subquery(gross, output_field=MONEY_FIELD), Value(0), output_field=MONEY_FIELD)
    )


@dataclass
class ActionFieldSection:
    action_field: ActionField
    goals: list[Goal]
    rows: list[kuf.KufRow]
    total: kuf.Amounts


@dataclass
class ConceptOverview:
    concept: Concept
    participations: list[ConceptMunicipality]
    quarters: list[Quarter]
    sections: list[ActionFieldSection]
    swot: list[tuple[str, str, list[SwotEntry]]]
    table: kuf.KufTable
    by_municipality: list[tuple[str, kuf.Amounts]] = field(default_factory=list)

    @property
    def total(self) -> kuf.Amounts:
        return self.table.total


def concept_overview(*, concept: Concept) -> ConceptOverview:
    """Everything the public concept page shows, in a fixed number of queries.

    Queries: participations with municipality (1), quarters with municipality (1), action fields (1) with
    goals (1), SWOT entries (1), and the KuF (6, see ``funding.kuf.selectors.kuf_rows_for_concept``).
    """
    participations = list(
        concept.participations.select_related("municipality").order_by("role", "municipality__name")
    )
    quarters = list(concept.quarters.select_related("municipality").order_by("order", "code"))
    action_fields = list(
        concept.action_fields.order_by("order", "code").prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("order", "code"))
        )
    )
    entries: dict[str, list[SwotEntry]] = {kind: [] for kind in SwotEntry.Kind.values}
    for entry in concept.swot_entries.select_related("action_field").order_by("order", "pk"):
        entries[entry.kind].append(entry)
    swot = [(kind, SWOT_HEADINGS[kind], entries[kind]) for kind in SwotEntry.Kind.values]
    table = kuf_table_for_concept(concept=concept)
    groups = {group.label.key: group for group in table.groups}
    sections = []
    for action_field in action_fields:
        group = groups.get(action_field.code)
        sections.append(
            ActionFieldSection(
                action_field=action_field,
                goals=list(action_field.goals.all()),
                rows=group.rows if group else [],
                total=group.total if group else kuf.Amounts(),
            )
        )
    order = [p.municipality.name for p in participations]
    by_municipality = [(name, table.by_municipality[name]) for name in order if name in table.by_municipality]
    return ConceptOverview(
        concept=concept,
        participations=participations,
        quarters=quarters,
        sections=sections,
        swot=swot,
        table=table,
        by_municipality=by_municipality,
    )
