"""Reading an uploaded file into tables: .xlsx (every sheet) or .csv (one sheet, as German Excel saves
it), each sheet recognised by its header row as one of the layouts (``layouts.LAYOUTS``). A wrong
layout (missing columns, no known sheet, a sheet twice) is an ``ImportFileError`` at once; the cells
are only kept (``tables.Cell``), read in their column's kind later (``cells``).
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.formatting import format_number
from projects.spreadsheets import is_formula_like

from .layouts import LAYOUTS, YEAR_KEY_PREFIX, Layout, layout_for_sheet, normalize_header
from .tables import DATE, FORMULA, NUMBER, Cell, ImportFileError, Issue, ParsedFile, Table, cell_text

# Limits that keep a file cheap to refuse, checked before or while reading, never after: a file
# built to take minutes (a million shared strings, a row far below, a row a sheet wide) is refused at
# once with the limit in the message.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # an .xlsx is a zip: refuse archives that unpack to more
MAX_ROWS = 20_000  # rows with data, in all sheets
MAX_SHEET_ROWS = 50_000  # rows of one sheet, empty ones too
MAX_CELLS = 500_000  # cells of the file (a row counts up to its last cell); also texts of an .xlsx
HEADER_SEARCH_ROWS = 20
EXTENSIONS = (".xlsx", ".csv")


# --- Cells of the two formats -------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _percent_format(number_format: str | None) -> bool:
    """Whether a number format scales by 100 (an unquoted ``%``)."""
    if not number_format:
        return False
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format)


def xlsx_cell(value: object, number_format: str | None, data_type: str = "n") -> Cell:
    """A cell of an .xlsx as the import keeps it (``data_type`` "f": a formula, kept as its text)."""
    if data_type == "f":
        return [FORMULA, str(getattr(value, "text", value) or "")]
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        text = repr(value) if isinstance(value, float) else str(value)
        return [NUMBER, text, _percent_format(number_format)]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return [DATE, value.isoformat()]
    return str(value)


def csv_cell(value: str) -> str | None:
    """A cell of a CSV file as the import keeps it."""
    if not value.strip():
        return None
    # The admin's CSV export (``funding.exchange.resources``) writes formula-like text with a leading
    # apostrophe (OWASP "CSV injection"); reading drops it again, so the file re-imports unchanged.
    if value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


# --- Files --------------------------------------------------------------------------------------------


UNREADABLE = gettext_lazy("Die Datei ist keine lesbare Excel-Arbeitsmappe.")
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?si[\s>/]")
_CHUNK = 1024 * 1024


def _unreadable() -> ImportFileError:
    return ImportFileError.file(str(UNREADABLE))


def _count_shared_strings(archive: zipfile.ZipFile, name: str) -> int:
    """The texts (``<si>``) of a shared-strings part, counted while unpacking it piece by piece."""
    overlap = 64  # longer than any match: a match starting in it is counted with the next piece
    count, carry = 0, b""
    with archive.open(name) as part:
        while chunk := part.read(_CHUNK):
            data = carry + chunk
            limit = len(data) - overlap
            count += sum(1 for match in _SHARED_STRING.finditer(data) if match.start() < limit)
            carry = data[max(limit, 0) :]
    return count + len(_SHARED_STRING.findall(carry))


def _check_archive(data: bytes) -> None:
    """Refuse, before openpyxl reads anything, what is no zip, unpacks to more than
    ``MAX_UNPACKED_BYTES`` or holds more than ``MAX_CELLS`` shared texts (openpyxl reads all of them
    when it opens the file)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise ImportFileError.file(
                    _("Die Excel-Datei ist entpackt größer als %(max)s MB.")
                    % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)}
                )
            shared = [info.filename for info in infos if info.filename.lower().endswith("sharedstrings.xml")]
            texts = sum(_count_shared_strings(archive, name) for name in shared)
    except ImportFileError:
        raise
    except Exception:  # not a zip, or a broken one (zipfile and zlib raise several kinds of errors)
        raise _unreadable() from None
    if texts > MAX_CELLS:
        raise ImportFileError.file(
            _("Die Datei enthält mehr als %(max)s Texte; bitte teilen Sie sie auf.")
            % {"max": format_number(MAX_CELLS, 0)}
        )


def _too_many_rows(sheet: str) -> ImportFileError:
    values = {"max": format_number(MAX_SHEET_ROWS, 0), "sheet": sheet}
    if sheet:
        return ImportFileError.file(
            _("Das Blatt „%(sheet)s“ hat mehr als %(max)s Zeilen; bitte teilen Sie es auf.") % values
        )
    return ImportFileError.file(
        _("Die Datei hat mehr als %(max)s Zeilen; bitte teilen Sie sie auf.") % values
    )


def _too_many_cells() -> ImportFileError:
    return ImportFileError.file(
        _("Die Datei hat mehr als %(max)s Zellen; bitte teilen Sie sie auf.")
        % {"max": format_number(MAX_CELLS, 0)}
    )


