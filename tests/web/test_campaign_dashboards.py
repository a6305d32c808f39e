"""The campaign dashboards: the numbers on the national, province and city pages are what the indicators count
for a small registry built by hand; the filters narrow what they say they narrow (and say so); another region's
page is not found; every table downloads as CSV and XLSX, audited; the national page costs the same number of SQL
statements however many cities take part."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from app.extensions import db
from credentials.models import AuditEvent, CertificateRoute
from credentials.queries.campaigns import campaign_city_for
from credentials.queries.indicators import (
    Region,
    indicator_breakdown,
    indicator_by_city,
    indicator_by_province,
    indicator_values,
)
from credentials.services.campaigns import PhaseSpec, create_campaign, set_campaign_cities, set_city_target
from tests.campaign_fixtures import SUZHOU
from tests.web.html import rows, sheet_rows

CODE = "skills-test-2013"
BASE = f"/bureau/campaigns/{CODE}"
PHASES = [PhaseSpec("launch", "启动阶段", "Launch", date(2013, 2, 1), date(2013, 4, 30)),
          PhaseSpec("implementation", "全面实施阶段", "Implementation", date(2013, 5, 1), date(2014, 9, 30)),
          PhaseSpec("evaluation", "绩效评估阶段", "Evaluation", date(2014, 10, 1), date(2014, 12, 31))]
START, END = date(2013, 2, 1), date(2014, 12, 31)


def make_campaign(cities=("3205", "3202", "4403")):
    campaign = create_campaign(db.session(), code=CODE, name_zh="测试专项活动", name_en="Test campaign", starts_on=START,
                               ends_on=END, phases=PHASES, by=None)
    set_campaign_cities(db.session(), campaign, list(cities), by=None)
    db.session.commit()
    return campaign


@pytest.fixture
def campaign(registry, make_institution):
    """Suzhou: three certificates (one through an exceptional promotion) and a training; Wuxi one certificate;
    Shenzhen (Guangdong) one certificate; Suzhou's target of four certificates for the whole campaign."""
    found = make_campaign()
    local, other = registry.worker("李本地"), registry.worker("王外地", city_code="3202")
    registry.certificate(local, "junior", date(2013, 3, 10))
    registry.certificate(local, "senior", date(2013, 6, 1))
    registry.certificate(other, "technician", date(2013, 7, 15), route=CertificateRoute.EXCEPTIONAL)
    registry.certificate(other, "intermediate", date(2013, 8, 1), at=registry.wuxi)
    registry.certificate(registry.worker("陈深圳", city_code="4403"), "senior", date(2014, 1, 5),
                         at=make_institution("深圳技师学院", city_code="4403"))
    registry.training(local, date(2013, 5, 2))
    set_city_target(db.session(), campaign_city_for(db.session(), registry.ministry, CODE, "3205"),
                    indicator_code="certificates_issued", target=Decimal(4), by=None)
    db.session.commit()
    return found


def page_values(html: str) -> dict[str, str]:
    return dict(re.findall(r'<li class="figure" data-indicator="(\w+)" data-value="([^"]*)"', html))


def expected(region: Region, start=START, end=END) -> dict[str, str]:
    return {v.code: "" if v.value is None else str(v.value)
            for v in indicator_values(db.session(), region=region, start=start, end=end)}


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td\b[^>]*>(.*?)</td>", row, re.S)]


# ---- the numbers --------------------------------------------------------------------------------------------

def test_the_city_page_shows_what_the_indicators_count_and_the_target_reached(client, login, registry, campaign):
    login(client, registry.city)

    html = client.get(f"{BASE}/cities/3205").text

    assert page_values(html) == expected(SUZHOU)
    assert page_values(html)["certificates_issued"] == "3.00"
    targets = [cells(r) for r in rows(html, "table-targets")]
    assert targets == [["发放职业技能证书", "张", "4", "3", "75"]]  # 3 of 4 certificates: 75 %
    assert 'data-target="4.00"' in html and 'id="evaluation-link"' in html
    assert f'href="{BASE}/cities/3205/evaluation"' in html
    assert 'role="img"' in html and 'type="application/json" id="data-trend"' in html


