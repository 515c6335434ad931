"""Writes of funding programmes and the municipalities' funding rates.

Programs are shared by every concept and kept by admins. A municipality's rate per programme and year
(``MunicipalRate``) is a fact about the municipality, so it holds in every concept the municipality
takes part in. A grant module without its own rate uses the municipality's rate, else the programme's
default rate (``kuf.resolve_rate``), so an empty cell means "the default rate".

Writes are keyword-only, validated, and run in one transaction: all or nothing.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from funding.models import FundingProgramme, MunicipalRate
from projects.dataversion import concepts_changed
from projects.formatting import format_percent
from projects.integrity import duplicates_refused
from projects.models import Concept, ConceptMunicipality, Municipality, UrbanProgramme

from .selectors import RateGrid, RateKey, rate_grid

PROGRAMME_FIELDS = ("code", "name", "level", "urban_programme", "default_rate", "max_rate", "description")


def _code_clash(programme: FundingProgramme) -> dict[str, list[str]]:
    clash = FundingProgramme.objects.filter(code__iexact=programme.code).exclude(pk=programme.pk).first()
    if not programme.code or clash is None:
        return {}
    return {
        "code": [
            _("Das Kürzel „%(code)s“ hat schon das Programm „%(name)s“.")
            % {"code": clash.code, "name": clash.name}
        ]
    }


def _programme_save(programme: FundingProgramme, data: Mapping[str, Any]) -> FundingProgramme:
    for name in PROGRAMME_FIELDS:
        if name in data:
            setattr(programme, name, data[name])
    programme.code = (programme.code or "").strip()
    errors: dict[str, list[str]] = _code_clash(programme)
    if programme.pk and programme.max_rate is not None:
        above = (
            MunicipalRate.objects.filter(programme=programme, rate__gt=programme.max_rate)
            .select_related("municipality")
            .order_by("municipality__name", "year")
            .first()
        )
        if above is not None:
            errors.setdefault("max_rate", []).append(
                _(
                    "%(municipality)s hat %(year)s schon einen Fördersatz von %(rate)s in diesem Programm. "
                    "Bitte zuerst diesen Fördersatz senken."
                )
                % {
                    "municipality": above.municipality.name,
                    "year": above.year,
                    "rate": format_percent(above.rate),
                }
            )
    try:
        programme.full_clean(exclude=list(errors))
    except ValidationError as error:
        error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    with duplicates_refused(lambda: _code_clash(programme)):
        programme.save()
    return programme


def programme_create(*, data: Mapping[str, Any], user: AbstractBaseUser) -> FundingProgramme:
    """Create a funding programme from ``data`` (``PROGRAMME_FIELDS``).

    Refused, with nothing saved: a code another programme has (ignoring case), rates outside 0–100 %,
    a default rate above the maximum rate.
    """
    with transaction.atomic():
        return _programme_save(FundingProgramme(), data)


def programme_update(
    *, programme: FundingProgramme, data: Mapping[str, Any], user: AbstractBaseUser
) -> FundingProgramme:
    """Change ``programme`` from ``data``; the rules of ``programme_create``, and the maximum rate may not
    fall below a rate a municipality already has in the programme."""
    with transaction.atomic():
        return _programme_save(programme, data)


# The usual programmes of NRW urban development (DOMAIN.md).
# code: (name, level, urban programme, default rate, max rate, description)
STANDARD_PROGRAMMES: dict[str, tuple[str, str, str, int, int, str]] = {
    "LZ": (
        "Lebendige Zentren",
        FundingProgramme.Level.FEDERAL,
        UrbanProgramme.LZ,
        60,
        80,
        "Städtebauförderung von Bund und Land: Erhalt und Entwicklung der Stadt- und Ortskerne.",
    ),
    "SZ": (
        "Sozialer Zusammenhalt",
        FundingProgramme.Level.FEDERAL,
        UrbanProgramme.SZ,
        60,
        80,
        "Städtebauförderung von Bund und Land: Zusammenleben im Quartier stärken.",
    ),
    "WNE": (
        "Wachstum und nachhaltige Erneuerung",
        FundingProgramme.Level.FEDERAL,
        UrbanProgramme.WNE,
        60,
        80,
        "Städtebauförderung von Bund und Land: Brachen, Umbau und nachhaltige Erneuerung.",
    ),
    "EFRE-WiW": (
        "EFRE Wohnviertel im Wandel",
        FundingProgramme.Level.EU,
        "",
        70,
        90,
        "EFRE/JTF NRW 2021-2027, Aufruf für benachteiligte Wohnviertel; Maßnahmen ab 200.000 €.",
    ),
    "EFRE-KA": (
        "EFRE Klimaanpassung.Kommunen.NRW",
        FundingProgramme.Level.EU,
        "",
        80,
        90,
        "EFRE NRW: Entsiegelung, Begrünung, Regenwassermanagement und Hitzevorsorge.",
    ),
    "KFW432": (
        "KfW 432 Energetische Stadtsanierung",
        FundingProgramme.Level.FEDERAL,
        "",
        75,
        90,
        "Quartierskonzept bis 200.000 €, Sanierungsmanagement bis 400.000 € über fünf Jahre; "
        "90 % für Kommunen in der Haushaltssicherung.",
    ),
    "ZIO": (
        "Zukunftsfähige Innenstädte und Ortszentren NRW",
        FundingProgramme.Level.STATE,
        "",
        90,
        90,
        "Landesprogramm: Zwischennutzung, Ankauf und Anmietung leerstehender Ladenlokale.",
    ),
}


def standard_programmes_ensure() -> dict[str, FundingProgramme]:
    """The programmes of ``STANDARD_PROGRAMMES`` (NRW urban development, EFRE, KfW 432, the state's
    inner-city programme), created where missing; existing ones are left as they are. Used by
    ``manage.py load_programmes`` on a fresh installation and by the demo data. Two queries per
    programme at most (a handful)."""
    programmes = {}
    for code, (name, level, urban, default_rate, max_rate, description) in STANDARD_PROGRAMMES.items():
        programme = FundingProgramme.objects.filter(code=code).first()
        if programme is None:
            programme = FundingProgramme(
                code=code,
                name=name,
                level=level,
                urban_programme=urban,
                default_rate=Decimal(default_rate),
                max_rate=Decimal(max_rate),
                description=description,
            )
            programme.full_clean()
            programme.save()
        programmes[code] = programme
    return programmes


@dataclass(frozen=True)
class RateChange:
    """One cell someone else changed after the page was loaded."""

    label: str
    loaded: str
    current: str


class RatesConflict(Exception):
    """Someone saved rates of these municipalities after the user loaded the page."""

    def __init__(self, changes: list[RateChange], grid: RateGrid):
        super().__init__("municipal rates changed meanwhile")
        self.changes = changes
        self.grid = grid


def encode_rates(rates: Mapping[RateKey, Decimal]) -> str:
    """The rates as the page loaded them, as compact text for a hidden field."""
    return ";".join(f"{m}-{p}-{y}={format(rate, 'f')}" for (m, p, y), rate in sorted(rates.items()))


def decode_rates(text: str) -> dict[RateKey, Decimal]:
    """The inverse of ``encode_rates``; raises ``ValueError`` on anything else."""
    rates: dict[RateKey, Decimal] = {}
    for part in filter(None, (text or "").split(";")):
        key, _sep, value = part.partition("=")
        municipality, programme, year = (int(number) for number in key.split("-"))
        rates[(municipality, programme, year)] = Decimal(value)
    return rates


def _cell_label(grid: RateGrid, key: RateKey) -> str:
    names = {m.pk: m.name for m in grid.municipalities}
    codes = {p.pk: p.code for p in grid.programmes}
    municipality, programme, year = key
    return f"{names.get(municipality, '?')}, {codes.get(programme, '?')}, {year}"


def rates_locked_message(*, municipality: Municipality, concepts: Sequence[Concept]) -> str:
    """Why the user may not change ``municipality``'s rates: they hold in ``concepts`` too, which the
    user may not edit (``funding.access.rate_locks_for_user``)."""
    return ngettext(
        "Die Fördersätze von %(municipality)s gelten auch im Konzept %(concepts)s, das Sie nicht "
        "bearbeiten dürfen; ändern kann sie nur, wer alle Konzepte mit %(municipality)s bearbeitet, "
        "oder die Administration.",
        "Die Fördersätze von %(municipality)s gelten auch in den Konzepten %(concepts)s, die Sie nicht "
        "bearbeiten dürfen; ändern kann sie nur, wer alle Konzepte mit %(municipality)s bearbeitet, "
        "oder die Administration.",
        len(concepts),
    ) % {
        "municipality": municipality.name,
        "concepts": ", ".join(f"„{concept.title}“" for concept in concepts),
    }


def municipal_rates_set(
    *,
    concept: Concept,
    rates: Mapping[RateKey, Decimal | None],
    loaded: Mapping[RateKey, Decimal],
    user: AbstractBaseUser,
    locked: Mapping[int, str] | None = None,
) -> int:
    """Store the rates of ``concept``'s municipalities: ``rates`` maps each cell of the page to a rate,
    or None for "no own rate" (the programme's default applies). Returns how many cells changed.

    ``locked`` maps the ids of municipalities whose rates the user may not change (the caller's
    permission check, ``funding.access.rate_locks_for_user``) to the reason; their cells are never
    written, and a cell of theirs whose rate differs from the stored (or loaded) one refuses the whole
    save with that reason.

    ``loaded`` holds the rates as the page showed them: if someone changed any of the other cells
    since, nothing is saved and ``RatesConflict`` lists those cells. Refused with a ``ValidationError``
    keyed ``"<municipality>-<programme>-<year>"``: a rate below 0 or above the programme's maximum; a
    cell for a municipality that does not take part, a programme that does not exist or a year outside
    the concept.
    """
    locked = locked or {}
    with transaction.atomic():
        # Of two saves of the same municipalities at the same time, the second waits here (PostgreSQL)
        # and then finds the first one's rates: a conflict, never a lost update or a duplicate row.
        list(
            Municipality.objects.select_for_update(no_key=True, of=("self",))
            .filter(participations__concept=concept)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        grid = rate_grid(concept=concept)
        errors = _rate_errors(grid, rates=rates, loaded=loaded, locked=locked)
        if errors:
            raise ValidationError(errors)
        writable = {key for key in grid.cells() if key[0] not in locked}
        changed_meanwhile = _rates_changed_meanwhile(grid, cells=writable, loaded=loaded)
        if changed_meanwhile:
            raise RatesConflict(changed_meanwhile, grid)
        return _rates_write(grid, {key: rate for key, rate in rates.items() if key in writable})


def _rate_errors(
    grid: RateGrid,
    *,
    rates: Mapping[RateKey, Decimal | None],
    loaded: Mapping[RateKey, Decimal],
    locked: Mapping[int, str],
) -> dict[str, list[str]]:
    """The refusals of ``municipal_rates_set``, keyed by cell (``"__all__"`` for the page)."""
    allowed = set(grid.cells())
    max_rates = {p.pk: p.max_rate for p in grid.programmes}
    errors: dict[str, list[str]] = {}
    refused: set[int] = set()
    for key, rate in rates.items():
        name = "-".join(str(part) for part in key)
        if key not in allowed:
            errors.setdefault("__all__", []).append(
                _("Eine Zelle gehört nicht zu diesem Konzept (%(cell)s). Bitte die Seite neu laden.")
                % {"cell": name}
            )
        elif key[0] in locked:
            if rate != grid.rates.get(key) and rate != loaded.get(key):
                refused.add(key[0])
        elif rate is not None and not Decimal(0) <= rate <= max_rates[key[1]]:
            errors[name] = [
                _("%(cell)s: Der Fördersatz muss zwischen 0 und %(max)s liegen (Höchstsatz des Programms).")
                % {"cell": _cell_label(grid, key), "max": format_percent(max_rates[key[1]])}
            ]
    for municipality in grid.municipalities:
        if municipality.pk in refused:
            errors.setdefault("__all__", []).append(locked[municipality.pk])
    return errors


def _rates_changed_meanwhile(
    grid: RateGrid, *, cells: set[RateKey], loaded: Mapping[RateKey, Decimal]
) -> list[RateChange]:
    """The ``cells`` whose stored rate is no longer the one the page showed (``loaded``)."""
    current = {key: grid.rates[key] for key in cells if key in grid.rates}
    return [
        RateChange(
            label=_cell_label(grid, key),
            loaded=format_percent(loaded[key]) if key in loaded else "–",
            current=format_percent(current[key]) if key in current else "–",
        )
        for key in sorted(cells)
        if loaded.get(key) != current.get(key)
    ]


def _rates_write(grid: RateGrid, rates: Mapping[RateKey, Decimal | None]) -> int:
    """Store ``rates`` (checked) over the rows of ``grid``; how many cells changed. Three statements at
    most, however many cells changed: delete, update, insert."""
    to_delete, to_create, to_update = [], [], []
    for key, rate in rates.items():
        row = grid.stored.get(key)
        if rate is None and row is not None:
            to_delete.append(row.pk)
        elif rate is not None and row is None:
            to_create.append(
                MunicipalRate(municipality_id=key[0], programme_id=key[1], year=key[2], rate=rate)
            )
        elif rate is not None and rate != row.rate:
            row.rate = rate
            to_update.append(row)
    MunicipalRate.objects.filter(pk__in=to_delete).delete()
    MunicipalRate.objects.bulk_update(to_update, ["rate"])
    for row in to_create:
        row.full_clean(validate_unique=False)
    MunicipalRate.objects.bulk_create(to_create)
    # A rate holds in every concept of its municipality; bulk statements send no signals, so their data
    # versions move on here (the cached KuF, projects.dataversion).
    municipalities = {row.municipality_id for row in to_create + to_update}
    municipalities |= {key[0] for key, rate in rates.items() if rate is None and key in grid.stored}
    concepts_changed(
        ConceptMunicipality.objects.filter(municipality_id__in=municipalities).values_list(
            "concept_id", flat=True
        )
    )
    return len(to_delete) + len(to_create) + len(to_update)
