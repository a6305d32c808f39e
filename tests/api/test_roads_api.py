"""The three roads to a certificate, walked through the JSON API only (issue 14): the regular road (a cohort
registered by import, work history, application, review, session, seat, result, certificate the worker sees),
the exceptional road (nomination, city and province review, the appraising institution's sitting), and the
competition road (an enterprise contest included in the plan, a bureau's reward rule, ranks, proposals
confirmed by the bureau of each level). Every answer is also checked against the OpenAPI document.

Clocks: the appraisal endpoints read `app.career.today`, which the regular road pins to fixed days as the
other appraisal tests do; nominations, reviews and competition decisions read `credentials.clock.china_today`
and have no seam in the API, so the exceptional road runs on the real day (its session is held today) and the
competition road's certificates are dated today."""

from __future__ import annotations

import io

import pytest

from app import career
from app.extensions import db
from credentials.clock import china_today
from credentials.models import Worker
from credentials.numbers import parse_certificate_number
from tests.api.test_openapi_complete import documented, faithful_dumps, spec  # noqa: F401 - fixtures and helper
from tests.appraisal_fixtures import AFTER, APPLIED, HELD, LATHE
from tests.conftest import national_id
from tests.import_fixtures import csv_bytes
from tests.promotion_fixtures import png_bytes

CLAUSE_ZH = "累计从事本职业或相关职业工作 1 年（含）以上"
CLAUSE_EN = "1 year (cumulative) in the occupation or a related one"


class Api:
    """One call: the path as the OpenAPI document spells it ("/api/v1/sessions/{session_id}"), its ids filled
    in; the status expected; the answer checked against the document and given back."""

    def __init__(self, client, spec_: dict):
        self.client, self.spec = client, spec_

    def __call__(self, method: str, path: str, token: dict, status: int, *, json=None, data=None, query=None,
                 **ids):
        body = {"json": json} if data is None else {"data": data, "content_type": "multipart/form-data"}
        response = self.client.open(path.format(**ids), method=method.upper(), headers=token, query_string=query,
                                    **body)
        assert response.status_code == status, (method, path, response.status_code, response.json)
        return documented(self.spec, response, method, path)


@pytest.fixture
def api(client, spec) -> Api:  # noqa: F811 - the document, imported above as a fixture
    return Api(client, spec)


@pytest.fixture
def on_day(monkeypatch):
    def move(day) -> None:
        monkeypatch.setattr(career, "today", lambda: day)
    return move


def certificate_fields(number: str) -> tuple[str, int | None, int | None]:
    parsed = parse_certificate_number(number)
    assert parsed.valid, number
    return parsed.scheme, parsed.level_digit, parsed.year


# ---------------------------------------------------------------- (a) the regular road


