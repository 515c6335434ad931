"""Measure profiles (Projektsteckbriefe). Depends on ``projects`` only."""

import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.fields import GeoJSONField, LimitedTextField
from projects.locking import version_counter
from projects.models import ActionField, Concept, Goal, Municipality, Quarter
from projects.validators import LONG_TEXT, year_validators


class MeasureQuerySet(models.QuerySet):
    def for_concept(self, concept: Concept) -> "MeasureQuerySet":
        return self.filter(concept=concept)

    def with_profile(self) -> "MeasureQuerySet":
        """Everything a profile or list shows, loaded in a fixed number of queries."""
        return self.select_related("action_field", "municipality", "concept").prefetch_related(
            "quarters", "goals"
        )


class Measure(models.Model):
    class Priority(models.IntegerChoices):
        P1 = 1, _("P1 – kurzfristig")
        P2 = 2, _("P2 – mittelfristig")
        P3 = 3, _("P3 – langfristig")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Geplant")
        PREPARATION = "preparation", _("In Vorbereitung")
        IN_PROGRESS = "in_progress", _("In Umsetzung")
        COMPLETED = "completed", _("Abgeschlossen")
        DROPPED = "dropped", _("Entfallen")

    class Climate(models.TextChoices):
        NONE = "none", _("Ohne direkten Klimabezug")
        PROTECTION = "protection", _("Klimaschutz")
        ADAPTATION = "adaptation", _("Klimaanpassung")
        BOTH = "both", _("Klimaschutz und Klimaanpassung")

    class HoaiPhase(models.IntegerChoices):
        NONE = 0, _("0 – noch keine Planung")
        BASICS = 1, _("1 – Grundlagenermittlung")
        PRELIMINARY = 2, _("2 – Vorplanung")
        DRAFT = 3, _("3 – Entwurfsplanung")
        PERMIT = 4, _("4 – Genehmigungsplanung")
        EXECUTION = 5, _("5 – Ausführungsplanung")
        TENDER_PREP = 6, _("6 – Vorbereitung der Vergabe")
        TENDER = 7, _("7 – Mitwirkung bei der Vergabe")
        SUPERVISION = 8, _("8 – Objektüberwachung")
        SUPPORT = 9, _("9 – Objektbetreuung")

    uid = models.UUIDField(_("Stabile Kennung"), default=uuid.uuid4, unique=True, editable=False)
    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="measures"
    )
    code = models.CharField(
        _("Kürzel"), max_length=30, help_text=_("Anzeigekürzel, z. B. „A.1.3“ oder „HF2-M04“.")
    )
    title = models.CharField(_("Titel"), max_length=300)
    action_field = models.ForeignKey(
        ActionField, verbose_name=_("Handlungsfeld"), on_delete=models.PROTECT, related_name="measures"
    )
    goals = models.ManyToManyField(Goal, verbose_name=_("Ziele"), related_name="measures", blank=True)
    quarters = models.ManyToManyField(
        Quarter, verbose_name=_("Quartiere"), related_name="measures", blank=True
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Federführende Kommune"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    responsible_body = models.CharField(_("Träger"), max_length=200, blank=True)
    partners = LimitedTextField(_("Partner"), max_length=LONG_TEXT, blank=True)
    starting_situation = LimitedTextField(_("Ausgangslage"), max_length=LONG_TEXT, blank=True)
    description = LimitedTextField(_("Beschreibung"), max_length=LONG_TEXT, blank=True)
    expected_effect = LimitedTextField(_("Erwartete Wirkung"), max_length=LONG_TEXT, blank=True)
    climate_relevance = models.CharField(
        _("Klimarelevanz"), max_length=12, choices=Climate.choices, default=Climate.NONE
    )
    climate_note = LimitedTextField(_("Erläuterung Klimarelevanz"), max_length=LONG_TEXT, blank=True)
    priority = models.PositiveSmallIntegerField(_("Priorität"), choices=Priority.choices, default=Priority.P2)
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    hoai_phase = models.PositiveSmallIntegerField(
        _("Planungsstand (HOAI-Phase)"),
        choices=HoaiPhase.choices,
        default=HoaiPhase.NONE,
        validators=[MaxValueValidator(9)],
    )
    start_year = models.PositiveSmallIntegerField(_("Beginn"), validators=year_validators)
    end_year = models.PositiveSmallIntegerField(_("Ende"), validators=year_validators)
    cost_base_year = models.PositiveSmallIntegerField(
        _("Kostenstand (Jahr)"), null=True, blank=True, validators=year_validators
    )
    location = GeoJSONField(_("Lage (GeoJSON)"), null=True, blank=True)
    related = models.ManyToManyField(
        "self", verbose_name=_("Verwandte Maßnahmen"), blank=True, symmetrical=True
    )
    image = models.ImageField(_("Bild"), upload_to="measures/%Y/", blank=True)
    image_alt = models.CharField(_("Alternativtext des Bildes"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)
    version = version_counter()

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[goals, quarters])

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["concept", "action_field__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["concept", "code"], name="unique_measure_code_per_concept"),
            models.CheckConstraint(
                condition=Q(start_year__lte=F("end_year")),
                name="measure_start_lte_end",
                violation_error_message=_("Das Ende darf nicht vor dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(hoai_phase__lte=9),
                name="measure_hoai_phase_0_9",
                violation_error_message=_("Die Leistungsphase muss zwischen 0 und 9 liegen."),
            ),
            models.CheckConstraint(
                condition=Q(priority__in=[1, 2, 3]),
                name="measure_priority_1_3",
                violation_error_message=_("Die Priorität muss 1, 2 oder 3 sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def image_url(self) -> str:
        """The image through ``measures.views.MeasureImageView`` (permission-checked), with the file's
        name in the query so a replaced image gets a new URL; "" without an image."""
        if not self.image:
            return ""
        url = reverse("measures:measure_image", args=[self.concept.slug, self.pk])
        return f"{url}?v={hashlib.sha256(self.image.name.encode()).hexdigest()[:12]}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_year and self.end_year and self.start_year > self.end_year:
            errors["end_year"] = _("Das Ende darf nicht vor dem Beginn liegen.")
        if self.action_field_id and self.concept_id and self.action_field.concept_id != self.concept_id:
            errors["action_field"] = _("Das Handlungsfeld gehört zu einem anderen Konzept.")
        if (
            self.concept_id
            and self.municipality_id
            and not self.concept.participations.filter(municipality_id=self.municipality_id).exists()
        ):
            errors["municipality"] = _("Die Kommune ist an diesem Konzept nicht beteiligt.")
        if self.image and not self.image_alt:
            errors["image_alt"] = _("Bitte einen Alternativtext für das Bild angeben.")
        if errors:
            raise ValidationError(errors)


class Indicator(models.Model):
    """A monitoring indicator of a measure with its target value."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("Maßnahme"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("Indikator"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=50, blank=True)
    baseline = models.DecimalField(_("Ausgangswert"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(_("Zielwert"), max_digits=14, decimal_places=2)
    target_year = models.PositiveSmallIntegerField(
        _("Zieljahr"), null=True, blank=True, validators=year_validators
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Indikator")
        verbose_name_plural = _("Indikatoren")
        ordering = ["measure", "pk"]

    def __str__(self) -> str:
        return self.name
