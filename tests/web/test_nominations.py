"""An institution nominates through its pages (the worker's record beside the form, evidence, the rule), submits
and withdraws; the worker sees the outcome in the inbox and on the progression page."""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials.clock import china_today
from credentials.models import PromotionRequest
from credentials.services.appraisal import record_appraisal_result
from credentials.services.reference import find_occupation
from tests.promotion_fixtures import bring_to, png_bytes


@pytest.fixture
def staff_client(app, login, cast):
    client = app.test_client()
    login(client, cast["nominator"])
    return client


def nomination_form(**changes) -> dict:
    data = {"occupation_code": "6-18-01-01", "kind": "exceptional", "target_level": "technician",
            "grounds": ["unique_mastery", "patent"], "statement": "主轴精加工误差控制在 2 微米以内",
            "rule_id": "", "evidence": (BytesIO(png_bytes()), "成果\u202e证明.png")}
    data.update(changes)
    return data


def test_the_form_shows_the_workers_record_and_the_rules_relied_upon(staff_client, cast):
    html = staff_client.get(f"/institution/nominations/new?worker={cast.worker.id}").text

    assert "劳动者的记录" in html and "高级工（三级）" in html and cast.worker.id_masked in html
    # only rules in force where the worker is, by their human names: the shipped local clauses belong to an
    # unnamed city, not to Suzhou, so the national rule alone is offered (and no rule id is shown)
    assert "city-2017" not in html and "中级工，本岗位工作满 12 年，并获技术革新奖" not in html
    assert "破格" in html and "本地区没有施行中的破格条款" in html


def test_finding_the_worker_by_national_id_posts_it_and_opens_their_form(staff_client, cast, vault):
    response = staff_client.post("/institution/nominations/find",
                                 data={"national_id": vault.reveal(cast.worker.id_ciphertext)})

    assert response.status_code == 302 and response.location.endswith(f"/institution/nominations/new?worker={cast.worker.id}")
    html = staff_client.get(response.location).text
    assert f'action="/institution/nominations/new?worker={cast.worker.id}"' in html


def test_the_look_up_form_never_puts_the_national_id_in_a_url(staff_client):
    html = staff_client.get("/institution/nominations/new").text

    form = html.split('role="search"', 1)[0].rsplit("<form", 1)[1]
    assert 'method="post"' in form and 'action="/institution/nominations/find"' in form


@pytest.mark.parametrize(("typed", "message"), [
    ("11010519491231002X", "未在本机构的劳动者中找到该身份证号"),  # valid, but nobody the institution knows
    ("123", "未在本机构的劳动者中找到该身份证号"),
    ("", "请输入劳动者身份证号"),
])
def test_a_look_up_that_finds_nobody_says_so_and_keeps_what_was_typed(staff_client, typed, message):
    response = staff_client.post("/institution/nominations/find", data={"national_id": typed})

    assert response.status_code == 422
    assert message in response.text and f'value="{typed}"' in response.text


def test_a_nomination_with_evidence_is_saved_as_a_draft_then_submitted(staff_client, cast):
    response = staff_client.post(f"/institution/nominations/new?worker={cast.worker.id}", data=nomination_form(),
                                 content_type="multipart/form-data")

    assert response.status_code == 302
    request = db.session.scalar(select(PromotionRequest))
    assert request.state.value == "draft" and request.grounds == ["patent", "unique_mastery"]
    assert [e.original_name for e in request.evidence] == ["成果证明.png"]
    staff_client.post(f"/institution/nominations/{request.id}/action", data={"action": "submit"})
    db.session.expire_all()
    assert db.session.get(PromotionRequest, request.id).state.value == "submitted"
    html = staff_client.get(f"/institution/nominations/{request.id}").text
    assert 'data-action="submitted"' in html and "撤回提名" in html


def test_a_refused_target_is_shown_beside_its_field_with_the_typed_values_kept(staff_client, cast):
    response = staff_client.post(f"/institution/nominations/new?worker={cast.worker.id}",
                                 data=nomination_form(kind="level_skipping"), content_type="multipart/form-data")

    assert response.status_code == 422
    error = re.search(r'<p class="field__error" id="target_level-error">(.*?)</p>', response.text, re.S).group(1)
    assert "越级晋升须跨过至少一个等级" in error
    assert "主轴精加工误差控制在 2 微米以内" in response.text
    assert db.session.scalar(select(PromotionRequest)) is None


