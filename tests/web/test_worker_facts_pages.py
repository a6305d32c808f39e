"""A worker's facts on the pages: the institution's worker record (add, refuse field by field, attest, correct,
withdraw, another's worker 404) and the worker's own "my history" (see, claim, withdraw a claim)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials.models import Attestation, FactState, InstitutionKind, WorkPeriod
from credentials.services.reference import find_occupation
from credentials.services.worker_facts import record_work_period
from tests.web.test_records import field_error, typed

LATHE = "6-18-01-01"


@pytest.fixture
def employer(make_institution):
    return make_institution("苏州精工", kind=InstitutionKind.ENTERPRISE)


@pytest.fixture
def worker(make_worker, employer):
    return make_worker("陈工", employer=employer)


@pytest.fixture
def employer_client(app, make_user, login, employer):
    client = app.test_client()
    login(client, make_user("institution_staff", institution=employer))
    return client


@pytest.fixture
def worker_user(make_user, worker):
    return make_user("worker", worker=worker)


@pytest.fixture
def worker_client(app, login, worker_user):
    client = app.test_client()
    login(client, worker_user)
    return client


def work_form(**overrides) -> dict:
    return {"work_period-occupation_code": LATHE, "work_period-started_on": "2020-03-01", "work_period-ended_on": "",
            "work_period-employer_name": "苏州精工", "work_period-related_to": "", **overrides}


def claim(worker, worker_user, **kwargs) -> WorkPeriod:
    written = record_work_period(db.session(), worker=worker, occupation=find_occupation(db.session(), LATHE),
                                 started_on=kwargs.pop("started_on", date(2021, 1, 1)), by=worker_user, **kwargs)
    db.session.commit()
    return written


def periods(worker) -> list[WorkPeriod]:
    db.session.expire_all()
    return db.session.scalars(select(WorkPeriod).where(WorkPeriod.worker_id == worker.id)
                              .order_by(WorkPeriod.id)).all()


# ---------------------------------------------------------------- the institution's worker record

def test_the_worker_list_links_to_the_record_and_the_record_shows_the_engines_verdict(employer_client, worker):
    listing = employer_client.get("/institution/workers")
    assert f'href="/institution/workers/{worker.id}"' in listing.text

    page = employer_client.get(f"/institution/workers/{worker.id}")

    assert page.status_code == 200
    assert "陈工" in page.text and worker.id_masked in page.text
    assert f'action="/institution/workers/{worker.id}/facts/work_period"' in page.text


def test_a_clerk_records_a_work_period_which_counts_at_once(employer_client, worker):
    response = employer_client.post(f"/institution/workers/{worker.id}/facts/work_period", data=work_form())

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/institution/workers/{worker.id}#work_period")
    [period] = periods(worker)
    assert period.counts and period.employer_id is not None
    page = employer_client.get(f"/institution/workers/{worker.id}")
    assert "已证实" in page.text and "下一级：初级工（五级）" in page.text and "现在即可申报" in page.text


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"work_period-ended_on": "2019-01-01"}, "work_period-ended_on", "结束日期不能早于开始日期"),
    ({"work_period-started_on": "2999-01-01"}, "work_period-started_on", "日期不能晚于今天"),
    ({"work_period-occupation_code": "不存在的职业"}, "work_period-occupation_code", "未知的职业编码"),
    ({"work_period-related_to": LATHE}, "work_period-related_to", "相关职业须与本职业不同"),
    ({"work_period-started_on": ""}, "work_period-started_on", ""),
])
def test_a_refused_work_period_says_why_beside_the_field_and_keeps_what_was_typed(employer_client, worker, overrides,
                                                                                  field, message):
    response = employer_client.post(f"/institution/workers/{worker.id}/facts/work_period", data=work_form(**overrides))

    assert response.status_code == 422
    assert message in field_error(response.text, field) and field_error(response.text, field)
    assert typed(response.text, "work_period-employer_name") == "苏州精工"
    assert periods(worker) == []


def test_a_diploma_and_a_title_and_an_apprenticeship_are_recorded_from_their_forms(employer_client, worker):
    base = f"/institution/workers/{worker.id}/facts"
    refused = employer_client.post(f"{base}/diploma", data={"diploma-school_type": "technical_school",
                                                            "diploma-stream": "intermediate_class"})
    assert refused.status_code == 422 and "必填" in field_error(refused.text, "diploma-graduated_on")

    assert employer_client.post(f"{base}/diploma", data={
        "diploma-school_type": "technical_school", "diploma-stream": "intermediate_class",
        "diploma-major_code": LATHE, "diploma-graduated_on": "2020-07-01"}).status_code == 302
    assert employer_client.post(f"{base}/title", data={
        "title-series": "engineering", "title-grade": "assistant", "title-obtained_on": "2022-01-01"}).status_code == 302
    assert employer_client.post(f"{base}/apprenticeship", data={
        "apprenticeship-occupation_code": LATHE, "apprenticeship-target_level": "intermediate",
        "apprenticeship-started_on": "2023-01-01", "apprenticeship-ended_on": "2024-01-01",
        "apprenticeship-completed": "y"}).status_code == 302

    page = employer_client.get(f"/institution/workers/{worker.id}").text
    assert "技工学校（中级工班）" in page and "助理工程师" in page and "学徒期满" in page and "苏州精工" in page


def test_the_employer_attests_the_workers_claim_from_the_record(employer_client, worker, worker_user):
    pending = claim(worker, worker_user, employer_name="苏州精工")
    page = employer_client.get(f"/institution/workers/{worker.id}").text
    assert "待证实" in page and f"/work_period/{pending.id}/attest" in page

    response = employer_client.post(f"/institution/workers/{worker.id}/facts/work_period/{pending.id}/attest")

    assert response.status_code == 302 and periods(worker)[0].counts


def test_another_institution_may_not_attest_a_claim_naming_a_registered_employer(app, make_user, login, make_institution,
                                                                                 worker, worker_user, make_certificate):
    college = make_institution("苏州技师学院")
    make_certificate(worker, college)  # the college appraised the worker: it sees the record
    client = app.test_client()
    login(client, make_user("institution_staff", institution=college))
    pending = claim(worker, worker_user, employer=db.session.get(type(college), worker.employer_id))

    page = client.get(f"/institution/workers/{worker.id}").text
    assert f"/work_period/{pending.id}/attest" not in page
    response = client.post(f"/institution/workers/{worker.id}/facts/work_period/{pending.id}/attest",
                           follow_redirects=True)
    assert "须由苏州精工的工作人员证实" in response.text and not periods(worker)[0].counts


def test_a_correction_keeps_the_earlier_version_in_the_history(employer_client, worker):
    employer_client.post(f"/institution/workers/{worker.id}/facts/work_period", data=work_form())
    [first] = periods(worker)
    url = f"/institution/workers/{worker.id}/facts/work_period/{first.id}/correct"

    form = employer_client.get(url)
    assert form.status_code == 200 and typed(form.text, "work_period-started_on") == "2020-03-01"
    refused = employer_client.post(url, data=work_form(**{"work_period-ended_on": "2010-01-01"}))
    assert refused.status_code == 422 and "结束日期不能早于开始日期" in field_error(refused.text, "work_period-ended_on")
    response = employer_client.post(url, data=work_form(**{"work_period-started_on": "2019-03-01"}))

    assert response.status_code == 302
    first, second = periods(worker)
    assert first.state is FactState.SUPERSEDED and second.replaces_id == first.id
    page = employer_client.get(f"/institution/workers/{worker.id}").text
    assert "更正前和已撤回的记录（1 条）" in page and "2020-03-01" in page and "2019-03-01" in page


def test_a_withdrawal_needs_a_reason_and_keeps_the_row(employer_client, worker):
    employer_client.post(f"/institution/workers/{worker.id}/facts/work_period", data=work_form())
    [period] = periods(worker)
    url = f"/institution/workers/{worker.id}/facts/work_period/{period.id}/withdraw"

    without = employer_client.post(url, data={"reason": ""}, follow_redirects=True)
    assert "撤回须写明原因" in without.text and periods(worker)[0].state is FactState.CURRENT
    employer_client.post(url, data={"reason": "单位核实不实"})

    assert periods(worker)[0].state is FactState.WITHDRAWN
    assert "原因：单位核实不实" in employer_client.get(f"/institution/workers/{worker.id}").text


def test_another_institutions_worker_and_their_facts_answer_404(app, make_user, login, make_worker, employer_client,
                                                                worker):
    stranger = make_worker("路人")
    employer_client.post(f"/institution/workers/{worker.id}/facts/work_period", data=work_form())
    [period] = periods(worker)
    other = app.test_client()
    login(other, make_user("institution_staff"))

    assert employer_client.get(f"/institution/workers/{stranger.id}").status_code == 404
    assert employer_client.post(f"/institution/workers/{stranger.id}/facts/work_period", data=work_form()).status_code == 404
    assert other.get(f"/institution/workers/{worker.id}").status_code == 404
    assert other.post(f"/institution/workers/{worker.id}/facts/work_period/{period.id}/withdraw",
                      data={"reason": "x"}).status_code == 404
    assert employer_client.post(f"/institution/workers/{worker.id}/facts/nonsense").status_code == 404
    assert employer_client.get(f"/institution/workers/{worker.id}/facts/work_period/999/correct").status_code == 404


def test_the_list_shows_the_workers_an_institution_registered(employer_client, make_user, login, app):
    response = employer_client.post("/institution/workers", data={
        "name": "钱新人", "national_id": "11010519491231002X", "city_code": "3205", "employer_name": "别家公司"})
    assert response.status_code == 302

    assert "钱新人" in employer_client.get("/institution/workers").text  # registered here, employed elsewhere
    other = app.test_client()
    login(other, make_user("institution_staff"))
    assert "钱新人" not in other.get("/institution/workers").text


# ---------------------------------------------------------------- the worker's own history

def test_my_history_shows_my_facts_and_takes_a_claim_that_waits_for_the_employer(worker_client, worker):
    page = worker_client.get("/worker/history")
    assert page.status_code == 200 and 'href="/worker/history"' in page.text

    response = worker_client.post("/worker/history/work_period", data=work_form())

    assert response.status_code == 302
    [period] = periods(worker)
    assert period.attestation is Attestation.UNVERIFIED and not period.counts
    page = worker_client.get("/worker/history").text
    assert "待证实" in page and "有 1 条您的申报待证实" in page


def test_my_claim_is_refused_field_by_field(worker_client, worker):
    response = worker_client.post("/worker/history/title", data={
        "title-series": "engineering", "title-grade": "assistant", "title-obtained_on": "2999-01-01"})

    assert response.status_code == 422 and "日期不能晚于今天" in field_error(response.text, "title-obtained_on")


def test_a_worker_claims_no_apprenticeship_and_withdraws_only_their_own_claims(worker_client, worker, worker_user,
                                                                               make_worker, make_user):
    assert worker_client.post("/worker/history/apprenticeship", data={}).status_code == 404
    mine = claim(worker, worker_user)
    stranger = make_worker("路人")
    theirs = claim(stranger, make_user("worker", worker=stranger))

    assert worker_client.post(f"/worker/history/work_period/{theirs.id}/withdraw",
                              data={"reason": "x"}).status_code == 404
    assert worker_client.post(f"/worker/history/work_period/{mine.id}/withdraw",
                              data={"reason": "写错了"}).status_code == 302
    assert periods(worker)[0].state is FactState.WITHDRAWN


def test_the_worker_cannot_withdraw_an_attested_fact(worker_client, worker):
    attested = record_work_period(db.session(), worker=worker, occupation=find_occupation(db.session(), LATHE),
                                  started_on=date(2018, 1, 1), by=None)
    db.session.commit()

    page = worker_client.get("/worker/history").text
    assert f"/work_period/{attested.id}/withdraw" not in page
    assert worker_client.post(f"/worker/history/work_period/{attested.id}/withdraw",
                              data={"reason": "x"}).status_code == 404
    assert re.search(r"已证实", page)
