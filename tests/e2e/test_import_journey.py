"""A clerk imports an exam session from a GB18030 CSV (what an older Chinese Excel saves): the dry run finds a
mistake and shows it by row and column, the clerk fixes the file, uploads it again and commits it."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD, demo_national_id

from .conftest import sign_in

HEADERS = ["身份证号", "姓名", "职业编码", "等级", "考试日期", "理论知识考试成绩", "操作技能考核成绩",
           "综合评审成绩"]
WANG = demo_national_id(date(1988, 6, 15), 901)  # 王建国, Senior Worker since 2017: may sit Technician
ZHAO = demo_national_id(date(1993, 4, 18), 906)  # 赵敏, Senior Worker since 2023


def gb18030_csv(wang_theory: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([
        HEADERS,
        [ZHAO, "赵敏", "4-03-02-01", "高级工", "2024-07-01", "52", "70", ""],  # a failed sitting
        [WANG, "王建国", "6-18-01-01", "技师", "2024-07-01", wang_theory, "81", "80"],
    ])
    return out.getvalue().encode("gb18030")


def upload(page, data: bytes) -> None:
    page.get_by_label("导入内容").select_option("appraisal_results")
    page.get_by_label("文件").set_input_files(
        files=[{"name": "技师考核成绩.csv", "mimeType": "text/csv", "buffer": data}])
    expect(page.get_by_label("试导入：只检查，不写入")).to_be_checked()
    page.get_by_role("button", name="上传并检查").click()


def test_clerk_imports_a_gb18030_file_sees_the_row_report_fixes_it_and_commits(page, live_server, demo, app,
                                                                               monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "thread")  # the default: the page polls while it runs
    sign_in(page, live_server, "szjsxy", DEMO_PASSWORD)
    page.get_by_role("link", name="批量导入").first.click()
    page.get_by_role("link", name="上传成绩或培训记录").click()

    upload(page, gb18030_csv(wang_theory="105"))

    report = page.locator("#import-report")
    expect(report).to_be_visible(timeout=20_000)  # the page reloads itself once the job has finished
    expect(page.get_by_role("heading", name="发现 1 个问题，未写入任何数据")).to_be_visible()
    cells = report.locator("tbody tr").first.locator("td")
    expect(cells.nth(0)).to_have_text("3")
    expect(cells.nth(1)).to_have_text("理论知识考试成绩")
    expect(cells.nth(2)).to_contain_text("0 到 100")
    expect(cells.nth(3)).to_have_text("105")

    page.get_by_role("link", name="重新上传").click()
    upload(page, gb18030_csv(wang_theory="88"))

    expect(page.get_by_role("heading", name="试导入通过，尚未写入任何数据")).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="正式导入").click()

    expect(page.get_by_role("heading", name="导入完成")).to_be_visible(timeout=20_000)
    expect(page.locator(".panel--ok")).to_contain_text("新增 2 条记录")
    page.get_by_role("link", name="查看记录").click()
    row = page.locator("#results-table tbody tr", has_text="王建国").filter(has_text="2024-07-01")
    expect(row).to_contain_text("通过")
    new_certificate = row.locator("td").last.locator("code")
    expect(new_certificate).to_have_text(re.compile(r"^S\d{21}$"))