def test_a_dangerous_file_is_refused_and_nothing_is_saved(staff_client, cast):
    data = nomination_form(evidence=(BytesIO(b"%PDF-1.4 /OpenAction << /JS (x) >>\n%%EOF"), "x.pdf"))

    response = staff_client.post(f"/institution/nominations/new?worker={cast.worker.id}", data=data,
                                 content_type="multipart/form-data")

    assert response.status_code == 422 and "/OpenAction" in response.text
    assert db.session.scalar(select(PromotionRequest)) is None


def test_another_institution_cannot_see_the_nomination_or_its_evidence(app, login, cast):
    request = bring_to(cast, "submitted@city")
    client = app.test_client()
    login(client, cast["other_staff"])

    assert client.get(f"/institution/nominations/{request.id}").status_code == 404
    assert client.get(f"/institution/evidence/{request.evidence[0].id}").status_code == 404
    assert client.get(f"/institution/nominations/new?worker={cast.worker.id}").status_code == 404


def test_a_colleague_downloads_the_evidence_and_exports_the_list(app, login, cast):
    request = bring_to(cast, "submitted@city")
    client = app.test_client()
    login(client, cast["colleague"])

    assert client.get(f"/institution/evidence/{request.evidence[0].id}").headers["Content-Security-Policy"] == "sandbox"
    export = client.get("/institution/nominations.xlsx")
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")


def test_the_worker_sees_the_outcome_in_the_inbox_and_on_the_progression_page(app, login, cast):
    request = bring_to(cast, "approved")
    client = app.test_client()
    login(client, cast["worker"])

    inbox = client.get("/worker/inbox").text
    assert "申请已批准" in inbox and "同意破格" in inbox and f"/worker/promotions/{request.id}" in inbox
    home = client.get("/worker/").text
    assert 'id="promotions"' in home and 'data-state="approved"' in home
    assert f"请在 {request.approval_valid_until.isoformat()} 前参加评价" in home
    detail = client.get(f"/worker/promotions/{request.id}").text
    assert "同意破格" in detail and "材料齐全" in detail


def test_a_worker_never_sees_a_draft_nor_another_workers_request(app, login, cast, make_user):
    draft = bring_to(cast, "draft")
    client = app.test_client()
    login(client, cast["worker"])
    assert client.get(f"/worker/promotions/{draft.id}").status_code == 404
    from credentials.services.promotions import submit_promotion

    submit_promotion(db.session(), draft, by=cast["nominator"])
    db.session.commit()
    assert client.get(f"/worker/promotions/{draft.id}").status_code == 200
    stranger = app.test_client()
    login(stranger, make_user("worker"))
    assert stranger.get(f"/worker/promotions/{draft.id}").status_code == 404


def test_the_inbox_is_in_english_too(app, login, cast):
    bring_to(cast, "rejected")
    client = app.test_client()
    login(client, cast["worker"])

    html = client.get("/worker/inbox?lang=en").text

    assert "Request rejected" in html and "业绩不足" in html


def test_every_page_of_the_request_names_the_institution_that_will_appraise(app, login, cast):
    request = bring_to(cast, "approved")  # the nominating employer is accredited for the target: it appraises
    pages = {"province_officer": f"/bureau/promotions/{request.id}", "ministry": f"/bureau/promotions/{request.id}",
             "nominator": f"/institution/nominations/{request.id}", "worker": f"/worker/promotions/{request.id}"}
    for role, url in pages.items():
        client = app.test_client()
        login(client, cast[role])
        assert re.search(r'id="appraiser">\s*苏州精工\s*<', client.get(url).text), role


def test_once_the_approval_earns_its_certificate_the_worker_is_no_longer_asked_to_sit(app, login, cast):
    request = bring_to(cast, "approved")
    client = app.test_client()
    login(client, cast["worker"])
    home = client.get("/worker/").text
    assert f'data-approval="{request.id}"' in home and "已批准：请在" in home

    session = db.session()
    earned = record_appraisal_result(
        session, worker=cast.worker, institution=cast.employer, occupation=find_occupation(session, "6-18-01-01"),
        level="technician", exam_date=china_today(), theory=Decimal(80), practical=Decimal(85), review=Decimal(75),
        by=cast["nominator"], promotion_request=request).certificate
    db.session.commit()

    home = client.get("/worker/").text
    assert "data-approval" not in home and "前参加评价" not in home
    assert f"已取得证书 {earned.number}" in home
    detail = client.get(f"/worker/promotions/{request.id}").text
    assert f"已取得证书 {earned.number}" in detail and "合格后取得证书" not in detail
