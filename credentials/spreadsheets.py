"""Read an uploaded CSV or XLSX into rows of raw cell values, refusing what is unsafe or unreadable.

CSV: UTF-8 with a BOM, strict UTF-8, else GB18030 (which covers GBK/GB2312, what older Chinese Excel
saves); anything else is refused with a message that says how to save the file. XLSX (SECURITY.md trap 6):
the zip's entry count and declared sizes are checked before openpyxl opens it (Python's zipfile never
inflates an entry past its declared size, so the declared sizes bound the work), openpyxl parses with
defusedxml in read-only mode, and formula cells are passed on as `Formula` so the report can name them.

Row numbers are those the user sees in Excel: the first line of the file is row 1.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ladder.i18n import Text

from .errors import ImportRejected

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_ROWS = 200_000  # data rows, per file
MAX_COLUMNS = 60  # cells past this one are ignored
MAX_ZIP_ENTRIES = 1_000
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_ZIP_RATIO = 250  # declared size / compressed size of any one entry above 1 MB
TRAILING_EMPTY_ROWS = 10_000  # formatted-but-empty rows after the data end the sheet
FORMATS = ("csv-utf8", "csv-utf8-bom", "csv-gb18030", "xlsx")
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF8_BOM, _UTF16_BOMS = b"\xef\xbb\xbf", (b"\xff\xfe", b"\xfe\xff")
_QUOTED = re.compile(r'"[^"]*"')  # a quoted cell ("" inside it reads as two quoted runs, also dropped)

Row = tuple[int, tuple[object, ...]]  # (row number as in Excel, cell values: text, numbers, dates, Formula, None)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")  # SECURITY.md trap 7 (defusedcsv misses TAB and CR)


def defuse_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula, written with a leading apostrophe: what every export writes."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Formula:
    """A formula cell: refused on import, reported with its cell reference."""

    cell: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Sheet:
    file_format: str  # one of FORMATS
    rows: list[Row]  # (row number as in Excel, cell values); blank rows left out

    @property
    def data_rows(self) -> int:
        return len(self.rows)


def sniff_format(data: bytes) -> str:
    """'xlsx' or 'csv' from the content (never the file name); refuse anything else."""
    if not data:
        raise ImportRejected("empty_file", field="file")
    if len(data) > MAX_FILE_BYTES:
        raise ImportRejected("file_too_large", field="file", limit=f"{MAX_FILE_BYTES // (1024 * 1024)} MB")
    if data.startswith(_ZIP):
        return "xlsx"
    if data.startswith(_OLE):
        raise ImportRejected("xls_not_supported", field="file")
    if data.startswith(_UTF16_BOMS):
        raise ImportRejected("utf16_not_supported", field="file")
    if b"\x00" in data[:8192]:
        raise ImportRejected("unknown_file_type", field="file")
    return "csv"


def read_sheet(data: bytes) -> Sheet:
    """The rows of the first worksheet (XLSX) or of the CSV text; raises ImportRejected."""
    if sniff_format(data) == "xlsx":
        return Sheet("xlsx", _capped(_xlsx_rows(data)))
    text, file_format = decode_text(data)
    return Sheet(file_format, _capped(_csv_rows(text)))


def decode_text(data: bytes) -> tuple[str, str]:
    candidates: tuple[tuple[str, str], ...]
    if data.startswith(_UTF8_BOM):
        candidates = (("utf-8-sig", "csv-utf8-bom"),)
    else:
        candidates = (("utf-8", "csv-utf8"), ("gb18030", "csv-gb18030"))
    for encoding, name in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text, name
    raise ImportRejected("encoding_unknown", field="file")


def _capped(rows: Iterator[Row]) -> list[Row]:
    kept: list[Row] = []
    for row in rows:
        kept.append(row)
        if len(kept) > MAX_ROWS + 1:  # + 1: the header row
            raise ImportRejected("too_many_rows", field="file", limit=f"{MAX_ROWS:,}")
    return kept


def _delimiter(text: str) -> str:
    """Comma, unless the first line plainly uses tabs or semicolons (Excel's other text exports). What is inside
    quotes is a cell's text: a header "成绩;;" made the file semicolon-separated (found by tests/properties)."""
    first = _QUOTED.sub("", text[:4096].split("\n", 1)[0])
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _csv_rows(text: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    row_number = 0
    try:
        for record in reader:
            row_number += 1  # Excel shows one row per record, however many lines a quoted cell spans
            cells = tuple(record[:MAX_COLUMNS])
            if any(cell.strip() for cell in cells):
                yield row_number, cells
    except csv.Error as error:
        raise ImportRejected("csv_malformed", field="file", row=row_number + 1, reason=str(error)) from None


def check_zip(data: bytes) -> None:
    """Refuse a zip bomb or a malformed container from its directory alone, before anything is inflated."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, NotImplementedError):  # "zip file version 6.4": a damaged directory
        raise ImportRejected("xlsx_corrupt", field="file") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise ImportRejected("xlsx_unsafe", field="file", reason=Text(f"{len(entries)} 个压缩项",
                                                                      f"{len(entries)} entries"))
        declared = sum(entry.file_size for entry in entries)
        if declared > MAX_UNZIPPED_BYTES:
            size = f"{declared // (1024 * 1024):,} MB"
            raise ImportRejected("xlsx_unsafe", field="file", reason=Text(f"解压后 {size}", f"{size} unpacked"))
        for entry in entries:
            inflated = entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1)
            if entry.file_size > 1024 * 1024 and inflated:
                raise ImportRejected("xlsx_unsafe", field="file",
                                     reason=Text("压缩比异常", "suspicious compression ratio"))
        if "xl/workbook.xml" not in {entry.filename for entry in entries}:
            raise ImportRejected("xlsx_corrupt", field="file")


def _xlsx_rows(data: bytes) -> Iterator[Row]:
    check_zip(data)
    from openpyxl import load_workbook  # imported here: CSV-only runs never pay for it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        except Exception:  # noqa: BLE001 - a hostile or broken file can fail anywhere in openpyxl
            raise ImportRejected("xlsx_corrupt", field="file") from None
        try:
            yield from _worksheet_rows(workbook.worksheets[0]) if workbook.worksheets else ()
        except ImportRejected:
            raise
        except Exception:  # noqa: BLE001
            raise ImportRejected("xlsx_corrupt", field="file") from None
        finally:
            workbook.close()


def _worksheet_rows(worksheet: Worksheet) -> Iterator[Row]:
    """A read-only worksheet at run time; the stubs type its `iter_rows` as Worksheet's."""
    empty_run = 0
    for row_number, cells in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        listed = [_cell_value(cell) for cell in cells]
        while listed and listed[-1] is None:
            listed.pop()
        values = tuple(listed)
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
            empty_run += 1
            if empty_run > TRAILING_EMPTY_ROWS:
                return
            continue
        empty_run = 0
        yield row_number, values


class _Cell(Protocol):
    """What is read of an openpyxl cell (read-only mode hands out ReadOnlyCell, whose stubs are loose)."""

    @property
    def data_type(self) -> str: ...
    @property
    def coordinate(self) -> str: ...
    @property
    def value(self) -> object: ...


def _cell_value(cell: _Cell) -> object:
    if cell.data_type == "f":
        return Formula(cell.coordinate, str(cell.value))
    return cell.value
