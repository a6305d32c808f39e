"""Route planning: hand-checked rankings for positions and for worker histories."""

import time
from datetime import date

import pytest

from ladder.eligibility import HeldLevel, WorkerHistory, WorkPeriod
from ladder.graph import build_graph, graph_for
from ladder.routes import DEFAULT_ALLOW, plan_for_worker, plan_routes

OCC = "6-31-01-03"
TODAY = date(2023, 6, 1)
D = date.fromisoformat
SENIOR_ENGINEER = "title:engineering:associate_senior"


@pytest.fixture(scope="module")
def g():
    return graph_for(TODAY)


def worker(*levels, work_from="2010-01-01"):
    return WorkerHistory(held_levels=tuple(HeldLevel(OCC, code, D(on), route) for code, on, route in levels),
                         work_periods=(WorkPeriod(OCC, D(work_from)),))


def test_intermediate_worker_to_senior_engineer_is_fastest_through_the_title_ladder(g):
    routes = plan_routes(g, "skill-2022:intermediate", SENIOR_ENGINEER, start_date=D("2024-01-01"))
    summary = [(r.arrival, r.nodes[1:]) for r in routes]
    assert summary[:3] == [
        # 5 years to senior, 2 to Assistant Engineer, 4 to Engineer, 5 to Senior Engineer
        (D("2040-01-01"), ("skill-2022:senior", "title:engineering:assistant",
                           "title:engineering:intermediate", SENIOR_ENGINEER)),
        # 5 + 4 + 4 on the skill ladder, then 4 after Senior Technician; ties go to the route listed first
        (D("2041-01-01"), ("skill-2022:senior", "skill-2022:technician", "skill-2022:senior_technician",
                           SENIOR_ENGINEER)),
        # 5 + 4, then 3 to Engineer and 5 to Senior Engineer
        (D("2041-01-01"), ("skill-2022:senior", "skill-2022:technician", "title:engineering:intermediate",
                           SENIOR_ENGINEER)),
    ]
    assert len(routes) == 3  # no route crosses over and back


def test_a_route_that_crosses_over_never_crosses_back(g):
    routes = plan_routes(g, "skill-2022:senior", "skill-2022:technician", start_date=TODAY, k=50)
    assert [r.nodes for r in routes] == [("skill-2022:senior", "skill-2022:technician")]


def test_steps_carry_their_rule_and_condition(g):
    route = plan_routes(g, "skill-2022:senior", "title:engineering:assistant", start_date=D("2024-01-01"))[0]
    (step,) = route.steps
    assert (step.edge, step.kind, step.policy, step.earliest_date) == (
        "skill_to_title:crossover-2018-engineering:CN", "skill_to_title", "crossover-2018-engineering",
        D("2026-01-01"))
    assert step.condition_zh.startswith("取得高级工后从事相应技术技能工作满 2 年")


def test_held_since_counts_time_already_served(g):
    route = plan_routes(g, "skill-2022:senior", "title:engineering:assistant", start_date=TODAY,
                        held_since=D("2020-01-01"))[0]
    assert route.arrival == TODAY  # two years were served long ago; the step can be taken now


def test_evidence_routes_are_used_only_when_allowed(g):
    regular = plan_routes(g, "skill-2022:intermediate", "skill-2022:technician", start_date=TODAY)
    assert {s.kind for r in regular for s in r.steps} <= DEFAULT_ALLOW
    assert regular[0].arrival == D("2032-06-01")
    fast = plan_routes(g, "skill-2022:intermediate", "skill-2022:technician", start_date=TODAY,
                       allow=DEFAULT_ALLOW | {"competition", "skip"})
    assert fast[0].arrival == TODAY and len(fast[0].steps) == 1
    assert fast[0].steps[0].kind in {"competition", "skip"}


def test_local_routes_need_the_jurisdiction(g):
    national = plan_routes(g, "skill-2022:senior_technician", "title:engineering:full_senior",
                           start_date=TODAY)
    assert not any(s.policy == "henan-fast-track" for r in national for s in r.steps)
    henan = plan_routes(g, "skill-2022:senior_technician", "title:engineering:full_senior", start_date=TODAY,
                        jurisdiction="410000")
    assert henan[0].arrival == D("2032-06-01")  # 4 years to Senior Engineer, 5 more to the full senior grade
    assert any(r.steps[0].policy == "henan-fast-track" for r in henan)


