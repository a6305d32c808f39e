"""The campaign through the API, as a bureau's own system meets it: campaigns, one campaign's cities with their
plans and targets, a region's indicators beside the city's target, each scoped like the pages and each answer
fitting the OpenAPI document."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from credentials.models import CertificateRoute, FundingChannel
from credentials.queries.campaigns import PolicyDocument
from credentials.queries.evaluation import evaluate_city
from credentials.queries.indicators import INDICATORS, Region, indicator_values
from credentials.services.campaigns import (
    PhaseSpec,
    create_campaign,
    set_campaign_cities,
    set_city_funding,
    set_city_target,
    update_city_plan,
)
from tests.api.test_openapi_complete import documented, faithful_dumps, spec  # noqa: F401 - fixtures and helper
from tests.campaign_fixtures import CAMPAIGN, IMPLEMENTATION, LAUNCH, Registry

PROBLEM = "application/problem+json"
CODE = "skills-100-2013"  # the scoring rule (ladder/data/campaign-scoring.toml) is the shipped campaign's
BASE = f"/api/v1/campaigns/{CODE}"
PHASES = [PhaseSpec("launch", "启动阶段", "Launch", *LAUNCH),
          PhaseSpec("implementation", "实施阶段", "Implementation", *IMPLEMENTATION),
          PhaseSpec("evaluation", "评估阶段", "Evaluation", date(2014, 10, 1), date(2014, 12, 31))]


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text[:500]
    assert response.mimetype == PROBLEM and "Traceback" not in response.text
    return response.json


@pytest.fixture
def campaign(registry: Registry):
    """Suzhou and Wuxi (Jiangsu) and Guangzhou take part; Suzhou entered its plan, funds and targets."""
    found = create_campaign(db.session(), code=CODE, name_zh="技能振兴测试", name_en="Skills test", starts_on=CAMPAIGN[0],
                            ends_on=CAMPAIGN[1], phases=PHASES, by=None)
    set_campaign_cities(db.session(), found, ["3205", "3202", "4401"], by=None)
    suzhou = next(city for city in found.cities if city.city_code == "3205")
    update_city_plan(db.session(), suzhou, leadership_group="市技能振兴领导小组", lead_department="市人社局",
                     policy_documents=[PolicyDocument("实施意见", "苏府发〔2013〕12号", date(2013, 3, 15))],
                     by=None)
    set_city_funding(db.session(), suzhou, channel=FundingChannel.EMPLOYMENT_FUND, amount="5000000", by=None)
    set_city_target(db.session(), suzhou, indicator_code="certificates_issued", target=10, by=None)
    set_city_target(db.session(), suzhou, indicator_code="certificates_issued", target=4,
                    phase_code="implementation", by=None)
    db.session.commit()
    return found


@pytest.fixture
def records(registry: Registry, campaign):
    """Three Suzhou certificates (one in the launch, two in the implementation), one in Wuxi."""
    first, second = registry.worker("李一"), registry.worker("王二")
    registry.certificate(first, "junior", date(2013, 3, 1))
    registry.certificate(first, "senior", date(2013, 6, 1))
    registry.certificate(second, "technician", date(2014, 2, 1), route=CertificateRoute.COMPETITION)
    registry.certificate(registry.worker("无锡人", city_code="3202"), "junior", date(2013, 7, 1), at=registry.wuxi)
    return registry


def expected(region: str, start: date, end: date) -> dict:
    db.session.expire_all()
    return {v.code: (f"{v.value:.2f}" if v.value is not None else None)
            for v in indicator_values(db.session(), region=Region.of(region), start=start, end=end)}


def by_code(body: dict) -> dict[str, dict]:
    return {row["code"]: row for row in body["indicators"]}


# ------------------------------------------------------------------ campaigns and one campaign

def test_the_list_holds_the_campaigns_with_a_city_the_caller_reads(client, registry, campaign, make_user, api_token):
    for officer in (registry.ministry, registry.province, registry.city):
        body = client.get("/api/v1/campaigns", headers=api_token(officer)).json
        assert [c["code"] for c in body["campaigns"]] == [CODE]
    nantong = make_user("bureau_officer", scope="city", region="3206")  # Nantong takes no part

    assert client.get("/api/v1/campaigns", headers=api_token(nantong)).json == {"campaigns": []}
    assert_problem(client.get(BASE, headers=api_token(nantong)), 404)
    only = client.get("/api/v1/campaigns", headers=api_token(registry.ministry)).json["campaigns"][0]
    assert [p["code"] for p in only["phases"]] == ["launch", "implementation", "evaluation"]
    assert only["phases"][1] == {"code": "implementation", "name": {"zh": "实施阶段", "en": "Implementation"},
                                 "starts_on": "2013-05-01", "ends_on": "2014-09-30"}


def test_every_city_is_listed_with_its_province_but_only_readable_ones_carry_plan_and_targets(client, registry,
                                                                                              campaign, api_token):
    body = client.get(BASE, headers=api_token(registry.wuxi_city)).json
    cities = {c["code"]: c for c in body["cities"]}

    assert list(cities) == ["3202", "3205", "4401"]
    assert cities["4401"]["province"] == {"code": "44", "name": "广东省"}
    assert cities["3205"]["readable"] is False and cities["3205"]["plan"] is None and cities["3205"]["targets"] is None
    assert cities["3202"]["readable"] is True and cities["3202"]["targets"] == []
    assert cities["3202"]["plan"]["entered"] is False


def test_a_city_officer_reads_their_own_plan_funds_and_targets(client, registry, campaign, api_token):
    suzhou = next(c for c in client.get(BASE, headers=api_token(registry.city)).json["cities"] if c["code"] == "3205")

    assert suzhou["name"] == "苏州市" and suzhou["province"] == {"code": "32", "name": "江苏省"}
    assert suzhou["plan"]["lead_department"] == "市人社局" and suzhou["plan"]["entered"] is True
    assert suzhou["plan"]["policy_documents"] == [{"title": "实施意见", "number": "苏府发〔2013〕12号",
                                                   "issued_on": "2013-03-15"}]
    assert suzhou["plan"]["funding"] == [{"channel": "employment_fund", "phase": None, "amount": "5000000.00"}]
    assert suzhou["targets"] == [{"indicator": "certificates_issued", "phase": None, "target": "10.00"},
                                 {"indicator": "certificates_issued", "phase": "implementation", "target": "4.00"}]


def test_the_ministry_reads_every_city_and_an_unknown_campaign_is_not_found(client, registry, campaign, api_token):
    auth = api_token(registry.ministry)

    assert all(c["readable"] for c in client.get(BASE, headers=auth).json["cities"])
    assert_problem(client.get("/api/v1/campaigns/no-such-campaign", headers=auth), 404)


# ------------------------------------------------------------------ indicators

def test_the_values_are_the_indicator_values_and_the_whole_campaign_brings_its_target(client, records, api_token):
    body = client.get(f"{BASE}/indicators?region=3205", headers=api_token(records.city)).json

    assert {code: row["value"] for code, row in by_code(body).items()} == expected("3205", *CAMPAIGN)
    assert [row["code"] for row in body["indicators"]] == [i.code for i in INDICATORS]
    issued = by_code(body)["certificates_issued"]
    assert (issued["value"], issued["target"], issued["unit"]) == ("3.00", "10.00", "张")
    assert (issued["covered_start"], issued["covered_end"]) == ("2013-02-01", "2014-12-31")
    assert issued["description"]["zh"] and issued["description"]["en"] and issued["name"]["en"]
    assert (body["from"], body["to"]) == ("2013-02-01", "2014-12-31")  # absent: the campaign's dates
    assert body["target_period"] == {"kind": "campaign", "phase": None}
    assert body["region"] == {"code": "3205", "kind": "city", "name": {"zh": "苏州市", "en": "苏州市"},
                              "is_campaign_city": True}
    workforce = by_code(body)["high_skilled_workforce"]
    assert workforce["covered_start"] is None and workforce["value"] == "2.00"  # a stock, as of now


def test_a_phase_exactly_brings_the_phase_target_and_any_other_period_none(client, records, api_token):
    auth = api_token(records.city)

    phase = client.get(f"{BASE}/indicators?region=3205&from=2013-05-01&to=2014-09-30", headers=auth).json
    launch = client.get(f"{BASE}/indicators?region=3205&from=2013-02-01&to=2013-04-30", headers=auth).json
    other = client.get(f"{BASE}/indicators?region=3205&from=2013-05-01&to=2013-12-31", headers=auth).json

    assert phase["target_period"] == {"kind": "phase", "phase": "implementation"}
    assert (by_code(phase)["certificates_issued"]["value"], by_code(phase)["certificates_issued"]["target"]) == (
        "2.00", "4.00")
    assert by_code(launch)["certificates_issued"]["target"] is None  # no launch target was entered
    assert by_code(launch)["certificates_issued"]["value"] == "1.00"
    assert other["target_period"] == {"kind": None, "phase": None}
    assert by_code(other)["certificates_issued"] == {**by_code(other)["certificates_issued"], "target": None,
                                                     "value": "1.00"}
    assert {code: row["value"] for code, row in by_code(other).items()} == expected("3205", date(2013, 5, 1),
                                                                                    date(2013, 12, 31))


def test_a_province_and_the_nation_have_values_but_no_targets(client, records, api_token):
    province = client.get(f"{BASE}/indicators?region=32", headers=api_token(records.province)).json
    nation = client.get(f"{BASE}/indicators", headers=api_token(records.ministry)).json

    assert by_code(province)["certificates_issued"]["value"] == "4.00" == by_code(nation)["certificates_issued"]["value"]
    assert {row["target"] for row in province["indicators"] + nation["indicators"]} == {None}
    assert province["region"]["name"] == {"zh": "江苏省", "en": "江苏省"} and nation["region"]["kind"] == "nation"
    assert {code: row["value"] for code, row in by_code(nation).items()} == expected("", *CAMPAIGN)


@pytest.mark.parametrize(("who", "region"), [("city", "3202"), ("city", ""), ("city", "32"), ("wuxi_city", "3205"),
                                             ("province", "44"), ("province", "4401"), ("province", "")])
def test_another_region_answers_not_found(client, records, api_token, who, region):
    body = assert_problem(client.get(f"{BASE}/indicators?region={region}", headers=api_token(getattr(records, who))),
                          404)

    assert "indicators" not in body


def test_the_province_reads_its_cities_and_the_ministry_a_city_outside_the_campaign(client, records, api_token):
    wuxi = client.get(f"{BASE}/indicators?region=3202", headers=api_token(records.province)).json
    nantong = client.get(f"{BASE}/indicators?region=3206", headers=api_token(records.ministry)).json

    assert by_code(wuxi)["certificates_issued"]["value"] == "1.00"
    assert nantong["region"]["is_campaign_city"] is False and by_code(nantong)["certificates_issued"]["target"] is None


@pytest.mark.parametrize(("query", "field"), [
    ("region=abc", "region"), ("region=320", "region"), ("region=9999", "region"), ("region=99", "region"),
    ("from=2013-13-01", "from"), ("to=yesterday", "to"), ("from=99999-01-01", "from"), ("from=1800-01-01", "from"),
    ("from=2014-01-01&to=2013-01-01", "to"), ("region=" + "3" * 300, "region"),
])
def test_a_bad_region_or_date_is_refused_naming_the_field(client, records, api_token, query, field):
    body = assert_problem(client.get(f"{BASE}/indicators?{query}", headers=api_token(records.ministry)), 422)

    assert field in body["errors"]


def test_only_bureaus_and_admins_with_a_token_read_campaigns(client, records, campaign, make_user, api_token, login):
    worker = make_user("worker")
    assert_problem(client.get("/api/v1/campaigns", headers=api_token(records.clerk)), 403)
    assert_problem(client.get(BASE, headers=api_token(worker)), 403)
    assert_problem(client.get("/api/v1/campaigns"), 401)
    login(client, records.ministry)  # a browser session is no token here

    assert_problem(client.get(f"{BASE}/indicators"), 401)
    assert client.get(BASE, headers=api_token(make_user("admin"))).status_code == 200


# ------------------------------------------------------------------ the document

def test_the_answers_match_the_openapi_document(client, spec, records, api_token):  # noqa: F811 - fixture
    auth = api_token(records.city)

    listed = documented(spec, client.get("/api/v1/campaigns", headers=auth), "get", "/api/v1/campaigns")
    detail = documented(spec, client.get(BASE, headers=auth), "get", "/api/v1/campaigns/{code}")
    values = documented(spec, client.get(f"{BASE}/indicators?region=3205&from=2013-05-01&to=2014-09-30", headers=auth),
                        "get", "/api/v1/campaigns/{code}/indicators")
    refused = documented(spec, client.get(f"{BASE}/indicators?region=x", headers=auth),
                         "get", "/api/v1/campaigns/{code}/indicators")
    hidden = documented(spec, client.get(f"{BASE}/indicators?region=3202", headers=auth),
                        "get", "/api/v1/campaigns/{code}/indicators")

    assert listed["campaigns"][0]["code"] == detail["code"] == values["campaign"] == CODE
    assert refused["status"] == 422 and hidden["status"] == 404


# ------------------------------------------------------------------ the evaluation

EVALUATION = f"{BASE}/evaluation"
AS_OF = "2014-12-31"


@pytest.fixture
def scored(records, campaign):
    """Suzhou and Wuxi set enough whole-campaign targets to be scored (the rule asks three); Guangzhou none."""
    cities = {city.city_code: city for city in campaign.cities}
    for city_code, targets in (("3205", {"new_high_skilled": 2, "appraisal_sittings": 5}),
                               ("3202", {"certificates_issued": 1, "new_high_skilled": 1, "trainees": 1})):
        for indicator, target in targets.items():
            set_city_target(db.session(), cities[city_code], indicator_code=indicator, target=target, by=None)
    db.session.commit()
    return records


def test_a_citys_evaluation_is_the_evaluation_engines_scores_and_rank(client, scored, api_token):
    body = client.get(f"{EVALUATION}?city=3205&as_of={AS_OF}", headers=api_token(scored.city)).json
    expected_report = evaluate_city(db.session(), CODE, "3205", as_of=date(2014, 12, 31))

    [suzhou] = body["cities"]
    assert (suzhou["code"], suzhou["rank"], suzhou["scored"]) == ("3205", expected_report.city.rank, True)
    assert suzhou["total"] == format(expected_report.city.score.total, "f")
    assert suzhou["grade"]["code"] == expected_report.city.score.grade.code
    lines = {line["code"]: line for line in suzhou["indicators"]}
    assert list(lines) == [line.indicator.code for line in expected_report.city.lines]
    assert (lines["certificates_issued"]["target"], lines["certificates_issued"]["actual"]) == ("10.00", "3.00")
    assert (lines["new_high_skilled"]["actual"], lines["trainees"]["status"]) == ("2.00", "no_target")
    assert (body["city_count"], body["scored_count"]) == (3, 2) and suzhou["comments"] == []
    assert body["provenance"]["as_of"] == AS_OF and body["provenance"]["period_start"] == "2013-02-01"
    assert body["provenance"]["statement"]["zh"] and body["evaluation_from"] == "2014-10-01"


def test_without_a_city_the_caller_gets_every_city_of_their_region_ranked_first(client, scored, api_token):
    province = client.get(f"{EVALUATION}?as_of={AS_OF}", headers=api_token(scored.province)).json
    ministry = client.get(f"{EVALUATION}?as_of={AS_OF}", headers=api_token(scored.ministry)).json
    city = client.get(f"{EVALUATION}?as_of={AS_OF}", headers=api_token(scored.wuxi_city)).json

    assert sorted(c["code"] for c in province["cities"]) == ["3202", "3205"]
    assert [c["code"] for c in ministry["cities"]][-1] == "4401" and ministry["cities"][-1]["rank"] is None
    assert sorted(c["rank"] for c in ministry["cities"][:2]) == [1, 2]
    assert [c["code"] for c in city["cities"]] == ["3202"] and "comments" not in city["cities"][0]


@pytest.mark.parametrize(("who", "query"), [("city", "city=3202"), ("wuxi_city", "city=3205"),
                                            ("province", "city=4401"), ("ministry", "city=3206")])
def test_another_region_or_a_city_outside_the_campaign_is_not_found(client, scored, api_token, who, query):
    assert_problem(client.get(f"{EVALUATION}?{query}&as_of={AS_OF}", headers=api_token(getattr(scored, who))), 404)


@pytest.mark.parametrize(("query", "field"), [("city=abc", "city"), ("city=320", "city"),
                                              ("as_of=2012-12-31", "as_of"), ("as_of=2099-01-01", "as_of"),
                                              ("as_of=31/12/2014", "as_of"), ("as_of=99999-01-01", "as_of")])
def test_a_bad_city_or_date_is_refused_naming_the_field(client, scored, api_token, query, field):
    body = assert_problem(client.get(f"{EVALUATION}?{query}", headers=api_token(scored.ministry)), 422)

    assert field in body["errors"]


def test_the_evaluation_matches_the_openapi_document(client, spec, scored, api_token):  # noqa: F811 - fixture
    auth = api_token(scored.province)
    path = "/api/v1/campaigns/{code}/evaluation"

    one = documented(spec, client.get(f"{EVALUATION}?city=3205&as_of={AS_OF}", headers=auth), "get", path)
    every = documented(spec, client.get(f"{EVALUATION}?as_of={AS_OF}", headers=auth), "get", path)
    refused = documented(spec, client.get(f"{EVALUATION}?as_of=1999-01-01", headers=auth), "get", path)
    hidden = documented(spec, client.get(f"{EVALUATION}?city=4401", headers=auth), "get", path)

    assert one["cities"][0]["code"] == "3205" and len(every["cities"]) == 2
    assert refused["status"] == 422 and hidden["status"] == 404
