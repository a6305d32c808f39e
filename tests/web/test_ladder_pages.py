"""The ladder pages as each audience meets them: the public picture and its rules, a worker's position and
routes, a bureau's counts per node and per edge."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from defusedxml import ElementTree as ET
from openpyxl import load_workbook

from app.extensions import db
from credentials.models import CertificateRoute
from credentials.queries.history import history_of
from credentials.services.census_refresh import refresh_all
from ladder.graph import EDGE_KINDS, graph_for
from ladder.routes import plan_for_worker
from tests.career_records import (
    OCC,
    SENIOR_ENGINEER,
    add_work,
    freeze_today,
    give,
    promoted_by_competition,
    skipped_by_approval,
)

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2023, 6, 1)


def picture(html: str) -> ET.Element:
    return ET.fromstring(re.search(r'<svg class="ladder-svg".*?</svg>', html, re.S).group(0))


def nodes_of(svg: ET.Element, state: str | None = None) -> list[str]:
    return [g.get("data-node") for g in svg.iter(f"{SVG}g")
            if g.get("data-node") and (state is None or state in g.get("class").split())]


def edges_of(svg: ET.Element, state: str | None = None) -> set[tuple[str, str, str]]:
    return {(p.get("data-source"), p.get("data-target"), p.get("data-kind")) for p in svg.iter(f"{SVG}path")
            if p.get("data-kind") and (state is None or state in p.get("class").split())}


def label(svg: ET.Element, node: str) -> str:
    group = next(g for g in svg.iter(f"{SVG}g") if g.get("data-node") == node)
    return " ".join(t.text for t in group.find(f"{SVG}text").iter(f"{SVG}tspan"))


def table(html: str, table_id: str, key: str) -> dict[str, list[str]]:
    body = re.search(rf'<table class="table" id="{table_id}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return {m.group(1): re.findall(r"<td>(.*?)</td>", m.group(2))
            for m in re.finditer(rf'<tr {key}="([^"]+)">(.*?)</tr>', body, re.S)}


@pytest.fixture
def frozen(monkeypatch):
    freeze_today(monkeypatch, TODAY)


@pytest.fixture
def school(make_institution):
    return make_institution("苏州技师学院")


@pytest.fixture
def signed_in(client, login, make_user):
    def sign_in(role="worker", **kwargs):
        user = make_user(role, **kwargs)
        login(client, user)
        return user
    return sign_in


# ------------------------------------------------------------------ anyone: the ladder explained

def test_the_public_picture_draws_every_node_and_every_edge_of_the_graph(client, frozen):
    response = client.get("/ladder")

    assert response.status_code == 200
    svg, g = picture(response.text), graph_for(TODAY)
    assert sorted(nodes_of(svg)) == sorted(g.nodes)
    assert edges_of(svg) == {(u, v, kind) for u, v, kind in g.edges(data="kind")}
    drawn_rules = {key for p in svg.iter(f"{SVG}path") for key in (p.get("data-edges") or "").split()}
    assert drawn_rules == {key for _, _, key in g.edges(keys=True)}  # parallel rules are listed on their line


def test_each_edge_kind_has_its_own_line_pattern_and_a_legend_entry(client, frozen):
    html = client.get("/ladder").text
    svg = picture(html)

    patterns = {p.get("data-kind"): p.get("stroke-dasharray")
                for p in svg.iter(f"{SVG}path") if p.get("data-kind")}
    assert len(set(patterns.values())) == len(EDGE_KINDS)  # told apart without colour
    legend = re.findall(r'<div class="legend__item" data-kind="(\w+)">', html)
    assert legend == list(EDGE_KINDS)
    assert "竞赛晋升" in html and "技能等级贯通职称" in html


def test_the_rules_of_each_kind_name_their_policy_its_source_and_its_own_dates(client, frozen):
    html = client.get("/ladder").text

    crossover = re.search(r'<details class="policy" data-policy="crossover-2018-engineering".*?</details>',
                          html, re.S).group(0)
    assert "关于在工程技术领域实现高技能人才与工程技术人才职业发展贯通的意见" in crossover
    assert "2018-11-28 起" in crossover and "全国" in crossover  # the policy's date, not the ladder's 2022
    assert 'href="http://www.mohrss.gov.cn/' in crossover
    assert 'rel="noopener noreferrer nofollow"' in crossover
    assert re.search(r"<td>高级工（三级）</td><td>助理工程师</td>\s*<td>2 年</td>", crossover)
    assert re.findall(r'<section class="panel ladder-rules__kind" id="kind-(\w+)"', html) == list(EDGE_KINDS)


def test_the_public_picture_speaks_english_when_asked(client, frozen):
    svg = picture(client.get("/ladder?lang=en").text)

    assert label(svg, "skill-2022:senior") == "Senior Worker (Level 3)"
    assert label(svg, SENIOR_ENGINEER) == "Senior Engineer"


# ------------------------------------------------------------------ worker: my ladder and my routes

def test_worker_ladder_marks_the_position_and_highlights_the_route_the_planner_ranks_first(
        client, frozen, signed_in, school, make_certificate, db):
    user = signed_in()
    skipped_by_approval(make_certificate, user.worker, school)

    html = client.get("/worker/ladder").text

    svg = picture(html)
    assert nodes_of(svg, "is-current") == ["skill-2022:technician"]
    best = plan_for_worker(graph_for(TODAY), history_of(db.session(), user.worker_id), OCC,
                           "skill-2022:senior_technician", today=TODAY)[0]  # next node up: the default goal
    assert edges_of(svg, "is-route") == {(s.source, s.target, s.kind) for s in best.steps}
    assert set(nodes_of(svg, "is-route")) == set(best.nodes)
    assert "您现在是 技师（二级），2020-03-01 取得。" in html
    assert "2024-03-01 起可申报高级技师（一级）" in html
    steps = re.search(r'<ol class="route-steps" id="route-steps">(.*?)</ol>', html, re.S).group(1)
    assert '<time datetime="2024-03-01">2024-03-01 起</time>' in steps
    assert "还需在技师等级工作 9 个月" in steps  # the step's condition: what is still missing today


def test_worker_ladder_lists_the_bridges_to_titles_with_their_dates(client, frozen, signed_in, school,
                                                                    make_certificate):
    user = signed_in()
    promoted_by_competition(make_certificate, user.worker, school)

    html = client.get("/worker/ladder").text

    bridges = dict(re.findall(r'<li class="bridges__item" data-target="([^"]+)">.*?'
                              r'<span class="route-step__when">([^<]+)</span>', html, re.S))
    assert bridges["title:engineering:intermediate"] == "2025-05-01 起可申报"  # 3 years after Technician
    assert bridges["title:agriculture:intermediate"] == "日期待定"  # the series sets its own years


def test_routes_page_gives_the_dated_plan_and_the_ranked_alternatives_for_a_skipped_level(
        client, frozen, signed_in, school, make_certificate):
    user = signed_in()
    skipped_by_approval(make_certificate, user.worker, school)

    html = client.get(f"/worker/routes?to={SENIOR_ENGINEER}").text

    assert "2024-03-01 起可申报高级技师（一级）；然后 2028-03-01 起可申报高级工程师" in html
    heading = r'<li class="routes__item[^"]*" data-rank="\d">\s*<h3>(.*?)</h3>'
    headings = [" ".join(h.split()) for h in re.findall(heading, html, re.S)]
    assert headings[:2] == ["路线 1 · 2028-03-01 到达 · 2 步", "路线 2 · 2028-06-01 到达 · 2 步"]
    assert "取得技师后从事相应技术技能工作满 3 年，可申报工程师" in html  # each step's condition explained
    second = picture(client.get(f"/worker/routes?to={SENIOR_ENGINEER}&route=2").text)
    engineer = "title:engineering:intermediate"
    assert edges_of(second, "is-route") == {("skill-2022:technician", engineer, "skill_to_title"),
                                            (engineer, SENIOR_ENGINEER, "regular")}
    assert nodes_of(second, "is-target") == [SENIOR_ENGINEER]


def test_routes_page_dates_a_competition_promotion_from_the_promotion_in_english(
        client, frozen, signed_in, school, make_certificate):
    user = signed_in()
    promoted_by_competition(make_certificate, user.worker, school)

    html = client.get("/worker/routes?to=skill-2022:senior_technician&lang=en").text

    assert '<strong class="route-step__target">Senior Technician (Level 1)</strong>' in html
    assert '<time datetime="2026-05-01">' in html
    assert "2 years 11 months more at Technician" in html


def test_evidence_routes_appear_on_the_routes_page_only_when_ticked(
        client, frozen, signed_in, make_certificate, school):
    user = signed_in()
    promoted_by_competition(make_certificate, user.worker, school)

    plain = client.get("/worker/routes?to=skill-2022:senior_technician").text
    ticked = client.get("/worker/routes?to=skill-2022:senior_technician&competition=y").text

    assert 'data-kind="competition"' not in re.search(r'<ol class="routes">.*</ol>', plain, re.S).group(0)
    assert 'data-kind="competition"' in re.search(r'<ol class="routes">.*</ol>', ticked, re.S).group(0)
    assert '<input checked id="competition" name="competition" type="checkbox" value="y">' in ticked  # kept


def test_an_unknown_goal_is_refused_beside_the_field_with_422(client, frozen, signed_in):
    user = signed_in()
    add_work(user.worker, "2015-01-01")

    response = client.get("/worker/routes?to=skill-2022:wizard")

    assert response.status_code == 422
    assert re.search(r'<p class="field__error" id="to-error">[^<]+</p>', response.text)


def test_a_worker_with_no_records_is_told_what_is_needed(client, frozen, signed_in):
    signed_in()

    response = client.get("/worker/ladder")

    assert response.status_code == 200
    assert "尚无等级或工作记录，请选择职业" in response.text


# ------------------------------------------------------------------ bureau: the region on the ladder

@pytest.fixture
def region(frozen, make_worker, make_institution, make_certificate):
    """Hand-checked on 2023-06-01, Suzhou (3205):
    A 高级工 since 2017 with no recorded work: 助理工程师 is due (2 years), 技师 is not (no years on record);
    B 高级工 since 2022 with work since 2015: nothing due yet;
    C 技师 since 2019 with work since 2010: 高级技师 (4 years) and 工程师 (3 years) are both due;
    D 中级工 since 2018, worked since 2012: 高级工 is due (5 years);
    E no certificate; F in Nanjing (3201), 高级工 since 2010: outside the region."""
    school = make_institution("苏州技师学院")
    a, b, c, d, e = (make_worker() for _ in range(5))
    f = make_worker(city_code="3201")
    regular = CertificateRoute.REGULAR
    give(make_certificate, a, school, ("senior", "2017-06-20", regular))
    give(make_certificate, b, school, ("senior", "2022-01-10", regular))
    add_work(b, "2015-01-01")
    give(make_certificate, c, school, ("intermediate", "2011-01-01", regular),
         ("senior", "2015-01-01", regular), ("technician", "2019-01-01", regular))
    add_work(c, "2010-01-01")
    give(make_certificate, d, school, ("intermediate", "2018-03-01", regular))
    add_work(d, "2012-01-01")
    give(make_certificate, f, school, ("senior", "2010-01-01", regular))
    return a, b, c, d, e, f


@pytest.fixture
def counted(region):
    """The daily census of 2023-06-01 kept, as `flask campaign census` keeps it."""
    refresh_all(db.session(), TODAY)
    db.session.commit()


def test_bureau_counts_per_node_and_per_edge_match_the_hand_computed_numbers(client, counted, signed_in):
    signed_in("bureau_officer", region="3205")

    html = client.get("/bureau/ladder").text

    nodes = {node: int(cells[1]) for node, cells in table(html, "node-counts", "data-node").items()}
    assert {node: n for node, n in nodes.items() if n} == {"skill-2022:senior": 2, "skill-2022:technician": 1,
                                                           "skill-2022:intermediate": 1}
    assert re.search(r'id="stat-workers">5<', html) and re.search(r'id="stat-on-ladder">4<', html)
    edges = {edge: int(cells[3]) for edge, cells in table(html, "edge-counts", "data-edge").items()}
    assert {edge: n for edge, n in edges.items() if n} == {
        "skill-2022:senior title:engineering:assistant skill_to_title": 1,
        "skill-2022:technician skill-2022:senior_technician regular": 1,
        "skill-2022:technician title:engineering:intermediate skill_to_title": 1,
        "skill-2022:intermediate skill-2022:senior regular": 1,
    }
    assert edges["skill-2022:senior skill-2022:technician regular"] == 0
    assert edges["skill-2022:junior skill-2022:intermediate regular"] == 0  # judged, though nobody is there
    unjudged = table(html, "edge-unjudged", "data-edge")
    assert "skill-2022:senior skill-2022:technician competition" in unjudged
    assert "skill-2022:senior title:agriculture:assistant skill_to_title" in unjudged


def test_bureau_picture_writes_the_counts_on_the_skill_levels(client, region, signed_in):
    signed_in("bureau_officer", region="3205")

    svg = picture(client.get("/bureau/ladder").text)

    senior = next(g for g in svg.iter(f"{SVG}g") if g.get("data-node") == "skill-2022:senior")
    assert senior.find(f"{SVG}g[@class='node__count']/{SVG}text").text == "2"
    assert {g.get("data-track") for g in svg.iter(f"{SVG}g") if g.get("data-track")} == {"skill-2022",
                                                                                          "title:engineering"}


def test_a_province_officer_counts_every_city_of_the_province(client, counted, signed_in):
    signed_in("bureau_officer", scope="province", region="32")

    html = client.get("/bureau/ladder").text

    assert table(html, "node-counts", "data-node")["skill-2022:senior"][1] == "3"
    assert re.search(r'id="stat-workers">6<', html)  # the province's census: the sum of its two cities


def test_bureau_export_holds_the_same_numbers_as_the_page(client, counted, signed_in):
    signed_in("bureau_officer", region="3205")

    response = client.get("/bureau/ladder.xlsx")

    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == ("类型", "等级或起点", "终点", "途径类型", "人数", "说明")
    assert ("站位", "高级工（三级）", None, None, 2, None) in rows
    assert ("途径", "技师（二级）", "工程师", "技能等级贯通职称", 1, None) in rows
    assert any(row[3] == "竞赛晋升" and row[4] is None and row[5] for row in rows)


def test_bureau_page_shows_the_daily_census_with_its_time_and_live_node_counts(client, region, counted, signed_in,
                                                                              make_worker, make_institution,
                                                                              make_certificate):
    signed_in("bureau_officer", region="3205")
    before = client.get("/bureau/ladder").text
    newcomer = make_worker()  # 中级工 since 2016, worked since 2010: 高级工 is due, but only after the next refresh
    give(make_certificate, newcomer, make_institution("昆山技工学校"), ("intermediate", "2016-01-01",
                                                                   CertificateRoute.REGULAR))
    add_work(newcomer, "2010-01-01")

    after = client.get("/bureau/ladder").text

    assert re.search(r"统计于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（按 2023-06-01 有效的规则", before)
    assert table(after, "node-counts", "data-node")["skill-2022:intermediate"][1] == "2"  # the tallies: at once
    assert re.search(r'id="stat-on-ladder">5<', after) and re.search(r'id="stat-workers">5<', after)
    edge = "skill-2022:intermediate skill-2022:senior regular"
    assert table(after, "edge-counts", "data-edge")[edge][3] == "1"  # the census: as it was counted
    refresh_all(db.session(), TODAY)
    db.session.commit()
    assert table(client.get("/bureau/ladder").text, "edge-counts", "data-edge")[edge][3] == "2"


def test_bureau_page_without_a_census_says_so_and_still_shows_the_levels(client, region, signed_in):
    signed_in("bureau_officer", region="3205")

    response = client.get("/bureau/ladder")
    export = client.get("/bureau/ladder.xlsx")

    assert response.status_code == 200
    assert "本地区尚未统计" in response.text and 'id="edge-counts"' not in response.text
    assert table(response.text, "node-counts", "data-node")["skill-2022:senior"][1] == "2"
    rows = list(load_workbook(io.BytesIO(export.data), read_only=True).active.iter_rows(values_only=True))
    assert ("站位", "高级工（三级）", None, None, 2, None) in rows and ("说明", "可晋升人数尚未统计", None, None, None, None) in rows
    assert not any(row[0] == "途径" for row in rows)
