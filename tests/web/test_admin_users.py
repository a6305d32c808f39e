"""The administrator's accounts (issue 12): the list with search, role filter, paging and a masked XLSX; one
account's page with disable / enable, reset password and lift waits, each audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from credentials.clock import china_now
from credentials.models import AuditEvent, User
from credentials.services.accounts import change_password
from tests.conftest import PASSWORD
from tests.web.html import field_error, rows, sheet_rows


@pytest.fixture
def admin(make_user):
    return make_user("admin", username="root-admin", duty="security")


@pytest.fixture
def admin_client(client, login, admin):
    login(client, admin)
    return client


def audit(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def stamp_on(client, account) -> str:
    """The reset form's stamp as the account page draws it now."""
    page = client.get(f"/admin/users/{account.id}").text
    return re.search(r'<input id="stamp" name="stamp" type="hidden" value="([^"]+)"', page).group(1)


def post_reset(client, account, **data):
    """The reset form posted as the page drew it (with its stamp), unless `stamp` is given."""
    data.setdefault("stamp", stamp_on(client, account))
    return client.post(f"/admin/users/{account.id}/reset-password", data=data)


# ------------------------------------------------------------------ the list

def test_the_list_searches_by_account_and_display_name_and_filters_by_role(admin_client, make_user, make_worker):
    make_user("bureau_officer", username="wuxi-hrss")
    make_user("institution_staff", username="college-clerk")
    make_user("worker", worker=make_worker("王小明"))

    by_account = rows(admin_client.get("/admin/users?q=wuxi").text, "accounts-table")
    by_name = rows(admin_client.get("/admin/users?q=王小").text, "accounts-table")
    workers = rows(admin_client.get("/admin/users?role=worker").text, "accounts-table")
    staff = rows(admin_client.get("/admin/users?role=institution_staff").text, "accounts-table")

    assert len(by_account) == 1 and "wuxi-hrss" in by_account[0]
    assert len(by_name) == 1 and "王*明" in by_name[0] and "王小明" not in by_name[0]
    assert len(workers) == 1 and re.search(r"\d{6}\*{8}\d{3}[\dX]", workers[0])  # the ID masked
    assert len(staff) == 1 and "college-clerk" in staff[0]


def test_the_list_pages_and_filters_by_state(admin_client, db, make_user):
    for n in range(5):
        make_user("bureau_officer", username=f"officer-{n}")
    db.session.get(User, make_user("bureau_officer", username="gone").id).is_active = False
    db.session.commit()

    first = admin_client.get("/admin/users?role=bureau_officer&per_page=4")
    second = admin_client.get("/admin/users?role=bureau_officer&per_page=4&page=2")
    disabled = rows(admin_client.get("/admin/users?state=disabled").text, "accounts-table")

    assert len(rows(first.text, "accounts-table")) == 4 and len(rows(second.text, "accounts-table")) == 2
    assert "共 6 条" in first.text
    assert len(disabled) == 1 and "gone" in disabled[0] and "已停用" in disabled[0]


def test_the_export_masks_workers_and_is_audited(admin_client, db, make_user, make_worker):
    make_user("worker", worker=make_worker("欧阳锋"))
    make_user("institution_staff", username="college-clerk")

    sheet = sheet_rows(admin_client.get("/admin/users.xlsx?role=worker"))

    assert sheet[0][:4] == ("编号", "账号", "显示名称", "角色")
    [worker_row] = sheet[1:]
    assert worker_row[2] == "欧*锋" and "*" in worker_row[1] and worker_row[3] == "劳动者"
    assert audit(db, "data.exported")[0].after["rows"] == 1


# ------------------------------------------------------------------ disable and enable

def test_disabling_a_staff_member_ends_their_open_session_and_they_cannot_sign_in(app, admin_client, db, login,
                                                                                    make_user):
    staff = make_user("institution_staff")
    their_browser = app.test_client()
    login(their_browser, staff)
    assert their_browser.get("/institution/").status_code == 200

    response = admin_client.post(f"/admin/users/{staff.id}/disable", data={"reason": "离职"})

    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{staff.id}"
    assert "已停用" in admin_client.get(response.headers["Location"]).text
    ended = their_browser.get("/institution/")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/login")
    right = app.test_client().post("/login", data={"account": staff.username, "password": PASSWORD})
    wrong = app.test_client().post("/login", data={"account": staff.username, "password": "not-the-password!"})
    assert right.status_code == wrong.status_code == 401
    assert field_error(right.text, "password") == field_error(wrong.text, "password")
    [event] = audit(db, "account.disabled")
    assert (event.actor_id, event.before, event.after["reason"]) == (
        db.session.scalar(select(User.id).where(User.username == "root-admin")), {"is_active": True}, "离职")


