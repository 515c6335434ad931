"""The measure editor's tests share these: a concept to edit (``build_setup``), the form posts of a new
measure (``full_post``) and of a stored one (``edit_post``), and reading the editor's HTML as a browser
would submit it, for tests that go on from a rendered page (after adding a row, after a conflict)."""

from decimal import Decimal
from html.parser import HTMLParser

from django.urls import reverse

from tests import factories as f


def build_setup() -> dict:
    """A concept with one action field, goal, quarter, the LZ programme at 70 % and an editor."""
    hallenbeck = f.make_municipality(name="Hallenbeck")
    concept = f.make_concept([hallenbeck], year_from=2024, year_to=2030, published=False)
    field = f.make_action_field(concept, code="HF1", title="Zentren")
    goal = f.make_goal(field, code="Z1.1", title="Weniger Leerstand")
    quarter = f.make_quarter(concept, hallenbeck, code="Q1", name="Innenstadt")
    lz = f.make_programme(code="LZ", default_rate=Decimal("60"), max_rate=Decimal("80"))
    f.make_rate(hallenbeck, lz, 2025, "70")
    f.make_rate(hallenbeck, lz, 2026, "70")
    editor = f.make_editor(concept, "planerin")
    return {
        "concept": concept,
        "field": field,
        "goal": goal,
        "quarter": quarter,
        "lz": lz,
        "municipality": hallenbeck,
        "editor": editor,
    }


def profile_data(s: dict, **overrides) -> dict:
    """The profile part of the editor's form for measure HF1-M01, with ``overrides``."""
    data = {
        "code": "HF1-M01",
        "title": "Umgestaltung Marktplatz",
        "action_field": s["field"].pk,
        "municipality": s["municipality"].pk,
        "goals": [s["goal"].pk],
        "quarters": [s["quarter"].pk],
        "responsible_body": "Stadt Hallenbeck",
        "climate_relevance": "adaptation",
        "priority": "1",
        "status": "planned",
        "hoai_phase": "2",
        "start_year": "2025",
        "end_year": "2026",
        "description": "Mehr Grün, weniger Asphalt.",
    }
    data.update(overrides)
    return data


def rows(prefix: str, items: list[dict], initial: int = 0) -> dict:
    """One growable table of the editor's form: its management data and ``items`` as its rows."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": str(initial)}
    data[f"{prefix}-MIN_NUM_FORMS"] = "0"
    data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def full_post(s: dict, costs: list[dict] | None = None, modules: list[dict] | None = None, **profile) -> dict:
    """The form of a new measure: two cost lines (2025, 2026) and an LZ grant unless given."""
    costs = (
        costs
        if costs is not None
        else [
            {"section": "9", "year": "2025", "gross": "100.000,00", "ineligible": "0"},
            {"section": "9", "year": "2026", "gross": "50.000,50", "ineligible": "0,50"},
        ]
    )
    modules = (
        modules
        if modules is not None
        else [{"kind": "grant", "programme": str(s["lz"].pk), "cost_share": "100"}]
    )
    return {
        **profile_data(s, **profile),
        **rows("costs", costs),
        **rows("modules", modules),
        **rows("indicators", []),
    }


def create_url(s: dict) -> str:
    return reverse("funding:measure_create", args=[s["concept"].slug])


def edit_post(measure, s: dict, **profile) -> dict:
    """The form of the stored ``measure`` as the editor loaded it (its version, its rows), with the
    profile of ``profile_data`` and ``profile`` changed."""
    lines = list(measure.cost_lines.order_by("year", "section", "pk"))
    modules = list(measure.financing_modules.order_by("order", "pk"))
    cost_rows = [
        {
            "id": str(line.pk),
            "measure": str(measure.pk),
            "section": str(line.section),
            "year": str(line.year),
            "gross": str(line.gross),
            "ineligible": str(line.ineligible),
        }
        for line in lines
    ]
    module_rows = [
        {
            "id": str(m.pk),
            "measure": str(measure.pk),
            "kind": m.kind,
            "programme": str(m.programme_id or ""),
            "cost_share": str(m.cost_share),
        }
        for m in modules
    ]
    data = {**profile_data(s, **profile), "version": str(measure.version)}
    data.update(rows("costs", cost_rows, initial=len(cost_rows)))
    data.update(rows("modules", module_rows, initial=len(module_rows)))
    indicator_rows = [
        {
            "id": str(i.pk),
            "measure": str(measure.pk),
            "name": i.name,
            "unit": i.unit,
            "baseline": "" if i.baseline is None else str(i.baseline),
            "target_value": str(i.target_value),
            "target_year": "" if i.target_year is None else str(i.target_year),
        }
        for i in measure.indicators.order_by("pk")
    ]
    data.update(rows("indicators", indicator_rows, initial=len(indicator_rows)))
    return data


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _FormReader(HTMLParser):
    """The successful controls inside the element with id ``within`` (the whole page if None)."""

    def __init__(self, within: str | None):
        super().__init__(convert_charrefs=True)
        self.within = within
        self.open = 0 if within else None  # open elements inside ``within``; None: no restriction
        self.data: dict[str, list[str]] = {}
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: str | None = None
        self.text = ""

    @property
    def inside(self) -> bool:
        return self.open is None or self.open > 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.open is not None and self.open < 0:
            return
        if self.open == 0:
            if attrs.get("id") == self.within:
                self.open = 1
            return
        if self.open is not None and tag not in VOID:
            self.open += 1
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value") or "on")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "options": [], "selected": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "selected": "selected" in attrs}
            self.text = ""
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data):
        self.text += data

    def _end_option(self):
        value = self.option["value"] if self.option["value"] is not None else self.text.strip()
        self.select["options"].append(value)
        if self.option["selected"]:
            self.select["selected"].append(value)
        self.option = None

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "option" and self.option is not None:
            self._end_option()
        elif tag == "select" and self.select is not None:
            if self.option is not None:
                self._end_option()
            chosen = self.select["selected"]
            if not chosen and not self.select["multiple"] and self.select["options"]:
                chosen = self.select["options"][:1]  # a single select sends its first option
            if chosen:
                self.data.setdefault(self.select["name"], []).extend(chosen)
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.data.setdefault(self.textarea, []).append(self.text.removeprefix("\n"))
            self.textarea = None
        if self.open is not None and tag not in VOID:
            self.open -= 1
            if self.open == 0:
                self.open = -1  # the element is closed: ignore the rest of the page


def form_data(html: str, *, within: str | None = "measure-form") -> dict[str, list[str]]:
    """What a browser would send for the controls inside the element with id ``within``."""
    reader = _FormReader(within)
    reader.feed(html)
    return reader.data


def post_data(values: dict[str, list[str]], **changes) -> dict:
    """``values`` as data for Django's test client (single values unwrapped), with ``changes`` applied."""
    data = {name: items if len(items) != 1 else items[0] for name, items in values.items()}
    data.update(changes)
    return data
