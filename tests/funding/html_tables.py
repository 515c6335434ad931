"""Reading the tables of a rendered page as text, cell by cell, for tests that check what a browser
shows (not only the view's context)."""

import lxml.html


def _text(element) -> str:
    return " ".join(element.text_content().split())


def table_rows(table) -> list[list[str]]:
    """Every row of ``table`` (head, bodies, foot, in document order) as the texts of its cells."""
    return [[_text(cell) for cell in row.xpath("./th|./td")] for row in table.xpath(".//tr")]


def tables(body: str) -> dict[str, list[list[str]]]:
    """The page's tables by caption text (tables without a caption are left out; a caption used twice
    keeps the first table)."""
    found: dict[str, list[list[str]]] = {}
    for table in lxml.html.fromstring(body).xpath("//table[caption]"):
        found.setdefault(_text(table.xpath("./caption")[0]), table_rows(table))
    return found


def body_rows(body: str, caption: str, css_class: str | None = None) -> list[list[str]]:
    """The rows of the table with ``caption``, only those with ``css_class`` if given."""
    for table in lxml.html.fromstring(body).xpath("//table[caption]"):
        if _text(table.xpath("./caption")[0]) == caption:
            rows = (
                table.xpath(".//tr")
                if css_class is None
                else table.xpath(
                    f".//tr[contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')]"
                )
            )
            return [[_text(cell) for cell in row.xpath("./th|./td")] for row in rows]
    raise AssertionError(f"no table with caption {caption!r}")