def test_the_trend_has_every_month_and_marks_the_phases(client, login, registry, campaign):
    login(client, registry.city)

    html = client.get(f"{BASE}/cities/3205").text

    trend = [cells(r) for r in rows(html, "table-trend")]
    assert len(trend) == 23 and trend[0] == ["2013-02", "0", "启动阶段"] and trend[1] == ["2013-03", "1", "启动阶段"]
    assert ["2013-07", "1", "全面实施阶段"] in trend and trend[-1] == ["2014-12", "0", "绩效评估阶段"]
    assert '"areas": [{"from": "2013-02", "name": "\\u542f\\u52a8\\u9636\\u6bb5", "to": "2013-04"}' in html


def test_levels_and_routes_are_the_breakdowns_of_the_certificates(client, login, registry, campaign):
    login(client, registry.city)

    html = client.get(f"{BASE}/cities/3205").text

    levels = {c[0]: c[1] for c in map(cells, rows(html, "table-levels"))}
    assert levels == {"初级工（五级）": "1", "中级工（四级）": "0", "高级工（三级）": "1", "技师（二级）": "1", "高级技师（一级）": "0"}
    routes = {c[0]: c[1:] for c in map(cells, rows(html, "table-routes"))}
    assert routes == {"正常晋升": ["2", "66.7"], "破格、越级晋升": ["1", "33.3"], "竞赛晋升": ["0", "0"]}


def test_the_province_page_ranks_its_cities_side_by_side(client, login, registry, campaign):
    login(client, registry.province)

    html = client.get(f"{BASE}/provinces/32").text

    assert page_values(html) == expected(Region.of("32"))
    ranked = [cells(r) for r in rows(html, "table-cities")]
    assert [r[:2] for r in ranked] == [["1", "苏州市"], ["2", "无锡市"]]  # Shenzhen is in another province
    by_city = dict(indicator_by_city(db.session(), "certificates_issued", Region.of("32"), START, END))
    assert ranked[0][3] == "3" == str(int(by_city["3205"])) and ranked[1][3] == "1"
    assert f'href="{BASE}/cities/3205"' in html


def test_the_national_page_sets_the_provinces_and_the_cities_side_by_side(client, login, registry, campaign):
    login(client, registry.ministry)

    html = client.get(f"{BASE}/").text

    assert page_values(html) == expected(Region.of(""))
    provinces = {c[1]: c[3] for c in map(cells, rows(html, "table-provinces"))}
    by_province = dict(indicator_by_province(db.session(), "certificates_issued", START, END))
    assert provinces == {"江苏省": "4", "广东省": "1"} and by_province == {"32": Decimal(4), "44": Decimal(1)}
    ranked = [c[:4] for c in map(cells, rows(html, "table-cities"))]  # Wuxi and Shenzhen tie: both second
    assert ranked == [["1", "江苏省", "苏州市", "1"], ["2", "江苏省", "无锡市", "0"], ["2", "广东省", "深圳市", "0"]]
    assert f'href="{BASE}/provinces/32"' in html and f'href="{BASE}/cities/4403"' in html


# ---- filters ------------------------------------------------------------------------------------------------

def test_a_phase_reads_its_months_only(client, login, registry, campaign):
    login(client, registry.city)

    html = client.get(f"{BASE}/cities/3205?phase=launch").text

    assert page_values(html) == expected(SUZHOU, date(2013, 2, 1), date(2013, 4, 30))
    assert page_values(html)["certificates_issued"] == "1.00"
    assert "统计月份：2013-02 至 2013-04" in html and len(rows(html, "table-trend")) == 3
    assert "本市尚未为所选阶段填报目标" in html  # the target was set for the whole campaign only


def test_a_range_of_months_reads_whole_months_and_shows_them(client, login, registry, campaign):
    login(client, registry.city)

    html = client.get(f"{BASE}/cities/3205?from=2013-06&to=2013-07&phase=launch").text

    assert page_values(html) == expected(SUZHOU, date(2013, 6, 1), date(2013, 7, 31))
    assert "统计月份：2013-06 至 2013-07" in html
    assert "目标按阶段或活动全程填报" in html


