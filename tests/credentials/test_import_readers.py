"""Reading uploads: every encoding a Chinese office saves, XLSX safely, and clear refusals otherwise."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import pytest

from credentials import spreadsheets as readers
from credentials.errors import ImportRejected
from credentials.imports.cells import (
    CellProblem,
    level_names,
    national_id_text,
    parse_date,
    parse_level,
    parse_score,
)
from credentials.imports.columns import data_rows, locate
from credentials.models import ImportKind
from credentials.spreadsheets import Formula, read_sheet
from tests.import_fixtures import xlsx_bytes as xlsx

HEADERS = ["身份证号", "姓名", "职业编码", "等级", "考试日期", "理论知识考试成绩", "操作技能考核成绩"]
ROW = ["11010519491231002X", "张三", "6-18-01-01", "初级工", "2024-07-01", "85", "78"]


def csv_text(*rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def rejected(code: str, call, *args) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        call(*args)
    assert caught.value.code == code, caught.value.message("en")
    return caught.value


@pytest.mark.parametrize(("data", "file_format"), [
    (csv_text(HEADERS, ROW).encode("utf-8"), "csv-utf8"),
    (b"\xef\xbb\xbf" + csv_text(HEADERS, ROW).encode("utf-8"), "csv-utf8-bom"),
    (csv_text(HEADERS, ROW).encode("gb18030"), "csv-gb18030"),
])
def test_csv_in_utf8_with_or_without_bom_and_gb18030_reads_the_same_chinese_text(data, file_format):
    sheet = read_sheet(data)

    assert sheet.file_format == file_format
    assert sheet.rows == [(1, tuple(HEADERS)), (2, tuple(ROW))]


def test_gbk_file_saved_by_an_old_excel_is_read_as_gb18030():
    row = ["11010519491231002X", "欧阳锋", "6-18-01-01", "高级技师", "2024/7/1", "90", "90"]
    data = csv_text(HEADERS, row).encode("gbk")

    sheet = read_sheet(data)

    assert sheet.file_format == "csv-gb18030" and sheet.rows[1][1][1] == "欧阳锋"


def test_bytes_in_no_supported_encoding_are_refused_with_advice():
    error = rejected("encoding_unknown", read_sheet, "身份证号,姓名\n".encode() + b"\x80\xff\xfe\x81\n")

    assert "UTF-8" in error.message("zh") and "GB18030" in error.message("en")


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty_file"),
    ("身份证号".encode("utf-16"), "utf16_not_supported"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls_not_supported"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "unknown_file_type"),
])
def test_files_that_are_not_csv_or_xlsx_are_refused_by_content_not_name(data, code):
    rejected(code, read_sheet, data)


def test_oversized_file_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 100)

    error = rejected("file_too_large", read_sheet, csv_text(HEADERS, ROW, ROW).encode())

    assert error.field == "file"


def test_more_rows_than_the_cap_are_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 3)

    rejected("too_many_rows", read_sheet, csv_text(HEADERS, *[ROW] * 4).encode())


def test_row_numbers_are_the_ones_excel_shows_even_with_blank_lines_and_multiline_cells():
    data = csv_text(HEADERS, ROW, [], ["11010519491231002X", "张\n三", *ROW[2:]]).encode()

    numbers = [number for number, _ in read_sheet(data).rows]

    assert numbers == [1, 2, 4]


def test_tab_separated_text_is_read_too():
    data = "\t".join(HEADERS).encode() + b"\n" + "\t".join(ROW).encode()

    assert read_sheet(data).rows[1][1] == tuple(ROW)


def test_a_cell_too_long_for_csv_is_a_clear_file_error():
    error = rejected("csv_malformed", read_sheet, csv_text(HEADERS, ["x" * 200_000]).encode())

    assert "第 2 行" in error.message("zh")


# ------------------------------------------------------------------ XLSX

def test_xlsx_from_openpyxl_keeps_numbers_dates_and_excel_row_numbers():
    data = xlsx(HEADERS, [*ROW[:4], date(2024, 7, 1), 85, 78.5], [], [*ROW[:4], 45474, "85", "78"])

    sheet = read_sheet(data)

    assert sheet.file_format == "xlsx"
    assert [number for number, _ in sheet.rows] == [1, 2, 4]
    assert sheet.rows[1][1][4] == datetime(2024, 7, 1) and sheet.rows[1][1][5:] == (85, 78.5)
    assert sheet.rows[2][1][4] == 45474


def test_formula_cells_come_back_with_their_cell_reference():
    data = xlsx(HEADERS, [*ROW[:5], "=50+35", 78])

    cell = read_sheet(data).rows[1][1][5]

    assert cell == Formula("F2", "=50+35")


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def openpyxl_must_not_open(monkeypatch):
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a file the zip check should have refused")
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_zip_bomb_is_refused_from_its_declared_sizes_before_openpyxl_sees_it(openpyxl_must_not_open):
    bomb = _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * (20 * 1024 * 1024)})

    error = rejected("xlsx_unsafe", read_sheet, bomb)

    assert len(bomb) < 100_000 and error.field == "file"


def test_xlsx_expanding_past_the_total_limit_is_refused(monkeypatch, openpyxl_must_not_open):
    monkeypatch.setattr(readers, "MAX_UNZIPPED_BYTES", 1_000)

    rejected("xlsx_unsafe", read_sheet, _zip({"xl/workbook.xml": b"<w/>" * 400}))


def test_xlsx_with_too_many_entries_is_refused(monkeypatch, openpyxl_must_not_open):
    monkeypatch.setattr(readers, "MAX_ZIP_ENTRIES", 5)

    rejected("xlsx_unsafe", read_sheet, _zip({f"xl/part{n}.xml": b"<x/>" for n in range(6)}))


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", _zip({"hello.txt": b"hi"})])
def test_broken_or_foreign_zip_is_a_corrupt_workbook(data):
    rejected("xlsx_corrupt", read_sheet, data)


def test_xml_entities_inside_an_xlsx_are_not_expanded():
    """defusedxml makes openpyxl refuse entity definitions (billion laughs) instead of expanding them."""
    good = xlsx(HEADERS, ROW)
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    parts["xl/worksheets/sheet1.xml"] = laughs

    rejected("xlsx_corrupt", read_sheet, _zip(parts))


# ------------------------------------------------------------------ cells Excel mangles

@pytest.mark.parametrize("value", [3.20505199001011e17, "3.20505E+17", "3.20505199001011E+17"])
def test_an_id_that_excel_turned_into_a_number_is_explained_not_guessed(value):
    with pytest.raises(CellProblem) as caught:
        national_id_text(value)

    assert caught.value.error.code == "id_as_number"
    assert "文本" in caught.value.error.message("zh") and "Text" in caught.value.error.message("en")


@pytest.mark.parametrize("value", [
    date(2024, 7, 1), datetime(2024, 7, 1, 0, 0), 45474, 45474.0, "45474", "2024-07-01", "2024/7/1",
    "2024年7月1日", "2024.07.01", "20240701", " ２０２４－０７－０１ ", "2024-07-01 00:00:00",
])
def test_dates_as_excel_serials_date_cells_or_text_all_read_as_the_same_day(value):
    assert parse_date(value) == date(2024, 7, 1)


@pytest.mark.parametrize("value", ["2024-02-30", "next week", "7/1/2024", 0, -3])
def test_what_is_not_a_date_says_how_to_write_one(value):
    with pytest.raises(CellProblem) as caught:
        parse_date(value)

    assert "2024-07-01" in caught.value.error.message("zh")


@pytest.mark.parametrize(("value", "expected"), [
    ("85", "85.00"), (" 85.5 ", "85.50"), (85, "85.00"), (59.99, "59.99"), ("８５", "85.00"),
    ("100.00", "100.00")])
def test_scores_stored_as_text_or_numbers_read_alike(value, expected):
    assert str(parse_score(value)) == expected


@pytest.mark.parametrize(("value", "code"), [("eighty", "not_a_number"), ("85.555", "too_many_decimals"),
                                             ("NaN", "not_a_number")])
def test_scores_that_are_not_numbers_with_two_decimals_are_refused(value, code):
    with pytest.raises(CellProblem) as caught:
        parse_score(value)

    assert caught.value.error.code == code


@pytest.mark.parametrize("written", ["初级工", "五级", "5级", "初级", "初级工（五级）", "五级/初级工",
                                     "Junior Worker", "junior", "Junior Worker (Level 5)"])
def test_every_usual_way_of_writing_a_level_is_understood(written):
    assert parse_level(written, level_names()) == "junior"


# ------------------------------------------------------------------ headers

def test_headers_match_english_aliases_stray_spaces_marks_and_a_title_row_above():
    rows = [(1, ("2024年7月 车工考核成绩",)),
            (2, (" 身份证号* ", "Name", "occupation_code", "等级（必填）", "Exam date", "理论成绩",
                 "操作成绩")),
            (3, tuple(ROW))]

    layout = locate(ImportKind.APPRAISAL_RESULTS, rows)

    assert layout.header_row == 2 and layout.positions["exam_date"] == 4 and layout.positions["name"] == 1
    assert layout.header("national_id") == "身份证号*"
    assert data_rows(layout, rows) == [rows[2]]


def test_a_missing_required_column_rejects_the_file_and_names_it():
    rows = [(1, tuple(h for h in HEADERS if h != "考试日期")), (2, tuple(ROW[:4] + ROW[5:]))]

    error = rejected("missing_column", locate, ImportKind.APPRAISAL_RESULTS, rows)

    assert "考试日期" in error.message("zh") and "Exam date" in error.message("en")


def test_a_column_given_twice_is_refused():
    rows = [(1, (*HEADERS, "身份证号码")), (2, tuple(ROW))]

    rejected("duplicate_column", locate, ImportKind.APPRAISAL_RESULTS, rows)


def test_a_file_without_any_known_header_hints_at_the_encoding():
    garbled = "韬唤璇佸彿,濮撳悕\n".encode()

    error = rejected("no_header", locate, ImportKind.APPRAISAL_RESULTS, read_sheet(garbled).rows)

    assert "编码" in error.message("zh")
