"""The three administrators' journeys in Chromium, from the demo (issue 12, 三员分立), where the other journeys do
not already walk them: the demo security administrator turns on two-step verification from the name in the
header and signs in with a code and a recovery code; lifts a locked-out worker's sign-in waits, disables and
enables the worker's account while the worker watches on a phone; the auditor filters and exports the trail; a
refused administrator is told why; a clerk imports results from the template the import page offers and the
worker sees the new certificate on a phone."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pyotp
from openpyxl import load_workbook
from playwright.sync_api import expect

from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID

from .conftest import page_width, sign_in

SHOTS = Path("/tmp/shots/security-admin")
H7 = Path("/tmp/shots/h7")
REFUSED = "您的账号不能访问此页面。 管理员的职责分为系统、安全、审计三种（三员分立），此页面属于其他职责的管理员。"


def shot(page, name: str, folder: Path = SHOTS) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def fits(page) -> None:
    assert page_width(page) <= 375, f"the page is {page_width(page)}px wide on a 375px screen"


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已安全退出")).to_be_visible()


def submit_code(page, code: str) -> None:
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="验证并登录").click()


def test_the_security_administrator_turns_on_two_step_verification_and_signs_in_with_it(page, live_server, demo):
    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/admin/")
    page.locator("header .whoami").click()  # the name in the header: the account's own pages
    page.get_by_role("link", name="两步验证（手机验证器）").click()
    expect(page.get_by_role("heading", name="设置两步验证")).to_be_visible()
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text().replace(" ", "").strip())
    page.get_by_label("验证码").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="确认并启用").click()
    expect(page.locator("#code-error")).to_have_text("验证码不正确：请输入验证器当前显示的 6 位数字")
    page.get_by_label("验证码").fill(totp.now())  # the same key: a wrong code does not start over
    page.get_by_role("button", name="确认并启用").click()
    expect(page.get_by_role("heading", name="两步验证已启用")).to_be_visible()
    codes = [code.strip() for code in page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    shot(page, "1-recovery-codes")
    page.get_by_role("link", name="我已保存恢复码，继续").click()
    page.wait_for_url(f"{live_server}/admin/")
    sign_out(page)

    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/login/second-factor")
    expect(page.get_by_role("link", name="换个账号？返回登录")).to_be_visible()  # not a dead end
    submit_code(page, "000000" if totp.at(time.time() + 30) != "000000" else "111111")
    expect(page.locator("#code-error")).to_have_text("验证码不正确或已使用（连续输错 5 次后，须等待 15 分钟再试）")
    shot(page, "2-wrong-code")
    submit_code(page, totp.at(time.time() + 30))  # the next step's code: the enrolment's is spent
    page.wait_for_url(f"{live_server}/admin/")
    sign_out(page)

    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    submit_code(page, codes[0])
    page.wait_for_url(f"{live_server}/admin/")
    expect(page.locator(".flash--info")).to_contain_text("还剩 9 个")
    sign_out(page)
    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    submit_code(page, codes[0])  # a recovery code works once
    expect(page.locator("#code-error")).to_have_text("验证码不正确或已使用（连续输错 5 次后，须等待 15 分钟再试）")


def test_the_security_administrator_lifts_a_workers_waits_then_disables_and_enables_the_account(
        page, phone, live_server, demo):
    for attempt in range(5):
        sign_in(phone, live_server, DEMO_WORKER_ID, f"not my password {attempt}")
    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)  # the right password waits too
    expect(phone.locator(".field__error")).to_have_text("账号或密码不正确（连续输错 5 次后，须等待 15 分钟再试）")
    fits(phone)

    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    page.get_by_role("link", name="全部账号").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("账号管理")
    page.get_by_placeholder("按账号或显示名称搜索").fill("王建国")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#accounts-table tbody tr")).to_have_count(1)
    page.locator("#accounts-table tbody tr a").click()
    page.get_by_role("button", name="解除登录等待").click()
    expect(page.locator(".flash--success")).to_contain_text("已解除 王*国 的登录等待")
    shot(page, "3-waits-lifted")

    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")

    page.get_by_role("button", name="停用账号").click()  # no reason given
    expect(page.locator("#reason-error")).to_have_text("必填")
    page.get_by_label("停用原因").fill("本人申请暂停使用")
    page.get_by_role("button", name="停用账号").click()
    expect(page.locator("#account-state")).to_have_text("已停用")
    phone.reload()  # the worker's open session ended with the disabling
    phone.wait_for_url(f"{live_server}/login**")
    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    expect(phone.locator(".field__error")).to_be_visible()

    page.get_by_role("button", name="启用账号").click()
    expect(page.locator(".flash--success")).to_contain_text("已启用 王*国 的账号：可用原密码登录。")
    expect(page.locator("#account-state")).to_have_text("有效")
    shot(page, "4-enabled")
    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")
    fits(phone)


def test_each_administrator_sees_only_their_duty_and_a_refusal_says_why(browser, page, live_server, demo):
    sign_in(page, live_server, "auditor", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server}/admin/")
    page.get_by_role("link", name="审计记录").first.click()
    page.get_by_label("操作（开头）").fill("auth.")
    page.get_by_label("操作者账号").fill("auditor")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#audit-table tbody tr").first).to_contain_text("auth.signed_in")
    for action in page.locator("#audit-table tbody tr .audit-code code").all_inner_texts()[::2]:
        assert action.startswith("auth."), action
    page.goto(f"{live_server}/admin/audit?since=2026-12-10&until=2026-12-01")
    expect(page.locator("#until-error")).to_have_text("截止日期不能早于起始日期")
    page.goto(f"{live_server}/admin/audit?action=auth.")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 XLSX").click()
    assert download.value.suggested_filename == "审计记录.xlsx"
    rows = list(load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "时间（北京时间）", "操作者账号", "操作者", "操作")
    assert rows[1:] and all(str(row[4]).startswith("auth.") for row in rows[1:])
    assert page.goto(f"{live_server}/admin/users").status == 403  # the auditor changes nothing, reads no accounts
    expect(page.locator(".error-page")).to_contain_text(REFUSED)
    shot(page, "5-auditor-refused")

    for account, may_create in (("sysadmin", False), ("admin", True)):
        context = browser.new_context(locale="zh-CN")
        administrator = context.new_page()
        try:
            sign_in(administrator, live_server, account, DEMO_PASSWORD)
            administrator.wait_for_url(f"{live_server}/admin/")
            expect(administrator.locator("#duty-note")).to_be_visible()
            administrator.get_by_role("link", name="账号管理").click()  # the header's menu
            expect(administrator.get_by_role("link", name="新建账号")).to_have_count(1 if may_create else 0)
            assert administrator.goto(f"{live_server}/admin/audit").status == 403
            expect(administrator.locator(".error-page")).to_contain_text(REFUSED)
            administrator.get_by_role("link", name="返回首页").click()
            administrator.wait_for_url(f"{live_server}/admin/")
        finally:
            context.close()


def test_a_clerk_imports_results_from_the_offered_template_and_the_worker_sees_the_certificate(
        page, phone, live_server, demo, app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "thread")
    sign_in(page, live_server, "szjsxy", DEMO_PASSWORD)
    page.get_by_role("link", name="批量导入").first.click()
    with page.expect_download() as download:
        page.locator(".import-templates li", has_text="评价结果").get_by_role("link", name="CSV 模板").click()
    template = list(csv.reader(io.StringIO(Path(download.value.path()).read_bytes().decode("utf-8-sig"))))
    header = template[0]
    wang = {"身份证号": DEMO_WORKER_ID, "姓名": "王建国", "职业编码": "6-18-01-01", "等级": "技师",
            "考试日期": "2024-07-01", "理论知识考试成绩": "88", "操作技能考核成绩": "81", "综合评审成绩": "80"}
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, [wang.get(column, "") for column in header]])

    page.get_by_role("link", name="上传成绩或培训记录").click()
    page.get_by_label("导入内容").select_option("appraisal_results")
    page.get_by_label("文件").set_input_files(
        files=[{"name": "技师成绩.csv", "mimeType": "text/csv", "buffer": ("\ufeff" + out.getvalue()).encode()}])
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("heading", name="试导入通过，尚未写入任何数据")).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="正式导入").click()
    expect(page.get_by_role("heading", name="导入完成")).to_be_visible(timeout=20_000)
    expect(page.locator(".panel--ok")).to_contain_text("新增 1 条记录")
    shot(page, "6-import-done")

    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")
    expect(phone.locator('[aria-current="step"]').first).to_contain_text("技师（二级）")  # was 高级工 before
    phone.locator("main a", has_text="技师（二级）").first.click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("技师（二级）")
    expect(phone.get_by_text("有效").first).to_be_visible()
    fits(phone)
    shot(phone, "7-worker-certificate")


def test_a_reload_of_the_temporary_password_page_does_not_reset_the_password_again(page, phone, live_server, demo):
    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    page.get_by_role("link", name="全部账号").click()
    page.get_by_placeholder("按账号或显示名称搜索").fill(DEMO_WORKER_ID)  # the worker's sign-in name: the ID number
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#accounts-table tbody tr")).to_have_count(1)
    assert DEMO_WORKER_ID[:6] not in page.url and DEMO_WORKER_ID[-4:] not in page.url, page.url  # sealed, not typed
    expect(page.get_by_placeholder("按账号或显示名称搜索")).to_have_value(DEMO_WORKER_ID)
    page.locator("#accounts-table tbody tr a").click()
    page.locator("#reset-form").get_by_role("button", name="重置密码").click()
    temporary = page.locator("#temporary-password code").inner_text().strip()
    shot(page, "8-temporary-password", H7)

    page.reload()  # the browser posts the form again
    expect(page.locator("#reset-notice")).to_contain_text("本次没有再重置")
    expect(page.locator("#reset-notice")).to_contain_text("（北京时间）")
    expect(page.locator("#temporary-password")).to_have_count(0)
    shot(page, "9-reload-refused", H7)
    sign_in(phone, live_server, DEMO_WORKER_ID, temporary)  # the password shown first still works
    phone.wait_for_url(f"{live_server}/account/password")

    page.locator("#reset-form").get_by_role("button", name="重置密码").click()  # on purpose, from the fresh form
    expect(page.locator("#temporary-password code")).not_to_have_text(temporary)
    shot(page, "10-reset-again", H7)