@pytest.mark.parametrize(("query", "field", "message"), [
    ("from=2013-13", "from", "起始月份应写作 2013-05"),
    ("from=2014-05&to=2013-01", "to", "截止月份早于起始月份"),
    ("phase=nonsense", "phase", "本次活动没有这个阶段"),
    ("level=grandmaster", "level", "没有这个等级"),
    ("occupation=不存在的职业", "occupation", "未找到该职业"),
])
def test_a_filter_that_cannot_be_read_is_not_applied_and_says_so(client, login, registry, campaign, query, field, message):
    login(client, registry.city)

    response = client.get(f"{BASE}/cities/3205?{query}")

    assert response.status_code == 200
    assert re.search(rf'id="{field}-error">[^<]*{message}', response.text)
    assert page_values(response.text) == expected(SUZHOU)


def test_the_level_filter_narrows_the_level_table_and_says_the_headline_is_all_levels(client, login, registry, campaign):
    login(client, registry.city)

    html = client.get(f"{BASE}/cities/3205?level=senior").text

    assert [cells(r)[:2] for r in rows(html, "table-levels")] == [["高级工（三级）", "1"]]
    assert 'id="level-scope"' in html and "只适用于“按等级”表" in html
    assert page_values(html) == expected(SUZHOU)  # the headline stays all levels, as the page says


def test_the_occupation_filter_narrows_the_occupation_table(client, login, registry, campaign):
    login(client, registry.city)

    html = client.get(f"{BASE}/cities/3205?occupation=6-18-01-01+车工").text

    assert [cells(r) for r in rows(html, "table-occupations")] == [["6-18-01-01", "车工", "3"]]
    assert 'id="occupation-scope"' in html and 'value="6-18-01-01 车工"' in html
    assert dict(indicator_breakdown(db.session(), "certificates_issued", SUZHOU, START, END, by="occupation")) == {
        "6-18-01-01": Decimal(3)}


def test_the_chosen_indicator_orders_the_ranking(client, login, registry, campaign):
    login(client, registry.ministry)

    html = client.get(f"{BASE}/provinces/32?indicator=trainees").text

    assert [cells(r)[1] for r in rows(html, "table-cities")] == ["苏州市", "无锡市"]
    assert "逐月趋势：职业培训人次" in html


# ---- who sees what -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "path", "status"), [
    ("city", "/cities/3205", 200), ("city", "/cities/3202", 404), ("city", "/provinces/32", 404), ("city", "/", 404),
    ("wuxi_city", "/cities/3205", 404), ("province", "/provinces/32", 200), ("province", "/cities/3202", 200),
    ("province", "/cities/4403", 404), ("province", "/provinces/44", 404), ("province", "/", 404),
    ("ministry", "/", 200), ("ministry", "/provinces/44", 200), ("ministry", "/cities/4403", 200),
    ("ministry", "/cities/3206", 404),  # not a city of this campaign
    ("ministry", "/provinces/99", 404), ("ministry", "/cities/abcd", 404), ("ministry", "/provinces/3205", 404),
])
def test_another_regions_page_is_not_found(client, login, registry, campaign, who, path, status):
    login(client, getattr(registry, who))

    assert client.get(BASE + path).status_code == status


def test_an_unknown_campaign_is_not_found_and_an_admin_may_read(client, login, registry, campaign, make_user):
    login(client, registry.ministry)
    assert client.get("/bureau/campaigns/no-such-campaign/").status_code == 404

    login(client, make_user("admin"))
    assert client.get(f"{BASE}/cities/3205").status_code == 200


@pytest.mark.parametrize(("who", "lands_on"), [
    ("city", f"{BASE}/cities/3205"), ("province", f"{BASE}/provinces/32"), ("ministry", f"{BASE}/")])
def test_the_campaign_link_takes_each_officer_to_their_own_region(client, login, registry, campaign, who, lands_on):
    login(client, getattr(registry, who))

    response = client.get("/bureau/campaign")

    assert response.status_code == 302 and response.headers["Location"] == lands_on


def test_without_a_campaign_the_link_explains_and_goes_home(client, login, registry):
    login(client, registry.city)

    response = client.get("/bureau/campaign", follow_redirects=True)

    assert "您所在的地区没有参加专项活动" in response.text


# ---- downloads -----------------------------------------------------------------------------------------------

