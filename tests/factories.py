"""Small builder functions for tests: each makes one valid object, with overridable fields.

Counters keep codes unique, so a test can call a builder many times without thinking about it.
"""

import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from funding.kuf.selectors import kuf_rows_for_concept
from funding.models import (
    CostLine,
    FinancingModule,
    FinancingYear,
    FundingProgramme,
    KufSignoff,
    MunicipalRate,
)
from funding.review.services import kuf_signoff_create
from funding.rules import ReviewTarget
from funding.versions.fingerprint import fingerprint_all
from measures.models import Indicator, Measure
from participation.models import Comment
from projects.models import (
    ActionField,
    Concept,
    ConceptMembership,
    ConceptMunicipality,
    Goal,
    Municipality,
    Organisation,
    Quarter,
    SwotEntry,
)

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_user(username: str | None = None, **fields):
    n = _n()
    user = get_user_model().objects.create_user(
        username=username or f"user{n}", password=fields.pop("password", "test-pass-123"), **fields
    )
    return user


def make_municipality(**fields) -> Municipality:
    n = _n()
    fields.setdefault("name", f"Gemeinde {n}")
    fields.setdefault("ags", f"{5_000_000 + n:08d}")
    fields.setdefault("population", 10_000)
    return Municipality.objects.create(**fields)


def make_organisation(**fields) -> Organisation:
    fields.setdefault("name", f"Büro {_n()}")
    return Organisation.objects.create(**fields)


def make_concept(municipalities: list[Municipality] | None = None, **fields) -> Concept:
    n = _n()
    fields.setdefault("title", f"IHK Teststadt {n}")
    fields.setdefault("slug", f"ihk-teststadt-{n}")
    fields.setdefault("year_from", 2024)
    fields.setdefault("year_to", 2030)
    fields.setdefault("published", True)
    concept = Concept.objects.create(**fields)
    for index, municipality in enumerate(municipalities or [make_municipality()]):
        ConceptMunicipality.objects.create(
            concept=concept,
            municipality=municipality,
            role=ConceptMunicipality.Role.LEAD if index == 0 else ConceptMunicipality.Role.MEMBER,
        )
    return concept


def make_quarter(concept: Concept, municipality: Municipality | None = None, **fields) -> Quarter:
    n = _n()
    fields.setdefault("code", f"Q{n}")
    fields.setdefault("name", f"Quartier {n}")
    municipality = municipality or concept.municipalities.first()
    return Quarter.objects.create(concept=concept, municipality=municipality, **fields)


def make_action_field(concept: Concept, **fields) -> ActionField:
    n = _n()
    fields.setdefault("code", f"HF{n}")
    fields.setdefault("title", f"Handlungsfeld {n}")
    fields.setdefault("order", n)
    return ActionField.objects.create(concept=concept, **fields)


def make_goal(action_field: ActionField, **fields) -> Goal:
    n = _n()
    fields.setdefault("code", f"Z{n}")
    fields.setdefault("title", f"Ziel {n}")
    return Goal.objects.create(action_field=action_field, **fields)


def make_swot(concept: Concept, **fields) -> SwotEntry:
    fields.setdefault("kind", SwotEntry.Kind.STRENGTH)
    fields.setdefault("text", "Gut erreichbare Innenstadt")
    return SwotEntry.objects.create(concept=concept, **fields)


def make_measure(concept: Concept, action_field: ActionField | None = None, **fields) -> Measure:
    n = _n()
    fields.setdefault("code", f"M{n}")
    fields.setdefault("title", f"Maßnahme {n}")
    fields.setdefault("start_year", concept.year_from)
    fields.setdefault("end_year", concept.year_to)
    fields.setdefault("municipality", concept.municipalities.first())
    action_field = action_field or concept.action_fields.first() or make_action_field(concept)
    return Measure.objects.create(concept=concept, action_field=action_field, **fields)


def make_indicator(measure: Measure, **fields) -> Indicator:
    fields.setdefault("name", f"Indikator {_n()}")
    fields["target_value"] = Decimal(str(fields.get("target_value", "100")))
    return Indicator.objects.create(measure=measure, **fields)


def png_bytes(size: tuple[int, int] = (40, 30), *, fmt: str = "PNG", exif: dict | None = None) -> bytes:
    """A one-coloured image of ``size``: a PNG, or another format Pillow writes (``fmt="JPEG"``), with
    the EXIF tags ``exif`` if given (tag -> value; ``0x8825`` takes a dict, the GPS IFD)."""
    from io import BytesIO

    from PIL import Image

    image = Image.new("RGB", size, (30, 120, 60))
    buffer = BytesIO()
    if exif:
        tags = Image.Exif()
        for tag, value in exif.items():
            tags[tag] = value
        image.save(buffer, fmt, exif=tags)
    else:
        image.save(buffer, fmt)
    return buffer.getvalue()


def make_measure_image(measure: Measure, *, name: str = "bild.png") -> Measure:
    """Store a small PNG as the measure's image (in the test's MEDIA_ROOT) with an alt text."""
    from django.core.files.base import ContentFile

    measure.image_alt = measure.image_alt or "Ansicht der Maßnahme"
    measure.image.save(name, ContentFile(png_bytes()), save=True)
    return measure


