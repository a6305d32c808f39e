"""XLSX downloads of the lists bureaus and institutions see (openpyxl, write-only: memory stays flat).

Cells that a spreadsheet would read as a formula are defused with a leading apostrophe (SECURITY.md
trap 7: = + - @, TAB, CR and NUL); download names lose bidi and zero-width characters (trap 4).
"""

from __future__ import annotations

import enum
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
_UNSAFE_NAME = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff\x00-\x1f\"\\/:*?<>|;]")


def safe_cell(value: object) -> object:
    """Numbers and dates as themselves; text defused when a spreadsheet would run it."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)  # Excel has no time zones; callers pass UTC or local on purpose
        return value
    text = value.value if isinstance(value, enum.Enum) else str(value)
    text = str(text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def download_name(filename: str) -> str:
    cleaned = _UNSAFE_NAME.sub("", filename).strip() or "export.xlsx"
    return cleaned if cleaned.lower().endswith(".xlsx") else cleaned + ".xlsx"


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "Sheet1") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_UNSAFE_NAME.sub("", title)[:31] or "Sheet1")
    sheet.append([safe_cell(h) for h in headers])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """An attachment download; the Chinese name survives through RFC 5987's filename*."""
    name = download_name(filename)
    ascii_name = name.encode("ascii", "ignore").decode().strip()
    if not ascii_name.removesuffix(".xlsx").strip(" -_."):
        ascii_name = "export.xlsx"
    response = Response(xlsx_bytes(headers, rows), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
