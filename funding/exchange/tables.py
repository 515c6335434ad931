"""What a read file becomes, and the messages about it: ``Table`` (one sheet in one layout),
``ParsedFile`` (the tables of a file, JSON-serialisable: the editor keeps it in the session between
preview and confirmation, not the file itself), ``Issue`` (a message with sheet, row and column) and
``ImportFileError`` (a file that cannot be read at all, or has a wrong layout).

A cell as kept between upload and confirmation (``Cell``): ``None``, a string, a number
``["n", "<decimal>", percent_format]``, a date ``["d", "<iso>"]`` or a formula ``["f", "=…"]``
(refused where it is read: a formula's result is not taken over).
"""

from __future__ import annotations

from dataclasses import dataclass

from .layouts import LAYOUT_BY_KIND, Layout

Cell = None | str | list

NUMBER = "n"
DATE = "d"
FORMULA = "f"


def cell_text(cell: Cell) -> str:
    """The text of a cell as it stands in the file (a number's digits, a formula's text)."""
    if cell is None:
        return ""
    if isinstance(cell, list):
        return cell[1]
    return cell


def is_formula(cell: Cell) -> bool:
    return isinstance(cell, list) and cell[0] == FORMULA


@dataclass(frozen=True)
class Issue:
    """An error: sheet (label), row number in the file (0: the whole file), column header, message."""

    sheet: str
    row: int
    column: str
    message: str


class ImportFileError(Exception):
    """The file cannot be read at all, or its layout is wrong."""

    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(issue.message for issue in issues))
        self.issues = issues

    @classmethod
    def file(cls, message: str) -> ImportFileError:
        """An error about the whole file."""
        return cls([Issue("", 0, "", message)])


@dataclass
class Table:
    """One sheet in one layout. ``keys`` are the layout's column keys present in the file plus
    ``"year:<year>"`` for per-year amounts; each row holds the cells in that order. For the export,
    ``rows`` hold typed values (str, int, Decimal, None) instead of cells."""

    kind: str
    sheet: str
    header_row: int
    keys: list[str]
    rows: list[tuple[int, list]]

    @property
    def layout(self) -> Layout:
        return LAYOUT_BY_KIND[self.kind]

    @property
    def label(self) -> str:
        return self.layout.label

    def header(self, key: str) -> str:
        return self.layout.column(key).header


@dataclass
class ParsedFile:
    name: str
    tables: list[Table]

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "tables": [
                {
                    "kind": t.kind,
                    "sheet": t.sheet,
                    "header_row": t.header_row,
                    "keys": t.keys,
                    "rows": [[number, cells] for number, cells in t.rows],
                }
                for t in self.tables
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> ParsedFile:
        return cls(
            name=data["name"],
            tables=[
                Table(
                    kind=t["kind"],
                    sheet=t["sheet"],
                    header_row=t["header_row"],
                    keys=list(t["keys"]),
                    rows=[(number, cells) for number, cells in t["rows"]],
                )
                for t in data["tables"]
            ],
        )