def test_disabling_needs_a_reason_shown_beside_the_field(admin_client, db, make_user):
    staff = make_user("institution_staff")

    response = admin_client.post(f"/admin/users/{staff.id}/disable", data={"reason": "  "})

    assert response.status_code == 422 and "必填" in field_error(response.text, "reason")
    db.session.refresh(staff)
    assert staff.is_active


def test_an_administrator_cannot_disable_themselves(admin_client, admin, db):
    page = admin_client.get(f"/admin/users/{admin.id}")
    assert "不能停用自己的账号" in page.text and 'id="disable-form"' not in page.text

    response = admin_client.post(f"/admin/users/{admin.id}/disable", data={"reason": "试试"})

    assert response.status_code == 422
    assert re.search(r'class="flash flash--error"[^>]*>不能停用自己的账号<', response.text)
    db.session.refresh(admin)
    assert admin.is_active


def test_the_last_active_administrator_has_no_disable_button(admin_client, admin, make_user, db):
    other = make_user("admin")
    assert 'id="disable-form"' in admin_client.get(f"/admin/users/{other.id}").text
    admin_client.post(f"/admin/users/{other.id}/disable", data={"reason": "交接"})

    db.session.refresh(other)
    assert not other.is_active
    page = admin_client.get(f"/admin/users/{admin.id}").text
    assert "不能停用自己的账号" in page  # the last one is the admin themself: refused either way


def test_enabling_a_disabled_account(app, admin_client, db, make_user):
    staff = make_user("institution_staff")
    admin_client.post(f"/admin/users/{staff.id}/disable", data={"reason": "误停"})
    assert 'id="enable-form"' in admin_client.get(f"/admin/users/{staff.id}").text

    response = admin_client.post(f"/admin/users/{staff.id}/enable")

    assert response.status_code == 302
    assert app.test_client().post("/login", data={"account": staff.username, "password": PASSWORD}).status_code == 302
    assert [e.after for e in audit(db, "account.enabled")] == [{"is_active": True}]


# ------------------------------------------------------------------ reset password

def test_a_generated_password_is_shown_once_and_must_be_changed(app, admin_client, db, make_user, vault):
    worker = make_user("worker")
    national_id = vault.reveal(worker.worker.id_ciphertext)

    shown = post_reset(admin_client, worker, mode="generate")

    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    temporary = re.search(r'id="temporary-password"><code>([^<]+)</code>', shown.text).group(1)
    assert temporary not in admin_client.get(f"/admin/users/{worker.id}").text
    phone = app.test_client()
    signed_in = phone.post("/login", data={"account": national_id, "password": temporary})
    assert signed_in.status_code == 302
    assert phone.get("/worker/").headers["Location"] == "/account/password"
    [event] = audit(db, "account.password_reset")
    assert event.after["generated"] is True and temporary not in str(event.after)


def test_the_administrator_may_set_the_temporary_password(app, admin_client, make_user):
    staff = make_user("institution_staff")

    shown = post_reset(admin_client, staff, mode="set", temporary_password="read out by phone")

    assert "read out by phone" in shown.text
    login = app.test_client().post("/login", data={"account": staff.username, "password": "read out by phone"})
    assert login.status_code == 302


@pytest.mark.parametrize(("data", "says"), [
    ({"mode": "set", "temporary_password": ""}, "须填写临时密码"),
    ({"mode": "set", "temporary_password": "short"}, "至少需要 12 个字符"),
])
def test_a_temporary_password_i_set_is_checked_beside_its_field(admin_client, make_user, data, says):
    staff = make_user("institution_staff")

    response = post_reset(admin_client, staff, **data)

    assert response.status_code == 422 and says in field_error(response.text, "temporary_password")


def test_a_reset_needs_a_choice_so_a_bare_post_changes_nothing(admin_client, db, make_user):
    staff = make_user("institution_staff")
    before = staff.password_hash

    assert admin_client.post(f"/admin/users/{staff.id}/reset-password").status_code == 422

    db.session.refresh(staff)
    assert staff.password_hash == before and not staff.must_change_password


def test_lifting_waits_lives_on_the_account_page(admin_client, make_user):
    staff = make_user("institution_staff")

    page = admin_client.get(f"/admin/users/{staff.id}")
    lifted = admin_client.post(f"/admin/users/{staff.id}/lift-waits")

    assert f"/admin/users/{staff.id}/lift-waits" in page.text
    assert lifted.headers["Location"] == f"/admin/users/{staff.id}"


