"""The programmes registry through the pages: the list with its filters and XLSX, a programme's page, registering
one, naming people (the master's level checked, the refusal beside the field), results and funding; what another
region or another tier's bureau gets (404, 403); the worker picker; the worker's home and JSON export."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.extensions import db
from credentials.models import MemberRole, Programme, ProgrammeMember
from credentials.services.programmes import add_programme_member, create_programme
from tests.web.html import field_error, rows, sheet_rows


@pytest.fixture
def suzhou(make_user, make_institution, make_worker, make_certificate):
    school = make_institution("苏州技师学院")
    master = make_worker("李秀英")
    make_certificate(master, school, level="senior_technician", issued_on=date(2020, 12, 1))
    junior = make_worker("周杰")
    make_certificate(junior, school, level="technician", issued_on=date(2022, 1, 1))
    officers = {"city": make_user("bureau_officer", scope="city", region="3205"),
                "wuxi": make_user("bureau_officer", scope="city", region="3202"),
                "province": make_user("bureau_officer", scope="province", region="32"),
                "ministry": make_user("bureau_officer", scope="ministry")}
    session = db.session()
    studio = create_programme(session, kind="masters_studio", name="李秀英技能大师工作室", tier="city",
                              city_code="3205", recognised_on=date(2021, 3, 1), institution=school, by=officers["city"])
    base = create_programme(session, kind="training_base", name="苏州技师学院国家级高技能人才培训示范基地",
                            tier="national", city_code="3205", recognised_on=date(2019, 6, 1), institution=school,
                            by=officers["ministry"])
    wuxi_studio = create_programme(session, kind="masters_studio", name="无锡工作室", tier="city", city_code="3202",
                            recognised_on=date(2022, 1, 1), by=officers["wuxi"])
    db.session.commit()
    return {"school": school, "master": master, "junior": junior, "studio": studio, "base": base, "wuxi_studio": wuxi_studio,
            **officers}


@pytest.fixture
def as_officer(client, login, suzhou):
    def sign_in(who: str):
        login(client, suzhou[who])
        return client
    return sign_in


def page_of(programme) -> str:
    return f"/bureau/programmes/{programme.id}"


# ---- the list --------------------------------------------------------------------------------------------------

def test_the_city_lists_its_programmes_of_every_tier_and_not_another_citys(as_officer):
    html = as_officer("city").get("/bureau/programmes").text
    listed = rows(html, "programmes")
    assert len(listed) == 2
    assert any("李秀英技能大师工作室" in r and "技能大师工作室" in r and "市级" in r for r in listed)
    assert any("培训示范基地" in r and "国家级" in r for r in listed)
    assert "无锡工作室" not in html
    assert 'href="/bureau/programmes"' in html and 'aria-current="page"' in html  # the nav marks the section


def test_the_filters_narrow_the_list_and_the_export_follows_them(as_officer):
    client = as_officer("province")
    assert len(rows(client.get("/bureau/programmes").text, "programmes")) == 3
    assert len(rows(client.get("/bureau/programmes?kind=masters_studio").text, "programmes")) == 2
    assert len(rows(client.get("/bureau/programmes?tier=national").text, "programmes")) == 1
    by_city = client.get("/bureau/programmes?city=无锡").text
    assert [("无锡工作室" in r) for r in rows(by_city, "programmes")] == [True]
    unknown = client.get("/bureau/programmes?city=火星").text
    assert 'id="city-error"' in unknown and len(rows(unknown, "programmes")) == 3

    sheet = sheet_rows(client.get("/bureau/programmes.xlsx?kind=masters_studio"))
    assert sheet[0][:4] == ("编号", "名称", "项目类别", "级别")
    assert sorted(r[1] for r in sheet[1:]) == ["无锡工作室", "李秀英技能大师工作室"]


def test_the_export_names_the_master_and_adds_up_the_funding(as_officer, suzhou):
    client = as_officer("city")
    client.post(page_of(suzhou["studio"]) + "/members", data={
        "worker": f"{suzhou['master'].id} 李秀英", "role": "master", "started_on": "2021-03-01"})
    client.post(page_of(suzhou["studio"]) + "/funding", data={"amount": "200000", "source": "central_finance",
                                                              "granted_on": "2021-06-01"})
    client.post(page_of(suzhou["studio"]) + "/funding", data={"amount": "50000.5", "source": "city_finance",
                                                              "granted_on": "2022-06-01"})
    sheet = sheet_rows(client.get("/bureau/programmes.xlsx?kind=masters_studio"))
    header, [row] = sheet[0], sheet[1:]
    record = dict(zip(header, row, strict=True))
    assert record["领办大师"] == "李秀英" and record["人数"] == 1 and float(record["资金合计（元）"]) == 250000.5


# ---- a programme's page and who may write ------------------------------------------------------------------------

def test_another_regions_programme_is_not_found(as_officer, suzhou):
    client = as_officer("city")
    assert client.get(page_of(suzhou["wuxi_studio"])).status_code == 404
    assert client.post(page_of(suzhou["wuxi_studio"]) + "/funding", data={"amount": "1", "source": "other",
                                                                    "granted_on": "2023-06-01"}).status_code == 404
    assert client.get(page_of(suzhou["wuxi_studio"]) + "/members.xlsx").status_code == 404
    assert client.get("/bureau/programmes/999999999999999999999").status_code in (400, 404)  # never a 500


def test_an_officer_of_another_tier_sees_the_programme_but_may_not_write(as_officer, suzhou):
    client = as_officer("province")
    html = client.get(page_of(suzhou["studio"])).text
    assert "李秀英技能大师工作室" in html and 'id="member-form"' not in html and 'id="edit-programme"' not in html
    assert "由市级人社部门登记和维护" in html
    data = {"worker": f"{suzhou['junior'].id} 周杰", "role": "apprentice", "started_on": "2022-03-01"}
    assert client.post(page_of(suzhou["studio"]) + "/members", data=data).status_code == 403
    assert client.get(page_of(suzhou["studio"]) + "/edit").status_code == 403
    assert db.session.query(ProgrammeMember).count() == 0


def test_the_keeper_names_a_master_and_an_apprentice(as_officer, suzhou):
    client = as_officer("city")
    url = page_of(suzhou["studio"])
    assert client.post(url + "/members", data={"worker": f"{suzhou['master'].id} 李秀英", "role": "master",
                                               "started_on": "2021-03-01"}).status_code == 302
    assert client.post(url + "/members", data={"worker": "周杰", "role": "apprentice",  # a name only one worker has
                                               "started_on": "2022-03-01"}).status_code == 302
    html = client.get(url).text
    members = rows(html, "programme-members")
    assert len(members) == 2 and "领办大师" in members[0] and "徒弟" in members[1]
    assert '<dd id="master">李秀英' in html
    sheet = sheet_rows(client.get(url + "/members.xlsx"))
    assert [r[0] for r in sheet[1:]] == ["李秀英", "周杰"] and sheet[1][1] == suzhou["master"].id_masked


def test_a_master_below_senior_technician_is_refused_beside_the_worker_field(as_officer, suzhou):
    response = as_officer("city").post(page_of(suzhou["studio"]) + "/members", data={
        "worker": f"{suzhou['junior'].id} 周杰", "role": "master", "started_on": "2022-03-01"})
    assert response.status_code == 422
    error = field_error(response.text, "worker")
    assert "领办大师须在 2022-03-01 持有高级技师" in error and "当日最高为技师" in error
    assert 'value="{} 周杰"'.format(suzhou["junior"].id) in response.text  # what was typed stays
    assert db.session.query(ProgrammeMember).count() == 0


def test_an_unknown_worker_and_a_typed_id_number_are_resolved_in_scope(as_officer, suzhou, vault, make_worker):
    client = as_officer("city")
    url = page_of(suzhou["studio"]) + "/members"
    response = client.post(url, data={"worker": "查无此人", "role": "apprentice", "started_on": "2022-03-01"})
    assert response.status_code == 422 and "未找到该劳动者" in field_error(response.text, "worker")
    outsider = make_worker("钱无锡", city_code="3202", area="320205")
    number = vault.reveal(outsider.id_ciphertext)
    response = client.post(url, data={"worker": number, "role": "apprentice", "started_on": "2022-03-01"})
    assert response.status_code == 422 and "未找到该劳动者" in field_error(response.text, "worker")
    own = vault.reveal(suzhou["junior"].id_ciphertext)
    assert client.post(url, data={"worker": own, "role": "apprentice", "started_on": "2022-03-01"}).status_code == 302


def test_ending_and_removing_a_member(as_officer, suzhou):
    member = add_programme_member(db.session(), suzhou["studio"], worker=suzhou["junior"], role=MemberRole.APPRENTICE,
                                  started_on=date(2022, 3, 1), by=suzhou["city"])
    db.session.commit()
    client, url = as_officer("city"), page_of(suzhou["studio"]) + f"/members/{member.id}"
    refused = client.post(url + "/end", data={f"end{member.id}-ended_on": "2021-01-01"})
    assert refused.status_code == 422 and "结束日期不能早于开始日期" in refused.text
    assert client.post(url + "/end", data={f"end{member.id}-ended_on": "2024-06-30"}).status_code == 302
    assert "2022-03-01 – 2024-06-30" in rows(client.get(page_of(suzhou["studio"])).text, "programme-members")[0]
    client.post(url + "/remove", data={})  # without the confirmation nothing goes
    assert db.session.get(ProgrammeMember, member.id) is not None
    assert client.post(url + "/remove", data={f"remove{member.id}-confirmed": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ProgrammeMember, member.id) is None
    assert client.post(page_of(suzhou["studio"]) + "/members/999/end",
                       data={"end999-ended_on": "2024-06-30"}).status_code == 404


def test_results_and_funding_are_recorded_and_refusals_land_on_their_fields(as_officer, suzhou):
    client, url = as_officer("city"), page_of(suzhou["studio"])
    assert client.post(url + "/results", data={"kind": "patent", "achieved_on": "2023-04-01",
                                               "summary": "薄壁件车削夹具（实用新型专利）"}).status_code == 302
    early = client.post(url + "/results", data={"kind": "patent", "achieved_on": "2020-01-01", "summary": "x"})
    assert early.status_code == 422 and "早于项目认定日期" in field_error(early.text, "achieved_on")
    costly = client.post(url + "/funding", data={"amount": "0", "source": "city_finance", "granted_on": "2022-06-01"})
    assert costly.status_code == 422 and field_error(costly.text, "amount")
    assert client.post(url + "/funding", data={"amount": "100000", "source": "city_finance",
                                               "granted_on": "2022-06-01"}).status_code == 302
    html = client.get(url).text
    assert "薄壁件车削夹具" in html and "100,000.00" in rows(html, "programme-funding")[0]


def test_the_ministry_keeps_its_national_base(as_officer, suzhou):
    client = as_officer("ministry")
    html = client.get(page_of(suzhou["base"])).text
    assert 'id="funding-form"' in html and 'id="member-form"' not in html  # a base has no people of its own
    assert client.post(page_of(suzhou["base"]) + "/funding", data={"amount": "5000000", "source": "central_finance",
                                                                    "granted_on": "2019-06-01"}).status_code == 302
    assert client.post(page_of(suzhou["studio"]) + "/funding", data={"amount": "1", "source": "other",
                                                                      "granted_on": "2022-06-01"}).status_code == 403


# ---- registering and revising -------------------------------------------------------------------------------------

def test_a_city_registers_a_programme_and_a_refusal_keeps_what_was_typed(as_officer, suzhou):
    client = as_officer("city")
    form = client.get("/bureau/programmes/new").text
    assert 'value="3205"' in form  # the city officer's own city, filled in
    data = {"kind": "technician_cohort", "name": "2024 年技师培训项目（车工）", "tier": "provincial", "city_code": "3205",
            "institution": "苏州技师学院", "occupation_code": "6-18-01-01 车工", "target_level": "technician",
            "recognised_on": "2024-03-01"}
    refused = client.post("/bureau/programmes/new", data=data)
    assert refused.status_code == 422 and "省级项目由省人社厅登记" in field_error(refused.text, "tier")
    assert "2024 年技师培训项目（车工）" in refused.text and 'id="error-summary"' in refused.text
    done = client.post("/bureau/programmes/new", data={**data, "tier": "city"})
    assert done.status_code == 302
    cohort = db.session.query(Programme).filter_by(name="2024 年技师培训项目（车工）").one()
    assert (cohort.institution_id, cohort.target_level, cohort.occupation.code) == (suzhou["school"].id, "technician",
                                                                                    "6-18-01-01")
    missing = client.post("/bureau/programmes/new", data={**data, "tier": "city", "institution": ""})
    assert missing.status_code == 422 and field_error(missing.text, "institution")


def test_the_keeper_revises_a_programme(as_officer, suzhou):
    client, url = as_officer("city"), page_of(suzhou["studio"]) + "/edit"
    form = client.get(url).text
    assert 'value="李秀英技能大师工作室"' in form and 'value="苏州技师学院"' in form
    assert client.post(url, data={"name": "李秀英技能大师工作室（数控）", "tier": "city", "city_code": "3205",
                                  "institution": "苏州技师学院", "recognised_on": "2021-03-01",
                                  "batch": "第二批"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Programme, suzhou["studio"].id).batch == "第二批"
    trail = client.get(f"/bureau/audit/programme/{suzhou['studio'].id}").text
    assert 'data-action="programme.updated"' in trail and 'data-action="programme.created"' in trail
    assert "第二批" in trail


# ---- the worker picker, the worker's page and export ---------------------------------------------------------------

def test_the_worker_picker_finds_names_in_scope_and_never_by_number(as_officer, suzhou, make_worker, vault):
    make_worker("李秀英", city_code="3202", area="320205")  # a namesake in Wuxi
    client = as_officer("city")
    found = client.post("/pickers/workers", data={"q": "李秀"}).json
    assert [item["value"] for item in found] == [f"{suzhou['master'].id} 李秀英"]
    assert suzhou["master"].id_masked in found[0]["label"]
    assert client.post("/pickers/workers", data={"q": vault.reveal(suzhou["master"].id_ciphertext)[:6]}).json == []
    assert any(i["value"] == "苏州技师学院" for i in client.get("/pickers/institutions?q=技师").json)
    assert client.get("/pickers/workers?q=李秀").status_code == 405  # a name is posted, never put in a URL


def test_the_worker_sees_their_programmes_on_their_home_and_in_their_export(client, login, make_user, suzhou):
    session = db.session()
    add_programme_member(session, suzhou["studio"], worker=suzhou["master"], role="master",
                         started_on=date(2021, 3, 1), by=suzhou["city"])
    add_programme_member(session, suzhou["studio"], worker=suzhou["junior"], role="apprentice",
                         started_on=date(2022, 3, 1), by=suzhou["city"])
    db.session.commit()
    login(client, make_user("worker", worker=suzhou["junior"]))
    home = client.get("/worker/").text
    assert 'id="programmes"' in home and "师从" in home and "李秀英技能大师工作室" in home
    assert "市级技能大师工作室" in home and "2022-03-01 起" in home
    export = json.loads(client.get("/worker/my-data.json").data)
    [row] = export["records"]["programme_members"]["rows"]
    assert row["role"] == "apprentice" and row["worker_id"] == suzhou["junior"].id
    assert export["names"]["programmes"][str(suzhou["studio"].id)] == "李秀英技能大师工作室"
    assert export["records"]["programme_members"]["title"]["zh"].startswith("技能人才项目")


def test_the_demo_has_a_suzhou_masters_studio_led_by_a_senior_technician(client, login, vault):
    from credentials.demo.seed import seed_demo
    from credentials.models import User, Worker

    seed_demo(db.session(), vault)
    db.session.commit()
    studio = db.session.query(Programme).filter_by(name="李秀英技能大师工作室").one()
    assert (studio.kind.value, studio.tier.value, studio.city_code) == ("masters_studio", "city", "3205")
    assert {(m.worker.name, m.role.value) for m in studio.members} == {("李秀英", "master"), ("周杰", "apprentice")}
    assert studio.results and studio.funding_total > 0
    login(client, db.session.query(User).filter_by(username="suzhou-hrss").one(), password="ladder-demo-2024")
    assert "李秀英技能大师工作室" in client.get("/bureau/programmes").text
    client.post("/logout")
    apprentice = db.session.query(Worker).filter_by(name="周杰").one()
    login(client, db.session.query(User).filter_by(worker_id=apprentice.id).one(), password="ladder-demo-2024")
    assert "师从" in client.get("/worker/").text
