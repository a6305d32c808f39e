"""The correction pages: the worker files and follows a request, the responsible party fixes or refuses it;
another's request answers 404; refused input shows beside its field; evidence is only ever downloaded."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from PIL import Image

from app.extensions import db
from credentials.models import CorrectionRequest, CorrectionState
from credentials.services.record_corrections import file_correction
from credentials.services.reference import find_occupation
from credentials.services.training import record_training


def png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def cast(make_institution, make_worker, make_user, make_certificate):
    college = make_institution("苏州技师学院")
    worker = make_worker("王建国")
    training = record_training(db.session(), worker=worker, institution=college,
                               occupation=find_occupation(db.session(), "6-18-01-01"), target_level="junior",
                               training_type="employment_skills", form="order_based", hours=600,
                               started_on=date(2019, 9, 1), completed_on=date(2020, 6, 20), outcome="completed",
                               by=None)
    db.session.commit()
    return {"college": college, "worker": worker, "training": training,
            "account": make_user("worker", worker=worker), "clerk": make_user("institution_staff", institution=college),
            "other_clerk": make_user("institution_staff"), "officer": make_user("bureau_officer", region="3205"),
            "certificate": make_certificate(worker, college, issued_on=date(2020, 7, 1))}


def filed(cast, **kwargs) -> CorrectionRequest:
    request = file_correction(db.session(), worker=cast["worker"], subject_kind=kwargs.pop("kind", "training"),
                              subject_id=kwargs.pop("subject_id", cast["training"].id),
                              field=kwargs.pop("field", "completed_on"), explanation="结业日期应为 2020-06-30",
                              files=[("结业证.png", png())], by=cast["account"], **kwargs)
    db.session.commit()
    return request


def test_a_worker_reports_a_wrong_training_from_their_ladder_and_follows_it(client, login, cast):
    login(client, cast["account"])
    home = client.get("/worker/")
    assert f"/worker/corrections/new?subject=training&amp;id={cast['training'].id}" in home.text

    form = client.get(f"/worker/corrections/new?subject=training&id={cast['training'].id}")
    assert form.status_code == 200 and "2019-09-01 开始的培训" in form.text
    sent = client.post(f"/worker/corrections/new?subject=training&id={cast['training'].id}", data={
        "field": "completed_on", "proposed_value": "2020-06-30", "explanation": "结业证上是 6 月 30 日",
        "institution_id": "", "evidence": (BytesIO(png()), "结业证.png")}, content_type="multipart/form-data")

    assert sent.status_code == 302
    request = db.session.query(CorrectionRequest).one()
    assert request.responsible_institution_id == cast["college"].id and len(request.evidence) == 1
    page = client.get(sent.headers["Location"])
    assert "待处理" in page.text and "苏州技师学院" in page.text and "结业证.png" in page.text
    assert f"/worker/corrections/{request.id}" in client.get("/worker/corrections").text


def test_refused_input_shows_beside_its_field(client, login, cast):
    login(client, cast["account"])
    empty = client.post(f"/worker/corrections/new?subject=training&id={cast['training'].id}",
                        data={"field": "hours", "explanation": ""})
    assert empty.status_code == 422 and 'id="explanation-error"' in empty.text
    no_name = client.post("/worker/corrections/new?subject=identity_name",
                          data={"field": "name", "explanation": "身份证上的名字不同"})
    assert no_name.status_code == 422 and 'id="proposed_value-error"' in no_name.text
    bad_file = client.post(f"/worker/corrections/new?subject=training&id={cast['training'].id}", data={
        "field": "hours", "explanation": "学时不对", "evidence": (BytesIO(b"<html>"), "a.pdf")},
        content_type="multipart/form-data")
    assert bad_file.status_code == 422 and 'id="evidence-error"' in bad_file.text
    assert db.session.query(CorrectionRequest).count() == 0


def test_another_workers_record_or_request_and_another_partys_request_answer_404(
        client, login, cast, make_worker, make_user):
    request = filed(cast)
    evidence_id = request.evidence[0].id
    login(client, make_user("worker", worker=make_worker("李四")))
    for path in (f"/worker/corrections/{request.id}", f"/worker/corrections/evidence/{evidence_id}",
                 f"/worker/corrections/new?subject=training&id={cast['training'].id}",
                 f"/worker/corrections/new?subject=certificate&id={cast['certificate'].id}"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/worker/corrections/{request.id}/withdraw").status_code == 404
    for outsider in (cast["other_clerk"], cast["officer"]):
        login(client, outsider)
        area = "institution" if outsider is cast["other_clerk"] else "bureau"
        assert client.get(f"/{area}/corrections/{request.id}").status_code == 404
        assert client.post(f"/{area}/corrections/{request.id}/refuse", data={"reason": "x"}).status_code == 404
        assert client.get(f"/{area}/corrections/evidence/{evidence_id}").status_code == 404


def test_evidence_is_served_only_as_an_attachment_that_never_renders(client, login, cast):
    request = filed(cast)
    login(client, cast["clerk"])
    response = client.get(f"/institution/corrections/evidence/{request.evidence[0].id}")
    assert response.status_code == 200 and response.content_type == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox"


def test_the_clerk_corrects_the_training_from_the_request_page_and_the_worker_reads_the_result(client, login, cast):
    request = filed(cast)
    login(client, cast["clerk"])
    assert "待处理的记录更正申请 1 份" in client.get("/institution/").text
    queue = client.get("/institution/corrections")
    assert f"/institution/corrections/{request.id}" in queue.text
    page = client.get(f"/institution/corrections/{request.id}")
    assert "结业日期应为 2020-06-30" in page.text and "更正培训记录" in page.text

    done = client.post(f"/institution/corrections/{request.id}/accept/correct", data={
        "correct-started_on": "2019-09-01", "correct-completed_on": "2020-06-30", "correct-hours": "600",
        "correct-outcome": "completed", "correct-note": "已核对结业证书"})

    assert done.status_code == 302
    db.session.refresh(request)
    assert request.state is CorrectionState.ACCEPTED and cast["training"].completed_on == date(2020, 6, 30)
    login(client, cast["account"])
    mine = client.get(f"/worker/corrections/{request.id}")
    assert "已更正" in mine.text and "2020-06-20 → 2020-06-30" in mine.text
    assert "记录已更正" in client.get("/worker/inbox").text


def test_a_fix_the_service_refuses_shows_beside_its_field_and_changes_nothing(client, login, cast):
    request = filed(cast)
    login(client, cast["clerk"])
    refused = client.post(f"/institution/corrections/{request.id}/accept/correct", data={
        "correct-started_on": "2019-09-01", "correct-completed_on": "2019-01-01", "correct-hours": "600",
        "correct-outcome": "completed", "correct-note": "按申请"})
    assert refused.status_code == 422 and 'id="correct-completed_on-error"' in refused.text
    no_reason = client.post(f"/institution/corrections/{request.id}/refuse", data={"reason": ""})
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.text
    db.session.refresh(request)
    assert request.state is CorrectionState.OPEN and cast["training"].completed_on == date(2020, 6, 20)


def test_the_bureau_corrects_a_certificate_and_its_page_shows_the_history(client, login, cast):
    request = filed(cast, kind="certificate", subject_id=cast["certificate"].id, field="issued_on")
    login(client, cast["officer"])
    assert "待处理的记录更正申请 1 份" in client.get("/bureau/").text
    done = client.post(f"/bureau/corrections/{request.id}/accept/correct", data={
        "correct-issued_on": "2020-07-15", "correct-occupation_code": "6-18-01-01", "correct-note": "核对纸质证书"})
    assert done.status_code == 302
    export = client.get("/bureau/corrections.xlsx?state=all")
    assert export.status_code == 200 and export.content_type.startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")

    login(client, cast["account"])
    page = client.get(f"/worker/certificates/{cast['certificate'].number}")
    assert 'id="certificate-history"' in page.text and "2020-07-01 → 2020-07-15" in page.text


def test_a_credential_downloaded_before_a_correction_verifies_as_superseded_and_the_verdict_says_so(
        client, login, cast):
    number = cast["certificate"].number
    login(client, cast["account"])
    old = client.get(f"/credentials/certificates/{number}").get_data(as_text=True)
    request = filed(cast, kind="certificate", subject_id=cast["certificate"].id, field="issued_on")
    login(client, cast["officer"])
    client.post(f"/bureau/corrections/{request.id}/accept/correct", data={
        "correct-issued_on": "2020-07-15", "correct-occupation_code": "6-18-01-01", "correct-note": "核对纸质证书"})
    client.post("/logout")

    verdict = client.post("/verify", data={"number": number, "name": "王建国"})
    assert 'id="superseded"' in verdict.text and "此前签发的数字凭证已被更正后的凭证取代" in verdict.text
    checked = client.post("/verify/credential", data={"vc-credential": old})
    assert "被更正后的数字凭证取代" in checked.text
    login(client, cast["account"])
    new = client.get(f"/credentials/certificates/{number}").get_data(as_text=True)
    client.post("/logout")
    assert "被更正后的数字凭证取代" not in client.post("/verify/credential", data={"vc-credential": new}).text
