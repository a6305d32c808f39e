"""The bureau's reward-rule pages: preview then save, refusals beside their fields (typed values kept), a new
version for a used rule, judging a competition again, who sees and edits what, and plan applications in the
work queue."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from credentials.models import CompetitionPromotion, CompetitionRule, ResultOutcome
from credentials.services.competitions import apply_for_plan, record_result


@pytest.fixture
def pages(app, login, world):
    clients = {}
    for name in ("city", "city2", "other_city", "province", "ministry"):
        clients[name] = app.test_client()
        login(clients[name], world[name])
    return clients


def rule_form(**changes) -> dict:
    data = {"name_zh": "苏州市职业技能竞赛奖励办法", "name_en": "", "document_number": "苏人社发〔2024〕12号",
            "issued_on": "2024-03-01", "valid_from": "2024-01-01", "valid_to": "", "tiers": ["city", "enterprise"],
            "max_promotions_per_year": "1", "action": "save",
            "rewards-0-rank_from": "1", "rewards-0-rank_to": "1", "rewards-0-effect_kind": "set_or_up",
            "rewards-0-level": "technician", "rewards-0-titles": "苏州市技术能手 | Suzhou Technical Expert",
            "rewards-1-rank_from": "2", "rewards-1-rank_to": "5", "rewards-1-effect_kind": "up",
            "rewards-1-level": "technician", "rewards-1-steps": "1",
            "rewards-2-rank_from": "6", "rewards-2-effect_kind": "set", "rewards-2-level": "intermediate"}
    data.update(changes)
    return data


def test_an_officer_previews_the_rule_on_entered_results_then_saves_it(pages, world):
    contest = world.contest()
    result = record_result(db.session(), contest, worker=world.workers["senior"], rank=1, by=world["city"])
    db.session.commit()
    city = pages["city"]

    preview = city.post("/bureau/competition-rules/new", data=rule_form(action="preview"))

    assert preview.status_code == 200 and 'id="preview"' in preview.text
    assert f'data-result="{result.id}" data-outcome="proposed" data-target="technician"' in preview.text
    assert "生成晋升建议 1 条" in preview.text and "苏州市技术能手" in preview.text
    assert 'value="苏人社发〔2024〕12号"' in preview.text  # what was typed stays
    # the answer on the first screen: the preview above the long form, saved from where it is read
    assert preview.text.index('id="preview"') < preview.text.index('id="rule-form"')
    assert 'form="rule-form" name="action" value="save"' in preview.text
    assert db.session.scalar(select(func.count()).select_from(CompetitionRule)) == 0

    saved = city.post("/bureau/competition-rules/new", data=rule_form())

    rule = db.session.scalar(select(CompetitionRule))
    assert saved.headers["Location"] == f"/bureau/competition-rules/{rule.id}"
    page = city.get(saved.headers["Location"]).text
    assert "第 1 名：晋升技师（二级），已是技师（二级）及以上的晋升一个等级；授予苏州市技术能手" in page
    assert "第 6 名及以后：晋升中级工（四级）" in page and "苏人社发〔2024〕12号" in page
    assert f'data-rule="{rule.id}"' in city.get("/bureau/competition-rules").text
    rows = list(load_workbook(BytesIO(city.get("/bureau/competition-rules.xlsx").data)).active.values)
    assert rows[1][1:4] == ("苏州市职业技能竞赛奖励办法", 1, "苏人社发〔2024〕12号")


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"rewards-1-rank_from": "1"}, "rewards-1-rank_from", "与第 1 行的名次范围重叠"),
    ({"rewards-1-rank_to": "1"}, "rewards-1-rank_to", "末名次不能小于起始名次"),
    ({"rewards-2-rank_from": ""}, "rewards-2-rank_from", "每行须填名次范围或奖项"),
    ({"rewards-1-rank_from": "", "rewards-1-rank_to": "", "rewards-1-effect_kind": "", "rewards-1-level": "",
      "rewards-1-steps": "", "rewards-3-rank_from": "9", "rewards-3-rank_to": "8",
      "rewards-3-effect_kind": "up", "rewards-3-steps": "1"}, "rewards-3-rank_to", "末名次不能小于起始名次"),
    ({"rewards-0-level": ""}, "rewards-0-level", "请选择晋升至的等级"),
    ({"rewards-1-steps": ""}, "rewards-1-steps", "请填写晋升等级数"),
    ({"rewards-2-effect_kind": "", "rewards-2-level": ""}, "rewards-2-effect_kind", "每行须给出晋升方式或荣誉称号"),
    ({"valid_to": "2023-12-31"}, "valid_to", "结束日期不能早于开始日期"),
    ({"issued_on": "2099-01-01"}, "issued_on", "日期不能晚于今天"),
    ({"tiers": ["provincial_class_1"]}, "tiers", ""),  # not offered to a city
    ({"document_number": ""}, "document_number", ""),
])
def test_a_refusal_stands_beside_the_field_that_caused_it(pages, changes, field, message):
    response = pages["city"].post("/bureau/competition-rules/new", data=rule_form(**changes))

    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">[^<]*{message}', response.text), response.text[-3000:]
    assert 'value="苏州市职业技能竞赛奖励办法"' in response.text
    assert db.session.scalar(select(func.count()).select_from(CompetitionRule)) == 0


def test_a_used_rule_is_revised_into_a_new_version_and_the_old_one_says_so(pages, world):
    rule = world.rule()
    record_result(db.session(), world.contest(), worker=world.workers["junior"], rank=3, by=world["city"])
    db.session.commit()
    city = pages["city2"]

    form = city.get(f"/bureau/competition-rules/{rule.id}/edit").text
    assert 'value="苏人社发〔2024〕12号"' in form and "保存后生成第 2 版" in form
    assert re.search(r'<option selected value="up">|<option value="up" selected>', form)
    response = city.post(f"/bureau/competition-rules/{rule.id}/edit",
                         data=rule_form(document_number="苏人社发〔2024〕20号"))

    newer = db.session.scalar(select(CompetitionRule).where(CompetitionRule.replaces_id == rule.id))
    assert response.headers["Location"] == f"/bureau/competition-rules/{newer.id}"
    assert "已保存为第 2 版" in city.get(response.headers["Location"]).text
    old = city.get(f"/bureau/competition-rules/{rule.id}").text
    assert 'id="superseded"' in old and "钱初级" in old  # still explains the proposal made under it
    assert city.get(f"/bureau/competition-rules/{rule.id}/edit").status_code == 302


def test_the_competition_page_names_its_rule_and_judges_waiting_results_again(pages, world):
    contest = world.contest()
    waiting = record_result(db.session(), contest, worker=world.workers["senior"], rank=1, by=world["city"])
    db.session.commit()
    city = pages["city"]
    assert "尚无适用的奖励办法" in city.get(f"/bureau/competitions/{contest.id}").text
    rule = world.rule()

    response = city.post(f"/bureau/competitions/{contest.id}/judge-again", data={"rule_id": ""})

    assert response.status_code == 302
    db.session.expire_all()
    assert waiting.outcome is ResultOutcome.PROPOSED and waiting.proposal.rule_id == rule.id
    page = city.get(f"/bureau/competitions/{contest.id}").text
    assert f'href="/bureau/competition-rules/{rule.id}"' in page and "已重新评定 1 条成绩，生成 1 条晋升建议" in page
    proposal = city.get(f"/bureau/proposals/{waiting.proposal.id}").text
    assert 'id="proposal-rule"' in proposal and "苏人社发〔2024〕12号" in proposal


def test_a_saved_rule_leads_to_the_competitions_whose_results_wait_for_it(pages, world):
    contest = world.contest()
    record_result(db.session(), contest, worker=world.workers["senior"], rank=1, by=world["city"])
    db.session.commit()
    city = pages["city"]

    saved = city.post("/bureau/competition-rules/new", data=rule_form())

    page = city.get(saved.headers["Location"]).text
    assert 'id="waiting"' in page and f'href="/bureau/competitions/{contest.id}#judge-again"' in page
    assert "1 条成绩待评定" in page and "<dd>苏州市</dd>" in page
    city.post(f"/bureau/competitions/{contest.id}/judge-again", data={"rule_id": ""})
    assert 'id="waiting"' not in city.get(saved.headers["Location"]).text  # nothing left to judge


def test_another_citys_officer_finds_nothing_and_the_ministry_only_reads(pages, world):
    city_rule = world.rule()
    province_rule = world.rule("province", tiers=("provincial_class_1",), name_zh="江苏省竞赛奖励办法")
    contest = world.contest()
    other, ministry, city = pages["other_city"], pages["ministry"], pages["city"]

    for url in (f"/bureau/competition-rules/{city_rule.id}", f"/bureau/competition-rules/{city_rule.id}/edit",
                f"/bureau/audit/competition_rule/{city_rule.id}"):
        assert other.get(url).status_code == 404
    assert other.post(f"/bureau/competition-rules/{city_rule.id}/edit", data=rule_form()).status_code == 404
    assert other.post(f"/bureau/competitions/{contest.id}/judge-again", data={"rule_id": ""}).status_code == 404
    assert "苏州市职业技能竞赛奖励办法" not in other.get("/bureau/competition-rules").text

    assert city.get(f"/bureau/competition-rules/{province_rule.id}").status_code == 200
    assert city.get(f"/bureau/competition-rules/{province_rule.id}/edit").status_code == 403
    assert city.get(f"/bureau/audit/competition_rule/{city_rule.id}").status_code == 200

    assert ministry.get(f"/bureau/competition-rules/{city_rule.id}").status_code == 200
    assert "录入奖励办法" not in ministry.get("/bureau/competition-rules").text
    assert ministry.get("/bureau/competition-rules/new").status_code == 403
    assert ministry.post("/bureau/competition-rules/new", data=rule_form()).status_code == 403
    assert ministry.get(f"/bureau/competition-rules/{city_rule.id}/edit").status_code == 403
    assert 'id="judge-again"' not in ministry.get(f"/bureau/competitions/{contest.id}").text
    assert ministry.post(f"/bureau/competitions/{contest.id}/judge-again", data={"rule_id": ""}).status_code == 403


def test_a_plan_application_waits_in_the_city_queue_on_the_home_page_and_in_the_export(pages, world):
    contest = world.contest("staff", tier="enterprise", name="精工杯车工比武", ends_on=date(2024, 6, 1))
    apply_for_plan(db.session(), contest, by=world["staff"])
    db.session.commit()
    city = pages["city"]

    queue = city.get("/bureau/queue").text
    assert f'data-kind="plan" data-id="{contest.id}"' in queue and "精工杯车工比武" in queue
    assert f'href="/bureau/competitions/{contest.id}#plan"' in queue
    assert "纳入竞赛计划申请 · 精工杯车工比武" in city.get("/bureau/").text
    assert 'data-kind="plan" data-id' not in pages["other_city"].get("/bureau/queue").text
    rows = list(load_workbook(BytesIO(city.get("/bureau/queue.xlsx?kind=plan").data)).active.values)
    assert rows[1][:3] == ("纳入竞赛计划申请", contest.id, "精工杯车工比武")
    assert "竞赛申请纳入政府竞赛计划" in city.get("/bureau/inbox").text
    assert db.session.scalar(select(func.count()).select_from(CompetitionPromotion)) == 0


def test_the_rule_pages_read_in_english(pages, world):
    rule = world.rule()
    city = pages["city"]

    form = city.get("/bureau/competition-rules/new?lang=en").text
    page = city.get(f"/bureau/competition-rules/{rule.id}?lang=en").text

    assert "Enter the notice row by row" in form and "Promote to the chosen level (one level up if already there)" in form
    assert "place 1: promoted to Technician (Level 2) (one level up if already there or above); awarded " \
           "Suzhou Technical Expert" in page
    assert "Competition tiers covered" in page and "version 1" in page
