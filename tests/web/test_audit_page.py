"""/admin/audit (issue 12): the whole trail newest first, fifty a page by keyset, filtered by action, entity,
actor and China dates; an XLSX of the filtered set, capped and itself audited; access denials in the trail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select, update

from credentials.models import AuditEvent
from credentials.services import audit as audit_service
from credentials.services.audit import record
from tests.conftest import PASSWORD
from tests.web.html import rows, sheet_rows


@pytest.fixture
def admin(make_user):
    return make_user("admin", username="root-admin", duty="audit")


@pytest.fixture
def admin_client(client, login, admin):
    login(client, admin)
    return client


def add_events(db, count: int, *, action="test.event", entity_type="thing", actor=None, at=None, monkeypatch=None):
    if at is not None:
        monkeypatch.setattr(audit_service, "utcnow", lambda: at)
    for n in range(count):
        record(db.session(), actor=actor, action=action, entity_type=entity_type, entity_id=n, after={"n": n})
    db.session.commit()
    if at is not None:
        monkeypatch.undo()


def ids_on(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)"', html)]


def link(html: str, rel: str) -> str:
    return re.search(rf'<a href="([^"]+)" rel="{rel}">', html).group(1).replace("&amp;", "&")


def test_the_trail_pages_newest_first_fifty_at_a_time_by_keyset(admin_client, db):
    add_events(db, 120)

    first = admin_client.get("/admin/audit?action=test.")
    second = admin_client.get(link(first.text, "next"))
    third = admin_client.get(link(second.text, "next"))
    back = admin_client.get(link(third.text, "prev"))

    pages = [ids_on(first.text), ids_on(second.text), ids_on(third.text)]
    assert [len(p) for p in pages] == [50, 50, 20]
    everything = [i for page in pages for i in page]
    assert everything == sorted(everything, reverse=True) and len(set(everything)) == 120
    assert 'rel="next"' not in third.text and 'rel="prev"' not in first.text
    assert ids_on(back.text) == pages[1]
    assert "before=" in link(first.text, "next")  # a cursor, not an offset


def test_the_filters_narrow_by_action_entity_and_actor(admin_client, db, make_user):
    officer = make_user("bureau_officer", username="wuxi-hrss")
    add_events(db, 3, action="certificate.revoked", entity_type="certificate", actor=officer)
    add_events(db, 2, action="worker.registered", entity_type="worker")

    by_action = ids_on(admin_client.get("/admin/audit?action=certificate.").text)
    by_entity = rows(admin_client.get("/admin/audit?entity_type=certificate&entity_id=1").text, "audit-table")
    by_actor = rows(admin_client.get("/admin/audit?actor=wuxi-hrss").text, "audit-table")

    assert len(by_action) == 3
    assert len(by_entity) == 1 and "certificate:1" in by_entity[0]
    assert len(by_actor) == 3 and all("苏州市" not in r and "wuxi-hrss" in r for r in by_actor)
    assert rows(admin_client.get("/admin/audit?actor=nobody").text, "audit-table") == []


def test_dates_are_china_days_and_times_show_in_china_time(admin_client, db, monkeypatch):
    # 2024-07-01 00:30 in Beijing is 2024-06-30 16:30 UTC; 23:30 the evening before is 15:30 UTC.
    add_events(db, 1, action="test.after_midnight", at=datetime(2024, 6, 30, 16, 30, tzinfo=UTC),
               monkeypatch=monkeypatch)
    add_events(db, 1, action="test.before_midnight", at=datetime(2024, 6, 30, 15, 30, tzinfo=UTC),
               monkeypatch=monkeypatch)

    july_first = rows(admin_client.get("/admin/audit?since=2024-07-01&until=2024-07-01").text, "audit-table")
    june_30 = rows(admin_client.get("/admin/audit?since=2024-06-30&until=2024-06-30").text, "audit-table")

    assert len(july_first) == 1 and "test.after_midnight" in july_first[0] and "2024-07-01 00:30:00" in july_first[0]
    assert len(june_30) == 1 and "test.before_midnight" in june_30[0] and "2024-06-30 23:30:00" in june_30[0]


def test_a_reversed_date_range_is_explained_beside_the_field(admin_client):
    page = admin_client.get("/admin/audit?since=2024-07-02&until=2024-07-01")
    assert page.status_code == 200 and "截止日期不能早于起始日期" in page.text


def test_a_row_shows_actor_entity_and_a_compact_before_and_after(admin_client, db, admin):
    record(db.session(), actor=admin, action="account.disabled", entity_type="user", entity_id=7,
           before={"is_active": True}, after={"is_active": False, "reason": "x" * 400})
    db.session.commit()

    [row] = rows(admin_client.get("/admin/audit?action=account.").text, "audit-table")

    assert "root-admin" in row and "user:7" in row
    assert '"is_active": true' in unescape(row) and "<details>" in row  # the long one folds


def test_the_export_holds_the_filtered_set_and_is_audited_with_its_filters(admin_client, db):
    add_events(db, 3, action="test.kept")
    add_events(db, 2, action="test.other")

    sheet = sheet_rows(admin_client.get("/admin/audit.xlsx?action=test.kept"))

    assert sheet[0][:5] == ("编号", "时间（北京时间）", "操作者账号", "操作者", "操作")
    assert [r[4] for r in sheet[1:]] == ["test.kept"] * 3
    exported = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.exported")).one()
    assert exported.after == {"filters": {"action_prefix": "test.kept"}, "rows": 3}
    assert db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "data.exported"))["rows"] == 3


def test_an_export_beyond_the_cap_is_refused_with_a_message(admin_client, db, monkeypatch):
    monkeypatch.setattr("app.web.admin_audit.EXPORT_CAP", 4)
    add_events(db, 5, action="test.many")

    refused = admin_client.get("/admin/audit.xlsx?action=test.many")

    assert refused.status_code == 302 and refused.headers["Location"].startswith("/admin/audit?action=test.many")
    assert "超过 4 条，未导出" in admin_client.get(refused.headers["Location"]).text
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "data.exported")) is None


# ------------------------------------------------------------------ security events in the trail

def denials(db) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")
                                   .order_by(AuditEvent.id)))


def test_a_403_is_recorded_with_route_and_actor_once_a_minute(client, db, login, make_user):
    worker = make_user("worker")
    login(client, worker)

    for _ in range(3):
        assert client.get("/admin/").status_code == 403
    assert client.get("/admin/audit").status_code == 403

    recorded = denials(db)
    assert [(e.actor_id, e.entity_type, e.entity_id) for e in recorded] == [
        (worker.id, "route", "admin.home"), (worker.id, "route", "admin.audit")]
    assert recorded[0].after == {"method": "GET", "rule": "/admin/"}

    db.session.execute(update(AuditEvent).where(AuditEvent.id == recorded[0].id)
                       .values(occurred_at=datetime.now(UTC) - timedelta(minutes=2)))
    db.session.commit()
    client.get("/admin/")
    assert len(denials(db)) == 3  # a minute later the same denial is a new line


def test_the_api_and_domain_refusals_are_recorded_too(client, db, make_user, api_token):
    staff = make_user("institution_staff")

    response = client.post("/api/v1/certificates", json={}, headers=api_token(staff))

    assert response.status_code == 403
    assert [(e.actor_id, e.entity_id) for e in denials(db)] == [(staff.id, "api_certificates.create_certificate")]


def test_sign_ins_and_refusals_show_on_the_page_without_what_was_typed(app, admin_client, admin):
    app.test_client().post("/login", data={"account": "typed-a-secret-here", "password": "wrong-password-1"})
    app.test_client().post("/login", data={"account": admin.username, "password": PASSWORD})

    page = admin_client.get("/admin/audit?action=auth.").text

    assert len(rows(page, "audit-table")) >= 3  # the admin_client's own sign-in, a refusal, a sign-in
    assert "auth.sign_in_failed" in page and "unknown_account" in page
    assert "typed-a-secret-here" not in page and "wrong-password-1" not in page