def test_the_regular_road_from_a_cohort_import_to_the_certificate_the_worker_sees(
        api, app, monkeypatch, on_day, make_institution, make_user, api_token, vault):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "sync")
    on_day(APPLIED)
    college = make_institution("苏州技师学院")
    clerk = api_token(make_user("institution_staff", institution=college))
    wang_id, zhao_id = national_id(), national_id()

    # The college registers its cohort: a dry run first, then the commit of the file it checked.
    cohort = csv_bytes(["身份证号", "姓名", "所在城市"], [wang_id, "王小明", "苏州市"], [zhao_id, "赵新人", "3205"])
    job = api("post", "/api/v1/imports", clerk, 202,
              data={"kind": "workers", "dry_run": "true", "file": (io.BytesIO(cohort), "新生名册.csv")})
    checked = api("get", "/api/v1/imports/{job_id}", clerk, 200, job_id=job["id"])
    assert (checked["status"], checked["counts"]["created"], checked["errors"]) == ("validated", 2, [])
    api("post", "/api/v1/imports/{job_id}/commit", clerk, 202, job_id=job["id"])
    committed = api("get", "/api/v1/imports/{job_id}", clerk, 200, job_id=job["id"])
    assert (committed["status"], committed["counts"]["created"]) == ("committed", 2)
    registered = {w["name"]: w for w in api("get", "/api/v1/workers", clerk, 200)["items"]}
    assert set(registered) == {"王小明", "赵新人"} and registered["王小明"]["city_code"] == "3205"
    wang, zhao = registered["王小明"]["id"], registered["赵新人"]["id"]
    # The one step the API has no call for: a worker's account (only the demo seed opens one).
    me = api_token(make_user("worker", worker=db.session.get(Worker, wang)))

    # Work history: Wang claims his years, the college attests them; the college records Zhao's start.
    claim = api("post", "/api/v1/workers/{worker_id}/work-periods", me, 201, worker_id=wang,
                json={"occupation_code": LATHE, "started_on": "2015-03-01", "employer_name": "苏州精工"})
    assert (claim["attestation"], claim["counts"]) == ("unverified", False)
    attested = api("post", "/api/v1/workers/{worker_id}/work-periods/{fact_id}/attest", clerk, 200,
                   worker_id=wang, fact_id=claim["id"])
    assert (attested["attestation"], attested["counts"]) == ("attested", True)
    started = api("post", "/api/v1/workers/{worker_id}/work-periods", clerk, 201, worker_id=zhao,
                  json={"occupation_code": LATHE, "started_on": "2024-01-01"})
    assert started["counts"] is True

    # Applications: Wang applies himself; the college enters Zhao's by his ID number (in the body).
    mine = api("post", "/api/v1/applications", me, 201,
               json={"occupation_code": LATHE, "level": "junior", "institution_id": college.id})
    assert (mine["state"], mine["route"]) == ("submitted", "regular")
    assert mine["verdict"]["en"].startswith("meets: 1 year (cumulative)")
    early = api("post", "/api/v1/applications", clerk, 201,
                json={"national_id": zhao_id, "occupation_code": LATHE, "level": "junior"})
    assert "eligible from 2025-01-01" in early["verdict"]["en"]

    # Review: the clause met is kept; the engine's "not yet" stops an approval, a refusal needs a reason.
    approved = api("post", "/api/v1/applications/{application_id}/review", clerk, 200, application_id=mine["id"],
                   json={"decision": "approve"})
    assert approved["state"] == "approved" and approved["clause"] == {"zh": CLAUSE_ZH, "en": CLAUSE_EN}
    not_yet = api("post", "/api/v1/applications/{application_id}/review", clerk, 422, application_id=early["id"],
                  json={"decision": "approve"})
    assert not_yet["code"] == "not_eligible"
    refused = api("post", "/api/v1/applications/{application_id}/review", clerk, 200, application_id=early["id"],
                  json={"decision": "refuse", "reason": "从业不满 1 年"})
    assert (refused["state"], refused["refusal_reason"]) == ("refused", "从业不满 1 年")

    # The session, and Wang's seat in it.
    session = api("post", "/api/v1/sessions", clerk, 201, json={
        "occupation_code": LATHE, "levels": ["junior"], "held_on": HELD.isoformat(), "site": "实训楼 3 楼",
        "capacity": 30})
    assert (session["state"], session["taken"]) == ("open", 0)
    seated = api("post", "/api/v1/applications/{application_id}/seat", clerk, 200, application_id=mine["id"],
                 json={"session_id": session["id"]})
    assert seated["state"] == "seated" and seated["session"]["held_on"] == HELD.isoformat()
    waiting = api("get", "/api/v1/sessions/{session_id}", clerk, 200, session_id=session["id"])
    assert waiting["taken"] == 1 and [a["id"] for a in waiting["waiting"]] == [mine["id"]]

    # Two days after the session: the result against it; the pass earns the certificate, dated the session's day.
    on_day(AFTER)
    result = api("post", "/api/v1/sessions/{session_id}/results", clerk, 201, session_id=session["id"],
                 json={"application_id": mine["id"], "theory": 85, "practical": 78})
    assert (result["outcome"], result["exam_date"], result["clause"]["en"]) == ("passed", "2024-06-03", CLAUSE_EN)
    number = result["certificate_number"]
    assert certificate_fields(number) == ("skill_level22", 5, 2024)  # level digit 5: 初级工
    assert api("get", "/api/v1/sessions/{session_id}", clerk, 200, session_id=session["id"])["waiting"] == []
    passed = api("get", "/api/v1/applications/{application_id}", me, 200, application_id=mine["id"])
    assert passed["state"] == "passed"
    assert [s["certificate_number"] for s in passed["steps"] if s["key"] == "certificate"] == [number]

    # The worker, with his own token, sees the certificate and his history.
    held = api("get", "/api/v1/certificates", me, 200)["items"]
    assert [(c["number"], c["route"], c["level"]["code"], c["issued_on"], c["institution"]["id"], c["status"])
            for c in held] == [(number, "regular", "junior", "2024-06-03", college.id, "valid")]
    history = api("get", "/api/v1/workers/{worker_id}/history", me, 200, worker_id=wang)
    lathe = history["occupations"][0]
    assert (lathe["current_level"]["code"], lathe["reached_on"]) == ("junior", "2024-06-03")
    assert [c["number"] for c in lathe["certificates"]] == [number]
    upward = lathe["next_level"]  # nine years at the lathe: Intermediate is open to him already
    assert (upward["level"]["code"], upward["eligible"], upward["matched_clause"]) == (
        "intermediate", True, "2018.intermediate.b")
    assert upward["clause"]["en"] == "6 years (cumulative) in the occupation or a related one"
    api("get", "/api/v1/workers/{worker_id}/history", me, 404, worker_id=zhao)  # another's: not found