def test_every_table_downloads_as_csv_with_a_bom_the_same_rows_as_the_page(client, login, registry, campaign):
    login(client, registry.province)
    html = client.get(f"{BASE}/provinces/32?level=senior").text

    response = client.get(f"{BASE}/tables/levels.csv?region=32&level=senior")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf") and "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table[0][0] == "等级" and [r[:2] for r in table[1:]] == [["高级工（三级）", "1.00"]]
    assert [cells(r)[:2] for r in rows(html, "table-levels")] == [["高级工（三级）", "1"]]
    for key in ("indicators", "trend", "levels", "routes", "occupations", "cities"):
        assert f"/tables/{key}.csv?region=32" in html and f"/tables/{key}.xlsx?region=32" in html


def test_the_xlsx_download_holds_the_figures_and_is_audited(client, login, registry, campaign):
    login(client, registry.ministry)

    sheet = sheet_rows(client.get(f"{BASE}/tables/provinces.xlsx"))
    figures = sheet_rows(client.get(f"{BASE}/tables/indicators.xlsx?region=3205"))

    assert sheet[0][:2] == ("名次", "省份") and [r[1] for r in sheet[1:]] == ["江苏省", "广东省"]
    by_code = {r[0]: r for r in figures[1:]}
    assert by_code["certificates_issued"][2:6] == (3, "张", 4, 75)  # Suzhou's target for the whole campaign
    exports = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "data.exported")).all()
    assert {e.entity_id for e in exports} >= {f"{BASE}/tables/provinces.xlsx", f"{BASE}/tables/indicators.xlsx"}


def test_a_table_of_another_region_or_kind_is_not_downloaded(client, login, registry, campaign):
    login(client, registry.city)

    assert client.get(f"{BASE}/tables/levels.csv?region=3202").status_code == 404
    assert client.get(f"{BASE}/tables/cities.csv?region=3205").status_code == 404  # a city has no cities
    assert client.get(f"{BASE}/tables/levels.pdf?region=3205").status_code == 404
    assert client.get(f"{BASE}/tables/levels.csv?region=32051").status_code == 404
    assert client.get(f"{BASE}/tables/levels.csv?region=3205&from=9999-99&indicator=%3Cscript%3E").status_code == 200


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(app, registry):
    from flask_login import login_user

    from app.exports import csv_response

    with app.test_request_context("/bureau/x.csv"):
        login_user(registry.city)
        response = csv_response("名单.csv", ["名称"], [["=HYPERLINK(\"http://x\")"], ["\tcmd"], [Decimal("-3")]])

    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table == [["名称"], ["'=HYPERLINK(\"http://x\")"], ["'\tcmd"], ["-3"]]
    assert response.data.startswith(b"\xef\xbb\xbf")


# ---- speed ---------------------------------------------------------------------------------------------------

def statements_of(client, path: str) -> list[str]:
    statements = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    client.get(path)  # once first: signing in and session bookkeeping are not the page's statements
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return [" ".join(s.split())[:160] for s in statements]


def test_the_national_page_costs_the_same_statements_however_many_cities_take_part(client, login, registry,
                                                                                   make_institution):
    campaign = make_campaign(("3205", "3202"))
    worker = registry.worker()
    for city in ("3205", "3202"):
        registry.certificate(worker, "junior", date(2013, 6, 1), at=make_institution(city_code=city))
    login(client, registry.ministry)
    few = statements_of(client, f"{BASE}/")

    more = ("3205", "3202", "3201", "3203", "4401", "4403", "1101", "3301")
    set_campaign_cities(db.session(), campaign, list(more), by=None)
    db.session.commit()
    for city in more[2:]:
        registry.certificate(worker, "intermediate", date(2013, 7, 1), at=make_institution(city_code=city))
    many = statements_of(client, f"{BASE}/")

    assert len(many) == len(few), "\n".join(["2 cities:", *few, f"{len(more)} cities:", *many])
    assert len(few) < 60


def test_the_page_reads_in_english(client, login, registry, campaign):
    login(client, registry.city)

    html = client.get(f"{BASE}/cities/3205?lang=en&level=senior").text

    assert "Headline figures" in html and "What counts" in html and "certificates issued" in html
    assert "The level filter (Senior Worker" in html and "Performance evaluation report" in html
    assert not re.search(r">[^<]*[\u4e00-\u9fff][^<]*<", html.split('id="headline"')[1].split("</section>")[0])
