"""The career graph: built from data, dated, and checked for integrity."""

import json
from datetime import date

import networkx as nx
import pytest

from ladder.graph import GraphIntegrityError, build_graph, check_integrity, graph_for, layout, to_json

TODAY = date(2024, 1, 1)


@pytest.fixture(scope="module")
def today_graph():
    return build_graph(TODAY)


def edge(g, u, v, key):
    return g.edges[u, v, key]


def test_nodes_carry_kind_track_names_and_rank(today_graph):
    node = today_graph.nodes["skill-2022:senior"]
    assert node == {"kind": "skill", "track": "skill-2022", "framework": "skill-2022", "code": "senior",
                    "rank": 4, "aligned_rank": 4, "name_zh": "高级工（三级）",
                    "name_en": "Senior Worker (Level 3)", "is_high_skilled": True}
    title = today_graph.nodes["title:engineering:intermediate"]
    assert (title["kind"], title["series"], title["name_en"], title["aligned_rank"]) == (
        "title", "engineering", "Engineer", 5)


def test_a_dated_graph_holds_only_the_ladder_in_force():
    assert "skill-2013:senior" not in build_graph(TODAY)
    old = build_graph(date(2010, 1, 1))
    assert "skill-2013:senior" in old and "skill-2022:senior" not in old


def test_regular_edges_take_their_years_from_the_application_conditions(today_graph):
    regular = edge(today_graph, "skill-2022:intermediate", "skill-2022:senior", "regular:standard-2018:CN")
    assert regular["min_years"] == 5  # diplomas shorten it, but not for everyone
    assert regular["policy"] == "standard-2018" and len(regular["requirements"]) == 4
    older = build_graph(date(2010, 1, 1))
    older_regular = edge(older, "skill-2013:intermediate", "skill-2013:senior", "regular:standard-2000:CN")
    assert older_regular["min_years"] == 4  # with the training-hours clause


def test_crossover_edges_follow_the_2018_engineering_pilot(today_graph):
    for source, target, years in [("senior", "assistant", 2), ("technician", "intermediate", 3),
                                  ("senior_technician", "associate_senior", 4)]:
        data = edge(today_graph, f"skill-2022:{source}", f"title:engineering:{target}",
                    "skill_to_title:crossover-2018-engineering:CN")
        assert data["min_years"] == years and data["jurisdiction"] == "CN"
        assert data["valid_from"] == date(2022, 4, 1)  # the pilot, within the eight-level ladder's dates


def test_titles_cross_back_to_skill_levels_since_2020(today_graph):
    assert today_graph.has_edge("title:laboratory:intermediate", "skill-2022:technician",
                                "title_to_skill:crossover-2020:CN")
    before = build_graph(date(2019, 6, 1))
    assert not before.has_edge("title:laboratory:intermediate", "skill-2013:technician")


def test_local_variants_are_parallel_edges_tagged_with_their_jurisdiction():
    g = build_graph()
    keys = set(g["skill-2013:senior"]["title:engineering:assistant"])
    assert keys == {"skill_to_title:crossover-2018-engineering:CN",
                    "skill_to_title:suzhou-crossover-pre2018:320500"}
    assert g.edges["skill-2013:senior", "title:engineering:assistant",
                   "skill_to_title:suzhou-crossover-pre2018:320500"]["min_years"] == 4
    henan = g.edges["skill-2022:senior_technician", "title:engineering:full_senior",
                    "skill_to_title:henan-fast-track:410000"]
    assert henan["jurisdiction"] == "410000" and "18" in henan["requirements"][0].zh


def test_skip_exceptional_and_competition_edges_come_from_their_rule_files(today_graph):
    assert today_graph.has_edge("skill-2022:intermediate", "skill-2022:technician", "skip:cn-2006-skip:CN")
    assert not today_graph.has_edge("skill-2022:junior", "skill-2022:senior", "skip:cn-2006-skip:CN")
    assert today_graph.has_edge("skill-2022:intermediate", "skill-2022:technician",
                                "exceptional:city-2017-exceptional:unnamed-city-2017")
    assert today_graph.has_edge("skill-2022:junior", "skill-2022:technician",
                                "competition:national-skills-2020:CN")
    assert not any(key.startswith("competition:national-contest-2012")  # one contest's notice is not a route
                   for _, _, key in today_graph.edges(keys=True))


@pytest.mark.parametrize("year", range(1994, 2031))
def test_the_graph_is_consistent_on_every_date(year):
    build_graph(date(year, 6, 1))  # check_integrity runs inside


def test_a_promotion_cycle_is_reported(today_graph):
    g = nx.MultiDiGraph(today_graph)
    g.add_edge("skill-2022:technician", "skill-2022:junior", key="regular:bad", kind="regular", policy="bad",
               jurisdiction="CN")
    with pytest.raises(GraphIntegrityError, match="promotion cycle in skill-2022"):
        check_integrity(g)


def test_a_level_out_of_reach_of_its_entry_is_reported(today_graph):
    g = nx.MultiDiGraph(today_graph)
    g.add_node("skill-2022:grandmaster", kind="skill", track="skill-2022", rank=9)
    with pytest.raises(GraphIntegrityError, match="grandmaster cannot be reached from skill-2022:apprentice"):
        check_integrity(g)


def test_a_crossover_without_a_policy_is_reported(today_graph):
    g = nx.MultiDiGraph(today_graph)
    g.add_edge("skill-2022:senior", "title:art:assistant", key="x", kind="skill_to_title", policy=None)
    with pytest.raises(GraphIntegrityError, match="crossover edge skill-2022:senior -> title:art:assistant"):
        check_integrity(g)


def test_every_problem_is_listed_at_once(today_graph):
    g = nx.MultiDiGraph(today_graph)
    g.add_node("title:engineering:emeritus", kind="title", track="title:engineering", rank=6)
    g.add_edge("skill-2022:senior", "title:art:assistant", key="x", kind="skill_to_title", policy="")
    with pytest.raises(GraphIntegrityError) as error:
        check_integrity(g)
    assert len(error.value.problems) == 2


def test_graph_for_builds_once_per_date_and_is_frozen():
    g = graph_for(TODAY)
    assert graph_for(date(2024, 1, 1)) is g
    with pytest.raises(nx.NetworkXError):
        g.add_node("x")


def test_json_export_is_serialisable_and_complete(today_graph):
    data = json.loads(json.dumps(to_json(today_graph)))
    assert data["on"] == "2024-01-01"
    assert len(data["nodes"]) == today_graph.number_of_nodes()
    assert len(data["edges"]) == today_graph.number_of_edges()
    crossover = next(e for e in data["edges"] if e["key"] == "skill_to_title:crossover-2018-engineering:CN")
    assert crossover["requirements"][0]["en"].startswith("2 years")
    assert crossover["policy_name"]["zh"].startswith("关于在工程技术领域")


def test_layout_puts_skill_ladders_first_and_titles_beside_their_skill_level(today_graph):
    drawing = layout(today_graph)
    assert [c["track"] for c in drawing["columns"]][:2] == ["skill-2022", "title:engineering"]
    positions = drawing["nodes"]
    assert positions["skill-2022:senior"] == {"x": 0, "y": 4}
    assert positions["title:engineering:assistant"] == {"x": 1, "y": 4}
    assert positions["skill-2022:chief_technician"]["y"] > positions["skill-2022:apprentice"]["y"]
    assert set(positions) == set(today_graph.nodes)