# ---------------------------------------------------------------- (b) the exceptional road


def test_the_exceptional_road_from_nomination_to_the_certificate(api, cast, api_token, on_day):
    today = china_today()
    on_day(today)  # one day for the whole road: the API's appraisal clock and the reviews' agree
    token = {role: api_token(user) for role, user in cast.users.items()}
    promotion = "/api/v1/promotions/{request_id}"

    def move(role: str, action: str, state: str, stage: str, reason: str | None = None) -> dict:
        moved = api("post", promotion + "/transitions", token[role], 200, request_id=draft["id"],
                    json={"action": action, "reason": reason})
        assert (moved["state"], moved["stage"]) == (state, stage), (role, action)
        return moved

    # The employer nominates its Senior Worker for Technician, with evidence.
    draft = api("post", "/api/v1/promotions", token["nominator"], 201, json={
        "worker_id": cast.worker.id, "occupation_code": LATHE, "kind": "exceptional", "target_level": "technician",
        "grounds": ["patent", "apprentices_trained"], "statement": "主持数控车床夹具改进，获实用新型专利两项。"})
    assert (draft["state"], draft["current_level"]["code"], draft["target_level"]["code"]) == (
        "draft", "senior", "technician")
    api("post", "/api/v1/promotions/{request_id}/transitions", token["nominator"], 422, request_id=draft["id"],
        json={"action": "submit"})  # no evidence yet: the grounds must be shown, not only said
    upload = api("post", promotion + "/evidence", token["nominator"], 201, request_id=draft["id"],
                 data={"file": (io.BytesIO(png_bytes()), "专利证书.png")})
    assert upload["content_type"] == "image/png"

    # The city takes it up, returns it for more, and forwards it; the province approves.
    move("nominator", "submit", "submitted", "city")
    move("city_officer", "review", "under_review", "city")
    move("city_officer", "return", "returned", "city", reason="请补充带徒名单")
    api("post", promotion + "/evidence", token["nominator"], 201, request_id=draft["id"],
        data={"file": (io.BytesIO(png_bytes(color=(0, 90, 200))), "带徒名单.png")})
    move("nominator", "resubmit", "submitted", "city")
    api("post", promotion + "/transitions", token["ministry"], 403, request_id=draft["id"],
        json={"action": "approve", "reason": "同意"})  # the ministry observes
    move("city_officer", "approve", "submitted", "province", reason="材料齐全，报省审批")
    move("province_officer", "review", "under_review", "province")
    approved = move("province_officer", "approve", "approved", "province", reason="同意破格")
    valid_until = approved["approval_valid_until"]
    assert valid_until > today.isoformat()
    seen = api("get", promotion, token["worker"], 200, request_id=draft["id"])
    assert [d["action"] for d in seen["decisions"]] == [
        "nominated", "submitted", "reviewed", "returned", "resubmitted", "forwarded", "reviewed", "approved"]

    # The approval opened a qualified application on the exceptional route at the appraising institution.
    clerk = token["nominator"]  # the employer is accredited for Technician: it appraises
    listed = api("get", "/api/v1/applications", clerk, 200, query={"state": "approved"})
    assert listed["total"] == 1
    application = listed["items"][0]
    assert (application["route"], application["promotion_request_id"], application["level"]["code"],
            application["institution"]["id"]) == ("exceptional", draft["id"], "technician", cast.employer.id)
    assert application["verdict"]["en"] == f"exceptional approval, valid until {valid_until}"
    assert application["clause"] is None  # the approval stands in for the conditions

    session = api("post", "/api/v1/sessions", clerk, 201, json={
        "occupation_code": LATHE, "levels": ["technician"], "held_on": today.isoformat(), "site": "精工实训车间",
        "capacity": 5})
    seated = api("post", "/api/v1/applications/{application_id}/seat", clerk, 200,
                 application_id=application["id"], json={"session_id": session["id"]})
    assert seated["state"] == "seated"
    result = api("post", "/api/v1/sessions/{session_id}/results", clerk, 201, session_id=session["id"],
                 json={"application_id": application["id"], "theory": 82, "practical": 88, "review": 75})
    assert (result["outcome"], result["clause"]) == ("passed", None)
    number = result["certificate_number"]
    assert certificate_fields(number) == ("skill_level22", 2, today.year)  # level digit 2: 技师

    certificate = api("get", "/api/v1/certificates/{number}", token["province_officer"], 200, number=number)
    assert (certificate["route"], certificate["level"]["code"], certificate["institution"]["id"],
            certificate["issued_on"]) == ("exceptional", "technician", cast.employer.id, today.isoformat())
    mine = api("get", "/api/v1/certificates", token["worker"], 200)["items"]
    assert [(c["number"], c["route"]) for c in mine if c["level"]["code"] == "technician"] == [(number,
                                                                                              "exceptional")]
    assert api("get", "/api/v1/applications/{application_id}", clerk, 200,
               application_id=application["id"])["state"] == "passed"


