"""The whole journey through the pages (Flask test client): an enterprise registers its contest and applies
for the government plan; the city officer finds it in the queue and the inbox and includes it; a first rank
entered waits for a rule; the officer enters the city's reward rule with a preview, saves it and judges the
waiting rank again; more ranks give proposals at once; the city and the province confirm; certificates are
issued and the workers see them."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from credentials.models import Certificate, Competition, CompetitionPromotion, CompetitionResult, ResultOutcome


def test_an_enterprise_contest_goes_from_registration_to_certificates(app, login, world, vault):
    clients = {}
    for name in ("staff", "city", "city2", "province", "worker"):
        clients[name] = app.test_client()
        login(clients[name], world[name])
    staff, city, city2, province, worker = (clients[n] for n in ("staff", "city", "city2", "province", "worker"))
    national_id = {name: vault.reveal(w.id_ciphertext) for name, w in world.workers.items()}

    # the enterprise registers its contest and applies for the plan
    staff.post("/institution/competitions", data={
        "name": "精工杯车工技术比武", "tier": "enterprise", "occupation_code": "6-18-01-01", "starts_on": "2024-05-20",
        "ends_on": "2024-05-21", "organizer": "苏州精工机械有限公司", "paper_level": "", "entrants": "40"})
    contest = db.session.scalar(select(Competition))
    assert staff.post(f"/institution/competitions/{contest.id}/apply").status_code == 302

    # the city officer sees it waiting, and is told
    assert f'data-kind="plan" data-id="{contest.id}"' in city.get("/bureau/queue").text
    assert "苏州精工机械有限公司申请将“精工杯车工技术比武”" in city.get("/bureau/inbox").text
    page = city.get(f"/bureau/competitions/{contest.id}").text
    assert 'id="plan"' in page
    city.post(f"/bureau/competitions/{contest.id}/plan", data={"decision": "include", "reason": "赛制规范，评分公开"})
    assert f'data-id="{contest.id}"' not in city.get("/bureau/queue").text
    assert "竞赛已纳入政府竞赛计划" in staff.get("/institution/inbox").text

    # a rank entered now finds no rule: Suzhou has none yet
    entered = staff.post(f"/institution/competitions/{contest.id}/results", follow_redirects=True,
                         data={"national_id": national_id["junior"], "rank": "3", "medal": "", "team_size": "1"})
    assert "已登记成绩：无适用的奖励办法" in entered.text  # the enterprise is told what its rank led to
    waiting = db.session.scalar(select(CompetitionResult))
    assert waiting.outcome is ResultOutcome.NO_RULE
    assert "尚无适用的奖励办法" in city.get(f"/bureau/competitions/{contest.id}").text

    # the officer enters the rule of the city's notice, previews it on that rank, and saves it
    rule = {"name_zh": "苏州市企业技术比武奖励办法", "name_en": "", "document_number": "苏人社发〔2024〕12号",
            "issued_on": "2024-03-01", "valid_from": "2024-01-01", "valid_to": "", "tiers": ["enterprise"],
            "max_promotions_per_year": "1",
            "rewards-0-rank_from": "1", "rewards-0-rank_to": "1", "rewards-0-effect_kind": "set_or_up",
            "rewards-0-level": "technician", "rewards-0-titles": "精工杯技术状元",
            "rewards-1-rank_from": "2", "rewards-1-rank_to": "5", "rewards-1-effect_kind": "up",
            "rewards-1-steps": "1", "rewards-1-level": "technician"}
    preview = city.post("/bureau/competition-rules/new", data={**rule, "action": "preview"}).text
    assert f'data-result="{waiting.id}" data-outcome="proposed" data-target="intermediate"' in preview
    saved = city.post("/bureau/competition-rules/new", data={**rule, "action": "save"})
    assert saved.status_code == 302

    # the waiting rank is judged again; later ranks are judged as they come
    city.post(f"/bureau/competitions/{contest.id}/judge-again", data={"rule_id": ""})
    staff.post(f"/institution/competitions/{contest.id}/results",
               data={"national_id": national_id["senior"], "rank": "1", "medal": "", "team_size": "1"})
    proposals = {p.worker.name: p for p in db.session.scalars(select(CompetitionPromotion))}
    assert {name: p.target_level for name, p in proposals.items()} == {"钱初级": "intermediate", "李高级": "technician"}
    assert {p.rule_id for p in proposals.values()} == {int(saved.headers["Location"].rsplit("/", 1)[1])}

    # the city confirms Intermediate, the province Technician (经核准后由省级人社部门晋升)
    queue = city2.get("/bureau/queue").text
    assert f'data-kind="competition" data-id="{proposals["钱初级"].id}"' in queue
    for client, proposal in ((city2, proposals["钱初级"]), (province, proposals["李高级"])):
        page = client.get(f"/bureau/proposals/{proposal.id}").text
        assert "苏人社发〔2024〕12号" in page
        response = client.post(f"/bureau/proposals/{proposal.id}/decision", data={
            "action": "confirm", "issuer_id": world.school.id, "confirmed": "y", "version": proposal.version})
        assert response.status_code == 302, response.text[-2000:]

    certificates = {c.worker.name: c for c in db.session.scalars(select(Certificate).where(
        Certificate.competition_promotion_id.is_not(None)))}
    assert {n: (c.level, c.route.value) for n, c in certificates.items()} == {
        "钱初级": ("intermediate", "competition"), "李高级": ("technician", "competition")}

    # the worker sees the new certificate and was told
    number = certificates["钱初级"].number
    assert number in worker.get("/worker/").text
    assert worker.get(f"/worker/certificates/{number}").status_code == 200
    inbox = worker.get("/worker/inbox").text
    assert "竞赛晋升已确认" in inbox and re.search(re.escape(number), inbox)
