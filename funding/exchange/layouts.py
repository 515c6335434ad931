"""The one description of the measure-list workbook, which the import reads and every export writes.

Three sheets (``LAYOUTS``): "Maßnahmen", "Kostenzeilen" and "Finanzierung", each a ``Layout`` of
``Column`` s. A column says everything both directions need: its key (the model field or look-up it
stands for), the German header and the headers also accepted, its kind (how a cell is read and
compared: ``MONEY``, ``PERCENT``, ``CHOICE``, …), whether it must be present and filled, the length
limit of a text (taken from the model field, so the file and the editor share it), and how it is
written (``sheet_column``: the writer's kind, number format and width in
``projects.spreadsheets``). The sheet "Finanzierung" has one more money column per year
("Betrag 2025"). The labels of choice values (``CHOICES``, ``choice_label``) are part of the format
too: written in German, read in German, English or as stored values.

Column headers are fixed German strings, not gettext: a header is part of the file's contract and
must not change with the interface language, or a file exported in German would not import in
English.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy

from funding.models import CostLine, CostSection, FinancingModule, FundingProgramme
from measures.models import Measure
from projects import spreadsheets
from projects.models import ActionField, Municipality

MEASURES = "measures"
COSTS = "costs"
MODULES = "modules"

# Column kinds: how a cell is read and compared.
TEXT = "text"
CODE = "code"  # a short identifier: no line breaks
INTEGER = "integer"
YEAR = "year"
MONEY = "money"
PERCENT = "percent"
CHOICE = "choice"
CODES = "codes"  # comma-separated codes
UID = "uid"
INFO = "info"  # written for readers, ignored on import

YEAR_KEY_PREFIX = "year:"  # the key of a per-year amount column: "year:2025"

# How each kind is written: the writer's kind, number format and default width. Percentages are written
# as the fraction with two decimals (12.5 is written 0.125 and shown "12,50 %"), as Excel stores a typed
# "12,5 %"; years and whole numbers without separators.
_WRITTEN: dict[str, tuple[str, str, float]] = {
    MONEY: (spreadsheets.EUR, spreadsheets.EUR_FORMAT, 15),
    PERCENT: (spreadsheets.PERCENT, spreadsheets.PERCENT_DATA_FORMAT, 10),
    YEAR: (spreadsheets.INTEGER, spreadsheets.INTEGER_FORMAT, 9),
    INTEGER: (spreadsheets.INTEGER, spreadsheets.INTEGER_FORMAT, 10),
}
_TEXT_WRITTEN = (spreadsheets.TEXT, "", 14)
WIDE = 40  # long texts


def normalize_header(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def model_limit(model, name: str) -> int | None:
    """The length limit of a model's text field: its ``max_length`` or ``MaxLengthValidator``."""
    field = model._meta.get_field(name)
    limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
    if field.max_length:
        limits.append(field.max_length)
    return min(limits) if limits else None


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    required: bool = False  # the column must be present in the file
    blank: bool = True  # an empty cell is allowed
    max_length: int | None = None
    aliases: tuple[str, ...] = ()
    width: float = 0  # in the written sheet; 0: the kind's width

    def headers(self) -> set[str]:
        return {normalize_header(name) for name in (self.header, *self.aliases)}

    @property
    def sheet_column(self) -> spreadsheets.Column:
        """The column as ``projects.spreadsheets.write_workbook`` writes it."""
        kind, number_format, width = _WRITTEN.get(self.kind, _TEXT_WRITTEN)
        return spreadsheets.Column(self.header, kind, width=self.width or width, number_format=number_format)


@dataclass(frozen=True)
class Layout:
    kind: str
    sheet: str  # the sheet's name in the workbook
    columns: tuple[Column, ...]
    year_header: str = ""  # per-year amount columns: "Betrag 2025"
    frozen_columns: int = 1  # columns that stay visible when scrolling right in the written sheet

    @property
    def label(self) -> str:
        return str(LAYOUT_LABELS[self.kind])

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]

    def column(self, key: str) -> Column:
        """The column of ``key``; a per-year key ("year:2025") gives a money column "Betrag 2025"."""
        if key.startswith(YEAR_KEY_PREFIX):
            return Column(key, f"{self.year_header} {key.removeprefix(YEAR_KEY_PREFIX)}", MONEY)
        return next(column for column in self.columns if column.key == key)

    def key_for_header(self, header: str) -> str | None:
        """The key of the column headed ``header`` as written (a per-year header gives its year key)."""
        wanted = normalize_header(header)
        column = next((c for c in self.columns if wanted in c.headers()), None)
        if column is not None:
            return column.key
        year = year_of_header(wanted) if self.year_header else None
        return f"{YEAR_KEY_PREFIX}{year}" if year else None