# ---------------------------------------------------------------- (c) the competition road


def rule_body() -> dict:
    """Suzhou's notice: 1st → Technician (and a title); 2nd-5th one level up, at most Technician; 6th and
    below → Intermediate Worker."""
    return {"name_zh": "苏州市职业技能竞赛奖励办法", "name_en": "Suzhou skills competition rewards",
            "document_number": "苏人社发〔2024〕12号", "issued_on": "2024-03-01", "valid_from": "2024-01-01",
            "tiers": ["city", "enterprise"], "max_promotions_per_year": 1,
            "rewards": [{"rank_from": 1, "rank_to": 1, "effect": "set_or_up:technician",
                         "titles": [{"zh": "苏州市技术能手", "en": "Suzhou Technical Expert"}]},
                        {"rank_from": 2, "rank_to": 5, "effect": "up:1 cap:technician"},
                        {"rank_from": 6, "effect": "set:intermediate"}]}


def test_the_competition_road_from_an_enterprise_contest_to_certificates(api, world, api_token, vault):
    token = {name: api_token(world[name]) for name in ("staff", "city", "province", "worker")}
    senior, junior, newcomer = (world.workers[k] for k in ("senior", "junior", "none"))
    contest = "/api/v1/competitions/{competition_id}"

    # The enterprise registers its contest and applies for the plan; the city includes it.
    created = api("post", "/api/v1/competitions", token["staff"], 201, json={
        "name": "苏州精工杯车工技术比武", "tier": "enterprise", "occupation_code": LATHE, "starts_on": "2024-06-01",
        "ends_on": "2024-06-02", "organizer": "苏州精工机械有限公司"})
    assert (created["plan_state"], created["city_code"]) == ("not_applied", "3205")
    ids = {"competition_id": created["id"]}
    assert api("post", contest + "/plan", token["staff"], 200, json={"action": "apply"}, **ids)[
        "plan_state"] == "applied"
    api("post", contest + "/plan", token["city"], 422, json={"action": "include"}, **ids)  # a reason is required
    included = api("post", contest + "/plan", token["city"], 200,
                   json={"action": "include", "reason": "符合企业竞赛纳入条件"}, **ids)
    assert (included["plan_state"], included["plan_reason"]) == ("included", "符合企业竞赛纳入条件")

    # The enterprise enters its ranks: the contest counts, but no rule of Suzhou judges it yet.
    ranks = {senior: 1, junior: 3, newcomer: 7}
    for worker, rank in ranks.items():
        entered = api("post", contest + "/results", token["staff"], 201,
                      json={"national_id": vault.reveal(worker.id_ciphertext), "rank": rank}, **ids)
        assert (entered["outcome"], entered["proposal"]) == ("no_rule", None)

    # The city drafts its reward rule, previews what it would give, then enters it.
    preview = api("post", "/api/v1/competition-rules/preview", token["city"], 200, json=rule_body())
    assert (preview["competitions"], preview["results"], preview["proposed"]) == (1, 3, 3)
    expected = {senior.id: "technician", junior.id: "intermediate", newcomer.id: "intermediate"}
    assert {r["worker_id"]: (r["outcome"], r["target_level"]["code"], r["current_outcome"], r["applies"])
            for r in preview["rows"]} == {w: ("proposed", level, "no_rule", True) for w, level in expected.items()}
    rule = api("post", "/api/v1/competition-rules", token["city"], 201, json=rule_body())
    assert (rule["city_code"], rule["policy_id"], rule["in_use"]) == ("3205", f"rule-{rule['id']}", False)

    # Judged again under the rule: each rank proposes its level.
    judged = api("post", contest + "/reevaluation", token["city"], 200, json={}, **ids)
    by_worker = {r["worker_id"]: r for r in judged["results"]}
    assert {w: (r["outcome"], r["rule_id"]) for w, r in by_worker.items()} == {
        w: ("proposed", rule["id"]) for w in expected}
    assert by_worker[senior.id]["titles"] == [{"zh": "苏州市技术能手", "en": "Suzhou Technical Expert"}]
    proposals = {p["worker_id"]: p for p in api("get", "/api/v1/competitions/promotions", token["city"], 200,
                                                query={"state": "proposed"})["items"]}
    assert {w: p["target_level"]["code"] for w, p in proposals.items()} == expected
    assert proposals[senior.id]["rule"]["en"].startswith("place 1: promoted to Technician")

    # The city confirms the levels below Technician; Technician is the province's (经核准后由省级晋升).
    decide = "/api/v1/competitions/promotions/{proposal_id}/transitions"
    confirm = {"action": "confirm", "issuer_id": world.school.id}
    numbers = {}
    for worker, officer in ((junior, "city"), (newcomer, "city"), (senior, "province")):
        if officer == "province":
            api("post", decide, token["city"], 403, json=confirm, proposal_id=proposals[worker.id]["id"])
        confirmed = api("post", decide, token[officer], 200, json=confirm, proposal_id=proposals[worker.id]["id"])
        assert confirmed["state"] == "confirmed" and confirmed["decided_at"]
        numbers[worker.id] = confirmed["certificate_number"]
    api("post", decide, token["province"], 409, json={"action": "reject", "reason": "迟到的驳回"},
        proposal_id=proposals[senior.id]["id"])

    today = china_today()
    for worker_id, level in expected.items():
        certificate = api("get", "/api/v1/certificates/{number}", token["province"], 200, number=numbers[worker_id])
        assert (certificate["route"], certificate["level"]["code"], certificate["institution"]["id"],
                certificate["issued_on"], certificate["worker"]["id"]) == (
            "competition", level, world.school.id, today.isoformat(), worker_id)
    assert certificate_fields(numbers[senior.id]) == ("skill_level22", 2, today.year)
    assert certificate_fields(numbers[junior.id]) == ("skill_level22", 4, today.year)
    assert api("get", "/api/v1/competition-rules/{rule_id}", token["city"], 200, rule_id=rule["id"])[
        "proposals"] == 3

    # The junior worker, with her own token, sees her confirmed promotion and its certificate.
    assert [(p["state"], p["certificate_number"]) for p in api(
        "get", "/api/v1/competitions/promotions", token["worker"], 200)["items"]] == [
        ("confirmed", numbers[junior.id])]
    mine = {c["number"]: c for c in api("get", "/api/v1/certificates", token["worker"], 200)["items"]}
    assert (mine[numbers[junior.id]]["route"], mine[numbers[junior.id]]["level"]["code"]) == (
        "competition", "intermediate")
    assert len(mine) == 2  # and the Junior Worker certificate she held before