def make_programme(**fields) -> FundingProgramme:
    n = _n()
    fields.setdefault("code", f"P{n}")
    fields.setdefault("name", f"Programm {n}")
    fields.setdefault("level", FundingProgramme.Level.STATE)
    fields.setdefault("default_rate", Decimal("60"))
    fields.setdefault("max_rate", Decimal("80"))
    return FundingProgramme.objects.create(**fields)


def make_rate(municipality: Municipality, programme: FundingProgramme, year: int, rate: str) -> MunicipalRate:
    return MunicipalRate.objects.create(
        municipality=municipality, programme=programme, year=year, rate=Decimal(rate)
    )


def make_cost_line(measure: Measure, **fields) -> CostLine:
    fields.setdefault("section", 9)
    fields.setdefault("year", measure.start_year)
    fields["gross"] = Decimal(str(fields.get("gross", "100000.00")))
    fields["ineligible"] = Decimal(str(fields.get("ineligible", "0.00")))
    return CostLine.objects.create(measure=measure, **fields)


def make_module(measure: Measure, programme: FundingProgramme | None = None, **fields) -> FinancingModule:
    year_amounts = fields.pop("year_amounts", None)
    if programme is not None:
        fields.setdefault("kind", FinancingModule.Kind.GRANT)
    for key in ("rate", "amount", "cost_share"):
        if fields.get(key) is not None:
            fields[key] = Decimal(str(fields[key]))
    module = FinancingModule.objects.create(measure=measure, programme=programme, **fields)
    for year, amount in (year_amounts or {}).items():
        FinancingYear.objects.create(module=module, year=year, amount=Decimal(str(amount)))
    return module


def make_membership(concept: Concept, user, role: str, municipality: Municipality | None = None):
    if role == ConceptMembership.Role.REVIEWER and municipality is None:
        municipality = concept.municipalities.first()
    return ConceptMembership.objects.create(concept=concept, user=user, role=role, municipality=municipality)


def make_editor(concept: Concept, username: str | None = None, **fields):
    """A new user with the editor role in ``concept``."""
    user = make_user(username, **fields)
    make_membership(concept, user, ConceptMembership.Role.EDITOR)
    return user


def make_signoff(concept: Concept, municipality: Municipality, user, *, rows=None) -> KufSignoff:
    """``user``'s "geprüft" on ``municipality``'s KuF rows as they stand, through the reviewer's service.
    ``rows``: the concept's KuF rows (``kuf_rows_for_concept``), loaded when not given."""
    rows = kuf_rows_for_concept(concept=concept) if rows is None else rows
    own = [row for row in rows if row.measure.municipality.key == municipality.name]
    return kuf_signoff_create(
        target=ReviewTarget(concept=concept, municipality=municipality),
        rows=rows,
        state=KufSignoff.State.APPROVED,
        reason="",
        seen_hash=fingerprint_all(own),
        user=user,
    )


def make_comment(measure: Measure, **fields) -> Comment:
    fields.setdefault("text", "Bitte mehr Bänke aufstellen.")
    fields.setdefault("status", Comment.Status.PUBLISHED)
    return Comment.objects.create(measure=measure, **fields)


def make_costed_measures(
    concept: Concept, count: int, programme: FundingProgramme, *, bulk: bool = False, **fields
) -> list[Measure]:
    """``count`` measures, each with costs in 2025 (100.000 €) and 2026 (50.000 €, 5.000 € of them
    ineligible) and one grant module of ``programme`` at the municipality's or the default rate.

    With ``bulk``, in three bulk INSERTs, for hundreds of measures: no ``save()``, so no history
    records."""
    if bulk:
        if "action_field" not in fields:
            fields["action_field"] = concept.action_fields.first() or make_action_field(concept)
        if "municipality" not in fields:
            fields["municipality"] = concept.municipalities.first()
        fields.setdefault("start_year", concept.year_from)
        fields.setdefault("end_year", concept.year_to)
        measures = Measure.objects.bulk_create(
            Measure(concept=concept, code=f"M{n}", title=f"Maßnahme {n}", **fields)
            for n in (_n() for _ in range(count))
        )
        CostLine.objects.bulk_create(
            CostLine(
                measure=measure, section=9, year=year, gross=Decimal(gross), ineligible=Decimal(ineligible)
            )
            for measure in measures
            for year, gross, ineligible in ((2025, "100000.00", "0.00"), (2026, "50000.00", "5000.00"))
        )
        FinancingModule.objects.bulk_create(
            FinancingModule(measure=measure, kind=FinancingModule.Kind.GRANT, programme=programme)
            for measure in measures
        )
        return measures
    measures = []
    for _ in range(count):
        measure = make_measure(concept, **fields)
        make_cost_line(measure, year=2025, gross="100000.00")
        make_cost_line(measure, year=2026, gross="50000.00", ineligible="5000.00")
        make_module(measure, programme)
        measures.append(measure)
    return measures