LAYOUT_LABELS = {
    MEASURES: gettext_lazy("Maßnahmen"),
    COSTS: gettext_lazy("Kostenzeilen"),
    MODULES: gettext_lazy("Finanzierung"),
}


def _measure_text(key: str, header: str, kind: str = TEXT, **options) -> Column:
    return Column(key, header, kind, max_length=model_limit(Measure, key), **options)


MEASURE_LAYOUT = Layout(
    kind=MEASURES,
    sheet="Maßnahmen",
    columns=(
        _measure_text("code", "Kürzel", CODE, required=True, blank=False),
        _measure_text("title", "Titel", required=True, blank=False, width=WIDE),
        Column(
            "action_field",
            "Handlungsfeld",
            CODE,
            required=True,
            blank=False,
            max_length=model_limit(ActionField, "code"),
        ),
        Column(
            "municipality",
            "Kommune",
            TEXT,
            required=True,
            blank=False,
            max_length=model_limit(Municipality, "name"),
            aliases=("Kommune (AGS)", "Federführende Kommune"),
        ),
        Column("quarters", "Quartiere", CODES),
        Column("goals", "Ziele", CODES),
        _measure_text("responsible_body", "Träger"),
        _measure_text("partners", "Partner", width=WIDE),
        _measure_text("starting_situation", "Ausgangslage", width=WIDE),
        _measure_text("description", "Beschreibung", width=WIDE),
        _measure_text("expected_effect", "Erwartete Wirkung", width=WIDE),
        Column("climate_relevance", "Klimarelevanz", CHOICE),
        _measure_text("climate_note", "Erläuterung Klimarelevanz"),
        Column("priority", "Priorität", CHOICE),
        Column("status", "Status", CHOICE),
        Column(
            "hoai_phase",
            "Planungsstand (HOAI-Phase)",
            CHOICE,
            aliases=("HOAI-Phase", "Planungsstand"),
        ),
        Column("start_year", "Beginn", YEAR, required=True, blank=False),
        Column("end_year", "Ende", YEAR, required=True, blank=False),
        Column("cost_base_year", "Kostenstand", YEAR),
        Column("order", "Reihenfolge", INTEGER),
        Column("uid", "Kennung", UID, width=38),
    ),
    frozen_columns=2,
)
COST_LAYOUT = Layout(
    kind=COSTS,
    sheet="Kostenzeilen",
    columns=(
        Column("code", "Kürzel", CODE, required=True, blank=False, max_length=model_limit(Measure, "code")),
        Column("measure_title", "Maßnahme (nur zur Information)", INFO, width=WIDE),
        Column("year", "Jahr", YEAR, required=True, blank=False),
        Column("section", "Kostengruppe", CHOICE, required=True, blank=False),
        Column("gross", "Gesamtkosten", MONEY, required=True, blank=False),
        Column("ineligible", "davon nicht förderfähig", MONEY),
        Column("note", "Bemerkung", TEXT, max_length=model_limit(CostLine, "note")),
    ),
)
MODULE_LAYOUT = Layout(
    kind=MODULES,
    sheet="Finanzierung",
    columns=(
        Column("code", "Kürzel", CODE, required=True, blank=False, max_length=model_limit(Measure, "code")),
        Column("measure_title", "Maßnahme (nur zur Information)", INFO, width=WIDE),
        Column("kind", "Art", CHOICE, required=True, blank=False),
        Column(
            "programme", "Programm", CODE, required=True, max_length=model_limit(FundingProgramme, "code")
        ),
        Column("source", "Geldgeber", TEXT, max_length=model_limit(FinancingModule, "source")),
        Column("cost_share", "Anteil (%)", PERCENT, aliases=("Anteil an den förderfähigen Kosten (%)",)),
        Column("rate", "Satz (%)", PERCENT, aliases=("Fördersatz (%)",)),
        Column("amount", "Fester Betrag", MONEY),
    ),
    year_header="Betrag",
)
LAYOUTS = (MEASURE_LAYOUT, COST_LAYOUT, MODULE_LAYOUT)
# The measure fields a column of "Maßnahmen" holds as they are (the others are looked up by code).
MEASURE_FKS = {"action_field": "action_field_id", "municipality": "municipality_id"}
MEASURE_SCALARS = tuple(
    column.key
    for column in MEASURE_LAYOUT.columns
    if column.key not in {*MEASURE_FKS, "quarters", "goals", "uid"}
)
LAYOUT_BY_KIND = {layout.kind: layout for layout in LAYOUTS}
_YEAR_HEADER = re.compile(r"^(?:betrag|jahresscheibe)\s+(\d{4})$")


