"""Import and export of measures (django-import-export).

A measure is identified by its concept's slug and its display code, never by a database id, so a
planning office can export a concept, edit the file in Excel and import it again, or import into
another installation. Action fields and quarters are looked up by their codes *within that concept*:
"HF1" means the HF1 of the row's concept, not the first HF1 in the database.

Column headers are fixed German strings, not gettext: a header is part of the file's contract and
must not change with the language the admin happens to run in, or a file exported in German would not
import in English.
"""

from typing import Any, ClassVar

from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist, ValidationError
from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from projects.models import ActionField, Concept, Municipality, Quarter

from .models import Measure

CONCEPT_COLUMN = "Konzept"


class GermanHeadersResource(resources.ModelResource):
    """A model resource whose automatic (undeclared) fields get the headers in ``column_names``."""

    column_names: ClassVar[dict[str, str]] = {}

    @classmethod
    def field_from_django_field(cls, field_name: str, django_field: Any, readonly: bool) -> fields.Field:
        field = super().field_from_django_field(field_name, django_field, readonly)
        field.column_name = cls.column_names.get(field_name, field_name)
        return field


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign-key widget that reports an unknown or ambiguous key as a readable field error."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Model | None:
        try:
            return super().clean(value, row, **kwargs)
        except ObjectDoesNotExist:
            raise ValueError(
                _("„%(value)s“ wurde nicht gefunden (%(model)s).")
                % {"value": value, "model": self.model._meta.verbose_name}
            ) from None
        except MultipleObjectsReturned:
            raise ValueError(
                _("„%(value)s“ ist nicht eindeutig (%(model)s).")
                % {"value": value, "model": self.model._meta.verbose_name}
            ) from None


class ConceptScopedForeignKeyWidget(LookupWidget):
    """Looks a code up among the objects of the row's concept (column ``Konzept``, the concept slug).

    Works for every model with a ``concept`` foreign key: action fields, quarters, measures.
    """

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> QuerySet:
        return self.model.objects.filter(concept__slug=(row or {}).get(CONCEPT_COLUMN))


class ConceptScopedManyToManyWidget(widgets.ManyToManyWidget):
    """Comma-separated codes, looked up within the row's concept; an unknown code is an error."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> QuerySet:
        if not value:
            return self.model.objects.none()
        codes = {code.strip() for code in str(value).split(self.separator) if code.strip()}
        found = self.model.objects.filter(
            concept__slug=(row or {}).get(CONCEPT_COLUMN), **{f"{self.field}__in": codes}
        )
        missing = codes - set(found.values_list(self.field, flat=True))
        if missing:
            raise ValueError(
                _("Nicht gefunden (%(model)s): %(codes)s")
                % {"model": self.model._meta.verbose_name_plural, "codes": ", ".join(sorted(missing))}
            )
        return found


class AgsWidget(LookupWidget):
    """A municipality by its AGS; Excel turns "05000001" into the number 5000001, so pad it again."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Model | None:
        if isinstance(value, int | float):
            value = str(int(value))
        if isinstance(value, str) and value.strip().isdigit():
            value = value.strip().zfill(8)
        return super().clean(value, row, **kwargs)


class MeasureResource(GermanHeadersResource):
    concept = fields.Field(
        attribute="concept", column_name=CONCEPT_COLUMN, widget=LookupWidget(Concept, field="slug")
    )
    action_field = fields.Field(
        attribute="action_field",
        column_name="Handlungsfeld",
        widget=ConceptScopedForeignKeyWidget(ActionField, field="code"),
    )
    municipality = fields.Field(
        attribute="municipality", column_name="Kommune (AGS)", widget=AgsWidget(Municipality, field="ags")
    )
    quarters = fields.Field(
        attribute="quarters",
        column_name="Quartiere",
        widget=ConceptScopedManyToManyWidget(Quarter, field="code", separator=","),
    )
    uid = fields.Field(attribute="uid", column_name="Kennung", readonly=True)

    column_names: ClassVar[dict[str, str]] = {
        "code": "Kürzel",
        "title": "Titel",
        "responsible_body": "Träger",
        "partners": "Partner",
        "starting_situation": "Ausgangslage",
        "description": "Beschreibung",
        "expected_effect": "Erwartete Wirkung",
        "climate_relevance": "Klimarelevanz",
        "climate_note": "Erläuterung Klimarelevanz",
        "priority": "Priorität",
        "status": "Status",
        "hoai_phase": "HOAI-Phase",
        "start_year": "Beginn",
        "end_year": "Ende",
        "cost_base_year": "Kostenstand",
        "order": "Reihenfolge",
    }

    class Meta:
        model = Measure
        name = gettext_lazy("Maßnahmen")
        import_id_fields = ("concept", "code")
        fields = (
            "concept",
            "code",
            "uid",
            "title",
            "action_field",
            "municipality",
            "quarters",
            "responsible_body",
            "partners",
            "starting_situation",
            "description",
            "expected_effect",
            "climate_relevance",
            "climate_note",
            "priority",
            "status",
            "hoai_phase",
            "start_year",
            "end_year",
            "cost_base_year",
            "order",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True

    def filter_export(self, queryset: QuerySet, **kwargs: Any) -> QuerySet:
        """Load what the columns show up front: three joins and one query for all quarters."""
        return queryset.select_related("concept", "action_field", "municipality").prefetch_related(
            Prefetch("quarters", queryset=Quarter.objects.order_by("code"))
        )

    def import_instance(self, instance: Measure, row: Any, **kwargs: Any) -> None:
        """Also check the quarter codes before saving, so an unknown one is a field error.

        import-export sets many-to-many values only after the measure is saved and would report a bad
        code as a crash of the whole row instead.
        """
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        quarters = self.fields["quarters"]
        if quarters.column_name in row:
            try:
                quarters.clean(row)
            except ValueError as error:
                errors["quarters"] = ValidationError(str(error), code="invalid")
        if errors:
            raise ValidationError(errors)