@dataclass
class _Budget:
    """The cells read so far in a file, against ``MAX_CELLS``."""

    cells: int = 0

    def counted(self, sheet: str, rows: Iterator[list[Cell]]) -> Iterator[list[Cell]]:
        """``rows``, refused beyond ``MAX_SHEET_ROWS`` rows or the file's ``MAX_CELLS`` cells."""
        for number, row in enumerate(rows, start=1):
            self.cells += len(row)
            if number > MAX_SHEET_ROWS:
                raise _too_many_rows(sheet)
            if self.cells > MAX_CELLS:
                raise _too_many_cells()
            yield row


def _check_dimension(ws) -> None:
    """Refuse a sheet whose declared size (its ``<dimension>``) is over the limits, before reading it."""
    rows, columns = ws.max_row or 0, ws.max_column or 0
    if rows > MAX_SHEET_ROWS:
        raise _too_many_rows(ws.title)
    if rows * columns > MAX_CELLS:
        raise _too_many_cells()


def _shared(cells: dict) -> Callable[[Cell], Cell]:
    """A cell, or the equal one met before in the file: a sheet repeats its years, cost groups, codes
    and notes thousands of times, and the tables keep every cell until the import is confirmed. Cells
    are never changed once read."""

    def share(cell: Cell) -> Cell:
        if cell is None:
            return None
        key = cell if isinstance(cell, str) else tuple(cell)
        return cells.setdefault(key, cell)

    return share


def _worksheet_rows(ws) -> Iterator[list[Cell]]:
    """The rows of a read-only worksheet as cells; a broken sheet is an unreadable file."""
    _check_dimension(ws)
    ws.reset_dimensions()  # some programs write too small dimensions; read what is there
    share = _shared({})
    try:
        for row in ws.iter_rows():
            yield [
                share(
                    xlsx_cell(
                        getattr(c, "value", None),
                        getattr(c, "number_format", None),
                        getattr(c, "data_type", "n"),
                    )
                )
                for c in row
            ]
    except Exception:  # openpyxl and the XML parser raise many kinds of errors for broken sheets
        raise _unreadable() from None


def _xlsx_sheets(data: bytes) -> Iterator[tuple[str, Iterator[list[Cell]]]]:
    from openpyxl import load_workbook

    _check_archive(data)
    try:
        # Formulas as formulas (``data_only=False``): the import refuses them at their cell rather
        # than take a stored result or, where there is none, an empty cell.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        worksheets = list(workbook.worksheets)
    except Exception:  # openpyxl raises many kinds of errors for broken files
        raise _unreadable() from None
    try:
        for ws in worksheets:
            yield ws.title, _worksheet_rows(ws)
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # pragma: no cover - cp1252 decodes nearly everything
    raise ImportFileError.file(_("Die CSV-Datei ist nicht lesbar (Zeichensatz)."))


