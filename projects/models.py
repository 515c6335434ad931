"""Municipalities, organisations, concepts and their goal system.

The lowest app of the chain: it imports no other app of ours.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .fields import GeoJSONField, LimitedTextField
from .guards import years_change_errors
from .locking import version_counter
from .validators import LONG_TEXT, SHORT_TEXT, ags_validator, colour_validator, year_validators


class State(models.TextChoices):
    BW = "BW", _("Baden-Württemberg")
    BY = "BY", _("Bayern")
    BE = "BE", _("Berlin")
    BB = "BB", _("Brandenburg")
    HB = "HB", _("Bremen")
    HH = "HH", _("Hamburg")
    HE = "HE", _("Hessen")
    MV = "MV", _("Mecklenburg-Vorpommern")
    NI = "NI", _("Niedersachsen")
    NW = "NW", _("Nordrhein-Westfalen")
    RP = "RP", _("Rheinland-Pfalz")
    SL = "SL", _("Saarland")
    SN = "SN", _("Sachsen")
    ST = "ST", _("Sachsen-Anhalt")
    SH = "SH", _("Schleswig-Holstein")
    TH = "TH", _("Thüringen")


class UrbanProgramme(models.TextChoices):
    """The federal/state urban-development programme a funding area belongs to."""

    LZ = "LZ", _("Lebendige Zentren")
    SZ = "SZ", _("Sozialer Zusammenhalt")
    WNE = "WNE", _("Wachstum und nachhaltige Erneuerung")
    OTHER = "OTHER", _("Sonstiges")


class Municipality(models.Model):
    name = models.CharField(_("Name"), max_length=200)
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel"), max_length=8, unique=True, validators=[ags_validator]
    )
    state = models.CharField(_("Bundesland"), max_length=2, choices=State.choices, default=State.NW)
    population = models.PositiveIntegerField(_("Einwohnerzahl"), null=True, blank=True)
    budget_protection = models.BooleanField(
        _("Haushaltssicherung"),
        default=False,
        help_text=_("Kommune im Haushaltssicherungskonzept (höhere Fördersätze bei einigen Programmen)."),
    )

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ags__regex=r"^[0-9]{8}$"),
                name="municipality_ags_8_digits",
                violation_error_message=_("Der Amtliche Gemeindeschlüssel hat genau 8 Ziffern."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PLANNING_OFFICE = "planning_office", _("Planungsbüro")
        LEAD_BODY = "lead_body", _("Federführende Stelle")
        MUNICIPALITY = "municipality", _("Kommunalverwaltung")
        FUNDER = "funder", _("Fördermittelgeber")
        OTHER = "other", _("Sonstige")

    name = models.CharField(_("Name"), max_length=200, unique=True)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    website = models.URLField(_("Website"), blank=True)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConceptQuerySet(models.QuerySet):
    def published(self) -> "ConceptQuerySet":
        return self.filter(published=True)


class Concept(models.Model):
    class Kind(models.TextChoices):
        IHK = "IHK", _("Integriertes Handlungskonzept")
        IIHK = "IIHK", _("Interkommunales Integriertes Handlungskonzept")
        ISEK = "ISEK", _("Integriertes Stadtentwicklungskonzept")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        CONSULTATION = "consultation", _("In Beteiligung")
        ADOPTED = "adopted", _("Beschlossen")
        APPROVED = "approved", _("Bewilligt")

    kind = models.CharField(_("Art"), max_length=4, choices=Kind.choices, default=Kind.IHK)
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname (URL)"), max_length=100, unique=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Federführung"),
        on_delete=models.PROTECT,
        related_name="led_concepts",
        null=True,
        blank=True,
    )
    planning_office = models.ForeignKey(
        Organisation,
        verbose_name=_("Planungsbüro"),
        on_delete=models.PROTECT,
        related_name="planned_concepts",
        null=True,
        blank=True,
    )
    municipalities = models.ManyToManyField(
        Municipality,
        through="ConceptMunicipality",
        related_name="concepts",
        verbose_name=_("Beteiligte Kommunen"),
    )
    year_from = models.PositiveSmallIntegerField(_("Programmjahre von"), validators=year_validators)
    year_to = models.PositiveSmallIntegerField(_("Programmjahre bis"), validators=year_validators)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    vision = LimitedTextField(_("Leitbild"), max_length=LONG_TEXT, blank=True)
    summary = LimitedTextField(_("Zusammenfassung"), max_length=LONG_TEXT, blank=True)
    published = models.BooleanField(_("Veröffentlicht"), default=False)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)
    version = version_counter()
    # Moves forward with every change of the concept's data (``projects.dataversion``); cached figures
    # are keyed by it. Never written by ``save``.
    data_version = models.PositiveBigIntegerField(_("Datenstand"), default=0, editable=False)

    objects = ConceptQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "data_version"])

    class Meta:
        verbose_name = _("Konzept")
        verbose_name_plural = _("Konzepte")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_from__lte=F("year_to")),
                name="concept_year_from_lte_year_to",
                violation_error_message=_(
                    "Das Ende des Programmzeitraums darf nicht vor seinem Beginn liegen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # An update never writes ``data_version``: this object may have been loaded before a change
        # moved it on (``projects.dataversion``).
        if not self._state.adding and not kwargs.get("force_insert") and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "data_version"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("site:concept_detail", kwargs={"slug": self.slug})

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))

    def clean(self) -> None:
        if self.year_from and self.year_to and self.year_from > self.year_to:
            raise ValidationError(
                {"year_to": _("Das Endjahr darf nicht vor dem Anfangsjahr liegen.")}, code="years"
            )
        if self.pk and self.year_from and self.year_to:
            stored = Concept.objects.filter(pk=self.pk).values_list("year_from", "year_to").first()
            if stored and stored != (self.year_from, self.year_to):
                errors = years_change_errors(concept=self, year_from=self.year_from, year_to=self.year_to)
                if errors:
                    raise ValidationError(errors, code="years_in_use")


class ConceptMunicipality(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Federführend")
        MEMBER = "member", _("Beteiligt")

    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="participations"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("Beteiligte Kommune")
        verbose_name_plural = _("Beteiligte Kommunen")
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["concept", "municipality"], name="unique_concept_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} ({self.get_role_display()})"


class Quarter(models.Model):
    """A quarter / funding area (Fördergebiet) of one municipality inside a concept."""

    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="quarters"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="quarters"
    )
    code = models.CharField(_("Kürzel"), max_length=20)
    name = models.CharField(_("Name"), max_length=200)
    programme = models.CharField(
        _("Programm"), max_length=5, choices=UrbanProgramme.choices, default=UrbanProgramme.LZ
    )
    area_ha = models.DecimalField(_("Fläche (ha)"), max_digits=10, decimal_places=2, null=True, blank=True)
    population = models.PositiveIntegerField(_("Einwohnerzahl"), null=True, blank=True)
    analysis = LimitedTextField(_("Bestandsanalyse"), max_length=LONG_TEXT, blank=True)
    boundary = GeoJSONField(_("Abgrenzung (GeoJSON)"), null=True, blank=True)
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    version = version_counter()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Quartier / Fördergebiet")
        verbose_name_plural = _("Quartiere / Fördergebiete")
        ordering = ["concept", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["concept", "code"], name="unique_quarter_code_per_concept"),
            models.CheckConstraint(
                condition=Q(area_ha__isnull=True) | Q(area_ha__gte=0),
                name="quarter_area_non_negative",
                violation_error_message=_("Die Fläche darf nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if (
            self.concept_id
            and self.municipality_id
            and not ConceptMunicipality.objects.filter(
                concept_id=self.concept_id, municipality_id=self.municipality_id
            ).exists()
        ):
            raise ValidationError(
                {"municipality": _("Die Kommune ist an diesem Konzept nicht beteiligt.")}, code="municipality"
            )


class ActionField(models.Model):
    """Handlungsfeld: a chapter of the goal system."""

    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="action_fields"
    )
    code = models.CharField(_("Kürzel"), max_length=20)
    title = models.CharField(_("Titel"), max_length=200)
    description = LimitedTextField(_("Beschreibung"), max_length=LONG_TEXT, blank=True)
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    colour = models.CharField(_("Farbe"), max_length=7, default="#2F6F8F", validators=[colour_validator])
    version = version_counter(
        _("Zählt jede Änderung am Handlungsfeld und an seinen Zielen; schützt vor Überschreiben.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["concept", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["concept", "code"], name="unique_action_field_code_per_concept"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Goal(models.Model):
    action_field = models.ForeignKey(
        ActionField, verbose_name=_("Handlungsfeld"), on_delete=models.CASCADE, related_name="goals"
    )
    code = models.CharField(_("Kürzel"), max_length=20)
    title = models.CharField(_("Titel"), max_length=300)
    description = LimitedTextField(_("Beschreibung"), max_length=SHORT_TEXT, blank=True)
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Ziel")
        verbose_name_plural = _("Ziele")
        ordering = ["action_field", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["action_field", "code"], name="unique_goal_code_per_action_field"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class SwotEntry(models.Model):
    class Kind(models.TextChoices):
        STRENGTH = "S", _("Stärke")
        WEAKNESS = "W", _("Schwäche")
        OPPORTUNITY = "O", _("Chance")
        THREAT = "T", _("Risiko")

    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="swot_entries"
    )
    kind = models.CharField(_("Art"), max_length=1, choices=Kind.choices)
    text = LimitedTextField(_("Text"), max_length=SHORT_TEXT)
    action_field = models.ForeignKey(
        ActionField,
        verbose_name=_("Handlungsfeld"),
        on_delete=models.CASCADE,
        related_name="swot_entries",
        null=True,
        blank=True,
    )
    quarter = models.ForeignKey(
        Quarter,
        verbose_name=_("Quartier"),
        on_delete=models.CASCADE,
        related_name="swot_entries",
        null=True,
        blank=True,
    )
    order = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    version = version_counter()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SWOT-Eintrag")
        verbose_name_plural = _("SWOT-Einträge")
        ordering = ["concept", "kind", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def clean(self) -> None:
        errors = {}
        if self.action_field_id and self.concept_id and self.action_field.concept_id != self.concept_id:
            errors["action_field"] = _("Das Handlungsfeld gehört zu einem anderen Konzept.")
        if self.quarter_id and self.concept_id and self.quarter.concept_id != self.concept_id:
            errors["quarter"] = _("Das Quartier gehört zu einem anderen Konzept.")
        if errors:
            raise ValidationError(errors)


class ConceptMembership(models.Model):
    """A person's role in one concept. Roles are per concept, never global (admin aside)."""

    class Role(models.TextChoices):
        EDITOR = "editor", _("Bearbeitung (Planungsbüro)")
        REVIEWER = "reviewer", _("Prüfung (Kommune)")
        FUNDER = "funder", _("Fördermittelgeber")
        MODERATOR = "moderator", _("Moderation")

    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Kommune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Bei der Prüfung: die Kommune, deren KuF-Zeilen die Person prüft."),
    )

    class Meta:
        verbose_name = _("Konzeptrolle")
        verbose_name_plural = _("Konzeptrollen")
        ordering = ["concept", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["concept", "user", "role"], name="unique_membership_role"),
            models.CheckConstraint(
                condition=~Q(role="reviewer") | Q(municipality__isnull=False),
                name="reviewer_needs_municipality",
                violation_error_message=_(
                    "Wer prüft, braucht eine Kommune, deren KuF-Zeilen er oder sie prüft."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.concept}"
