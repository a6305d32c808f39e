"""Spreadsheet cells: what the registry exports (app/exports.py) comes back through its own reader
(credentials/spreadsheets.py) as the text it was, with nothing a spreadsheet would run; and any uploaded bytes are
read or refused with ImportRejected, never another exception."""

from __future__ import annotations

import csv
import io
import zipfile

from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from app.exports import _UNSAFE_NAME, download_name, safe_cell, xlsx_bytes
from credentials.errors import ImportRejected
from credentials.spreadsheets import FORMULA_STARTS as _FORMULA_STARTS
from credentials.spreadsheets import Formula, read_sheet

from .strategies import hostile_text

FORMULA_LIKE = st.builds(lambda start, rest: start + rest, st.sampled_from(_FORMULA_STARTS + ("'", " =", "＝")),
                         st.sampled_from(["SUM(A1:A9)", "HYPERLINK(\"http://x\")", "cmd|' /C calc'!A0", "1+1", ""]))
cell_texts = st.one_of(hostile_text, FORMULA_LIKE, st.text(max_size=60))


def expected_text(text: str) -> str:
    """What a reader should see of `text` after export: illegal XML characters replaced, a formula defused."""
    cleaned = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    return "'" + cleaned if cleaned.startswith(_FORMULA_STARTS) else cleaned


@settings(max_examples=300)
@given(cell_texts)
def test_an_exported_cell_never_starts_a_formula(text):
    cell = safe_cell(text)

    assert isinstance(cell, str) and cell == expected_text(text)
    assert not cell.startswith(_FORMULA_STARTS) and not ILLEGAL_CHARACTERS_RE.search(cell)


@settings(max_examples=80)
@given(st.lists(st.lists(cell_texts, min_size=1, max_size=4), min_size=1, max_size=6))
def test_any_cell_text_comes_back_through_export_and_import(rows):
    numbered = [[f"row {i}", *cells] for i, cells in enumerate(rows)]

    sheet = read_sheet(xlsx_bytes(["#", "a", "b", "c", "d"], numbered))

    read = [values for _, values in sheet.rows]
    assert sheet.file_format == "xlsx" and read[0] == ("#", "a", "b", "c", "d")
    for written, (_, values) in zip(numbered, sheet.rows[1:], strict=True):
        assert not any(isinstance(v, Formula) or (isinstance(v, str) and v.startswith(_FORMULA_STARTS))
                       for v in values)
        expected = [expected_text(text) or None for text in written]  # an empty cell reads as no value
        while expected and expected[-1] is None:
            expected.pop()
        assert list(values) == expected


@settings(max_examples=200)
@given(hostile_text)
def test_a_download_name_is_safe_in_a_header_and_on_a_disk(name):
    cleaned = download_name(name)

    assert cleaned.endswith(".xlsx") and not _UNSAFE_NAME.search(cleaned) and cleaned == cleaned.strip()


header_cells = st.one_of(st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x00"), min_size=1, max_size=12),
                        st.text("成绩;\t,\" ", min_size=2, max_size=8))  # a header naming its own separators
csv_cells = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20)


@settings(max_examples=150)
@given(st.lists(header_cells, min_size=2, max_size=4), st.lists(st.lists(csv_cells, min_size=2, max_size=4),
                                                                max_size=4),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
@example(header=["0", ";;"], rows=[], encoding="utf-8")  # was read as semicolon-separated (fixed in spreadsheets.py)
def test_a_quoted_csv_comes_back_cell_for_cell(header, rows, encoding):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerows([header, *rows])
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return  # GB18030 covers all of Unicode; nothing else to do here

    sheet = read_sheet(data)

    kept = [tuple(row) for row in [header, *rows] if any(cell.strip() for cell in row)]
    assert [values for _, values in sheet.rows] == kept


def _xlsx_sample() -> bytes:
    return xlsx_bytes(["姓名", "身份证号", "成绩"], [["张三", "110105194912310029", 88], ["李四", "=1+1", 59.5]])


SAMPLE = _xlsx_sample()


@st.composite
def damaged_xlsx(draw) -> bytes:
    """The sample workbook with a few bytes changed (often in the zip's central directory, at its end) or cut."""
    data = bytearray(SAMPLE)
    for _ in range(draw(st.integers(1, 8))):
        low = draw(st.sampled_from([0, len(data) - 600]))
        data[draw(st.integers(low, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[:draw(st.one_of(st.just(len(data)), st.integers(4, len(data))))])


uploads = st.one_of(st.binary(max_size=300), damaged_xlsx(), st.binary(max_size=200).map(b"PK\x03\x04".__add__),
                    st.text(max_size=200).map(lambda t: t.encode("utf-16")), hostile_text.map(str.encode))


def needing_zip_version(data: bytes, version: int) -> bytes:
    """The workbook with its first central-directory entry asking for a zip version Python cannot read."""
    at = data.index(b"PK\x01\x02") + 6
    return data[:at] + bytes([version]) + data[at + 1:]


@settings(max_examples=500)
@given(uploads)
@example(needing_zip_version(SAMPLE, 64))  # NotImplementedError("zip file version 6.4") escaped: a 500 (fixed)
def test_any_upload_is_read_or_refused(data):
    try:
        sheet = read_sheet(data)
    except ImportRejected as refused:
        assert refused.message("zh") and refused.message("en") and refused.field == "file"
        return
    assert sheet.file_format in ("csv-utf8", "csv-utf8-bom", "csv-gb18030", "xlsx")
    assert all(isinstance(number, int) and number >= 1 for number, _ in sheet.rows)


def test_the_damaged_workbooks_start_from_a_readable_one():
    assert zipfile.is_zipfile(io.BytesIO(SAMPLE))
    assert [values for _, values in read_sheet(SAMPLE).rows][2] == ("李四", "'=1+1", 59.5)