def layout_for_sheet(name: str) -> Layout | None:
    """The layout whose sheet is called ``name`` (case-insensitive), if any."""
    return next((layout for layout in LAYOUTS if name and layout.sheet.casefold() == name.casefold()), None)


def year_of_header(normalized: str) -> int | None:
    """The year of a per-year amount header ("betrag 2025", normalised), else ``None``."""
    match = _YEAR_HEADER.match(normalized)
    return int(match.group(1)) if match else None


def year_column_header(year: int) -> str:
    return f"{MODULE_LAYOUT.year_header} {year}"


# --- Choices ----------------------------------------------------------------------------------------

MODULE_KIND_WORDS = {
    "zuwendung": FinancingModule.Kind.GRANT,
    "förderung": FinancingModule.Kind.GRANT,
    "fördermittel": FinancingModule.Kind.GRANT,
    "dritte": FinancingModule.Kind.THIRD_PARTY,
    "drittmittel": FinancingModule.Kind.THIRD_PARTY,
    "eigenmittel": FinancingModule.Kind.MUNICIPAL,
    "eigenanteil": FinancingModule.Kind.MUNICIPAL,
}

# The choices of each choice column, and words also understood.
CHOICES: dict[str, Callable[[], tuple[list, dict[str, object]]]] = {
    "climate_relevance": lambda: (Measure.Climate.choices, {}),
    "status": lambda: (Measure.Status.choices, {}),
    "priority": lambda: (
        Measure.Priority.choices,
        {f"p{value}": value for value in Measure.Priority.values},
    ),
    "hoai_phase": lambda: (Measure.HoaiPhase.choices, {}),
    "section": lambda: (CostSection.choices, {}),
    "kind": lambda: (FinancingModule.Kind.choices, MODULE_KIND_WORDS),
}


def _choice_labels(choices: Sequence[tuple[object, object]], language: str) -> dict[object, str]:
    with translation.override(language):
        return {value: str(label) for value, label in choices}


@functools.cache
def _german_labels(key: str) -> dict[object, str]:
    choices, _extra = CHOICES[key]()
    return _choice_labels(choices, "de")


def choice_label(key: str, value: object) -> str:
    """The German label a file shows for the stored ``value`` of the choice column ``key``."""
    return _german_labels(key).get(value, str(value))


def choice_labels_de(key: str) -> str:
    """The German labels of a choice column, comma-separated (for a message)."""
    return ", ".join(_german_labels(key).values())


@functools.lru_cache(maxsize=64)
def choice_map(key: str, language: str) -> dict[str, object]:
    """Normalised text → stored value for the choice column ``key``: the value itself, the German and
    English labels and the extra words (``language``: the active language, part of the cache key)."""
    choices, extra = CHOICES[key]()
    mapping: dict[str, object] = {}
    for lang in ("en", "de"):
        for value, label in _choice_labels(choices, lang).items():
            mapping[normalize_header(label)] = value
    for value, _label in choices:
        mapping[normalize_header(value)] = value
    mapping.update({normalize_header(word): value for word, value in extra.items()})
    return mapping


@functools.cache
def numbered_choices(key: str) -> dict[str, object]:
    """The stored values of a numbered choice column by their number ("3" for "3 – Entwurfsplanung",
    "9" for "9 Baumaßnahmen")."""
    choices, _extra = CHOICES[key]()
    return {str(value): value for value, _label in choices}