def test_a_title_series_without_known_waits_gives_an_undated_route(g):
    (route,) = plan_routes(g, "skill-2022:senior", "title:agriculture:assistant", start_date=TODAY)
    assert route.arrival is None and route.steps[0].earliest_date is None


def test_on_an_undated_graph_a_step_waits_for_its_rule_to_exist():
    g = build_graph()
    route = plan_routes(g, "skill-2013:senior", "title:engineering:assistant", start_date=D("2015-01-01"))[0]
    assert route.arrival == D("2018-11-28")  # the 2018 pilot; two years at senior were done by 2017


def test_k_limits_the_answer(g):
    assert len(plan_routes(g, "skill-2022:intermediate", SENIOR_ENGINEER, start_date=TODAY, k=2)) == 2


def test_unknown_nodes_are_refused(g):
    with pytest.raises(KeyError, match="skill-2022:wizard"):
        plan_routes(g, "skill-2022:wizard", SENIOR_ENGINEER, start_date=TODAY)


def test_worker_plan_dates_the_next_level_by_the_eligibility_engine(g):
    history = worker(("junior", "2016-01-01", "regular"), ("intermediate", "2020-05-01", "regular"))
    routes = plan_for_worker(g, history, OCC, SENIOR_ENGINEER, today=TODAY)
    first = routes[0].steps[0]
    assert (first.source, first.target, first.earliest_date) == (
        "skill-2022:intermediate", "skill-2022:senior", D("2025-05-01"))
    assert first.condition_zh == "还需在中级工等级工作 1 年 11 个月"
    assert routes[0].arrival == D("2036-05-01")  # then 2 + 4 + 5 years through the engineering titles


def test_worker_who_skipped_a_level_by_approval_starts_from_the_level_reached(g):
    history = worker(("intermediate", "2015-01-01", "regular"), ("technician", "2020-03-01", "skip"))
    routes = plan_for_worker(g, history, OCC, SENIOR_ENGINEER, today=TODAY)
    assert [(r.nodes, r.arrival) for r in routes[:2]] == [
        (("skill-2022:technician", "skill-2022:senior_technician", SENIOR_ENGINEER), D("2028-03-01")),
        (("skill-2022:technician", "title:engineering:intermediate", SENIOR_ENGINEER), D("2028-06-01")),
    ]


def test_worker_promoted_by_competition_counts_from_the_promotion(g):
    history = worker(("senior", "2018-01-01", "regular"), ("technician", "2022-05-01", "competition"))
    (route,) = plan_for_worker(g, history, OCC, "skill-2022:senior_technician", today=TODAY)
    (step,) = route.steps
    assert step.earliest_date == D("2026-05-01")
    assert step.condition_en == "2 years 11 months more at Technician"


def test_worker_already_eligible_may_take_the_step_today(g):
    history = worker(("senior", "2015-01-01", "regular"))
    (route,) = plan_for_worker(g, history, OCC, "skill-2022:technician", today=TODAY)
    assert route.arrival == TODAY
    assert route.steps[0].condition_zh.startswith("取得本职业或相关职业三级/高级工证书后")


def test_worker_without_a_level_enters_the_ladder_first(g):
    history = WorkerHistory(work_periods=(WorkPeriod(OCC, D("2023-01-01")),))
    routes = plan_for_worker(g, history, OCC, "skill-2022:senior", today=TODAY)
    entry = routes[0].steps[0]
    assert (entry.source, entry.target, entry.earliest_date) == (None, "skill-2022:junior", D("2024-01-01"))
    assert routes[0].nodes == ("skill-2022:junior", "skill-2022:intermediate", "skill-2022:senior")
    assert routes[0].arrival == D("2033-01-01")


def test_one_worker_is_planned_well_under_two_milliseconds(g):
    history = worker(("junior", "2016-01-01", "regular"), ("intermediate", "2020-05-01", "regular"))
    plan_for_worker(g, history, OCC, SENIOR_ENGINEER, today=TODAY)  # warm the per-graph caches
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        plan_for_worker(g, history, OCC, SENIOR_ENGINEER, today=TODAY,
                        allow=DEFAULT_ALLOW | {"competition", "exceptional", "skip"})
    assert (time.perf_counter() - started) / runs < 0.002
