"""Reading pages and downloads the way the tests need: a table's rows, a field's error, a sheet's rows."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(html: str, table_id: str) -> list[str]:
    """The body rows of the table with this id (an empty-state row spanning the table is not a row)."""
    table = re.search(rf'<table class="table" id="{table_id}">(.*?)</table>', html, re.S).group(1)
    return [r for r in re.findall(r"<tr\b[^>]*>(.*?)</tr>", table.split("<tbody>")[1], re.S) if "colspan" not in r]


def field_error(html: str, field: str) -> str:
    found = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


def sheet_rows(response) -> list[tuple]:
    """The first sheet of an XLSX download, after checking that it is one."""
    assert response.status_code == 200
    assert response.mimetype == XLSX
    return list(load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0].iter_rows(values_only=True))
