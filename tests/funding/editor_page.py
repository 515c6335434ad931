"""Reading the measure editor's HTML as a browser would submit it, for tests that go on from a
rendered page (after adding a row, after a conflict)."""

from html.parser import HTMLParser

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
