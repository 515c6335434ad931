"""Demo data for ``make run`` and the tests: the two concepts of DOMAIN.md ("Demo data").

The data is written out below as plain Python structures (dataclasses and tuples); ``demo_load`` turns
it into rows. Everything is fixed: no randomness, stable measure ids (``uuid5`` of slug and code), so
two fresh databases hold the same demo. Places, people and bodies are invented.

This module lives in ``ihk`` (the composition root) because it writes to every app.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import models, transaction

from funding.models import (
    ApprovalNotice,
    CostLine,
    FinancingModule,
    FinancingYear,
    FundingProgramme,
    MunicipalRate,
)
from funding.programmes.services import standard_programmes_ensure
from funding.versions.services import kuf_version_freeze
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
    UrbanProgramme,
)

# The demo logins are printed by ``load_demo``; the command refuses to create them in production.
DEMO_PASSWORD_PREFIX = "Demo-2026!"  # noqa: S105 - public demo password, see load_demo
EN_DASH = "\u2013"
_TZ = ZoneInfo("Europe/Berlin")
_UUID_NAMESPACE = uuid.UUID("6f1c2a4e-7d3b-5a90-9c1e-2b8f4d6a0e57")


def demo_password(username: str) -> str:
    """The documented password of a demo user."""
    return f"{DEMO_PASSWORD_PREFIX}{username}"


# ---------------------------------------------------------------------------------------------------
# Shapes of the data
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    section: int
    year: int
    gross: int
    ineligible: int = 0
    note: str = ""


@dataclass(frozen=True)
class Module:
    """A financing module. ``rate=None`` on a grant: the municipality's rate for programme and year."""

    kind: str = FinancingModule.Kind.GRANT
    programme: str = ""
    source: str = ""
    cost_share: int = 100
    rate: int | None = None
    amount: int | None = None
    years: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MeasureSpec:
    code: str
    title: str
    action_field: str
    goals: tuple[str, ...]
    quarters: tuple[str, ...]
    municipality: str
    responsible_body: str
    starting_situation: str
    description: str
    expected_effect: str
    start_year: int
    end_year: int
    costs: tuple[Cost, ...]
    modules: tuple[Module, ...]
    indicators: tuple[tuple[str, str, int | None, int, int], ...]
    partners: str = ""
    climate: str = Measure.Climate.NONE
    climate_note: str = ""
    priority: int = 2
    status: str = Measure.Status.PLANNED
    hoai_phase: int = 0
    cost_base_year: int = 2024
    related: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuarterSpec:
    code: str
    name: str
    municipality: str
    programme: str
    area_ha: str
    population: int
    centre: tuple[float, float]
    analysis: str


@dataclass(frozen=True)
class ActionFieldSpec:
    code: str
    title: str
    colour: str
    description: str
    goals: tuple[tuple[str, str], ...]
    swot: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class NoticeSpec:
    municipality: str
    programme: str
    year: int
    amount: str
    date: dt.date
    reference: str
    note: str = ""


@dataclass(frozen=True)
class CommentSpec:
    measure: str
    author_name: str
    text: str
    status: str
    reply: str = ""
    replied_at: dt.datetime | None = None
    received: dt.datetime = field(kw_only=True)


@dataclass(frozen=True)
class ConceptSpec:
    slug: str
    kind: str
    title: str
    year_from: int
    year_to: int
    status: str
    lead_organisation: str | None
    planning_office: str | None
    vision: str
    summary: str
    municipalities: tuple[str, ...]  # the first one is the lead municipality
    quarters: tuple[QuarterSpec, ...]
    action_fields: tuple[ActionFieldSpec, ...]
    overall_swot: tuple[tuple[str, str, str | None], ...]  # kind, text, quarter code
    measures: tuple[MeasureSpec, ...]
    notices: tuple[NoticeSpec, ...]
    comments: tuple[CommentSpec, ...]


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    role_label: str
    memberships: tuple[tuple[str, str, str | None], ...]  # concept slug, role, municipality name
    superuser: bool = False


def _yearly(section: int, first_year: int, amounts: Sequence[int], note: str = "") -> tuple[Cost, ...]:
    """Cost lines of one section for consecutive years starting at ``first_year``."""
    return tuple(Cost(section, first_year + index, amount, note=note) for index, amount in enumerate(amounts))


def _grant(programme: str, *, share: int = 100, rate: int | None = None) -> Module:
    return Module(kind=FinancingModule.Kind.GRANT, programme=programme, cost_share=share, rate=rate)


def _third_party(source: str, **fields: object) -> Module:
    return Module(kind=FinancingModule.Kind.THIRD_PARTY, source=source, **fields)  # type: ignore[arg-type]


P1, P2, P3 = Measure.Priority.P1, Measure.Priority.P2, Measure.Priority.P3
PLANNED = Measure.Status.PLANNED
PREPARATION = Measure.Status.PREPARATION
IN_PROGRESS = Measure.Status.IN_PROGRESS
COMPLETED = Measure.Status.COMPLETED
ADAPTATION = Measure.Climate.ADAPTATION
PROTECTION = Measure.Climate.PROTECTION
BOTH = Measure.Climate.BOTH
STRENGTH, WEAKNESS = SwotEntry.Kind.STRENGTH, SwotEntry.Kind.WEAKNESS
OPPORTUNITY, THREAT = SwotEntry.Kind.OPPORTUNITY, SwotEntry.Kind.THREAT

# ---------------------------------------------------------------------------------------------------
# Shared master data: municipalities, organisations, programmes, rates
# ---------------------------------------------------------------------------------------------------

# name: (AGS, inhabitants, budget protection, Städtebauförderung rate in %)
MUNICIPALITIES: dict[str, tuple[str, int, bool, int]] = {
    "Hallenbeck": ("05979001", 38_000, False, 70),
    "Rheinwerth": ("05979002", 24_000, False, 60),
    "Ostervenne": ("05979003", 11_000, True, 80),
    "Sürenbruch": ("05979004", 8_000, False, 70),
}

# name: (kind, city, website)
ORGANISATIONS: dict[str, tuple[str, str, str]] = {
    "Wasserverband Lippe-Wesseltal": (
        Organisation.Kind.LEAD_BODY,
        "Hallenbeck",
        "https://wasserverband-lippe-wesseltal.example.org",
    ),
    "Stadtplanung Morgenroth PartGmbB": (
        Organisation.Kind.PLANNING_OFFICE,
        "Hallenbeck",
        "https://morgenroth-stadtplanung.example.org",
    ),
    "Stadt Rheinwerth, Fachbereich Stadtentwicklung": (
        Organisation.Kind.MUNICIPALITY,
        "Rheinwerth",
        "https://rheinwerth.example.org",
    ),
}

URBAN_PROGRAMMES = ("LZ", "SZ", "WNE")
RATE_YEARS = range(2024, 2031)
# Extra rates beyond the shared years: (municipality, programme, year, rate). Ostervenne is under budget
# protection and gets 90 % from KfW 432; Rheinwerth's inner-city IHK runs until 2032.
EXTRA_RATES: tuple[tuple[str, str, int, int], ...] = (
    *(("Ostervenne", "KFW432", year, 90) for year in RATE_YEARS),
    ("Rheinwerth", "LZ", 2031, 60),
    ("Rheinwerth", "LZ", 2032, 60),
)