def test_an_unknown_account_is_not_found(admin_client):
    assert admin_client.get("/admin/users/999999").status_code == 404
    assert admin_client.post("/admin/users/999999/disable", data={"reason": "x"}).status_code == 404


# ------------------------------------------------------------------ a reset posted again (reload, double click)

def test_a_reload_of_the_reset_does_not_reset_again_and_says_when_it_was_reset(app, admin_client, db, make_user,
                                                                              vault):
    worker = make_user("worker")
    stamp = stamp_on(admin_client, worker)
    first = post_reset(admin_client, worker, mode="generate", stamp=stamp)
    temporary = re.search(r'id="temporary-password"><code>([^<]+)</code>', first.text).group(1)

    again = post_reset(admin_client, worker, mode="generate", stamp=stamp)  # the browser's reload: the same form

    [event] = audit(db, "account.password_reset")  # one reset, not two
    when = china_now(event.occurred_at).strftime("%Y-%m-%d %H:%M")
    assert again.status_code == 409 and 'id="temporary-password"' not in again.text
    notice = re.search(r'id="reset-notice"[^>]*>([^<]+)<', again.text).group(1)
    assert f"已于 {when}（北京时间）重置或更改" in notice and "请在下方重新重置" in notice
    account = vault.reveal(worker.worker.id_ciphertext)
    assert app.test_client().post("/login", data={"account": account, "password": temporary}).status_code == 302
    fresh = re.search(r'name="stamp" type="hidden" value="([^"]+)"', again.text).group(1)
    assert fresh != stamp and post_reset(admin_client, worker, mode="generate", stamp=fresh).status_code == 200
    assert len(audit(db, "account.password_reset")) == 2  # reset again on purpose, from the form drawn fresh


def test_a_password_changed_since_the_form_was_drawn_is_not_reset(admin_client, db, make_user):
    staff = make_user("institution_staff")
    stamp = stamp_on(admin_client, staff)
    change_password(db.session(), db.session.get(User, staff.id), current_password=PASSWORD,
                    new_password="my own new password 42")  # the user's own change meanwhile
    db.session.commit()

    refused = post_reset(admin_client, staff, mode="set", temporary_password="read out by phone", stamp=stamp)
    forged = post_reset(admin_client, staff, mode="generate", stamp="")

    assert refused.status_code == forged.status_code == 409 and not audit(db, "account.password_reset")
    assert "read out by phone" not in refused.text


def test_the_stamp_is_keyed_and_never_the_hash(admin_client, make_user):
    staff = make_user("institution_staff")
    other = make_user("institution_staff")
    stamp = stamp_on(admin_client, staff)

    assert re.fullmatch(r"[0-9a-f]{64}", stamp) and staff.password_hash not in admin_client.get(
        f"/admin/users/{staff.id}").text
    assert stamp != stamp_on(admin_client, other)  # bound to the account
    assert post_reset(admin_client, other, mode="generate", stamp=stamp).status_code == 409


def test_the_refusal_reads_in_english(admin_client, make_user):
    staff = make_user("institution_staff")
    admin_client.get("/lang/en")
    refused = post_reset(admin_client, staff, mode="generate", stamp="stale")
    assert refused.status_code == 409 and "The temporary password is shown once" in refused.text


# ------------------------------------------------------------------ search by ID number, places by name

def test_a_workers_account_is_found_by_their_id_number(admin_client, make_user, make_worker, vault):
    wang = make_user("worker", worker=make_worker("王小明"))
    make_user("worker", worker=make_worker("李四"))
    number = vault.reveal(wang.worker.id_ciphertext)

    found = rows(admin_client.get(f"/admin/users?q={number}").text, "accounts-table")
    typed_loosely = rows(admin_client.get(f"/admin/users?q= {number.lower()} ").text, "accounts-table")
    not_a_number = rows(admin_client.get(f"/admin/users?q={number[:-1]}9").text, "accounts-table")

    assert len(found) == 1 and "王*明" in found[0] and wang.worker.id_masked in found[0]
    assert typed_loosely == found
    assert not_a_number == [] or number[-1] == "9"


def test_places_are_named_not_coded(admin_client, make_user):
    make_user("bureau_officer", username="suzhou-hrss", region="3205")
    make_user("bureau_officer", username="jiangsu-hrss", scope="province", region="32")

    listed = "".join(rows(admin_client.get("/admin/users?role=bureau_officer").text, "accounts-table"))
    home = "".join(rows(admin_client.get("/admin/").text, "users-table"))

    for page in (listed, home):
        assert "苏州市" in page and "江苏省" in page and ">3205<" not in page and ">32<" not in page
