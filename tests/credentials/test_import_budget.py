"""Uploads are read by the job runner only, in a child process held to a CPU and memory budget (issue 12, "CPU
amplification by upload"): a small XLSX that declares a huge sheet, or a file that needs too much memory, is
rejected with a clear message in both languages; never a hang, a 500 or a runner brought down."""

from __future__ import annotations

import io
import zipfile
from functools import cache

import pytest

from app.extensions import db
from credentials.errors import ImportRejected
from credentials.imports.jobs import create_import, run_import
from credentials.imports.sheet_budget import ParseBudget, read_sheet_within_budget
from credentials.models import ImportStatus
from credentials.spreadsheets import Formula, read_sheet
from tests.import_fixtures import RESULT_HEADERS, TODAY, csv_bytes, xlsx_bytes

TIGHT = ParseBudget(cpu_seconds=1, memory_mb=1024)


@cache
def declared_huge_xlsx(rows: int = 400_000) -> bytes:
    """A valid workbook whose one sheet holds `rows` rows: about 1 MB that inflates to some 30 MB of XML, within
    the zip checks' ratio (so only the reading itself can stop it)."""
    template = zipfile.ZipFile(io.BytesIO(xlsx_bytes(["a"])))
    body = "".join(f"<row><c><v>{n % 1000}</v></c><c><v>1</v></c><c><v>2</v></c></row>" for n in range(rows))
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             f"{body}</sheetData></worksheet>").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in template.infolist():
            archive.writestr(entry.filename, sheet if entry.filename.endswith("sheet1.xml")
                             else template.read(entry.filename))
    return out.getvalue()


def test_a_file_within_budget_reads_exactly_as_in_process():
    data = xlsx_bytes(["身份证号", "日期", "分"], ["32050519900101001X", TODAY, 85.5],
                      edit=lambda sheet: sheet.__setitem__("C3", "=1+1"))

    sheet = read_sheet_within_budget(data, ParseBudget(cpu_seconds=20, memory_mb=1024))

    assert sheet == read_sheet(data)
    assert isinstance(sheet.rows[-1][1][2], Formula)  # formula cells come back as what they are


def test_a_small_xlsx_declaring_a_huge_sheet_is_stopped_at_its_cpu_budget():
    data = declared_huge_xlsx()
    assert len(data) < 2 * 1024 * 1024

    with pytest.raises(ImportRejected) as caught:
        read_sheet_within_budget(data, TIGHT)

    assert caught.value.code == "over_cpu_budget" and caught.value.field == "file"
    assert "1 s" in caught.value.message("en") and "1 秒" in caught.value.message("zh")


def test_a_file_needing_more_memory_than_its_budget_is_refused():
    many_cells = ("ab," * 3_500_000 + "ab\n").encode()  # one row: 3.5 million cells before the column cap

    with pytest.raises(ImportRejected) as caught:
        read_sheet_within_budget(many_cells, ParseBudget(cpu_seconds=30, memory_mb=256))

    assert caught.value.code == "over_memory_budget"
    assert "256 MB" in caught.value.message("en") and "256 MB" in caught.value.message("zh")


def test_a_refusal_inside_the_child_comes_back_as_itself():
    with pytest.raises(ImportRejected) as caught:
        read_sheet_within_budget(b"PK\x03\x04 not a zip", TIGHT)

    assert caught.value.code == "xlsx_corrupt"


def test_a_job_over_budget_is_rejected_with_the_reason_in_both_languages(setting):
    job = create_import(db.session(), kind="appraisal_results", institution=setting.institution,
                        file_bytes=declared_huge_xlsx(), filename="大表.xlsx", dry_run=False, by=setting.staff,
                        vault=setting.vault)
    db.session.commit()

    done = run_import(db.session(), job.id, vault=setting.vault, today=TODAY, budget=TIGHT)

    assert done.status is ImportStatus.REJECTED and done.rows_created == 0
    [problem] = done.errors
    assert problem["message_zh"].startswith("读取文件超出处理时间上限（1 秒）")
    assert problem["message_en"].startswith("Reading the file took more than its processing limit (1 s)")


def test_the_runner_reads_in_the_child_never_in_its_own_process(app, client, setting, login, monkeypatch):
    """The page's upload only sniffs the type; the runner's read happens in the budgeted child, so this
    process's reader is never called."""
    monkeypatch.setitem(app.config, "JOB_RUNNER", "sync")

    def refuse(data):
        raise AssertionError("a sheet was parsed in the web or runner process")

    monkeypatch.setattr("credentials.imports.jobs.read_sheet", refuse)
    monkeypatch.setattr("credentials.spreadsheets.read_sheet", refuse)
    login(client, setting.staff)
    data = csv_bytes(RESULT_HEADERS, setting.result(0))

    response = client.post("/institution/imports/new", data={"kind": "appraisal_results", "dry_run": "y",
                                                             "file": (io.BytesIO(data), "成绩.csv")},
                           content_type="multipart/form-data")

    assert response.status_code == 302, response.text
    job = client.get(response.headers["Location"])
    assert "试导入通过" in job.text