def _csv_rows(data: bytes) -> Iterator[list[Cell]]:
    text = _decode(data)
    if "\x00" in text:
        raise ImportFileError.file(_("Die Datei ist keine CSV-Datei."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    share = _shared({})
    try:
        for row in reader:
            yield [share(csv_cell(value)) for value in row]
    except csv.Error:  # a field longer than the csv module takes, or a broken quote
        raise ImportFileError.file(
            _("Die CSV-Datei ist in Zeile %(row)s nicht lesbar.") % {"row": reader.line_num}
        ) from None


# --- Recognising a sheet's layout -----------------------------------------------------------------------


@dataclass
class Recognised:
    """A sheet's layout (``None``: not an import sheet, or its layout is wrong), the index (0-based) of
    its header row, the position of each key's column, and issues with the layout."""

    layout: Layout | None
    header_index: int = 0
    columns: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def _required_found(layout: Layout, present: set[str]) -> tuple[int, int]:
    required = [column for column in layout.columns if column.required]
    return sum(1 for column in required if column.headers() & present), len(required)


def _header_columns(layout: Layout, index: int, row: list[Cell]) -> Recognised:
    """The columns of a header row that has every required column of ``layout``."""
    recognised = Recognised(layout, index)
    for position, cell in enumerate(row):
        header = normalize_header(cell_text(cell))
        key = layout.key_for_header(header) if header else None
        if key is None:
            continue
        if key in recognised.columns:
            recognised.issues.append(
                Issue(
                    layout.label,
                    index + 1,
                    cell_text(cell),
                    _("Die Spalte kommt in der Kopfzeile mehrfach vor."),
                )
            )
        recognised.columns[key] = position
    # Layout columns first, per-year amounts after them, each in the file's order.
    recognised.columns = dict(
        sorted(recognised.columns.items(), key=lambda item: item[0].startswith(YEAR_KEY_PREFIX))
    )
    return recognised


def _missing_columns(sheet: str, layout: Layout, index: int, head: list[list[Cell]]) -> Recognised:
    present = {normalize_header(cell_text(cell)) for cell in head[index]} if head else set()
    missing = [c.header for c in layout.columns if c.required and not c.headers() & present]
    return Recognised(
        None,
        index,
        issues=[
            Issue(
                layout.label,
                index + 1,
                header,
                _("Die Spalte „%(column)s“ fehlt in der Kopfzeile des Blatts „%(sheet)s“.")
                % {"column": header, "sheet": sheet or layout.sheet},
            )
            for header in missing
        ],
    )


def recognise(sheet: str, head: list[list[Cell]]) -> Recognised:
    """The layout of a sheet named ``sheet`` ("" for a CSV file) by its first rows ``head``: the first
    row that has every required column of a layout (of the layout named like the sheet, if any)."""
    named = layout_for_sheet(sheet)
    candidates = (named,) if named else LAYOUTS
    best: tuple[int, int, Layout] | None = None
    for index, row in enumerate(head):
        present = {normalize_header(cell_text(cell)) for cell in row}
        for layout in candidates:
            found, required = _required_found(layout, present)
            if best is None or found > best[0]:
                best = (found, index, layout)
            if found == required:
                return _header_columns(layout, index, row)
    # A sheet named like a layout, or a CSV file (one table) that has most of a layout's columns:
    # name the missing ones. Other sheets of a workbook (a title page, notes) are ignored.
    if best is not None and (named is not None or (not sheet and best[0] >= 2)):
        return _missing_columns(sheet, best[2], best[1], head)
    return Recognised(None)


def _layout_hint() -> str:
    return _(
        "Erwartet wird eine Kopfzeile wie in der Excel-Ausgabe „Maßnahmenliste“: Blatt „Maßnahmen“ "
        "(Kürzel, Titel, Handlungsfeld, Kommune, Beginn, Ende, …), „Kostenzeilen“ (Kürzel, Jahr, "
        "Kostengruppe, Gesamtkosten, …) oder „Finanzierung“ (Kürzel, Art, Programm, …)."
    )


# --- Tables ---------------------------------------------------------------------------------------------


def _is_empty(cells: list[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _read_table(
    sheet: str, rows: Iterator[list[Cell]], budget: list[int]
) -> tuple[Table | None, list[Issue]]:
    head: list[list[Cell]] = []
    for row in rows:
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    recognised = recognise(sheet, head)
    layout = recognised.layout
    if layout is None:
        return None, recognised.issues
    keys, positions = list(recognised.columns), list(recognised.columns.values())
    start = recognised.header_index + 1
    table = Table(kind=layout.kind, sheet=sheet, header_row=start, keys=keys, rows=[])

    def data_rows() -> Iterator[tuple[int, list[Cell]]]:
        yield from enumerate(head[start:], start=start + 1)
        yield from enumerate(rows, start=len(head) + 1)

    for number, row in data_rows():
        cells = [row[position] if position < len(row) else None for position in positions]
        if _is_empty(cells):
            continue
        budget[0] -= 1
        if budget[0] < 0:
            message = _("Die Datei hat mehr als %(max)s Datenzeilen; bitte teilen Sie sie auf.")
            return None, [Issue(layout.label, number, "", message % {"max": format_number(MAX_ROWS, 0)})]
        table.rows.append((number, cells))
    return table, recognised.issues


def _sheets(lowered: str, data: bytes) -> Iterator[tuple[str, Iterator[list[Cell]]]]:
    """The sheets of the file (a CSV file: one, named ""), their rows counted against the limits."""
    budget = _Budget()
    sheets = _xlsx_sheets(data) if lowered.endswith(".xlsx") else iter([("", _csv_rows(data))])
    for sheet, rows in sheets:
        yield sheet, budget.counted(sheet, rows)


def _check_upload(lowered: str, data: bytes) -> None:
    if not lowered.endswith(EXTENSIONS):
        raise ImportFileError.file(_("Bitte eine .xlsx- oder .csv-Datei hochladen."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError.file(
            _("Die Datei ist größer als %(max)s MB.") % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )


def _no_table_issue(lowered: str) -> Issue:
    message = (
        _("Die Datei enthält kein Blatt „Maßnahmen“, „Kostenzeilen“ oder „Finanzierung“.")
        if lowered.endswith(".xlsx")
        else _("Die Kopfzeile passt zu keinem bekannten Aufbau.")
    )
    return Issue("", 1, "", f"{message} {_layout_hint()}")


def read_upload(*, name: str, data: bytes) -> ParsedFile:
    """Read an uploaded .xlsx or .csv into tables; ``ImportFileError`` for an unreadable file or a
    wrong layout (missing columns, no known sheet, a sheet twice)."""
    lowered = name.lower()
    _check_upload(lowered, data)
    tables: list[Table] = []
    issues: list[Issue] = []
    budget = [MAX_ROWS]
    for sheet, rows in _sheets(lowered, data):
        table, sheet_issues = _read_table(sheet, rows, budget)
        issues += sheet_issues
        if table is None:
            continue
        if any(other.kind == table.kind for other in tables):
            message = _("Die Datei enthält mehr als ein Blatt mit %(kind)s.") % {"kind": table.label}
            issues.append(Issue(table.label, 0, "", message))
            continue
        tables.append(table)
    if not tables and not issues:
        issues.append(_no_table_issue(lowered))
    if issues:
        raise ImportFileError(issues)
    return ParsedFile(name=name, tables=tables)
