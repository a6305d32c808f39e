"""Competition pages: registering, the plan decision, entering and importing results, confirming a proposal
through its page, the WorldSkills pool, honours and allowances."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from credentials.models import Certificate, Competition, CompetitionPromotion, Honour
from tests.credentials.test_import_budget import declared_huge_xlsx
from tests.web.html import field_error


@pytest.fixture
def setting(app, login, make_user, make_institution, make_worker, make_certificate):
    school = make_institution("苏州技师学院")
    young = make_worker("周杰", birth=date(2007, 5, 9), employer=school)
    make_certificate(young, school, level="senior", issued_on=date(2025, 1, 1))
    ministry, province = make_user("bureau_officer", scope="ministry"), make_user("bureau_officer", scope="province",
                                                                                 region="32")
    clients = {}
    for name, user in (("ministry", ministry), ("province", province),
                       ("city", make_user("bureau_officer", scope="city", region="3205"))):
        clients[name] = app.test_client()
        login(clients[name], user)
    return {"school": school, "young": young, "clients": clients}


def register(client, **changes):
    data = {"name": "第三届全国技能大赛", "tier": "national_skills", "occupation_code": "6-18-01-01",
            "starts_on": "2025-09-01", "ends_on": "2025-09-05", "organizer": "人力资源社会保障部", "city_code": "",
            "paper_level": "", "entrants": ""}
    data.update(changes)
    return client.post("/bureau/competitions", data=data)


def test_a_competition_is_registered_and_listed(setting):
    client = setting["clients"]["ministry"]

    response = register(client)

    competition = db.session.scalar(select(Competition))
    assert response.headers["Location"] == f"/bureau/competitions/{competition.id}"
    assert "第三届全国技能大赛" in client.get("/bureau/competitions").text
    rows = list(load_workbook(BytesIO(client.get("/bureau/competitions.xlsx").data)).active.values)
    assert rows[1][1] == "第三届全国技能大赛" and rows[1][7] == "政府竞赛"


def test_a_registration_error_stays_beside_its_field(setting):
    response = register(setting["clients"]["ministry"], ends_on="2025-08-01")

    assert response.status_code == 422
    assert re.search(r'id="ends_on-error">结束日期早于开始日期', response.text)


def test_a_result_entered_on_the_page_proposes_and_the_province_confirms_on_its_page(setting, vault):
    ministry, province = setting["clients"]["ministry"], setting["clients"]["province"]
    register(ministry)
    competition = db.session.scalar(select(Competition))
    national_id = vault.reveal(setting["young"].id_ciphertext)

    response = ministry.post(f"/bureau/competitions/{competition.id}/results",
                             data={"national_id": national_id, "rank": "2", "medal": "silver", "team_size": "1"})
    assert response.status_code == 302
    proposal = db.session.scalar(select(CompetitionPromotion))
    assert proposal.target_level == "technician"

    queue = province.get("/bureau/queue").text
    assert f'data-kind="competition" data-id="{proposal.id}"' in queue
    page = province.get(f"/bureau/proposals/{proposal.id}").text
    assert "苏州技师学院" in page and "优胜奖及以上选手直接晋升技师" in page
    response = province.post(f"/bureau/proposals/{proposal.id}/decision", data={
        "action": "confirm", "issuer_id": setting["school"].id, "confirmed": "y", "version": proposal.version})
    assert response.status_code == 302
    certificate = db.session.scalar(select(Certificate).where(Certificate.competition_promotion_id == proposal.id))
    assert certificate.route.value == "competition" and certificate.level == "technician"


def test_an_import_with_errors_shows_the_row_report_and_writes_nothing(setting, vault):
    ministry = setting["clients"]["ministry"]
    register(ministry)
    competition = db.session.scalar(select(Competition))
    content = f"身份证号,名次,奖项\n{vault.reveal(setting['young'].id_ciphertext)},1,金牌\n110101199001011234,2,\n"

    response = ministry.post(f"/bureau/competitions/{competition.id}/import", content_type="multipart/form-data",
                             data={"file": (BytesIO(content.encode("utf-8-sig")), "results.csv")})

    assert response.status_code == 422 and 'id="import-errors"' in response.text
    assert "登记簿中（或本单位的劳动者中）没有该身份证号" in response.text and "110101********1234" in response.text
    assert db.session.scalar(select(Competition)).results == []


def test_a_results_file_too_costly_to_read_is_refused_beside_the_file_field_and_the_page_lives(app, setting):
    """The bureau's results workbook is read in a child process within the import budget, like the institutions'.
    150,000 rows: a file under 500 kB, which the test client keeps in memory (a bigger body is spooled to a file)."""
    ministry = setting["clients"]["ministry"]
    register(ministry)
    competition = db.session.scalar(select(Competition))
    usual, app.config["IMPORT_PARSE_CPU_SECONDS"] = app.config["IMPORT_PARSE_CPU_SECONDS"], 1
    try:
        response = ministry.post(f"/bureau/competitions/{competition.id}/import", content_type="multipart/form-data",
                                 data={"file": (BytesIO(declared_huge_xlsx(150_000)), "results.xlsx")})
    finally:
        app.config["IMPORT_PARSE_CPU_SECONDS"] = usual
    assert response.status_code == 422
    assert "1 秒" in field_error(response.text, "file")
    assert db.session.scalar(select(Competition)).results == []


def test_enterprise_contest_applies_and_the_city_includes_it(app, login, setting, make_user):
    staff_user = make_user("institution_staff")
    staff = app.test_client()
    login(staff, staff_user)
    staff.post("/institution/competitions", data={
        "name": "精工杯车工比武", "tier": "enterprise", "occupation_code": "6-18-01-01", "starts_on": "2025-05-01",
        "ends_on": "2025-05-02", "organizer": "苏州精工", "paper_level": "", "entrants": "40"})
    competition = db.session.scalar(select(Competition))
    assert competition.plan_state.value == "not_applied"
    staff.post(f"/institution/competitions/{competition.id}/apply")

    city = setting["clients"]["city"]
    page = city.get(f"/bureau/competitions/{competition.id}").text
    assert 'id="plan"' in page
    city.post(f"/bureau/competitions/{competition.id}/plan", data={"decision": "include", "reason": "赛制规范"})
    db.session.expire_all()
    assert db.session.get(Competition, competition.id).plan_state.value == "included"
    assert "已纳入政府竞赛计划" in staff.get("/institution/competitions").text
    assert "竞赛已纳入政府竞赛计划" in staff.get("/institution/inbox").text


def test_the_worldskills_pool_lists_young_strong_results_and_exports(setting, vault):
    ministry = setting["clients"]["ministry"]
    register(ministry)
    competition = db.session.scalar(select(Competition))
    ministry.post(f"/bureau/competitions/{competition.id}/results",
                  data={"national_id": vault.reveal(setting["young"].id_ciphertext), "rank": "5", "team_size": "1"})

    html = setting["clients"]["city"].get("/bureau/worldskills").text

    assert "第49届世界技能大赛" in html and "周杰" in html
    rows = list(load_workbook(BytesIO(setting["clients"]["city"].get("/bureau/worldskills.xlsx").data)).active.values)
    assert rows[1][0] == "周杰" and "*" in rows[1][1]


def test_honours_and_allowances_are_recorded_on_the_workers_page(setting):
    city = setting["clients"]["city"]
    worker = setting["young"]

    city.post(f"/bureau/workers/{worker.id}/recognition", data={
        "which": "honour", "honour-title": "city_technical_expert", "honour-year": "2025",
        "honour-awarding_body": "苏州市人民政府"})
    response = city.post(f"/bureau/workers/{worker.id}/recognition", data={
        "which": "allowance", "allowance-kind": "skill_post", "allowance-amount": "-1",
        "allowance-period": "monthly", "allowance-payer": "苏州技师学院", "allowance-starts_on": "2025-01-01"})

    assert db.session.scalar(select(Honour)).awarding_body == "苏州市人民政府"
    assert response.status_code == 422 and 'id="allowance-amount-error"' in response.text
    assert "市级技术能手" in city.get(f"/bureau/workers/{worker.id}/recognition").text


def test_a_competitions_results_export_lists_what_each_result_led_to(setting, vault):
    ministry = setting["clients"]["ministry"]
    register(ministry)
    competition = db.session.scalar(select(Competition))
    ministry.post(f"/bureau/competitions/{competition.id}/results",
                  data={"national_id": vault.reveal(setting["young"].id_ciphertext), "medal": "gold", "team_size": "1"})

    response = ministry.get(f"/bureau/competitions/{competition.id}/results.xlsx")

    rows = list(load_workbook(BytesIO(response.data)).active.values)
    assert rows[0] == ("名次", "奖项", "姓名", "身份证号", "结果", "晋升等级", "状态")
    assert rows[1][1:] == ("金牌", "周杰", setting["young"].id_masked, "已生成晋升建议", "技师（二级）", "待确认")