def _box(centre: tuple[float, float], half_width: float = 0.006, half_height: float = 0.004) -> dict:
    """A simple rectangular GeoJSON polygon (lon/lat, closed ring) around ``centre``."""
    lon, lat = centre
    ring = [
        [round(lon - half_width, 5), round(lat - half_height, 5)],
        [round(lon + half_width, 5), round(lat - half_height, 5)],
        [round(lon + half_width, 5), round(lat + half_height, 5)],
        [round(lon - half_width, 5), round(lat + half_height, 5)],
        [round(lon - half_width, 5), round(lat - half_height, 5)],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


# ---------------------------------------------------------------------------------------------------
# Concept 1: IIHK Lippe-Wesseltal 2030
# ---------------------------------------------------------------------------------------------------

IIHK_SLUG = "iihk-lippe-wesseltal-2030"
RHEINWERTH_SLUG = "ihk-innenstadt-rheinwerth"

IIHK_QUARTERS = (
    QuarterSpec(
        "Q1",
        "Hallenbeck Innenstadt",
        "Hallenbeck",
        UrbanProgramme.LZ,
        "62.40",
        5_400,
        (7.6210, 51.6620),
        "Kompakte Innenstadt mit Marktplatz und Fußgängerzone Lange Straße. Die Leerstandsquote in den "
        "Erdgeschossen ist seit 2015 von 6 auf 14 % gestiegen, das ehemalige Kaufhaus Brandt steht seit "
        "2021 leer. Der Marktplatz ist fast vollständig versiegelt und im Sommer stark aufgeheizt.",
    ),
    QuarterSpec(
        "Q2",
        "Hallenbeck Nordstadt",
        "Hallenbeck",
        UrbanProgramme.SZ,
        "95.10",
        9_800,
        (7.6180, 51.6730),
        "Wohnquartier der 1960er und 1970er Jahre mit hohem Anteil an Transferleistungsbeziehenden und "
        "vielen jungen Familien. Es fehlen Treffpunkte und wohnungsnahes Grün; der Gebäudebestand ist "
        "überwiegend unsaniert (Energieeffizienzklasse E bis G).",
    ),
    QuarterSpec(
        "Q3",
        "Hallenbeck Bahnbrache",
        "Hallenbeck",
        UrbanProgramme.WNE,
        "28.30",
        300,
        (7.6320, 51.6580),
        "Ehemaliges Güterbahnhofsgelände zwischen Bahnhof und Innenstadt, seit 2012 ungenutzt. Teilflächen "
        "sind altlastenverdächtig. Die Fläche trennt die Innenstadt vom Bahnhof und bietet Raum für "
        "Wohnen, Gewerbe und Grün.",
    ),
    QuarterSpec(
        "Q4",
        "Rheinwerth Altstadt",
        "Rheinwerth",
        UrbanProgramme.LZ,
        "41.00",
        3_900,
        (7.4820, 51.7010),
        "Historische Altstadt mit Kirchplatz und engen Gassen; viele Baudenkmäler, aber zunehmende "
        "Leerstände im Einzelhandel. Kopfsteinpflaster und Stufen erschweren die Barrierefreiheit.",
    ),
    QuarterSpec(
        "Q5",
        "Rheinwerth Hafenviertel",
        "Rheinwerth",
        UrbanProgramme.WNE,
        "54.20",
        2_100,
        (7.4900, 51.6950),
        "Früherer Industriehafen am Kanal im Umbruch: Lagerhallen stehen leer, das Ufer ist nicht "
        "zugänglich. Auf mehreren Grundstücken werden Bodenbelastungen vermutet.",
    ),
    QuarterSpec(
        "Q6",
        "Ostervenne Ortskern",
        "Ostervenne",
        UrbanProgramme.LZ,
        "23.50",
        1_800,
        (7.8010, 51.6210),
        "Kleiner Ortskern an der stark befahrenen Landesstraße. Nahversorgung vorhanden, aber viele "
        "Ladenlokale leer; die Alte Schule ist ungenutzt. Die Gemeinde ist in der Haushaltssicherung.",
    ),
    QuarterSpec(
        "Q7",
        "Ostervenne Siedlung Am Hang",
        "Ostervenne",
        UrbanProgramme.SZ,
        "37.80",
        2_600,
        (7.8100, 51.6270),
        "Siedlung der 1950er Jahre in Hanglage mit älterer Bevölkerung und wachsendem Anteil junger "
        "Familien. Stark versiegelte Schulhöfe und Höfe; bei Starkregen fließt Wasser in die Keller.",
    ),
    QuarterSpec(
        "Q8",
        "Sürenbruch Ortsmitte",
        "Sürenbruch",
        UrbanProgramme.LZ,
        "18.20",
        1_400,
        (7.9200, 51.6810),
        "Dörfliche Ortsmitte am verrohrten Wesselbach. Der Dorfplatz dient als Parkplatz, Treffpunkte für "
        "Jung und Alt fehlen. Gute Radanbindung nach Ostervenne fehlt.",
    ),
)

IIHK_ACTION_FIELDS = (
    ActionFieldSpec(
        "HF1",
        "Zentren und Nutzungsvielfalt",
        "#B5452F",
        "Innenstädte und Ortskerne als Orte zum Einkaufen, Arbeiten und Wohnen stärken.",
        (
            ("Z1.1", "Leerstände reduzieren und Erdgeschosse beleben"),
            ("Z1.2", "Passantenfrequenz und Einzelhandel stärken"),
            ("Z1.3", "Wohnen in den Zentren stärken"),
        ),
        (
            (STRENGTH, "Gut erhaltene historische Bausubstanz in Hallenbeck und Rheinwerth"),
            (WEAKNESS, "Steigende Leerstandsquote in den Erdgeschossen der Innenstädte"),
            (OPPORTUNITY, "Leerstehende Großimmobilien bieten Raum für neue Nutzungen"),
            (THREAT, "Weiterer Kaufkraftabfluss in den Onlinehandel und an die Oberzentren"),
        ),
    ),
    ActionFieldSpec(
        "HF2",
        "Öffentlicher Raum und Baukultur",
        "#8A5A9E",
        "Plätze, Straßen und Ufer als attraktive, barrierefreie Aufenthaltsorte gestalten.",
        (
            ("Z2.1", "Aufenthaltsqualität öffentlicher Räume erhöhen"),
            ("Z2.2", "Barrierefreiheit herstellen"),
            ("Z2.3", "Baukultur und Ortsbild pflegen"),
        ),
        (
            (STRENGTH, "Prägende Plätze mit hohem Wiedererkennungswert"),
            (WEAKNESS, "Plätze überwiegend als Parkflächen genutzt und kaum barrierefrei"),
            (OPPORTUNITY, "Kanalufer in Rheinwerth kann erstmals öffentlich zugänglich werden"),
            (THREAT, "Steigende Baupreise gefährden die Umsetzung großer Platzumbauten"),
        ),
    ),
    ActionFieldSpec(
        "HF3",
        "Grün, Klima, Wasser",
        "#2E7D4F",
        "Quartiere entsiegeln, begrünen und auf Hitze und Starkregen vorbereiten.",
        (
            ("Z3.1", "Flächen entsiegeln und Grünräume vernetzen"),
            ("Z3.2", "Hitzevorsorge und klimagerechter Gebäudebestand"),
            ("Z3.3", "Regenwasser zurückhalten (Schwammstadt)"),
        ),
        (
            (STRENGTH, "Wasserverband als erfahrener Partner für Gewässer und Starkregenvorsorge"),
            (WEAKNESS, "Hoher Versiegelungsgrad in Innenstadt Hallenbeck und Siedlung Am Hang"),
            (OPPORTUNITY, "EFRE-Aufrufe zur Klimaanpassung mit hohen Fördersätzen"),
            (THREAT, "Zunehmende Hitzetage und Starkregenereignisse"),
        ),
    ),
    ActionFieldSpec(
        "HF4",
        "Mobilität",
        "#2F6F8F",
        "Rad- und Fußverkehr stärken und die vier Orte miteinander verknüpfen.",
        (
            ("Z4.1", "Rad- und Fußwegenetz ausbauen"),
            ("Z4.2", "Die vier Orte miteinander verknüpfen"),
        ),
        (
            (STRENGTH, "Kurze Wege innerhalb der Zentren"),
            (WEAKNESS, "Lückenhaftes Radwegenetz zwischen den Orten"),
            (OPPORTUNITY, "Ehemalige Bahntrasse als mögliche Radachse"),
            (THREAT, "Konflikte mit dem Durchgangsverkehr auf der Landesstraße"),
        ),
    ),
    ActionFieldSpec(
        "HF5",
        "Soziales, Bildung, Gemeinbedarf",
        "#C98A1B",
        "Begegnungsorte schaffen, Bildung und Teilhabe für alle Generationen sichern.",
        (
            ("Z5.1", "Begegnungsorte schaffen"),
            ("Z5.2", "Inklusion und Teilhabe fördern"),
        ),
        (
            (STRENGTH, "Aktive Vereine und Kirchengemeinden"),
            (WEAKNESS, "Fehlende Treffpunkte in Nordstadt und Am Hang"),
            (OPPORTUNITY, "Leerstehende Gemeinbedarfsgebäude lassen sich umnutzen"),
            (THREAT, "Ehrenamtliche Strukturen überaltern"),
        ),
    ),
    ActionFieldSpec(
        "HF6",
        "Prozess, Beteiligung, Kooperation",
        "#5B6770",
        "Das interkommunale Vorgehen steuern, Bürgerschaft und private Akteure beteiligen.",
        (
            ("Z6.1", "Interkommunale Steuerung sichern"),
            ("Z6.2", "Private Akteure aktivieren und beteiligen"),
        ),
        (
            (STRENGTH, "Erprobte Zusammenarbeit der vier Kommunen im Wasserverband"),
            (WEAKNESS, "Knappe Personalressourcen in den kleinen Verwaltungen"),
            (OPPORTUNITY, "Gemeinsame Anträge erhöhen die Sichtbarkeit beim Fördermittelgeber"),
        ),
    ),
)

IIHK_OVERALL_SWOT: tuple[tuple[str, str, str | None], ...] = (
    (STRENGTH, "Vier Kommunen mit gemeinsamer Landschaft und eingespielter Zusammenarbeit", None),
    (WEAKNESS, "Demografischer Wandel und Funktionsverluste in den Ortskernen", None),
    (WEAKNESS, "Bahnbrache trennt Innenstadt und Bahnhof in Hallenbeck", "Q3"),
    (OPPORTUNITY, "Hafenviertel Rheinwerth als Entwicklungsreserve am Wasser", "Q5"),
    (THREAT, "Begrenzte Eigenmittel, besonders in Ostervenne (Haushaltssicherung)", "Q6"),
)

IIHK_VISION = (
    "Lippe-Wesseltal 2030: vier lebendige Orte am Wasser - mit belebten Zentren, grünen und kühlen "
    "Quartieren, kurzen Wegen für Rad und Fuß und Nachbarschaften, in denen alle Generationen "
    "zusammenkommen. Die Kommunen planen gemeinsam, bündeln ihre Kräfte und beteiligen die "
    "Bürgerschaft von Anfang an."
)
IIHK_SUMMARY = (
    "Das interkommunale integrierte Handlungskonzept verbindet acht Fördergebiete in Hallenbeck, "
    "Rheinwerth, Ostervenne und Sürenbruch unter einem gemeinsamen Zielsystem mit sechs "
    "Handlungsfeldern. Rund 40 Maßnahmen von 2024 bis 2030 stärken die Zentren, gestalten Plätze und "
    "Ufer neu, entsiegeln und begrünen, verknüpfen die Orte durch eine Radachse und schaffen neue "
    "Begegnungsorte. Federführend ist der Wasserverband Lippe-Wesseltal."
)

IIHK_MEASURES: tuple[MeasureSpec, ...] = (
    # HF1 Zentren und Nutzungsvielfalt
    MeasureSpec(
        code="HF1-M01",
        title="Citymanagement Hallenbeck und Rheinwerth",
        action_field="HF1",
        goals=("Z1.1", "Z1.2"),
        quarters=("Q1", "Q4"),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Wirtschaftsförderung",
        partners="Stadt Rheinwerth, Werbegemeinschaften, IHK-Regionalbüro",
        starting_situation="Händler und Eigentümer sind kaum vernetzt, Leerstände werden nicht vermarktet.",
        description="Ein gemeinsames Citymanagement für beide Innenstädte mit Büro am Marktplatz "
        "Hallenbeck und Sprechstunde in Rheinwerth: Leerstandsbörse, Aktionen, Beratung.",
        expected_effect="Leerstände werden schneller vermittelt, Händler treten gemeinsam auf.",
        start_year=2024,
        end_year=2030,
        costs=_yearly(11, 2024, [70_000, 75_000, 80_000, 85_000, 90_000, 95_000, 100_000]),
        modules=(_grant("LZ"),),
        indicators=(
            ("Leerstandsquote Erdgeschosse Q1", "%", 14, 8, 2030),
            ("Vermittelte Ladenlokale", "Anzahl", 0, 25, 2030),
        ),
        priority=P1,
        status=IN_PROGRESS,
        related=("HF1-M02",),
    ),
    MeasureSpec(
        code="HF1-M02",
        title="Verfügungsfonds Innenstadt Hallenbeck",
        action_field="HF1",
        goals=("Z1.2", "Z6.2"),
        quarters=("Q1",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck; Vergabe durch Lenkungsgremium Innenstadt",
        partners="Werbegemeinschaft Hallenbeck, Eigentümerstammtisch",
        starting_situation="Private Initiativen für Aktionen und kleine Verschönerungen fehlt das Startgeld.",
        description="Ein Fonds für kleine Projekte von Händlern, Vereinen und Eigentümern. Jeder "
        "öffentliche Euro wird durch einen privaten Euro ergänzt.",
        expected_effect="Private Akteure investieren sichtbar in die Innenstadt.",
        start_year=2025,
        end_year=2030,
        costs=_yearly(10, 2025, [30_000, 40_000, 50_000, 60_000, 60_000, 50_000]),
        # Matched 1:1: private actors pay half of the eligible cost (share 50 at 100 %), the grant funds
        # the public half at the municipality's rate. Shares add up to 100, so no euro is counted twice.
        modules=(_grant("LZ", share=50), _third_party("Private Akteure", cost_share=50, rate=100)),
        indicators=(("Geförderte Projekte", "Anzahl", 0, 40, 2030),),
        priority=P1,
        status=IN_PROGRESS,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF1-M03",
        title="Fassaden- und Hofflächenprogramm Innenstadt Hallenbeck",
        action_field="HF1",
        goals=("Z2.3", "Z1.3"),
        quarters=("Q1",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Stadtplanungsamt",
        partners="Haus & Grund Hallenbeck",
        starting_situation="Viele Fassaden an Markt und Langer Straße sind sanierungsbedürftig.",
        description="Zuschüsse von 50 % (höchstens 10.000 € je Objekt) für Fassaden, Hofentsiegelung "
        "und Begrünung nach der Gestaltungssatzung.",
        expected_effect="Ein gepflegtes Stadtbild und mehr Grün in den Höfen.",
        start_year=2025,
        end_year=2030,
        costs=_yearly(10, 2025, [80_000, 100_000, 120_000, 150_000, 150_000, 120_000]),
        modules=(_grant("LZ"),),
        indicators=(("Geförderte Fassaden und Höfe", "Anzahl", 0, 70, 2030),),
        climate=ADAPTATION,
        climate_note="Hofentsiegelung und Fassadenbegrünung werden bevorzugt gefördert.",
        status=IN_PROGRESS,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF1-M04",
        title="Erwerb der Schlüsselimmobilie Marktplatz 12",
        action_field="HF1",
        goals=("Z1.1",),
        quarters=("Q1",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Liegenschaften",
        starting_situation="Das ortsbildprägende Eckhaus am Markt steht seit Jahren leer und verfällt.",
        description="Ankauf des Grundstücks Marktplatz 12 samt Gebäude, um eine Nachnutzung mit "
        "Gastronomie und Wohnen zu sichern.",
        expected_effect="Die Stadt steuert die Entwicklung der wichtigsten Platzkante selbst.",
        start_year=2025,
        end_year=2025,
        costs=(Cost(8, 2025, 950_000, note="Kaufpreis laut Verkehrswertgutachten, Nebenkosten"),),
        modules=(_grant("LZ"),),
        indicators=(("Wieder genutzte Geschossfläche", "m²", 0, 1_200, 2028),),
        priority=P1,
        status=COMPLETED,
        related=("HF1-M05", "HF2-M01"),
    ),
    MeasureSpec(
        code="HF1-M05",
        title="Umnutzung des ehemaligen Kaufhauses Brandt zum Stadthaus",
        action_field="HF1",
        goals=("Z1.1", "Z1.2", "Z5.1"),
        quarters=("Q1",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Gebäudewirtschaft",
        partners="Brandt-Quartier GmbH (Investor), Stadtbibliothek, Volkshochschule",
        starting_situation="Das Kaufhaus (6.500 m²) steht seit 2021 leer und prägt die Lange Straße negativ.",
        description="Umbau zum Stadthaus mit Bibliothek, Volkshochschule und Coworking in den unteren "
        "Geschossen; die Gewerbeflächen im Erdgeschoss baut der Investor auf eigene Rechnung aus.",
        expected_effect="Ein neuer Frequenzbringer mitten in der Fußgängerzone.",
        start_year=2026,
        end_year=2029,
        costs=(
            Cost(9, 2026, 600_000, note="Planung, Schadstoffsanierung"),
            Cost(9, 2027, 1_800_000, 600_000, "Rohbau; Gewerbeflächen EG nicht förderfähig"),
            Cost(9, 2028, 2_000_000, 700_000, "Ausbau; Gewerbeflächen EG nicht förderfähig"),
            Cost(9, 2029, 800_000, 200_000, "Ausstattung; Gewerbeflächen EG nicht förderfähig"),
        ),
        modules=(
            _grant("LZ"),
            _third_party(
                "Brandt-Quartier GmbH (Investor)",
                amount=1_500_000,
                years={2027: 600_000, 2028: 700_000, 2029: 200_000},
            ),
        ),
        indicators=(
            ("Besucher Stadthaus", "pro Jahr", None, 120_000, 2030),
            ("Leerstehende Verkaufsfläche Lange Straße", "m²", 6_500, 500, 2030),
        ),
        climate=PROTECTION,
        climate_note="Umbau statt Abriss spart graue Energie; Anschluss an das Nahwärmenetz.",
        priority=P1,
        status=PREPARATION,
        hoai_phase=3,
        cost_base_year=2025,
        related=("HF1-M04",),
    ),
    MeasureSpec(
        code="HF1-M06",
        title="Leerstandsmanagement und Zwischennutzung Ortskern Ostervenne",
        action_field="HF1",
        goals=("Z1.1",),
        quarters=("Q6",),
        municipality="Ostervenne",
        responsible_body="Gemeinde Ostervenne",
        partners="Gewerbeverein Ostervenne",
        starting_situation="Acht von 31 Ladenlokalen im Ortskern stehen leer.",
        description="Ansprache der Eigentümer, Zwischennutzungen durch Pop-up-Läden und Vereine, "
        "Vermarktung über die gemeinsame Leerstandsbörse.",
        expected_effect="Weniger dauerhafte Leerstände, neue Angebote im Ortskern.",
        start_year=2025,
        end_year=2028,
        costs=_yearly(11, 2025, [40_000, 40_000, 40_000, 40_000]),
        modules=(_grant("LZ"),),
        indicators=(("Leerstehende Ladenlokale", "Anzahl", 8, 3, 2028),),
        priority=P1,
        status=IN_PROGRESS,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF1-M07",
        title="Beratungsprogramm „Wohnen über Läden“ Altstadt Rheinwerth",
        action_field="HF1",
        goals=("Z1.3",),
        quarters=("Q4",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Stadtplanung",
        partners="Architektenkammer, Verbraucherzentrale",
        starting_situation="Obergeschosse über den Läden stehen oft leer, weil separate Zugänge fehlen.",
        description="Kostenlose Erstberatung durch Architektinnen und Zuschüsse für Machbarkeitsstudien "
        "zur Aktivierung von Obergeschossen.",
        expected_effect="Neue Wohnungen in der Altstadt ohne zusätzliche Versiegelung.",
        start_year=2026,
        end_year=2029,
        costs=_yearly(10, 2026, [60_000, 60_000, 60_000, 60_000]),
        modules=(_grant("LZ"),),
        indicators=(("Reaktivierte Wohnungen in Obergeschossen", "Anzahl", 0, 20, 2030),),
        climate=PROTECTION,
        climate_note="Nutzung bestehender Gebäude statt Neubau auf der grünen Wiese.",
        status=IN_PROGRESS,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF1-M08",
        title="Freilegung und Aufbereitung der Bahnbrache",
        action_field="HF1",
        goals=("Z1.3", "Z3.1"),
        quarters=("Q3",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Liegenschaften",
        partners="Altlastensanierungsverband NRW",
        starting_situation="Gleisanlagen, Fundamente und belastete Auffüllungen verhindern jede Nutzung.",
        description="Rückbau der Gleise und Hallenreste, Entsorgung belasteter Böden, Herrichtung der "
        "Fläche für ein gemischtes Quartier.",
        expected_effect="Eine baureife Fläche von 12 ha zwischen Bahnhof und Innenstadt.",
        start_year=2025,
        end_year=2027,
        costs=(
            Cost(8, 2025, 400_000, note="Rückbau Gleisanlagen"),
            Cost(8, 2026, 1_200_000, note="Bodensanierung"),
            Cost(8, 2027, 900_000, note="Herrichtung, Erschließungsvorbereitung"),
        ),
        modules=(_grant("WNE"),),
        indicators=(("Aufbereitete Fläche", "ha", 0, 12, 2027),),
        climate=ADAPTATION,
        climate_note="Entsiegelung von rund 3 ha für die grün-blaue Achse.",
        priority=P1,
        status=IN_PROGRESS,
        hoai_phase=8,
        related=("HF1-M10", "HF3-M03"),
    ),
    MeasureSpec(
        code="HF1-M09",
        title="Altlastenerkundung Hafenviertel",
        action_field="HF1",
        goals=("Z1.3",),
        quarters=("Q5",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Umweltamt",
        partners="Kreis Wesseltal, Untere Bodenschutzbehörde",
        starting_situation="Auf sechs Hafengrundstücken werden Belastungen aus Tanklager und Werft vermutet.",
        description="Historische Recherche, Bohrungen und Gefährdungsabschätzung als Grundlage für die "
        "Umnutzung der Hafengrundstücke.",
        expected_effect="Klarheit über Sanierungsbedarf und Kosten vor dem Flächenerwerb.",
        start_year=2025,
        end_year=2025,
        costs=(Cost(8, 2025, 140_000),),
        modules=(_grant("WNE"),),
        indicators=(("Untersuchte Grundstücke", "Anzahl", 0, 6, 2025),),
        priority=P1,
        status=COMPLETED,
        related=("HF2-M03",),
    ),
    MeasureSpec(
        code="HF1-M10",
        title="Rahmenplan und städtebaulicher Wettbewerb Bahnbrache",
        action_field="HF1",
        goals=("Z1.3",),
        quarters=("Q3",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Stadtplanungsamt",
        starting_situation="Für die Bahnbrache gibt es keine abgestimmte Zielvorstellung.",
        description="Rahmenplan mit Beteiligung und ein offener städtebaulicher Wettbewerb für das "
        "neue Quartier am Bahnhof.",
        expected_effect="Ein beschlossener Rahmenplan als Grundlage für Bebauungsplan und Vermarktung.",
        start_year=2024,
        end_year=2025,
        costs=(Cost(7, 2024, 90_000, note="Rahmenplan"), Cost(7, 2025, 130_000, note="Wettbewerb")),
        modules=(_grant("WNE"),),
        indicators=(("Beteiligte Bürgerinnen und Bürger", "Personen", 0, 300, 2025),),
        priority=P1,
        status=COMPLETED,
    ),
    # HF2 Öffentlicher Raum und Baukultur
    MeasureSpec(
        code="HF2-M01",
        title="Neugestaltung Marktplatz Hallenbeck",
        action_field="HF2",
        goals=("Z2.1", "Z2.2", "Z3.2"),
        quarters=("Q1",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Tiefbauamt",
        partners="Wochenmarktbeschicker, Werbegemeinschaft",
        starting_situation="Der Marktplatz ist ein versiegelter Parkplatz ohne Schatten und Sitzplätze.",
        description="Umbau zum autofreien Platz mit Baumdach, Wasserspiel, barrierefreiem Belag und "
        "flexibler Fläche für Markt und Feste.",
        expected_effect="Der Marktplatz wird wieder zum Treffpunkt und kühlt an heißen Tagen.",
        start_year=2025,
        end_year=2027,
        costs=(
            Cost(9, 2025, 400_000, note="Planung, Leitungsverlegung"),
            Cost(9, 2026, 1_600_000, note="1. Bauabschnitt"),
            Cost(9, 2027, 1_400_000, note="2. Bauabschnitt"),
        ),
        modules=(_grant("LZ"),),
        indicators=(
            ("Neu gepflanzte Bäume", "Anzahl", 4, 28, 2027),
            ("Entsiegelte Fläche", "m²", 0, 2_500, 2027),
        ),
        climate=ADAPTATION,
        climate_note="Baumdach, Entsiegelung und Wasserspiel senken die Oberflächentemperatur.",
        priority=P1,
        status=IN_PROGRESS,
        hoai_phase=8,
        related=("HF1-M04", "HF2-M02"),
    ),
    MeasureSpec(
        code="HF2-M02",
        title="Umgestaltung der Fußgängerzone Lange Straße",
        action_field="HF2",
        goals=("Z2.1", "Z2.2"),
        quarters=("Q1",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Tiefbauamt",
        starting_situation="Der Belag der 1970er Jahre ist schadhaft, die Möblierung veraltet.",
        description="Neuer Belag mit Leitsystem, Sitzinseln mit Grün, neue Beleuchtung.",
        expected_effect="Mehr Aufenthaltsqualität und sichere Wege für alle.",
        start_year=2027,
        end_year=2029,
        costs=(
            Cost(9, 2027, 300_000, note="Planung"),
            Cost(9, 2028, 1_400_000),
            Cost(9, 2029, 1_100_000),
        ),
        modules=(_grant("LZ"),),
        indicators=(("Barrierefrei umgebaute Länge", "m", 0, 650, 2029),),
        priority=P2,
        status=PREPARATION,
        hoai_phase=2,
        cost_base_year=2025,
        related=("HF2-M01",),
    ),
    MeasureSpec(
        code="HF2-M03",
        title="Hafenpromenade Rheinwerth",
        action_field="HF2",
        goals=("Z2.1", "Z3.1"),
        quarters=("Q5",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Grünflächenamt",
        partners="Wasserstraßen- und Schifffahrtsamt, Wasserverband Lippe-Wesseltal",
        starting_situation="Das Kanalufer ist eingezäunt und für die Öffentlichkeit nicht erreichbar.",
        description="Eine 800 m lange Uferpromenade mit Sitzstufen am Wasser, Spielpunkten und Bäumen.",
        expected_effect="Das Hafenviertel öffnet sich zum Wasser und wird zum Ausflugsziel.",
        start_year=2026,
        end_year=2028,
        costs=(
            Cost(9, 2026, 400_000, note="Planung, Kampfmittelsondierung"),
            Cost(9, 2027, 1_500_000),
            Cost(9, 2028, 1_300_000),
        ),
        modules=(_grant("WNE"),),
        indicators=(("Öffentlich zugängliche Uferlänge", "m", 0, 800, 2028),),
        climate=ADAPTATION,
        climate_note="Baumreihen und entsiegelte Uferflächen schaffen einen kühlen Ort am Wasser.",
        priority=P1,
        status=IN_PROGRESS,
        hoai_phase=5,
        cost_base_year=2025,
        related=("HF1-M09", "HF4-M03"),
    ),
    MeasureSpec(
        code="HF2-M04",
        title="Neugestaltung Kirchplatz und Altstadtgassen Rheinwerth",
        action_field="HF2",
        goals=("Z2.1", "Z2.3"),
        quarters=("Q4",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Tiefbauamt",
        partners="Ev. Kirchengemeinde, LVR-Amt für Denkmalpflege",
        starting_situation="Kirchplatz und Gassen sind zugeparkt, das Pflaster ist uneben.",
        description="Denkmalgerechte Neugestaltung mit gesägtem Natursteinpflaster und Gehbändern, "
        "Neuordnung des Parkens.",
        expected_effect="Ein ruhiger, barrierearmer Platz im Herzen der Altstadt.",
        start_year=2025,
        end_year=2027,
        costs=(Cost(9, 2025, 200_000), Cost(9, 2026, 900_000), Cost(9, 2027, 800_000)),
        modules=(_grant("LZ"),),
        indicators=(("Umgestaltete Fläche", "m²", 0, 4_800, 2027),),
        priority=P1,
        status=IN_PROGRESS,
        hoai_phase=8,
    ),
    MeasureSpec(
        code="HF2-M05",
        title="Barrierefreier Dorfplatz Sürenbruch",
        action_field="HF2",
        goals=("Z2.1", "Z2.2"),
        quarters=("Q8",),
        municipality="Sürenbruch",
        responsible_body="Gemeinde Sürenbruch",
        partners="Heimatverein Sürenbruch",
        starting_situation="Der Dorfplatz dient als Parkplatz; Treffpunkt und Schatten fehlen.",
        description="Umbau zum Dorfplatz mit Dorflinde, Bänken, barrierefreier Bushaltestelle und "
        "Fläche für das Dorffest.",
        expected_effect="Eine lebendige Ortsmitte für Jung und Alt.",
        start_year=2025,
        end_year=2027,
        costs=(Cost(9, 2025, 150_000), Cost(9, 2026, 750_000), Cost(9, 2027, 700_000)),
        modules=(_grant("LZ"),),
        indicators=(("Veranstaltungen auf dem Dorfplatz", "pro Jahr", 2, 12, 2028),),
        climate=ADAPTATION,
        climate_note="Entsiegelung und Baumpflanzungen.",
        priority=P1,
        status=IN_PROGRESS,
        hoai_phase=7,
        related=("HF5-M06",),
    ),
    MeasureSpec(
        code="HF2-M06",
        title="Lichtkonzept und LED-Beleuchtung Ortskern Ostervenne",
        action_field="HF2",
        goals=("Z2.1", "Z2.3"),
        quarters=("Q6",),
        municipality="Ostervenne",
        responsible_body="Gemeinde Ostervenne",
        starting_situation="Veraltete Peitschenleuchten, dunkle Ecken an Kirche und Haltestelle.",
        description="Lichtkonzept und Austausch der Beleuchtung durch insektenfreundliche LED-Leuchten.",
        expected_effect="Mehr Sicherheit am Abend, weniger Stromverbrauch.",
        start_year=2027,
        end_year=2028,
        costs=(Cost(9, 2027, 150_000), Cost(9, 2028, 300_000)),
        modules=(_grant("LZ"),),
        indicators=(("Stromverbrauch Straßenbeleuchtung", "MWh/a", 85, 30, 2029),),
        climate=PROTECTION,
        climate_note="Rund 60 % weniger Stromverbrauch.",
        priority=P3,
        status=PLANNED,
        hoai_phase=1,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF2-M07",
        title="Gestaltungshandbuch und Gestaltungsbeirat",
        action_field="HF2",
        goals=("Z2.3",),
        quarters=("Q1", "Q4", "Q6", "Q8"),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck für alle vier Kommunen",
        partners="Städte Rheinwerth, Ostervenne, Gemeinde Sürenbruch",
        starting_situation="Gestaltungsregeln fehlen oder sind veraltet.",
        description="Ein gemeinsames Gestaltungshandbuch für die vier Ortskerne und ein "
        "interkommunaler Gestaltungsbeirat.",
        expected_effect="Einheitliche Maßstäbe für Fassaden, Werbung und Möblierung.",
        start_year=2024,
        end_year=2025,
        costs=(Cost(7, 2024, 40_000), Cost(7, 2025, 40_000)),
        modules=(_grant("LZ"),),
        indicators=(("Beratene Bauvorhaben", "Anzahl", 0, 30, 2026),),
        status=COMPLETED,
    ),
    # HF3 Grün, Klima, Wasser
    MeasureSpec(
        code="HF3-M01",
        title="Nordpark Hallenbeck",
        action_field="HF3",
        goals=("Z3.1", "Z3.3", "Z5.1"),
        quarters=("Q2",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Grünflächenamt",
        partners="Wasserverband Lippe-Wesseltal, Nordstadtschulen",
        starting_situation="Die Grünfläche an der Nordstraße ist ungestaltet, Spielgeräte sind gesperrt.",
        description="Ein Quartierspark mit Spiel- und Bewegungsflächen, Retentionsmulden, Baumhain und "
        "Gemeinschaftsgarten.",
        expected_effect="Wohnungsnahes Grün für 9.800 Menschen und Rückhalt von Starkregen.",
        start_year=2026,
        end_year=2028,
        costs=(
            Cost(9, 2026, 300_000, note="Planung, Beteiligung"),
            Cost(9, 2027, 1_100_000),
            Cost(9, 2028, 800_000),
        ),
        modules=(_grant("EFRE-WiW", share=40, rate=70), _grant("SZ", share=60)),
        indicators=(
            ("Neu gestaltete Grünfläche", "m²", 0, 18_000, 2028),
            ("Retentionsvolumen", "m³", 0, 900, 2028),
        ),
        climate=ADAPTATION,
        climate_note="Retentionsmulden und Baumhain: Schwammstadt und Kühlung.",
        priority=P1,
        status=IN_PROGRESS,
        hoai_phase=5,
        cost_base_year=2025,
        related=("HF5-M01",),
    ),
    MeasureSpec(
        code="HF3-M02",
        title="Entsiegelung Schulhof Grundschule Am Hang",
        action_field="HF3",
        goals=("Z3.1", "Z3.2"),
        quarters=("Q7",),
        municipality="Ostervenne",
        responsible_body="Gemeinde Ostervenne, Schulverwaltung",
        partners="Grundschule Am Hang, Förderverein",
        starting_situation="Der Schulhof ist zu 90 % asphaltiert und heizt sich stark auf.",
        description="Entsiegelung, Schattenbäume, Versickerungsmulden und ein grünes Klassenzimmer, "
        "geplant mit den Kindern.",
        expected_effect="Ein kühler, naturnaher Schulhof, der auch nachmittags offen ist.",
        start_year=2025,
        end_year=2026,
        costs=(Cost(9, 2025, 150_000), Cost(9, 2026, 500_000)),
        modules=(_grant("EFRE-KA", rate=80),),
        indicators=(("Entsiegelte Fläche", "m²", 0, 2_200, 2026),),
        climate=ADAPTATION,
        climate_note="Entsiegelung und Verschattung senken die Hitzebelastung der Kinder.",
        priority=P1,
        status=IN_PROGRESS,
        hoai_phase=8,
    ),
    MeasureSpec(
        code="HF3-M03",
        title="Grün-blaue Achse Bahnbrache",
        action_field="HF3",
        goals=("Z3.1", "Z3.3"),
        quarters=("Q3",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Grünflächenamt",
        partners="Wasserverband Lippe-Wesseltal",
        starting_situation="Nach der Freilegung fehlt eine Grünverbindung zwischen Bahnhof und Innenstadt.",
        description="Ein Grünzug mit offenem Regenwassergraben, Rückhaltebecken und Fuß- und Radweg.",
        expected_effect="Das neue Quartier wird klimaangepasst erschlossen.",
        start_year=2028,
        end_year=2030,
        costs=(Cost(9, 2028, 300_000), Cost(9, 2029, 1_200_000), Cost(9, 2030, 900_000)),
        modules=(_grant("WNE"),),
        indicators=(("Länge der Grünachse", "m", 0, 700, 2030),),
        climate=ADAPTATION,
        climate_note="Regenwasser der Baufelder wird offen abgeleitet und zurückgehalten.",
        priority=P2,
        status=PLANNED,
        hoai_phase=1,
        cost_base_year=2025,
        related=("HF1-M08",),
    ),
    MeasureSpec(
        code="HF3-M04",
        title="Interkommunales Starkregen- und Hitzevorsorgekonzept",
        action_field="HF3",
        goals=("Z3.2", "Z3.3"),
        quarters=("Q1", "Q2", "Q4", "Q5", "Q6", "Q7", "Q8"),
        municipality="Hallenbeck",
        responsible_body="Wasserverband Lippe-Wesseltal",
        partners="alle vier Kommunen",
        starting_situation="Starkregengefahrenkarten liegen vor, Maßnahmen sind nicht abgestimmt.",
        description="Gemeinsames Konzept mit Hitzekarten, Fließwegeanalyse und Maßnahmenkatalog.",
        expected_effect="Klimaanpassung wird in allen Fördergebieten gezielt umgesetzt.",
        start_year=2024,
        end_year=2025,
        costs=(Cost(7, 2024, 50_000), Cost(7, 2025, 70_000)),
        modules=(_grant("EFRE-KA", rate=80),),
        indicators=(("Abgestimmte Maßnahmensteckbriefe", "Anzahl", 0, 25, 2025),),
        climate=ADAPTATION,
        climate_note="Grundlage aller Klimaanpassungsmaßnahmen des Konzepts.",
        priority=P1,
        status=COMPLETED,
    ),
    MeasureSpec(
        code="HF3-M05",
        title="Förderprogramm Dach- und Fassadenbegrünung",
        action_field="HF3",
        goals=("Z3.2",),
        quarters=("Q1", "Q4"),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck",
        partners="Stadt Rheinwerth",
        starting_situation="In beiden Altstädten gibt es kaum Platz für neue Bäume.",
        description="Zuschüsse für Dach- und Fassadenbegrünung privater Gebäude, 50 % bis 8.000 €.",
        expected_effect="Mehr Grün und Kühlung auf engem Raum.",
        start_year=2026,
        end_year=2030,
        costs=_yearly(10, 2026, [50_000, 50_000, 50_000, 50_000, 50_000]),
        modules=(_grant("LZ"),),
        indicators=(("Begrünte Dach- und Fassadenfläche", "m²", 0, 3_000, 2030),),
        climate=ADAPTATION,
        climate_note="Begrünung kühlt Gebäude und hält Regenwasser zurück.",
        status=IN_PROGRESS,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF3-M06",
        title="Offenlegung des Wesselbachs in der Ortsmitte Sürenbruch",
        action_field="HF3",
        goals=("Z3.3", "Z2.1"),
        quarters=("Q8",),
        municipality="Sürenbruch",
        responsible_body="Wasserverband Lippe-Wesseltal",
        partners="Gemeinde Sürenbruch",
        starting_situation="Der Wesselbach ist auf 250 m verrohrt und läuft bei Starkregen über.",
        description="Offenlegung und naturnahe Gestaltung mit Bachterrassen am Dorfplatz.",
        expected_effect="Mehr Hochwasserschutz und ein erlebbarer Bach im Ort.",
        start_year=2027,
        end_year=2029,
        costs=(Cost(9, 2027, 200_000), Cost(9, 2028, 700_000), Cost(9, 2029, 400_000)),
        modules=(_grant("EFRE-KA", share=50, rate=80), _grant("LZ", share=50)),
        indicators=(("Offengelegte Bachlänge", "m", 0, 250, 2029),),
        climate=ADAPTATION,
        climate_note="Mehr Abflussquerschnitt und Verdunstungskühlung.",
        priority=P2,
        status=PREPARATION,
        hoai_phase=3,
        cost_base_year=2025,
        related=("HF2-M05",),
    ),
    MeasureSpec(
        code="HF3-M07",
        title="Baumpflanzprogramm Altstadt und Hafenviertel Rheinwerth",
        action_field="HF3",
        goals=("Z3.1", "Z3.2"),
        quarters=("Q4", "Q5"),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Grünflächenamt",
        starting_situation="Auf vielen Straßen fehlen Bäume; Baumscheiben sind zu klein.",
        description="Pflanzung von 120 Stadtbäumen mit großen, unterirdisch vernetzten Baumquartieren.",
        expected_effect="Schatten auf den Hauptwegen und ein kühleres Mikroklima.",
        start_year=2025,
        end_year=2029,
        costs=_yearly(9, 2025, [80_000, 80_000, 80_000, 80_000, 80_000]),
        modules=(_grant("WNE"),),
        indicators=(("Neu gepflanzte Bäume", "Anzahl", 0, 120, 2029),),
        climate=ADAPTATION,
        climate_note="Verschattung und Verdunstung, Baumquartiere als Regenspeicher.",
        status=IN_PROGRESS,
        hoai_phase=8,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF3-M08",
        title="Energetisches Quartierskonzept Nordstadt",
        action_field="HF3",
        goals=("Z3.2",),
        quarters=("Q2",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Klimaschutzmanagement",
        partners="Stadtwerke Hallenbeck, Wohnungsbaugenossenschaft Nord",
        starting_situation="Die Gebäude der Nordstadt werden überwiegend mit Gas beheizt und sind unsaniert.",
        description="Energetisches Quartierskonzept nach KfW 432 mit Wärmenetzstudie.",
        expected_effect="Ein Fahrplan zur klimaneutralen Wärmeversorgung der Nordstadt.",
        start_year=2024,
        end_year=2025,
        costs=(Cost(7, 2024, 60_000), Cost(7, 2025, 90_000)),
        modules=(_grant("KFW432", rate=75),),
        indicators=(("CO2-Minderungspotenzial", "t/a", None, 4_000, 2025),),
        climate=PROTECTION,
        climate_note="Grundlage für Wärmenetz und Sanierungsoffensive.",
        priority=P1,
        status=COMPLETED,
        related=("HF3-M10",),
    ),
    MeasureSpec(
        code="HF3-M09",
        title="Energetisches Quartierskonzept und Sanierungsmanagement Am Hang",
        action_field="HF3",
        goals=("Z3.2",),
        quarters=("Q7",),
        municipality="Ostervenne",
        responsible_body="Gemeinde Ostervenne",
        partners="Energieagentur NRW, Verbraucherzentrale",
        starting_situation="Die Siedlung hat einen hohen Wärmebedarf; Eigentümer sind oft älter.",
        description="Quartierskonzept 2024, danach ein Sanierungsmanagement, das Eigentümer berät und "
        "Sammelsanierungen anstößt.",
        expected_effect="Höhere Sanierungsquote und niedrigere Heizkosten.",
        start_year=2024,
        end_year=2029,
        costs=(
            Cost(7, 2024, 70_000, note="Quartierskonzept"),
            *_yearly(11, 2025, [70_000] * 5, note="Sanierungsmanagement"),
        ),
        modules=(_grant("KFW432"),),
        indicators=(
            ("Sanierungsquote", "%/a", 1, 3, 2029),
            ("Beratungen", "Anzahl", 0, 150, 2029),
        ),
        climate=PROTECTION,
        climate_note="Senkung des Wärmebedarfs um rund 30 %.",
        priority=P1,
        status=IN_PROGRESS,
    ),
    MeasureSpec(
        code="HF3-M10",
        title="Sanierungsmanagement Nordstadt",
        action_field="HF3",
        goals=("Z3.2",),
        quarters=("Q2",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Klimaschutzmanagement",
        partners="Stadtwerke Hallenbeck",
        starting_situation="Das Quartierskonzept zeigt großes Einsparpotenzial; Eigentümer brauchen Rat.",
        description="Sanierungsmanagement nach KfW 432 für fünf Jahre, mit Sprechstunde im Stadtteilbüro.",
        expected_effect="Umsetzung des Quartierskonzepts, Aufbau des Wärmenetzes.",
        start_year=2026,
        end_year=2030,
        costs=_yearly(11, 2026, [75_000, 75_000, 75_000, 75_000, 75_000]),
        modules=(_grant("KFW432", rate=75),),
        indicators=(("An das Wärmenetz angeschlossene Wohnungen", "Anzahl", 0, 800, 2030),),
        climate=PROTECTION,
        climate_note="Umstieg von Gas auf Wärmenetz und Sanierung.",
        status=IN_PROGRESS,
        cost_base_year=2025,
        related=("HF3-M08",),
    ),
    # HF4 Mobilität
    MeasureSpec(
        code="HF4-M01",
        title="Interkommunale Radachse Wesseltal",
        action_field="HF4",
        goals=("Z4.1", "Z4.2"),
        quarters=("Q1", "Q2", "Q4", "Q6", "Q8"),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck für alle vier Kommunen",
        partners="Städte Rheinwerth, Ostervenne, Gemeinde Sürenbruch, Kreis Wesseltal",
        starting_situation="Zwischen den vier Orten gibt es keine durchgehende, sichere Radverbindung.",
        description="Eine 14 km lange Radachse auf der ehemaligen Bahntrasse mit Anschlüssen in alle "
        "Zentren, beleuchtet und 4 m breit.",
        expected_effect="Die Orte rücken zusammen; Pendeln mit dem Rad wird attraktiv.",
        start_year=2026,
        end_year=2030,
        costs=(
            Cost(9, 2026, 300_000, note="Planung, Grunderwerb Trasse"),
            Cost(9, 2027, 800_000),
            Cost(9, 2028, 1_200_000),
            Cost(9, 2029, 1_300_000),
            Cost(9, 2030, 900_000),
        ),
        modules=(_grant("LZ"),),
        indicators=(
            ("Fertiggestellte Länge", "km", 0, 14, 2030),
            ("Radfahrende pro Tag (Zählstelle)", "Anzahl", 150, 900, 2030),
        ),
        climate=PROTECTION,
        climate_note="Verlagerung von Pkw-Fahrten auf das Rad.",
        priority=P1,
        status=PREPARATION,
        hoai_phase=3,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF4-M02",
        title="Mobilstation Bahnhof Hallenbeck",
        action_field="HF4",
        goals=("Z4.2",),
        quarters=("Q3",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Verkehrsplanung",
        partners="Verkehrsverbund, Stadtwerke Hallenbeck",
        starting_situation="Am Bahnhof fehlen sichere Radabstellanlagen und Sharing-Angebote.",
        description="Mobilstation mit Radparkhaus (300 Plätze), Carsharing, Lastenrad und Ladepunkten.",
        expected_effect="Umsteigen zwischen Bahn, Rad und Carsharing wird einfach.",
        start_year=2027,
        end_year=2028,
        costs=(Cost(9, 2027, 250_000), Cost(9, 2028, 600_000)),
        modules=(_grant("WNE"),),
        indicators=(("Radabstellplätze", "Anzahl", 40, 340, 2028),),
        climate=PROTECTION,
        climate_note="Stärkt den Umweltverbund.",
        status=PREPARATION,
        hoai_phase=2,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF4-M03",
        title="Fußwegeverbindung Altstadt - Hafen",
        action_field="HF4",
        goals=("Z4.1",),
        quarters=("Q4", "Q5"),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Tiefbauamt",
        starting_situation="Altstadt und Hafen trennt eine Hauptstraße ohne sichere Querung.",
        description="Neue Wegeverbindung mit Mittelinsel, Treppe und Rampe zum Hafen.",
        expected_effect="Die Altstadt profitiert von den Besuchern der Hafenpromenade.",
        start_year=2026,
        end_year=2027,
        costs=(Cost(9, 2026, 120_000), Cost(9, 2027, 600_000)),
        modules=(_grant("WNE"),),
        indicators=(("Fußgänger pro Tag", "Anzahl", 300, 1_200, 2028),),
        status=PREPARATION,
        hoai_phase=4,
        cost_base_year=2025,
        related=("HF2-M03",),
    ),
    MeasureSpec(
        code="HF4-M04",
        title="Verkehrsberuhigung Ortsdurchfahrt Ostervenne",
        action_field="HF4",
        goals=("Z4.1", "Z2.1"),
        quarters=("Q6",),
        municipality="Ostervenne",
        responsible_body="Gemeinde Ostervenne",
        partners="Straßen.NRW",
        starting_situation="Die Landesstraße zerschneidet den Ortskern, Gehwege sind schmal.",
        description="Umbau der Ortsdurchfahrt mit breiteren Gehwegen, Querungshilfen und Bäumen.",
        expected_effect="Der Ortskern wird wieder sicher zu Fuß erlebbar.",
        start_year=2028,
        end_year=2030,
        costs=(Cost(9, 2028, 200_000), Cost(9, 2029, 500_000), Cost(9, 2030, 400_000)),
        modules=(_grant("LZ"),),
        indicators=(("Gefahrene Geschwindigkeit (V85)", "km/h", 47, 32, 2030),),
        priority=P3,
        status=PLANNED,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF4-M05",
        title="Fahrradparken und Radservice in den Zentren",
        action_field="HF4",
        goals=("Z4.1",),
        quarters=("Q1", "Q4", "Q8"),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck für die beteiligten Kommunen",
        partners="Stadt Rheinwerth, Gemeinde Sürenbruch, ADFC",
        starting_situation="In den Zentren fehlen Fahrradbügel und Servicestationen.",
        description="Fahrradbügel, überdachte Abstellanlagen und Reparaturstationen an zentralen Orten.",
        expected_effect="Einkaufen mit dem Rad wird bequemer.",
        start_year=2025,
        end_year=2026,
        costs=(Cost(9, 2025, 110_000), Cost(9, 2026, 150_000)),
        modules=(_grant("LZ"),),
        indicators=(("Neue Fahrradabstellplätze", "Anzahl", 0, 400, 2026),),
        climate=PROTECTION,
        climate_note="Fördert den Radverkehr.",
        status=IN_PROGRESS,
        hoai_phase=8,
    ),
    # HF5 Soziales, Bildung, Gemeinbedarf
    MeasureSpec(
        code="HF5-M01",
        title="Stadtteilzentrum Nordstadt",
        action_field="HF5",
        goals=("Z5.1", "Z5.2"),
        quarters=("Q2",),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck, Gebäudewirtschaft",
        partners="Familienzentrum, Jugendhilfe, Seniorenbeirat, Migrantenorganisationen",
        starting_situation="Die Nordstadt hat keinen Ort für Vereine, Beratung und Feiern.",
        description="Neubau eines Stadtteilzentrums in Holzbauweise mit Saal, Stadtteilbüro, Café, "
        "Beratungsräumen und Jugendetage.",
        expected_effect="Ein offenes Haus für alle Generationen im Herzen der Nordstadt.",
        start_year=2025,
        end_year=2028,
        costs=(
            Cost(9, 2025, 300_000, note="Wettbewerb, Planung"),
            Cost(9, 2026, 1_200_000),
            Cost(9, 2027, 2_000_000),
            Cost(9, 2028, 1_300_000),
        ),
        modules=(_grant("SZ"),),
        indicators=(
            ("Nutzende pro Woche", "Personen", 0, 600, 2029),
            ("Beteiligte Gruppen und Vereine", "Anzahl", 0, 25, 2029),
        ),
        climate=BOTH,
        climate_note="Holzbau, Photovoltaik, Gründach und Regenwassernutzung.",
        priority=P1,
        status=IN_PROGRESS,
        hoai_phase=8,
        related=("HF3-M01", "HF5-M02"),
    ),
    MeasureSpec(
        code="HF5-M02",
        title="Quartiersmanagement Nordstadt und Am Hang",
        action_field="HF5",
        goals=("Z5.1", "Z5.2", "Z6.2"),
        quarters=("Q2", "Q7"),
        municipality="Hallenbeck",
        responsible_body="Stadt Hallenbeck; Träger: Caritasverband (Vergabe)",
        partners="Gemeinde Ostervenne",
        starting_situation="Viele Bewohnerinnen und Bewohner werden von Angeboten nicht erreicht.",
        description="Quartiersmanagement mit Stadtteilbüros in beiden Quartieren: Netzwerke, "
        "Beteiligung, Nachbarschaftsprojekte.",
        expected_effect="Bewohner werden aktiv, Angebote werden bekannter und besser genutzt.",
        start_year=2024,
        end_year=2030,
        costs=_yearly(11, 2024, [90_000, 95_000, 100_000, 105_000, 110_000, 115_000, 120_000]),
        modules=(_grant("SZ"),),
        indicators=(("Nachbarschaftsprojekte", "Anzahl", 0, 35, 2030),),
        priority=P1,
        status=IN_PROGRESS,
        related=("HF5-M01",),
    ),
    MeasureSpec(
        code="HF5-M03",
        title="Umbau der Alten Schule zum Bürgerhaus Ostervenne",
        action_field="HF5",
        goals=("Z5.1",),
        quarters=("Q6",),
        municipality="Ostervenne",
        responsible_body="Gemeinde Ostervenne",
        partners="Vereinsgemeinschaft Ostervenne, Bücherei",
        starting_situation="Die denkmalgeschützte Alte Schule steht seit 2019 leer.",
        description="Umbau zum Bürgerhaus mit Saal, Bücherei, Vereinsräumen und Aufzug.",
        expected_effect="Ein Treffpunkt im Ortskern und der Erhalt eines Baudenkmals.",
        start_year=2026,
        end_year=2028,
        costs=(Cost(9, 2026, 250_000), Cost(9, 2027, 1_100_000), Cost(9, 2028, 750_000)),
        modules=(_grant("LZ"),),
        indicators=(("Veranstaltungen im Bürgerhaus", "pro Jahr", 0, 150, 2029),),
        climate=PROTECTION,
        climate_note="Energetische Sanierung des Baudenkmals mit Wärmepumpe.",
        priority=P2,
        status=PREPARATION,
        hoai_phase=4,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF5-M04",
        title="Spiel- und Bewegungsband Am Hang",
        action_field="HF5",
        goals=("Z5.1", "Z3.1"),
        quarters=("Q7",),
        municipality="Ostervenne",
        responsible_body="Gemeinde Ostervenne",
        partners="Kinder- und Jugendparlament",
        starting_situation="Die Spielplätze der Siedlung sind veraltet und nicht barrierefrei.",
        description="Ein durchgehendes Spiel- und Bewegungsband entlang des Hangwegs, inklusiv gestaltet.",
        expected_effect="Bewegungsangebote für alle Altersgruppen, sichere Wege zur Schule.",
        start_year=2027,
        end_year=2028,
        costs=(Cost(9, 2027, 120_000), Cost(9, 2028, 360_000)),
        modules=(_grant("SZ"),),
        indicators=(("Inklusive Spielpunkte", "Anzahl", 0, 6, 2028),),
        status=PLANNED,
        hoai_phase=1,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF5-M05",
        title="Jugendtreff im Hafenspeicher",
        action_field="HF5",
        goals=("Z5.1", "Z5.2"),
        quarters=("Q5",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Jugendamt",
        partners="Jugendring Rheinwerth",
        starting_situation="Jugendliche haben im Hafenviertel keinen eigenen Ort.",
        description="Umbau eines Speicherteils zum Jugendtreff mit Proberaum und Werkstatt.",
        expected_effect="Ein selbstverwalteter Ort für Jugendliche am Wasser.",
        start_year=2028,
        end_year=2029,
        costs=(Cost(9, 2028, 300_000), Cost(9, 2029, 600_000)),
        modules=(_grant("WNE"),),
        indicators=(("Besuche pro Woche", "Anzahl", 0, 200, 2030),),
        priority=P3,
        status=PLANNED,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="HF5-M06",
        title="Familien- und Quartierstreff Ortsmitte Sürenbruch",
        action_field="HF5",
        goals=("Z5.1", "Z5.2"),
        quarters=("Q8",),
        municipality="Sürenbruch",
        responsible_body="Gemeinde Sürenbruch",
        partners="Kita St. Martin, Landfrauen, Seniorenkreis",
        starting_situation="Nach Schließung der Gaststätte fehlt ein Treffpunkt im Dorf.",
        description="Umbau der ehemaligen Gaststätte zum Familien- und Quartierstreff mit Dorfladen-Café.",
        expected_effect="Ein Ort der Begegnung und Nahversorgung in der Ortsmitte.",
        start_year=2027,
        end_year=2029,
        costs=(Cost(9, 2027, 150_000), Cost(9, 2028, 650_000), Cost(9, 2029, 400_000)),
        modules=(_grant("LZ"),),
        indicators=(("Nutzende pro Woche", "Personen", 0, 250, 2030),),
        status=PREPARATION,
        hoai_phase=2,
        cost_base_year=2025,
        related=("HF2-M05",),
    ),
    # HF6 Prozess, Beteiligung, Kooperation
    MeasureSpec(
        code="HF6-M01",
        title="Erstellung des IIHK Lippe-Wesseltal 2030",
        action_field="HF6",
        goals=("Z6.1",),
        quarters=("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"),
        municipality="Hallenbeck",
        responsible_body="Wasserverband Lippe-Wesseltal",
        partners="Stadtplanung Morgenroth PartGmbB, alle vier Kommunen",
        starting_situation="Für die Förderung ist ein beschlossenes integriertes Handlungskonzept nötig.",
        description="Bestandsanalyse, Beteiligung, Zielsystem, Maßnahmen und KuF für acht Fördergebiete.",
        expected_effect="Ein von allen vier Räten beschlossenes Konzept als Fördergrundlage.",
        start_year=2024,
        end_year=2024,
        costs=(Cost(7, 2024, 180_000, 15_000, "davon eigene Verwaltungskosten (nicht förderfähig)"),),
        modules=(_grant("LZ"),),
        indicators=(("Ratsbeschlüsse", "Anzahl", 0, 4, 2024),),
        priority=P1,
        status=COMPLETED,
    ),
    MeasureSpec(
        code="HF6-M02",
        title="Interkommunales Prozessmanagement",
        action_field="HF6",
        goals=("Z6.1",),
        quarters=("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"),
        municipality="Hallenbeck",
        responsible_body="Wasserverband Lippe-Wesseltal",
        partners="alle vier Kommunen",
        starting_situation="Vier Verwaltungen müssen Anträge, Kosten und Zeitpläne abstimmen.",
        description="Geschäftsstelle beim Wasserverband: Lenkungsgruppe, gemeinsame Anträge, "
        "jährliche Fortschreibung der KuF.",
        expected_effect="Termingerechte Anträge und abgestimmte Umsetzung.",
        start_year=2024,
        end_year=2030,
        costs=_yearly(11, 2024, [60_000] * 7),
        modules=(_grant("LZ"),),
        indicators=(("Sitzungen der Lenkungsgruppe", "pro Jahr", 0, 4, 2030),),
        priority=P1,
        status=IN_PROGRESS,
    ),
    MeasureSpec(
        code="HF6-M03",
        title="Öffentlichkeitsarbeit und Beteiligung",
        action_field="HF6",
        goals=("Z6.2",),
        quarters=("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"),
        municipality="Hallenbeck",
        responsible_body="Wasserverband Lippe-Wesseltal",
        starting_situation="Viele Menschen wissen nicht, was in ihrem Quartier geplant ist.",
        description="Projektwebsite, Baustellenfeste, Quartiersspaziergänge und Online-Beteiligung.",
        expected_effect="Transparenz und Rückhalt für die Maßnahmen.",
        start_year=2024,
        end_year=2030,
        costs=_yearly(11, 2024, [25_000] * 7),
        modules=(_grant("LZ"),),
        indicators=(("Teilnehmende an Beteiligungsformaten", "Personen", 0, 2_000, 2030),),
        status=IN_PROGRESS,
    ),
    MeasureSpec(
        code="HF6-M04",
        title="Monitoring und Evaluation",
        action_field="HF6",
        goals=("Z6.1",),
        quarters=("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"),
        municipality="Hallenbeck",
        responsible_body="Wasserverband Lippe-Wesseltal",
        starting_situation="Zielerreichung muss für die Verwendungsnachweise belegt werden.",
        description="Indikatorenset, Zwischenevaluation 2026 und 2028, Abschlussevaluation 2030.",
        expected_effect="Steuerungswissen und belastbare Verwendungsnachweise.",
        start_year=2026,
        end_year=2030,
        costs=(Cost(7, 2026, 30_000), Cost(7, 2028, 30_000), Cost(7, 2030, 30_000)),
        modules=(_grant("LZ"),),
        indicators=(("Evaluationsberichte", "Anzahl", 0, 3, 2030),),
        status=IN_PROGRESS,
    ),
)

# One notice per municipality, programme and year; amounts as planned in the KuF for that year, except
# Hallenbeck 2025 LZ, where the district government held back part of the market-square money.
IIHK_NOTICES = (
    NoticeSpec("Hallenbeck", "LZ", 2024, "252000.00", dt.date(2024, 10, 15), "34.2-2024-HB-01"),
    NoticeSpec(
        "Hallenbeck",
        "LZ",
        2025,
        "1150000.00",
        dt.date(2025, 10, 20),
        "34.2-2025-HB-01",
        "Teilbewilligung: 78.500 € für den Marktplatz werden im Programmjahr 2026 beantragt.",
    ),
    NoticeSpec("Hallenbeck", "SZ", 2025, "276500.00", dt.date(2025, 10, 20), "34.2-2025-HB-02"),
    NoticeSpec("Rheinwerth", "LZ", 2025, "120000.00", dt.date(2025, 10, 22), "34.2-2025-RW-01"),
    NoticeSpec("Rheinwerth", "WNE", 2025, "132000.00", dt.date(2025, 10, 22), "34.2-2025-RW-02"),
    NoticeSpec("Rheinwerth", "WNE", 2026, "360000.00", dt.date(2026, 10, 21), "34.2-2026-RW-01"),
    NoticeSpec("Ostervenne", "LZ", 2025, "32000.00", dt.date(2025, 10, 24), "34.2-2025-OV-01"),
    NoticeSpec("Ostervenne", "LZ", 2026, "232000.00", dt.date(2026, 10, 19), "34.2-2026-OV-01"),
    NoticeSpec("Sürenbruch", "LZ", 2025, "105000.00", dt.date(2025, 10, 24), "34.2-2025-SB-01"),
    NoticeSpec("Sürenbruch", "LZ", 2026, "525000.00", dt.date(2026, 10, 19), "34.2-2026-SB-01"),
)

_REPLY_1 = dt.datetime(2025, 5, 12, 10, 30, tzinfo=_TZ)
_REPLY_2 = dt.datetime(2025, 9, 3, 14, 0, tzinfo=_TZ)
_REPLY_3 = dt.datetime(2026, 3, 18, 9, 15, tzinfo=_TZ)

IIHK_COMMENTS = (
    CommentSpec(
        "HF2-M01",
        "Renate K.",
        "Bitte genug Bänke mit Rückenlehne einplanen, nicht nur Sitzsteine.",
        Comment.Status.PUBLISHED,
        "Danke für den Hinweis. Die Planung sieht 24 Bänke vor, die Hälfte mit Rücken- und Armlehnen.",
        _REPLY_1,
        received=dt.datetime(2025, 4, 28, 18, 20, tzinfo=_TZ),
    ),
    CommentSpec(
        "HF2-M01",
        "",
        "Wo sollen die Marktbeschicker künftig parken?",
        Comment.Status.PUBLISHED,
        "Die Marktfahrzeuge bleiben auf dem Platz; Kundenparkplätze gibt es im Parkhaus Am Wall.",
        _REPLY_1,
        received=dt.datetime(2025, 5, 2, 8, 45, tzinfo=_TZ),
    ),
    CommentSpec(
        "HF3-M01",
        "Familie Yılmaz",
        "Ein Wasserspielplatz im Nordpark wäre für die Kinder im Sommer toll.",
        Comment.Status.PUBLISHED,
        "Ein Matschbereich an den Retentionsmulden ist in der Entwurfsplanung enthalten.",
        _REPLY_2,
        received=dt.datetime(2025, 8, 21, 20, 10, tzinfo=_TZ),
    ),
    CommentSpec(
        "HF4-M01",
        "Jens P.",
        "Wird die Radachse nachts beleuchtet? Ich pendle im Winter im Dunkeln.",
        Comment.Status.PUBLISHED,
        "Ja, mit bewegungsgesteuerter LED-Beleuchtung, die Insekten und Nachtruhe schont.",
        _REPLY_3,
        received=dt.datetime(2026, 2, 27, 7, 30, tzinfo=_TZ),
    ),
    CommentSpec(
        "HF1-M05",
        "Händlerin Lange Straße",
        "Bitte die Bauzeit so planen, dass das Weihnachtsgeschäft nicht leidet.",
        Comment.Status.PUBLISHED,
        "Lärmintensive Arbeiten ruhen zwischen Mitte November und Anfang Januar.",
        _REPLY_3,
        received=dt.datetime(2026, 3, 2, 12, 5, tzinfo=_TZ),
    ),
    CommentSpec(
        "HF5-M01",
        "Nachbarschaftsinitiative Nordstadt",
        "Wir wünschen uns einen Raum, den Initiativen kostenlos nutzen können.",
        Comment.Status.PUBLISHED,
        received=dt.datetime(2026, 6, 14, 16, 40, tzinfo=_TZ),
    ),
    CommentSpec(
        "HF3-M02",
        "",
        "Bleibt der Schulhof nach dem Umbau nachmittags für die Nachbarschaft offen?",
        Comment.Status.PENDING,
        received=dt.datetime(2026, 11, 10, 19, 0, tzinfo=_TZ),
    ),
    CommentSpec(
        "HF2-M03",
        "Bootsverein Rheinwerth",
        "Bitte einen Steg für Kanus und Ruderboote an der Promenade vorsehen.",
        Comment.Status.PENDING,
        received=dt.datetime(2026, 11, 16, 11, 25, tzinfo=_TZ),
    ),
    CommentSpec(
        "HF2-M05",
        "",
        "Günstige Kredite ohne Schufa! Jetzt anrufen!",
        Comment.Status.REJECTED,
        received=dt.datetime(2026, 9, 5, 3, 12, tzinfo=_TZ),
    ),
)

IIHK = ConceptSpec(
    slug=IIHK_SLUG,
    kind=Concept.Kind.IIHK,
    title="IIHK Lippe-Wesseltal 2030",
    year_from=2024,
    year_to=2030,
    status=Concept.Status.ADOPTED,
    lead_organisation="Wasserverband Lippe-Wesseltal",
    planning_office="Stadtplanung Morgenroth PartGmbB",
    vision=IIHK_VISION,
    summary=IIHK_SUMMARY,
    municipalities=("Hallenbeck", "Rheinwerth", "Ostervenne", "Sürenbruch"),
    quarters=IIHK_QUARTERS,
    action_fields=IIHK_ACTION_FIELDS,
    overall_swot=IIHK_OVERALL_SWOT,
    measures=IIHK_MEASURES,
    notices=IIHK_NOTICES,
    comments=IIHK_COMMENTS,
)

# ---------------------------------------------------------------------------------------------------
# Concept 2: IHK Innenstadt Rheinwerth 2025-2032
# ---------------------------------------------------------------------------------------------------

RHEINWERTH_QUARTERS = (
    QuarterSpec(
        "IS",
        "Innenstadt Rheinwerth",
        "Rheinwerth",
        UrbanProgramme.LZ,
        "68.50",
        6_200,
        (7.4850, 51.6990),
        "Innenstadt zwischen Bahnhof, Altstadt und Kanal. Der Einzelhandel verliert Frequenz, "
        "Rathausplatz und Ringstraße sind vom Autoverkehr geprägt. Die Alte Post und das Speicherhaus "
        "stehen leer; Grün fehlt vor allem in den Innenhöfen.",
    ),
)

RHEINWERTH_ACTION_FIELDS = (
    ActionFieldSpec(
        "A",
        "Handel, Wohnen und Nutzungsmischung",
        "#B5452F",
        "Die Innenstadt als Ort zum Einkaufen, Arbeiten und Wohnen stärken.",
        (("A.1", "Leerstände aktivieren"), ("A.2", "Wohnen in der Innenstadt stärken")),
        (
            (STRENGTH, "Dichtes Angebot an inhabergeführten Geschäften"),
            (WEAKNESS, "Leerstand in Randlagen der Fußgängerzone"),
            (OPPORTUNITY, "Speicherhaus und Alte Post als Umnutzungspotenziale"),
        ),
    ),
    ActionFieldSpec(
        "B",
        "Öffentlicher Raum, Grün und Klima",
        "#2E7D4F",
        "Plätze und Gassen aufwerten, die Innenstadt kühler und grüner machen.",
        (("B.1", "Plätze und Gassen aufwerten"), ("B.2", "Die Innenstadt an das Klima anpassen")),
        (
            (WEAKNESS, "Rathausplatz als Parkplatz genutzt"),
            (OPPORTUNITY, "Innenhöfe bieten Raum für Entsiegelung"),
            (THREAT, "Hitzeinseln in der dicht bebauten Innenstadt"),
        ),
    ),
    ActionFieldSpec(
        "C",
        "Mobilität und Erreichbarkeit",
        "#2F6F8F",
        "Fuß- und Radverkehr stärken, Parken neu ordnen.",
        (("C.1", "Fuß- und Radverkehr stärken"), ("C.2", "Parken neu ordnen")),
        (
            (STRENGTH, "Bahnhof in fünf Gehminuten erreichbar"),
            (WEAKNESS, "Ringstraße als Barriere für Fußgänger und Radfahrende"),
        ),
    ),
    ActionFieldSpec(
        "D",
        "Kultur, Soziales und Beteiligung",
        "#C98A1B",
        "Begegnung und Kultur fördern, die Stadtgesellschaft beteiligen.",
        (("D.1", "Begegnung und Kultur fördern"), ("D.2", "Beteiligung und Verstetigung")),
        (
            (STRENGTH, "Lebendige Kulturszene mit vielen Vereinen"),
            (OPPORTUNITY, "Alte Post als Kultur- und Bürgerhaus"),
        ),
    ),
)

RHEINWERTH_OVERALL_SWOT: tuple[tuple[str, str, str | None], ...] = (
    (STRENGTH, "Historische Altstadt und Kanallage als Alleinstellungsmerkmal", None),
    (WEAKNESS, "Frequenzverlust im Einzelhandel seit 2019", "IS"),
    (THREAT, "Konkurrenz der Fachmarktzentren am Stadtrand", None),
)

RHEINWERTH_MEASURES: tuple[MeasureSpec, ...] = (
    MeasureSpec(
        code="A.1.1",
        title="Innenstadtmanagement Rheinwerth",
        action_field="A",
        goals=("A.1",),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Wirtschaftsförderung",
        partners="Werbegemeinschaft Rheinwerth",
        starting_situation="Leerstände, Aktionen und Marketing werden nicht koordiniert.",
        description="Innenstadtmanagement mit Büro in der Fußgängerzone: Leerstandsmanagement, "
        "Veranstaltungen, Netzwerk der Händler.",
        expected_effect="Eine gemeinsame Stimme für die Innenstadt und weniger Leerstand.",
        start_year=2025,
        end_year=2032,
        costs=_yearly(11, 2025, [60_000] * 8),
        modules=(_grant("LZ"),),
        indicators=(("Leerstandsquote Erdgeschosse", "%", 12, 6, 2032),),
        priority=P1,
        status=IN_PROGRESS,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="A.1.2",
        title="Verfügungsfonds Innenstadt Rheinwerth",
        action_field="A",
        goals=("A.1", "D.2"),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth; Vergabe durch den Innenstadtbeirat",
        starting_situation="Kleine private Initiativen finden keine Förderung.",
        description="Fonds für Aktionen, Möblierung und Begrünung durch Private, 1:1 mit privatem Geld.",
        expected_effect="Private Akteure gestalten die Innenstadt mit.",
        start_year=2026,
        end_year=2032,
        costs=_yearly(10, 2026, [25_000] * 7),
        modules=(_grant("LZ", share=50), _third_party("Private Akteure", cost_share=50, rate=100)),
        indicators=(("Geförderte Projekte", "Anzahl", 0, 30, 2032),),
        status=PLANNED,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="A.1.3",
        title="Stadtlabor: Zwischennutzung leerer Ladenlokale",
        action_field="A",
        goals=("A.1",),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Wirtschaftsförderung",
        partners="Hochschule Wesseltal, Gründerzentrum",
        starting_situation="Sieben Ladenlokale stehen länger als ein Jahr leer.",
        description="Die Stadt mietet leere Läden an und vergibt sie günstig an Gründerinnen, "
        "Kreative und Initiativen.",
        expected_effect="Neue Konzepte werden erprobt, Leerstände verschwinden aus dem Stadtbild.",
        start_year=2025,
        end_year=2027,
        costs=_yearly(11, 2025, [70_000, 70_000, 70_000]),
        modules=(_grant("ZIO", rate=90),),
        indicators=(("Zwischengenutzte Ladenlokale", "Anzahl", 0, 7, 2027),),
        priority=P1,
        status=IN_PROGRESS,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="A.2.1",
        title="Haus- und Hofflächenprogramm",
        action_field="A",
        goals=("A.2", "B.2"),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Stadtplanung",
        starting_situation="Fassaden und Innenhöfe sind in schlechtem Zustand und versiegelt.",
        description="Zuschüsse von 50 % (höchstens 10.000 €) für Fassaden und entsiegelte Innenhöfe.",
        expected_effect="Ein gepflegtes Stadtbild und grüne Höfe.",
        start_year=2026,
        end_year=2031,
        costs=_yearly(10, 2026, [60_000] * 6),
        modules=(_grant("LZ"),),
        indicators=(("Geförderte Objekte", "Anzahl", 0, 36, 2031),),
        climate=ADAPTATION,
        climate_note="Entsiegelte und begrünte Höfe.",
        status=PLANNED,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="A.2.2",
        title="Erwerb und Umbau des Speicherhauses",
        action_field="A",
        goals=("A.2", "D.1"),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Liegenschaften",
        partners="Wohnungsbaugesellschaft Rheinwerth",
        starting_situation="Das denkmalgeschützte Speicherhaus am Kanal steht leer.",
        description="Erwerb durch die Stadt, Umbau mit öffentlichem Erdgeschoss (Markthalle) und "
        "Wohnungen in den Obergeschossen, die die Wohnungsbaugesellschaft finanziert.",
        expected_effect="Ein Baudenkmal wird gesichert, 24 Wohnungen entstehen in der Innenstadt.",
        start_year=2027,
        end_year=2030,
        costs=(
            Cost(8, 2027, 700_000, note="Erwerb"),
            Cost(9, 2028, 600_000, 200_000, "Wohnungen nicht förderfähig"),
            Cost(9, 2029, 1_100_000, 400_000, "Wohnungen nicht förderfähig"),
            Cost(9, 2030, 700_000, 200_000, "Wohnungen nicht förderfähig"),
        ),
        modules=(
            _grant("LZ"),
            _third_party(
                "Wohnungsbaugesellschaft Rheinwerth",
                amount=800_000,
                years={2028: 200_000, 2029: 400_000, 2030: 200_000},
            ),
        ),
        indicators=(("Neue Wohnungen", "Anzahl", 0, 24, 2030),),
        climate=PROTECTION,
        climate_note="Umbau statt Neubau, Wärmepumpe mit Kanalwasser.",
        status=PLANNED,
        hoai_phase=1,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="B.1.1",
        title="Umgestaltung Rathausplatz",
        action_field="B",
        goals=("B.1", "B.2"),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Tiefbauamt",
        starting_situation="Der Rathausplatz ist ein Parkplatz mit 60 Stellplätzen.",
        description="Autofreier Platz mit Baumhain, Wasserspiel und Flächen für Markt und Feste.",
        expected_effect="Ein neues Zentrum für die Innenstadt.",
        start_year=2026,
        end_year=2028,
        costs=(Cost(9, 2026, 300_000), Cost(9, 2027, 1_300_000), Cost(9, 2028, 1_000_000)),
        modules=(_grant("LZ"),),
        indicators=(("Entsiegelte Fläche", "m²", 0, 1_800, 2028),),
        climate=ADAPTATION,
        climate_note="Baumhain und Entsiegelung.",
        priority=P1,
        status=PREPARATION,
        hoai_phase=3,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="B.1.2",
        title="Gassenprogramm Altstadt",
        action_field="B",
        goals=("B.1",),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Tiefbauamt",
        starting_situation="Unebenes Pflaster und fehlende Beleuchtung in den Gassen.",
        description="Schrittweise Erneuerung von acht Gassen mit Gehbändern und Beleuchtung.",
        expected_effect="Barrierearme, sichere Wege durch die Altstadt.",
        start_year=2028,
        end_year=2031,
        costs=(
            Cost(9, 2028, 300_000),
            Cost(9, 2029, 500_000),
            Cost(9, 2030, 500_000),
            Cost(9, 2031, 500_000),
        ),
        modules=(_grant("LZ"),),
        indicators=(("Erneuerte Gassen", "Anzahl", 0, 8, 2031),),
        priority=P2,
        status=PLANNED,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="B.2.1",
        title="Pocketparks und Entsiegelung von Innenhöfen",
        action_field="B",
        goals=("B.2",),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Grünflächenamt",
        partners="Wasserverband Lippe-Wesseltal",
        starting_situation="Drei städtische Innenhöfe sind asphaltiert und ungenutzt.",
        description="Umbau zu kleinen, öffentlich zugänglichen Parks mit Versickerung.",
        expected_effect="Kühle Rückzugsorte mitten in der Stadt.",
        start_year=2027,
        end_year=2029,
        costs=(Cost(9, 2027, 150_000), Cost(9, 2028, 450_000), Cost(9, 2029, 300_000)),
        modules=(_grant("EFRE-KA", share=50, rate=80), _grant("LZ", share=50)),
        indicators=(("Entsiegelte Fläche", "m²", 0, 2_400, 2029),),
        climate=ADAPTATION,
        climate_note="Entsiegelung, Versickerung, Verschattung.",
        priority=P2,
        status=PLANNED,
        hoai_phase=1,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="B.2.2",
        title="Trinkbrunnen und Wasserspiel am Kanalufer",
        action_field="B",
        goals=("B.2", "B.1"),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadtwerke Rheinwerth",
        starting_situation="Es gibt keinen öffentlichen Trinkbrunnen in der Innenstadt.",
        description="Vier Trinkbrunnen und ein Wasserspiel an der Uferpromenade.",
        expected_effect="Hitzevorsorge und Aufenthaltsqualität am Wasser.",
        start_year=2029,
        end_year=2030,
        costs=(Cost(9, 2029, 150_000), Cost(9, 2030, 300_000)),
        modules=(_grant("LZ"),),
        indicators=(("Trinkbrunnen", "Anzahl", 0, 4, 2030),),
        climate=ADAPTATION,
        climate_note="Trinkwasser und Verdunstungskühlung an heißen Tagen.",
        priority=P3,
        status=PLANNED,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="C.1.1",
        title="Fahrradstraße Ringstraße",
        action_field="C",
        goals=("C.1",),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Verkehrsplanung",
        starting_situation="Auf der Ringstraße fehlen Radwege, Unfälle häufen sich.",
        description="Umbau des nördlichen Rings zur Fahrradstraße mit neuen Querungen.",
        expected_effect="Sicheres Radfahren rund um die Innenstadt.",
        start_year=2027,
        end_year=2028,
        costs=(Cost(9, 2027, 300_000), Cost(9, 2028, 800_000)),
        modules=(_grant("LZ"),),
        indicators=(("Radfahrende pro Tag", "Anzahl", 600, 1_500, 2029),),
        climate=PROTECTION,
        climate_note="Verlagerung auf das Rad.",
        status=PREPARATION,
        hoai_phase=2,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="C.1.2",
        title="Barrierefreie Querungen Bahnhofstraße",
        action_field="C",
        goals=("C.1",),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Tiefbauamt",
        starting_situation="Zwischen Bahnhof und Fußgängerzone fehlen sichere Querungen.",
        description="Drei Querungen mit Mittelinseln, Bodenindikatoren und abgesenkten Borden.",
        expected_effect="Ein sicherer, barrierefreier Weg vom Bahnhof in die Innenstadt.",
        start_year=2026,
        end_year=2027,
        costs=(Cost(9, 2026, 120_000), Cost(9, 2027, 400_000)),
        modules=(_grant("LZ"),),
        indicators=(("Barrierefreie Querungen", "Anzahl", 0, 3, 2027),),
        priority=P1,
        status=PREPARATION,
        hoai_phase=5,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="C.2.1",
        title="Parkraumkonzept Innenstadt",
        action_field="C",
        goals=("C.2",),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Verkehrsplanung",
        starting_situation="Der Wegfall der Stellplätze am Rathausplatz muss aufgefangen werden.",
        description="Parkraumerhebung, Parkleitsystem und Vorstudie für eine Quartiersgarage.",
        expected_effect="Weniger Parksuchverkehr, Akzeptanz für autofreie Plätze.",
        start_year=2025,
        end_year=2026,
        costs=(Cost(7, 2025, 40_000), Cost(7, 2026, 50_000)),
        modules=(_grant("LZ"),),
        indicators=(("Auslastung Parkhäuser", "%", 45, 75, 2028),),
        status=IN_PROGRESS,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="D.1.1",
        title="Umbau der Alten Post zum Kultur- und Bürgerhaus",
        action_field="D",
        goals=("D.1",),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Gebäudemanagement",
        partners="Kulturverein Rheinwerth, Musikschule",
        starting_situation="Die Alte Post steht seit 2022 leer, Kulturvereine suchen Räume.",
        description="Umbau mit Saal für 250 Personen, Musikschule, Proberäumen und Bürgerbüro.",
        expected_effect="Ein kultureller Ankerpunkt, der Besucher in die Innenstadt bringt.",
        start_year=2028,
        end_year=2031,
        costs=(
            Cost(9, 2028, 300_000),
            Cost(9, 2029, 1_000_000),
            Cost(9, 2030, 1_100_000),
            Cost(9, 2031, 500_000),
        ),
        modules=(_grant("LZ"),),
        indicators=(("Veranstaltungen", "pro Jahr", 0, 200, 2032),),
        climate=PROTECTION,
        climate_note="Energetische Sanierung im Bestand.",
        priority=P2,
        status=PLANNED,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="D.2.1",
        title="Erstellung des IHK und Beteiligung",
        action_field="D",
        goals=("D.2",),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Stadtplanung",
        partners="Stadtplanung Morgenroth PartGmbB",
        starting_situation="Das Innenstadtkonzept von 2009 ist veraltet.",
        description="Analyse, Innenstadtwerkstätten, Online-Beteiligung, Zielsystem und KuF.",
        expected_effect="Ein beschlossenes IHK als Fördergrundlage.",
        start_year=2025,
        end_year=2025,
        costs=(Cost(7, 2025, 140_000),),
        modules=(_grant("LZ"),),
        indicators=(("Beteiligte", "Personen", 0, 500, 2025),),
        priority=P1,
        status=COMPLETED,
        cost_base_year=2025,
    ),
    MeasureSpec(
        code="D.2.2",
        title="Öffentlichkeitsarbeit, Monitoring und Fortschreibung",
        action_field="D",
        goals=("D.2",),
        quarters=("IS",),
        municipality="Rheinwerth",
        responsible_body="Stadt Rheinwerth, Stadtplanung",
        starting_situation="Fortschritte der Innenstadtentwicklung sind kaum sichtbar.",
        description="Jährlicher Innenstadtbericht, Website, Fortschreibung der KuF.",
        expected_effect="Transparenz und Steuerung.",
        start_year=2026,
        end_year=2032,
        costs=_yearly(11, 2026, [20_000] * 7),
        modules=(_grant("LZ"),),
        indicators=(("Innenstadtberichte", "Anzahl", 0, 7, 2032),),
        status=PLANNED,
        cost_base_year=2025,
    ),
)

RHEINWERTH_NOTICES = (
    NoticeSpec(
        "Rheinwerth",
        "LZ",
        2025,
        "144000.00",
        dt.date(2025, 11, 5),
        "34.2-2025-RW-IS-01",
        "Erste Bewilligung für Konzept, Innenstadtmanagement und Parkraumkonzept.",
    ),
)

RHEINWERTH_COMMENTS = (
    CommentSpec(
        "B.1.1",
        "Gerd W.",
        "Der Rathausplatz braucht Schatten. Bitte große Bäume statt Kübelpflanzen.",
        Comment.Status.PUBLISHED,
        "Geplant sind 14 großkronige Bäume in durchgehenden Baumquartieren.",
        _REPLY_3,
        received=dt.datetime(2026, 3, 4, 17, 0, tzinfo=_TZ),
    ),
    CommentSpec(
        "C.1.1",
        "",
        "Wie kommen Lieferfahrzeuge künftig an die Geschäfte an der Ringstraße?",
        Comment.Status.PENDING,
        received=dt.datetime(2026, 11, 18, 9, 50, tzinfo=_TZ),
    ),
)

RHEINWERTH = ConceptSpec(
    slug=RHEINWERTH_SLUG,
    kind=Concept.Kind.IHK,
    title=f"IHK Innenstadt Rheinwerth 2025{EN_DASH}2032",
    year_from=2025,
    year_to=2032,
    status=Concept.Status.CONSULTATION,
    lead_organisation="Stadt Rheinwerth, Fachbereich Stadtentwicklung",
    planning_office="Stadtplanung Morgenroth PartGmbB",
    vision="Rheinwerth 2032: eine Innenstadt am Wasser, in der man gern wohnt, einkauft und verweilt - "
    "grün, kühl und zu Fuß erlebbar.",
    summary="Das integrierte Handlungskonzept für die Innenstadt Rheinwerth bündelt 15 Maßnahmen in vier "
    "Handlungsfeldern. Schwerpunkte sind der Umbau des Rathausplatzes, die Umnutzung von Speicherhaus "
    "und Alter Post und ein Innenstadtmanagement gegen Leerstand. Der Entwurf liegt zur Beteiligung aus.",
    municipalities=("Rheinwerth",),
    quarters=RHEINWERTH_QUARTERS,
    action_fields=RHEINWERTH_ACTION_FIELDS,
    overall_swot=RHEINWERTH_OVERALL_SWOT,
    measures=RHEINWERTH_MEASURES,
    notices=RHEINWERTH_NOTICES,
    comments=RHEINWERTH_COMMENTS,
)

CONCEPTS: tuple[ConceptSpec, ...] = (IIHK, RHEINWERTH)

# ---------------------------------------------------------------------------------------------------
# Demo users
# ---------------------------------------------------------------------------------------------------

_EDITOR = ConceptMembership.Role.EDITOR
_REVIEWER = ConceptMembership.Role.REVIEWER
_FUNDER = ConceptMembership.Role.FUNDER
_MODERATOR = ConceptMembership.Role.MODERATOR

USERS: tuple[UserSpec, ...] = (
    UserSpec("admin", "Ada", "Administrator", "Administration", (), superuser=True),
    UserSpec(
        "planung",
        "Paula",
        "Morgenroth",
        "Bearbeitung (Planungsbüro)",
        ((IIHK_SLUG, _EDITOR, None), (RHEINWERTH_SLUG, _EDITOR, None)),
    ),
    UserSpec(
        "pruefung-hallenbeck",
        "Holger",
        "Brink",
        "Prüfung (Kommune)",
        ((IIHK_SLUG, _REVIEWER, "Hallenbeck"),),
    ),
    UserSpec(
        "pruefung-rheinwerth",
        "Rita",
        "Werner",
        "Prüfung (Kommune)",
        ((IIHK_SLUG, _REVIEWER, "Rheinwerth"), (RHEINWERTH_SLUG, _REVIEWER, "Rheinwerth")),
    ),
    UserSpec(
        "pruefung-ostervenne",
        "Olaf",
        "Venhaus",
        "Prüfung (Kommune)",
        ((IIHK_SLUG, _REVIEWER, "Ostervenne"),),
    ),
    UserSpec(
        "pruefung-suerenbruch",
        "Sabine",
        "Brucker",
        "Prüfung (Kommune)",
        ((IIHK_SLUG, _REVIEWER, "Sürenbruch"),),
    ),
    UserSpec(
        "foerderung",
        "Frank",
        "Förster",
        "Fördermittelgeber",
        ((IIHK_SLUG, _FUNDER, None), (RHEINWERTH_SLUG, _FUNDER, None)),
    ),
    UserSpec(
        "moderation",
        "Mona",
        "Moderat",
        "Moderation",
        ((IIHK_SLUG, _MODERATOR, None), (RHEINWERTH_SLUG, _MODERATOR, None)),
    ),
)

# ---------------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------------


class _Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    scope: str
    created: bool


@dataclass(frozen=True)
class DemoResult:
    """What ``demo_load`` did: slugs of concepts built and skipped, and the demo logins."""

    created_concepts: tuple[str, ...]
    skipped_concepts: tuple[str, ...]
    logins: tuple[DemoLogin, ...]


def _save(obj: models.Model) -> models.Model:
    # Field and model validation in Python; the check constraints are enforced by the database on save
    # (validating them here would cost one query per constraint and row).
    obj.full_clean(validate_constraints=False)
    obj.save()
    return obj


def _measure_uid(slug: str, code: str) -> uuid.UUID:
    return uuid.uuid5(_UUID_NAMESPACE, f"{slug}/{code}")


_MasterData = tuple[dict[str, Municipality], dict[str, Organisation], dict[str, FundingProgramme]]


def _load_master_data() -> _MasterData:
    municipalities = {}
    for name, (ags, population, budget_protection, _rate) in MUNICIPALITIES.items():
        municipality = Municipality.objects.filter(ags=ags).first() or _save(
            Municipality(name=name, ags=ags, population=population, budget_protection=budget_protection)
        )
        municipalities[name] = municipality

    organisations = {}
    for name, (kind, city, website) in ORGANISATIONS.items():
        organisations[name] = Organisation.objects.filter(name=name).first() or _save(
            Organisation(name=name, kind=kind, city=city, website=website)
        )

    programmes = standard_programmes_ensure()

    wanted = [
        (name, code, year, rate)
        for name, (_ags, _population, _protection, rate) in MUNICIPALITIES.items()
        for code in URBAN_PROGRAMMES
        for year in RATE_YEARS
    ] + list(EXTRA_RATES)
    existing = set(
        MunicipalRate.objects.filter(municipality__in=municipalities.values()).values_list(
            "municipality_id", "programme_id", "year"
        )
    )
    for name, code, year, rate in wanted:
        municipality, programme = municipalities[name], programmes[code]
        if (municipality.pk, programme.pk, year) not in existing:
            _save(
                MunicipalRate(municipality=municipality, programme=programme, year=year, rate=Decimal(rate))
            )
    return municipalities, organisations, programmes


def _build_concept(
    spec: ConceptSpec,
    *,
    municipalities: dict[str, Municipality],
    organisations: dict[str, Organisation],
    programmes: dict[str, FundingProgramme],
) -> Concept:
    concept = _save(
        Concept(
            kind=spec.kind,
            title=spec.title,
            slug=spec.slug,
            lead_organisation=organisations.get(spec.lead_organisation or ""),
            planning_office=organisations.get(spec.planning_office or ""),
            year_from=spec.year_from,
            year_to=spec.year_to,
            status=spec.status,
            vision=spec.vision,
            summary=spec.summary,
            published=True,
        )
    )
    for index, name in enumerate(spec.municipalities):
        role = ConceptMunicipality.Role.LEAD if index == 0 else ConceptMunicipality.Role.MEMBER
        _save(ConceptMunicipality(concept=concept, municipality=municipalities[name], role=role))

    quarters: dict[str, Quarter] = {}
    for order, quarter in enumerate(spec.quarters, start=1):
        quarters[quarter.code] = _save(
            Quarter(
                concept=concept,
                municipality=municipalities[quarter.municipality],
                code=quarter.code,
                name=quarter.name,
                programme=quarter.programme,
                area_ha=Decimal(quarter.area_ha),
                population=quarter.population,
                analysis=quarter.analysis,
                boundary=_box(quarter.centre),
                order=order,
            )
        )
    centres = {quarter.code: quarter.centre for quarter in spec.quarters}

    fields: dict[str, ActionField] = {}
    goals: dict[str, Goal] = {}
    for order, field_spec in enumerate(spec.action_fields, start=1):
        action_field = _save(
            ActionField(
                concept=concept,
                code=field_spec.code,
                title=field_spec.title,
                description=field_spec.description,
                colour=field_spec.colour,
                order=order,
            )
        )
        fields[field_spec.code] = action_field
        for goal_order, (code, title) in enumerate(field_spec.goals, start=1):
            goals[code] = _save(Goal(action_field=action_field, code=code, title=title, order=goal_order))
        for swot_order, (kind, text) in enumerate(field_spec.swot, start=1):
            _save(
                SwotEntry(concept=concept, kind=kind, text=text, action_field=action_field, order=swot_order)
            )
    for swot_order, (kind, text, quarter_code) in enumerate(spec.overall_swot, start=1):
        _save(
            SwotEntry(
                concept=concept,
                kind=kind,
                text=text,
                quarter=quarters.get(quarter_code or ""),
                order=swot_order,
            )
        )

    measures: dict[str, Measure] = {}
    for order, item in enumerate(spec.measures, start=1):
        location = None
        if len(item.quarters) == 1:
            lon, lat = centres[item.quarters[0]]
            offset = (order % 5 - 2) * 0.0008
            location = {"type": "Point", "coordinates": [round(lon + offset, 5), round(lat - offset / 2, 5)]}
        measure = _save(
            Measure(
                uid=_measure_uid(spec.slug, item.code),
                concept=concept,
                code=item.code,
                title=item.title,
                action_field=fields[item.action_field],
                municipality=municipalities[item.municipality],
                responsible_body=item.responsible_body,
                partners=item.partners,
                starting_situation=item.starting_situation,
                description=item.description,
                expected_effect=item.expected_effect,
                climate_relevance=item.climate,
                climate_note=item.climate_note,
                priority=item.priority,
                status=item.status,
                hoai_phase=item.hoai_phase,
                start_year=item.start_year,
                end_year=item.end_year,
                cost_base_year=item.cost_base_year,
                location=location,
                order=order,
            )
        )
        measure.goals.set([goals[code] for code in item.goals])
        measure.quarters.set([quarters[code] for code in item.quarters])
        measures[item.code] = measure
        for name, unit, baseline, target, target_year in item.indicators:
            _save(
                Indicator(
                    measure=measure,
                    name=name,
                    unit=unit,
                    baseline=None if baseline is None else Decimal(baseline),
                    target_value=Decimal(target),
                    target_year=target_year,
                )
            )
        for cost in item.costs:
            _save(
                CostLine(
                    measure=measure,
                    section=cost.section,
                    year=cost.year,
                    gross=Decimal(cost.gross),
                    ineligible=Decimal(cost.ineligible),
                    note=cost.note,
                )
            )
        for module_order, module in enumerate(item.modules, start=1):
            financing = _save(
                FinancingModule(
                    measure=measure,
                    kind=module.kind,
                    programme=programmes[module.programme] if module.programme else None,
                    source=module.source,
                    cost_share=Decimal(module.cost_share),
                    rate=None if module.rate is None else Decimal(module.rate),
                    amount=None if module.amount is None else Decimal(module.amount),
                    order=module_order,
                )
            )
            for year, amount in sorted(module.years.items()):
                _save(FinancingYear(module=financing, year=year, amount=Decimal(amount)))
    for item in spec.measures:
        if item.related:
            measures[item.code].related.add(*(measures[code] for code in item.related))

    for notice in spec.notices:
        _save(
            ApprovalNotice(
                concept=concept,
                municipality=municipalities[notice.municipality],
                programme=programmes[notice.programme],
                year=notice.year,
                amount=Decimal(notice.amount),
                date=notice.date,
                reference=notice.reference,
                note=notice.note,
            )
        )
    for comment in spec.comments:
        _save(
            Comment(
                measure=measures[comment.measure],
                author_name=comment.author_name,
                text=comment.text,
                status=comment.status,
                reply=comment.reply,
                replied_at=comment.replied_at,
                created_at=comment.received,
            )
        )
    return concept


def _scope(spec: UserSpec, titles: dict[str, str]) -> str:
    if spec.superuser:
        return "alle Konzepte"
    parts = []
    for slug, _role, municipality in spec.memberships:
        title = titles.get(slug, slug)
        parts.append(f"{title} ({municipality})" if municipality else title)
    return "; ".join(parts)


def _load_users(
    *, concepts: dict[str, Concept], municipalities: dict[str, Municipality]
) -> tuple[DemoLogin, ...]:
    user_model = get_user_model()
    titles = {spec.slug: spec.title for spec in CONCEPTS}
    logins = []
    for spec in USERS:
        user = user_model.objects.filter(username=spec.username).first()
        created = user is None
        if user is None:
            user = user_model(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@demo.example.org",
                is_staff=spec.superuser,
                is_superuser=spec.superuser,
            )
            user.set_password(demo_password(spec.username))
            _save(user)
        for slug, role, municipality_name in spec.memberships:
            concept = concepts.get(slug)
            if concept is None:
                continue
            municipality = municipalities[municipality_name] if municipality_name else None
            if not ConceptMembership.objects.filter(concept=concept, user=user, role=role).exists():
                _save(ConceptMembership(concept=concept, user=user, role=role, municipality=municipality))
        logins.append(
            DemoLogin(
                username=spec.username,
                password=demo_password(spec.username),
                role=spec.role_label,
                scope=_scope(spec, titles),
                created=created,
            )
        )
    return tuple(logins)


def demo_logins() -> tuple[DemoLogin, ...]:
    """The logins of the demo users that exist now (read-only: creates and changes nothing)."""
    titles = {spec.slug: spec.title for spec in CONCEPTS}
    existing = set(
        get_user_model()
        .objects.filter(username__in=[spec.username for spec in USERS])
        .values_list("username", flat=True)
    )
    return tuple(
        DemoLogin(
            username=spec.username,
            password=demo_password(spec.username),
            role=spec.role_label,
            scope=_scope(spec, titles),
            created=False,
        )
        for spec in USERS
        if spec.username in existing
    )


REVISED_CONCEPT = IIHK_SLUG
# The 2026 revision raised the construction costs (cost section 9) by 12 % over the 2025 application.
REVISION_FACTOR = Decimal("1.12")


def _freeze_applications(concept: Concept) -> None:
    """The KuF "as it stood" for two applications: "Antrag 2025" (1 September 2025) with the
    construction costs before the 2026 revision, and "Antrag 2026" (1 September 2026), the current
    state. The earlier costs are set for the moment of freezing only, with queryset updates (no
    history records: the revision happened before the app), inside ``demo_load``'s transaction."""
    berlin = ZoneInfo("Europe/Berlin")
    lines = list(
        CostLine.objects.filter(measure__concept=concept, section=9).values_list("pk", "gross", "ineligible")
    )
    for pk, gross, ineligible in lines:
        CostLine.objects.filter(pk=pk).update(
            gross=(gross / REVISION_FACTOR).quantize(Decimal("1000"), rounding=ROUND_HALF_UP),
            ineligible=(ineligible / REVISION_FACTOR).quantize(Decimal("1000"), rounding=ROUND_HALF_UP),
        )
    kuf_version_freeze(
        concept=concept,
        name="Antrag 2025",
        note="Stand 01.09.2025, mit dem Förderantrag 2025 eingereicht.",
        user=None,
        frozen_at=dt.datetime(2025, 9, 1, 9, 0, tzinfo=berlin),
    )
    for pk, gross, ineligible in lines:
        CostLine.objects.filter(pk=pk).update(gross=gross, ineligible=ineligible)
    kuf_version_freeze(
        concept=concept,
        name="Antrag 2026",
        note="Stand 01.09.2026: Baukosten fortgeschrieben (+12 %).",
        user=None,
        frozen_at=dt.datetime(2026, 9, 1, 9, 0, tzinfo=berlin),
    )


def demo_load(*, stdout: _Writer | None = None) -> DemoResult:
    """Build the demo data of DOMAIN.md: the IIHK Lippe-Wesseltal 2030 and the IHK Innenstadt Rheinwerth.

    Contract:
    - Idempotent. Municipalities (by AGS), organisations (by name), programmes (by code), municipal
      rates (by municipality, programme, year) and users (by username) are only created when missing;
      existing rows, and the passwords of existing users, are left untouched. A concept whose slug
      already exists is skipped as a whole (its quarters, measures, costs, notices and comments too).
      Memberships of the demo users are added to every demo concept that exists and lacks them.
    - Deterministic: fixed data, no randomness; measure uids are ``uuid5`` of slug and code.
    - Every row is validated with ``full_clean`` before it is saved; all of it runs in one
      ``transaction.atomic()``, so a failure leaves the database as it was.
    - Demo users get the known password ``demo_password(username)``. The caller decides whether that
      is acceptable (``load_demo`` refuses in production).
    - Progress notes (German) go to ``stdout`` if given.
    """

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    created: list[str] = []
    skipped: list[str] = []
    with transaction.atomic():
        municipalities, organisations, programmes = _load_master_data()
        concepts: dict[str, Concept] = {}
        for spec in CONCEPTS:
            existing = Concept.objects.filter(slug=spec.slug).first()
            if existing is not None:
                concepts[spec.slug] = existing
                skipped.append(spec.slug)
                say(f"Konzept „{spec.title}“ ist bereits vorhanden und wird nicht verändert.")
                continue
            concepts[spec.slug] = _build_concept(
                spec, municipalities=municipalities, organisations=organisations, programmes=programmes
            )
            created.append(spec.slug)
            say(f"Konzept „{spec.title}“ angelegt ({len(spec.measures)} Maßnahmen).")
            if spec.slug == REVISED_CONCEPT:
                _freeze_applications(concepts[spec.slug])
                say("KuF-Stände „Antrag 2025“ und „Antrag 2026“ eingefroren.")
        logins = _load_users(concepts=concepts, municipalities=municipalities)
    return DemoResult(created_concepts=tuple(created), skipped_concepts=tuple(skipped), logins=logins)
