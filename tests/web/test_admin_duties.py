"""The administrators' pages by duty (三员分立, issue 12): each duty sees and reaches only its own work — the
security administrator the accounts, the auditor the trail, the system administrator institutions and records —
and a duty is chosen when an administrator is created and changed only by another security administrator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from credentials.models import AdminDuty, AuditEvent, User
from tests.web.html import field_error


@pytest.fixture
def signed_in(app, login, make_user):
    """signed_in(duty) -> (client, user): an administrator of that duty, signed in."""
    def sign_in(duty: str, **extra):
        user = make_user("admin", duty=duty, **extra)
        client = app.test_client()
        login(client, user)
        return client, user
    return sign_in


# links on the home page and in the header -> the duties that see them
LINKS = {"/admin/users/new": "security", "/admin/users": "security system", "/admin/audit": "audit",
         "/admin/institutions/new": "system", "/admin/certificates/historic": "system"}


@pytest.mark.parametrize(("duty", "label"), [("system", "系统管理员"), ("security", "安全管理员"), ("audit", "审计管理员")])
def test_each_duty_sees_only_its_own_work_on_the_home_page_and_in_the_header(signed_in, duty, label):
    client, _user = signed_in(duty)

    page = client.get("/admin/").text

    assert label in page
    for link, duties in LINKS.items():
        assert (f'href="{link}"' in page) == (duty in duties.split()), (duty, link)
    assert ("工作人员账号" in page) == (duty != "audit")
    assert ("机构名称" in page) == (duty == "system")


@pytest.mark.parametrize(("duty", "path", "status"), [
    ("security", "/admin/audit", 403), ("security", "/admin/audit.xlsx", 403),
    ("audit", "/admin/users", 403), ("audit", "/admin/users/new", 403), ("audit", "/admin/institutions/new", 403),
    ("system", "/admin/users/new", 403), ("system", "/admin/audit", 403), ("system", "/admin/users", 200),
    ("audit", "/admin/audit", 200), ("security", "/admin/users.xlsx", 200),
])
def test_a_duty_reaches_only_its_own_pages_and_each_refusal_is_audited(signed_in, db, duty, path, status):
    client, user = signed_in(duty)

    assert client.get(path).status_code == status
    if status == 403:
        refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access.denied",
                                                             AuditEvent.actor_id == user.id))
        assert refused is not None


def test_the_security_administrator_creates_an_auditor_and_a_duty_is_required(signed_in, db):
    client, _user = signed_in("security")
    form = {"username": "auditor-2", "password": "a-long-enough-passphrase", "role": "admin", "institution_id": "",
            "bureau_scope": "", "region_code": ""}

    missing = client.post("/admin/users/new", data={**form, "admin_duty": ""})
    created = client.post("/admin/users/new", data={**form, "admin_duty": "audit"})

    assert missing.status_code == 422 and "一项职责" in field_error(missing.text, "role")
    assert created.status_code == 302
    assert db.session.scalar(select(User.admin_duty).where(User.username == "auditor-2")) is AdminDuty.AUDIT


def test_the_security_administrator_moves_another_administrator_but_never_themselves(signed_in, make_user, db):
    client, me = signed_in("security")
    make_user("admin", duty="security")  # so that I am not the last one either
    other = make_user("admin", duty="system")

    own_page = client.get(f"/admin/users/{me.id}").text
    refused = client.post(f"/admin/users/{me.id}/duty", data={"admin_duty": "audit"})
    moved = client.post(f"/admin/users/{other.id}/duty", data={"admin_duty": "audit"})

    assert "不能更改自己的职责" in own_page and 'id="duty-form"' not in own_page
    assert refused.status_code == 422 and "不能更改自己的职责" in refused.text
    assert moved.status_code == 302
    db.session.expire_all()
    assert (me.admin_duty, other.admin_duty) == (AdminDuty.SECURITY, AdminDuty.AUDIT)
    assert "审计管理员" in client.get(f"/admin/users/{other.id}").text


def test_the_system_administrator_reads_an_account_and_lifts_its_waits_but_changes_nothing_else(signed_in, make_user):
    client, _user = signed_in("system")
    clerk = make_user("institution_staff")

    page = client.get(f"/admin/users/{clerk.id}").text

    assert "解除登录等待" in page
    assert 'id="disable-form"' not in page and 'id="reset-form"' not in page
    assert 'href="/admin/audit' not in page  # an account's trail is the auditor's to read
    assert client.post(f"/admin/users/{clerk.id}/lift-waits").status_code == 302
    assert client.post(f"/admin/users/{clerk.id}/disable", data={"reason": "离职"}).status_code == 403


def test_the_duty_shows_in_english(signed_in):
    client, _user = signed_in("audit")
    client.get("/lang/en")

    page = client.get("/admin/").text

    assert "Audit administrator" in page and "cannot change any record or account" in page
