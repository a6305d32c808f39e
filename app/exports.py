"""XLSX downloads of the lists bureaus and institutions see (openpyxl, write-only: memory stays flat).

Cells that a spreadsheet would read as a formula are defused with a leading apostrophe (SECURITY.md
trap 7: = + - @, TAB, CR and NUL); download names lose bidi and zero-width characters (trap 4).
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from credentials.clock import china_date, china_now
from credentials.services.audit import record
from credentials.spreadsheets import defuse_formula

from .auth import current_actor
from .extensions import db, read_session
from .i18n import level_name

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UNSAFE_NAME = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff\x00-\x1f\"\\/:*?<>|;]")


def safe_cell(value: object) -> object:
    """Numbers and dates as themselves; text defused when a spreadsheet would run it."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime):
        if isinstance(value, datetime):  # stored in UTC (naive = UTC); Excel has no zones: China time, as shown
            return china_now(value).replace(tzinfo=None)
        return value
    text = value.value if isinstance(value, enum.Enum) else str(value)
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(text))  # control characters a stored name may hold: XLSX refuses them
    return defuse_formula(text)


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
    counted = _Counted(rows)
    response = Response(xlsx_bytes(headers, counted), mimetype=XLSX_MIMETYPE)
    _audit_export(name, counted.count)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """The same download as CSV, for Excel: UTF-8 with a BOM, cells defused like the XLSX ones; audited the same way."""
    name = _UNSAFE_NAME.sub("", filename).strip().removesuffix(".csv").strip() or "export"
    name += ".csv"
    ascii_name = name.encode("ascii", "ignore").decode().strip()
    if not ascii_name.removesuffix(".csv").strip(" -_."):
        ascii_name = "export.csv"
    buffer, counted = io.StringIO(), _Counted(rows)
    writer = csv.writer(buffer)
    for row in (headers, *counted):
        writer.writerow(["" if cell is None else cell for cell in map(safe_cell, row)])
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    _audit_export(name, counted.count)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


class _Counted:
    def __init__(self, rows: Iterable[Sequence[object]]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def _audit_export(filename: str, rows: int) -> None:
    """Personal data leaving the registry is recorded (SECURITY.md): who, which list, how many rows.

    The query string is not kept: it may hold a name typed into a search box."""
    from flask import request



    record(db.session(), actor=current_actor(), action="data.exported", entity_type="export",
           entity_id=request.path, after={"filename": filename, "rows": rows})
    db.session.commit()


EXPORT_LIMIT = 100_000


def too_many_to_export(statement) -> bool:
    """A list longer than one download can hold is refused with a hint (flashed), never cut short silently."""
    from flask import flash
    from flask_babel import gettext as _
    from sqlalchemy import func, select


    counted = statement.order_by(None).limit(EXPORT_LIMIT + 1).subquery()
    if read_session().scalar(select(func.count()).select_from(counted)) <= EXPORT_LIMIT:
        return False
    flash(_("列表超过 %(limit)s 条，无法一次导出；请先按姓名或结果筛选。", limit=f"{EXPORT_LIMIT:,}"), "error")
    return True


def stream(statement):
    """The rows of a select, fetched a thousand at a time (an export never holds the whole list)."""

    return read_session().scalars(statement.execution_options(yield_per=1000))


def certificates_xlsx(statement) -> Response:
    """The certificates of a (scoped) select as a download: the same columns wherever they are listed."""
    from flask_babel import gettext as _


    status = {"valid": _("有效"), "revoked": _("已撤销")}
    headers = [_("证书编号"), _("姓名"), _("身份证号"), _("职业编码"), _("职业"), _("等级"), _("发证日期"),
               _("发证机构"), _("晋升途径"), _("状态"), _("撤销日期"), _("撤销原因")]
    rows = ((c.number, c.worker.name, c.worker.id_masked, c.occupation.code, c.occupation.name, level_name(c.level),
             c.issued_on, c.institution.name, c.route.value, status[c.status.value],
             china_date(c.revoked_at) if c.revoked_at else None, c.revocation_reason) for c in stream(statement))
    return xlsx_response(_("证书") + ".xlsx", headers, rows)


def xlsx_sheets_response(filename: str,
                         sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> Response:
    """Several sheets, each (title, headers, rows), in one download: audited once with the rows of them all."""
    workbook = Workbook(write_only=True)
    count = 0
    for number, (title, headers, rows) in enumerate(sheets, start=1):
        sheet = workbook.create_sheet(title=_UNSAFE_NAME.sub("", title)[:31] or f"Sheet{number}")
        sheet.append([safe_cell(h) for h in headers])
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
            count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    name = download_name(filename)
    ascii_name = name.encode("ascii", "ignore").decode().strip()
    if not ascii_name.removesuffix(".xlsx").strip(" -_."):
        ascii_name = "export.xlsx"
    response = Response(buffer.getvalue(), mimetype=XLSX_MIMETYPE)
    _audit_export(name, count)
    response.headers["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
