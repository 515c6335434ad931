"""Funding programmes, rates, cost lines, financing modules and approval notices.

Depends on ``projects`` and ``measures``. The arithmetic over these rows lives in ``funding/kuf/arithmetic.py``
(pure, no ORM); ``funding/kuf/selectors.py`` loads rows for it in a fixed number of queries.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models import Measure
from projects.fields import LimitedTextField
from projects.models import Concept, Municipality, UrbanProgramme
from projects.validators import SHORT_TEXT, non_negative_validator, percent_validators, year_validators

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


class CostSection(models.IntegerChoices):
    """Cost sections of the NRW directive (Förderrichtlinie Stadterneuerung 2023, Nr. 7–11)."""

    PREPARATION = 7, _("7 Vorbereitung")
    REGULATORY = 8, _("8 Ordnungsmaßnahmen")
    CONSTRUCTION = 9, _("9 Baumaßnahmen")
    PROGRAMMES = 10, _("10 Kommunale Förderprogramme und Fonds")
    OTHER = 11, _("11 Sonstige Maßnahmen")


class FundingProgramme(models.Model):
    class Level(models.TextChoices):
        EU = "eu", _("EU")
        FEDERAL = "federal", _("Bund")
        STATE = "state", _("Land")
        MUNICIPAL = "municipal", _("Kommune")
        PRIVATE = "private", _("Privat")

    code = models.CharField(_("Kürzel"), max_length=30, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    level = models.CharField(_("Ebene"), max_length=10, choices=Level.choices)
    default_rate = models.DecimalField(_("Regelfördersatz (%)"), validators=percent_validators, **PERCENT)
    max_rate = models.DecimalField(_("Höchstfördersatz (%)"), validators=percent_validators, **PERCENT)
    urban_programme = models.CharField(
        _("Städtebauförderprogramm"),
        max_length=5,
        choices=UrbanProgramme.choices,
        blank=True,
        help_text=_("Nur für Programme der Städtebauförderung: das Programm des Fördergebiets."),
    )
    description = LimitedTextField(_("Beschreibung"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_rate__gte=0) & Q(default_rate__lte=F("max_rate")) & Q(max_rate__lte=100),
                name="programme_rates_0_default_max_100",
                violation_error_message=_(
                    "Regelfördersatz und Höchstsatz liegen zwischen 0 und 100 %%; der Regelfördersatz darf den Höchstsatz nicht übersteigen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        if self.default_rate is not None and self.max_rate is not None and self.default_rate > self.max_rate:
            raise ValidationError(
                {"default_rate": _("Der Regelfördersatz darf den Höchstfördersatz nicht übersteigen.")}
            )


class MunicipalRate(models.Model):
    """The funding rate a municipality gets in a programme for one programme year."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="funding_rates"
    )
    programme = models.ForeignKey(
        FundingProgramme, verbose_name=_("Programm"), on_delete=models.CASCADE, related_name="municipal_rates"
    )
    year = models.PositiveSmallIntegerField(_("Jahr"), validators=year_validators)
    rate = models.DecimalField(_("Fördersatz (%)"), validators=percent_validators, **PERCENT)

    class Meta:
        verbose_name = _("Fördersatz einer Kommune")
        verbose_name_plural = _("Fördersätze der Kommunen")
        ordering = ["municipality__name", "programme__code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "programme", "year"], name="unique_municipal_rate"
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100),
                name="municipal_rate_0_100",
                violation_error_message=_("Der Fördersatz muss zwischen 0 und 100 %% liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.programme.code} {self.year}: {self.rate} %"


class CostLine(models.Model):
    measure = models.ForeignKey(
        Measure, verbose_name=_("Maßnahme"), on_delete=models.CASCADE, related_name="cost_lines"
    )
    section = models.PositiveSmallIntegerField(_("Kostengruppe"), choices=CostSection.choices)
    year = models.PositiveSmallIntegerField(_("Jahr"), validators=year_validators)
    gross = models.DecimalField(_("Gesamtkosten (brutto)"), validators=[non_negative_validator], **MONEY)
    ineligible = models.DecimalField(
        _("davon nicht förderfähig"), default=Decimal("0.00"), validators=[non_negative_validator], **MONEY
    )
    note = models.CharField(_("Bemerkung"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kostenzeile")
        verbose_name_plural = _("Kostenzeilen")
        ordering = ["measure", "year", "section", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gross__gte=0),
                name="cost_gross_non_negative",
                violation_error_message=_("Die Bruttokosten dürfen nicht negativ sein."),
            ),
            models.CheckConstraint(
                condition=Q(ineligible__gte=0) & Q(ineligible__lte=F("gross")),
                name="cost_ineligible_between_0_and_gross",
                violation_error_message=_(
                    "Der nicht förderfähige Anteil muss zwischen 0 und den Bruttokosten liegen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(section__gte=7) & Q(section__lte=11),
                name="cost_section_7_11",
                violation_error_message=_("Die Kostengruppe muss zwischen 7 und 11 liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.year} KG {self.section}: {self.gross}"

    def clean(self) -> None:
        if self.gross is not None and self.ineligible is not None and self.ineligible > self.gross:
            raise ValidationError(
                {"ineligible": _("Der nicht förderfähige Anteil darf die Gesamtkosten nicht übersteigen.")}
            )


class FinancingModule(models.Model):
    """One source of money for a measure.

    A module is either a share of the eligible cost at a rate (``rate``; for a grant without its own
    rate the municipality's rate for the programme and year applies) or a fixed ``amount`` (spread over
    the years pro rata, unless per-year amounts are given). ``cost_share`` is the part of the eligible
    cost a rate applies to: a park paid 40 % by EFRE and 60 % by Städtebauförderung has two grant
    modules with shares 40 and 60, so no euro is funded twice.
    """

    class Kind(models.TextChoices):
        GRANT = "grant", _("Zuwendung (Förderprogramm)")
        THIRD_PARTY = "third_party", _("Mittel Dritter")
        MUNICIPAL = "municipal", _("Eigenmittel der Kommune (fest)")

    measure = models.ForeignKey(
        Measure, verbose_name=_("Maßnahme"), on_delete=models.CASCADE, related_name="financing_modules"
    )
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices, default=Kind.GRANT)
    programme = models.ForeignKey(
        FundingProgramme,
        verbose_name=_("Programm"),
        on_delete=models.PROTECT,
        related_name="financing_modules",
        null=True,
        blank=True,
    )
    source = models.CharField(
        _("Geldgeber"), max_length=200, blank=True, help_text=_("Bei Mitteln Dritter: wer zahlt.")
    )
    cost_share = models.DecimalField(
        _("Anteil an den förderfähigen Kosten (%)"),
        default=Decimal("100"),
        validators=percent_validators,
        **PERCENT,
    )
    rate = models.DecimalField(
        _("Satz (%)"),
        null=True,
        blank=True,
        validators=percent_validators,
        help_text=_("Leer lassen, um den Fördersatz der Kommune für Programm und Jahr zu verwenden."),
        **PERCENT,
    )
    amount = models.DecimalField(
        _("Fester Betrag"), null=True, blank=True, validators=[non_negative_validator], **MONEY
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Finanzierungsbaustein")
        verbose_name_plural = _("Finanzierungsbausteine")
        ordering = ["measure", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="grant") & Q(programme__isnull=False))
                | (~Q(kind="grant") & Q(programme__isnull=True)),
                name="financing_programme_iff_grant",
                violation_error_message=_(
                    "Eine Förderung braucht ein Förderprogramm; Eigen- und Drittmittel haben keins."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | Q(amount__isnull=True),
                name="financing_rate_xor_amount",
                violation_error_message=_(
                    "Geben Sie entweder einen Satz oder einen festen Betrag an, nicht beides."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | (Q(rate__gte=0) & Q(rate__lte=100)),
                name="financing_rate_0_100",
                violation_error_message=_("Der Satz muss zwischen 0 und 100 %% liegen."),
            ),
            models.CheckConstraint(
                condition=Q(cost_share__gte=0) & Q(cost_share__lte=100),
                name="financing_share_0_100",
                violation_error_message=_("Der Kostenanteil muss zwischen 0 und 100 %% liegen."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="financing_amount_non_negative",
                violation_error_message=_("Der Betrag darf nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        label = self.programme.code if self.programme_id else (self.source or self.get_kind_display())
        return f"{self.measure.code}: {label}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == self.Kind.GRANT and not self.programme_id:
            errors["programme"] = _("Eine Zuwendung braucht ein Förderprogramm.")
        if self.kind != self.Kind.GRANT and self.programme_id:
            errors["programme"] = _("Nur Zuwendungen haben ein Förderprogramm.")
        if self.rate is not None and self.amount is not None:
            errors["amount"] = _("Bitte entweder einen Satz oder einen festen Betrag angeben, nicht beides.")
        if errors:
            raise ValidationError(errors)


class FinancingYear(models.Model):
    """Optional per-year split of a fixed-amount financing module."""

    module = models.ForeignKey(
        FinancingModule,
        verbose_name=_("Finanzierungsbaustein"),
        on_delete=models.CASCADE,
        related_name="years",
    )
    year = models.PositiveSmallIntegerField(_("Jahr"), validators=year_validators)
    amount = models.DecimalField(_("Betrag"), validators=[non_negative_validator], **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Jahresscheibe eines Finanzierungsbausteins")
        verbose_name_plural = _("Jahresscheiben der Finanzierungsbausteine")
        ordering = ["module", "year"]
        constraints = [
            models.UniqueConstraint(fields=["module", "year"], name="unique_financing_year"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="financing_year_amount_non_negative",
                violation_error_message=_("Der Betrag darf nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} {self.year}: {self.amount}"


class ApprovalNotice(models.Model):
    """Zuwendungsbescheid: the grant a municipality was approved for one programme year."""

    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="approval_notices"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="approval_notices"
    )
    programme = models.ForeignKey(
        FundingProgramme,
        verbose_name=_("Programm"),
        on_delete=models.PROTECT,
        related_name="approval_notices",
    )
    year = models.PositiveSmallIntegerField(_("Programmjahr"), validators=year_validators)
    amount = models.DecimalField(_("Bewilligter Betrag"), validators=[non_negative_validator], **MONEY)
    date = models.DateField(_("Datum des Bescheids"))
    reference = models.CharField(_("Aktenzeichen"), max_length=100)
    note = LimitedTextField(_("Bemerkung"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        verbose_name = _("Zuwendungsbescheid")
        verbose_name_plural = _("Zuwendungsbescheide")
        ordering = ["concept", "municipality__name", "year", "programme__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "reference"], name="unique_notice_reference_per_concept"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="notice_amount_non_negative",
                violation_error_message=_("Der bewilligte Betrag darf nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.municipality}, {self.year})"


class KufVersion(models.Model):
    """A frozen state ("Stand") of a concept's KuF, such as "Antrag 2026": the computed rows as they
    stood when an editor froze them, kept for the application and for comparing with later states.

    Immutable, enforced by database triggers (migrations 0005 and 0007), whatever code or SQL prompt
    tries otherwise: no UPDATE of a version or of its rows; rows are inserted only when freezing
    (``funding.versions.kuf_version_freeze``), before their version, in the same transaction; a single
    row is never deleted while its version exists. So later edits to measures, rates or programmes
    never change what was applied for. Deleting a whole version is possible (admin only): by any path
    (``version.delete()``, a queryset, the admin, deleting the concept, raw SQL) the database deletes
    its rows with it.
    """

    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="kuf_versions"
    )
    name = models.CharField(_("Bezeichnung"), max_length=100)
    note = LimitedTextField(_("Bemerkung"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("Eingefroren am"), default=timezone.now)
    # The name as text, not a foreign key: deleting a user must not need to update a frozen version.
    created_by = models.CharField(_("Eingefroren von"), max_length=150, blank=True)
    years = models.JSONField(_("Programmjahre"), default=list, blank=True)

    class Meta:
        verbose_name = _("KuF-Stand")
        verbose_name_plural = _("KuF-Stände")
        ordering = ["concept", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["concept", "name"], name="unique_kuf_version_name_per_concept"),
        ]

    def __str__(self) -> str:
        return self.name


class KufVersionRow(models.Model):
    """One measure of a frozen KuF, with every column as it stood. Money per year is kept in ``by_year``
    (``{"2025": {"gross": "1000.00", …, "grants": {"LZ": "700.00"}}}``); the totals are the sums of the
    year cells and are stored as columns for queries and checks."""

    # DO_NOTHING: the database deletes the rows after their version (a trigger, migration 0007). Django's
    # cascade would delete the rows first, which the database refuses while the version exists.
    version = models.ForeignKey(
        KufVersion, verbose_name=_("KuF-Stand"), on_delete=models.DO_NOTHING, related_name="rows"
    )
    position = models.PositiveIntegerField(_("Position"))
    measure_uid = models.UUIDField(_("Stabile Kennung der Maßnahme"))
    measure_id = models.PositiveIntegerField(_("Maßnahme (ID)"), null=True, blank=True)
    code = models.CharField(_("Kürzel"), max_length=30)
    title = models.CharField(_("Titel"), max_length=300)
    action_field_code = models.CharField(_("Handlungsfeld"), max_length=20)
    action_field_title = models.CharField(_("Titel des Handlungsfelds"), max_length=200)
    action_field_order = models.IntegerField(_("Reihenfolge des Handlungsfelds"), default=0)
    municipality = models.CharField(_("Kommune"), max_length=200)
    quarters = models.JSONField(_("Quartiere"), default=list, blank=True)
    quarter_programmes = models.JSONField(_("Programme der Quartiere"), default=list, blank=True)
    sections = models.JSONField(_("Kostengruppen"), default=list, blank=True)
    programmes = models.JSONField(_("Programme"), default=list, blank=True)
    rates = models.JSONField(_("Fördersätze"), default=list, blank=True)
    responsible_body = models.CharField(_("Träger"), max_length=200, blank=True)
    priority = models.PositiveSmallIntegerField(_("Priorität"))
    status = models.CharField(_("Status"), max_length=12)
    hoai_phase = models.PositiveSmallIntegerField(_("Planungsstand"))
    start_year = models.PositiveSmallIntegerField(_("Beginn"))
    end_year = models.PositiveSmallIntegerField(_("Ende"))
    gross = models.DecimalField(_("Gesamtkosten"), **MONEY)
    eligible = models.DecimalField(_("Zuwendungsfähig"), **MONEY)
    grant = models.DecimalField(_("Zuwendung"), **MONEY)
    third_party = models.DecimalField(_("Mittel Dritter"), **MONEY)
    municipal_share = models.DecimalField(_("Eigenanteil"), **MONEY)
    gap = models.DecimalField(_("Finanzierungslücke"), **MONEY)
    by_year = models.JSONField(_("Jahresscheiben"), default=dict, blank=True)
    checks = models.JSONField(_("Prüfhinweise"), default=list, blank=True)

    class Meta:
        verbose_name = _("Zeile eines KuF-Stands")
        verbose_name_plural = _("Zeilen eines KuF-Stands")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "measure_uid"], name="unique_measure_per_kuf_version"),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.code}"


class KufSignoff(models.Model):
    """A reviewer's verdict on the KuF rows of one municipality: "geprüft" or "Änderung erbeten" with a
    reason. Each verdict is a new record (the latest counts), so the sequence stays on file.

    ``fingerprints`` holds a hash of every row the verdict covered. When a row changes afterwards (or
    rows are added or removed) the verdict no longer matches and the sign-off counts as reset; the KuF
    page says which rows changed.
    """

    class State(models.TextChoices):
        APPROVED = "approved", _("geprüft")
        CHANGES_REQUESTED = "changes", _("Änderung erbeten")

    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="kuf_signoffs"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="kuf_signoffs"
    )
    state = models.CharField(_("Ergebnis"), max_length=12, choices=State.choices)
    reason = LimitedTextField(_("Begründung"), max_length=4000, blank=True)
    fingerprints = models.JSONField(_("Geprüfte Zeilen"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Geprüft von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="kuf_signoffs",
    )
    created_at = models.DateTimeField(_("Geprüft am"), default=timezone.now)

    class Meta:
        verbose_name = _("Prüfung der KuF")
        verbose_name_plural = _("Prüfungen der KuF")
        ordering = ["concept", "municipality__name", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="approved") | ~Q(reason=""),
                name="kuf_signoff_request_needs_reason",
                violation_error_message=_("Wer eine Änderung erbittet, muss sie begründen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_state_display()}"


class KufComment(models.Model):
    """A comment on one KuF row (a measure) by a reviewer or editor; editors mark it as done."""

    concept = models.ForeignKey(
        Concept, verbose_name=_("Konzept"), on_delete=models.CASCADE, related_name="kuf_comments"
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("Maßnahme"), on_delete=models.CASCADE, related_name="kuf_comments"
    )
    text = LimitedTextField(_("Kommentar"), max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Verfasst von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="kuf_comments",
    )
    created_at = models.DateTimeField(_("Verfasst am"), default=timezone.now)
    resolved_at = models.DateTimeField(_("Erledigt am"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Erledigt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Kommentar zur KuF")
        verbose_name_plural = _("Kommentare zur KuF")
        ordering = ["measure", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.measure.code}: {self.text[:40]}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
