"""The bureau officer's queue and decision pages: what waits, oldest first with age and counts; the decision
page with the worker's history, the rule and earlier decisions; decisions with a reason and a confirmation,
then the next item; stale pages; evidence served safely; the audit trail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from app.extensions import db
from credentials.models import PromotionRequest
from tests.promotion_fixtures import bring_to, nominate


def queue_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-kind="(\w+)" data-id="(\d+)">', html)


@pytest.fixture
def officer_client(app, login, cast):
    client = app.test_client()
    login(client, cast["city_officer"])
    return client


@pytest.fixture
def two_waiting(cast, make_worker, make_certificate):
    """Two requests at the city stage: the second was submitted 40 days ago, so it comes first."""
    first = bring_to(cast, "submitted@city")
    other = make_worker("陈静", employer=cast.employer)
    make_certificate(other, cast.employer, level="senior")
    cast.worker = other
    second = bring_to(cast, "submitted@city", kind=__import__("credentials.models", fromlist=["x"]).PromotionKind
                      .LEVEL_SKIPPING, target="senior_technician")
    db.session.execute(update(PromotionRequest).where(PromotionRequest.id == second.id)
                       .values(submitted_at=datetime.now(UTC) - timedelta(days=40)))
    db.session.commit()
    return first, second


def test_queue_lists_the_region_oldest_first_with_age_and_counts(officer_client, two_waiting):
    first, second = two_waiting

    html = officer_client.get("/bureau/queue").text

    assert queue_ids(html) == [("level_skipping", str(second.id)), ("exceptional", str(first.id))]
    assert "40 天" in html and "age--old" in html
    assert re.search(r'data-kind="exceptional">破格晋升 <strong>1</strong>', html)
    assert re.search(r'data-kind="level_skipping">越级晋升 <strong>1</strong>', html)


def test_queue_filters_by_kind(officer_client, two_waiting):
    first, _second = two_waiting

    html = officer_client.get("/bureau/queue?kind=exceptional").text

    assert queue_ids(html) == [("exceptional", str(first.id))]


def test_another_city_and_the_province_see_nothing_at_the_city_stage(app, login, cast, two_waiting):
    for role in ("other_city_officer", "province_officer"):
        client = app.test_client()
        login(client, cast[role])
        assert queue_ids(client.get("/bureau/queue").text) == []
    client = app.test_client()
    login(client, cast["other_city_officer"])
    assert client.get(f"/bureau/promotions/{two_waiting[0].id}").status_code == 404


def test_queue_exports_to_xlsx(officer_client, two_waiting):
    response = officer_client.get("/bureau/queue.xlsx")

    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(load_workbook(BytesIO(response.data)).active.values)
    assert rows[0][:3] == ("类别", "编号", "姓名") and len(rows) == 3
    assert rows[1][2] == "陈静" and rows[1][3].count("*") == 8  # masked ID


def test_decision_page_shows_history_rule_decisions_and_evidence(officer_client, cast):
    request = bring_to(cast, "submitted@city")

    html = officer_client.get(f"/bureau/promotions/{request.id}").text

    assert "劳动者的完整记录" in html and "高级工（三级）" in html  # the certificates beside the request
    assert "破格参加技师、高级技师考评" in html  # the national rule that applies
    assert "本申请须经市级初审和省级审核" in html
    assert 'data-action="submitted"' in html
    assert "成果证明.png" in html and "/bureau/evidence/" in html
    assert "初审通过，报送省级" in html


def test_a_decision_needs_a_reason_and_a_confirmation_and_keeps_what_was_typed(officer_client, cast):
    request = bring_to(cast, "submitted@city")

    response = officer_client.post(f"/bureau/promotions/{request.id}/decision",
                                   data={"action": "approve", "reason": "材料齐全", "version": request.version})

    assert response.status_code == 422
    assert 'id="confirmed-error"' in response.text and "材料齐全" in response.text
    db.session.expire_all()
    assert db.session.get(PromotionRequest, request.id).state.value == "submitted"


def test_after_a_decision_the_next_item_follows(officer_client, two_waiting):
    first, second = two_waiting

    response = officer_client.post(f"/bureau/promotions/{second.id}/decision",
                                   data={"action": "return", "reason": "请补充专利证书", "confirmed": "y",
                                         "version": second.version})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/bureau/promotions/{first.id}"
    db.session.expire_all()
    assert db.session.get(PromotionRequest, second.id).state.value == "returned"


def test_a_decision_from_an_out_of_date_page_is_refused_as_already_decided(officer_client, cast):
    request = bring_to(cast, "submitted@city")
    seen = request.version
    officer_client.post(f"/bureau/promotions/{request.id}/decision", data={"action": "review", "version": seen})

    response = officer_client.post(f"/bureau/promotions/{request.id}/decision", follow_redirects=True,
                                   data={"action": "reject", "reason": "不符合", "confirmed": "y", "version": seen})

    assert "已被他人处理" in response.text
    db.session.expire_all()
    assert db.session.get(PromotionRequest, request.id).state.value == "under_review"


def test_the_ministry_sees_the_page_but_is_told_it_does_not_decide(app, login, cast):
    request = bring_to(cast, "submitted@city")
    client = app.test_client()
    login(client, cast["ministry"])

    html = client.get(f"/bureau/promotions/{request.id}").text

    assert "部级账号可查看全国数据，但不审批个案" in html and 'value="approve"' not in html


def test_evidence_is_served_as_an_attachment_with_nosniff_and_a_sandbox(officer_client, cast):
    request = bring_to(cast, "submitted@city")
    evidence = request.evidence[0]

    response = officer_client.get(f"/bureau/evidence/{evidence.id}")

    assert response.status_code == 200 and response.data.startswith(b"\x89PNG")
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="evidence-{evidence.id}.png"')
    assert "filename*=UTF-8''%E6%88%90" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox"


def test_evidence_of_a_draft_or_another_region_is_not_found(app, login, cast):
    draft = nominate(cast)
    for role in ("city_officer", "other_city_officer"):
        client = app.test_client()
        login(client, cast[role])
        assert client.get(f"/bureau/evidence/{draft.evidence[0].id}").status_code == 404


def test_the_audit_trail_of_a_request_shows_who_did_what_before_and_after(officer_client, cast):
    request = bring_to(cast, "submitted@province")

    html = officer_client.get(f"/bureau/audit/promotion_request/{request.id}").text

    assert [a for a in re.findall(r'data-action="([\w.]+)"', html)] == [
        "promotion.forwarded", "promotion.submitted", "promotion.evidence_added", "promotion.nominated"]
    assert "<code>stage</code>: city → province" in html
    assert cast["city_officer"].display_name in html


@pytest.mark.parametrize("path", ["/bureau/audit/promotion_request/999", "/bureau/audit/users/1",
                                  "/bureau/audit/worker/99999999999999999999"])
def test_an_audit_trail_outside_the_officers_scope_is_not_found(officer_client, path):
    assert officer_client.get(path).status_code == 404


def test_officers_inbox_lists_messages_about_their_own_nominations(app, login, cast):
    request = nominate(cast, by="city_officer")
    from credentials.services.promotions import submit_promotion

    submit_promotion(db.session(), request, by=cast["city_officer"])
    db.session.commit()
    client = app.test_client()
    login(client, cast["city_officer"])

    html = client.get("/bureau/inbox").text

    assert "提名已提交" in html and f"/bureau/promotions/{request.id}" in html
    assert client.post("/bureau/inbox/read").status_code == 302
    assert "未读 0 条" in client.get("/bureau/inbox").text
