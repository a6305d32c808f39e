"""Exceptional (破格) and level-skipping (越级) promotion limits, DOMAIN §3."""

from datetime import date

import pytest

from ladder.exceptional import check_exceptional_target, exceptional_clauses, max_skip


@pytest.mark.parametrize(("current", "target", "kind"), [
    ("intermediate", "technician", "skip"),
    ("senior", "senior_technician", "skip"),
    ("senior", "technician", "exceptional"),
    ("intermediate", "technician", "exceptional"),
])
def test_skipping_at_most_one_level_into_technician_ranks_is_allowed(current, target, kind):
    check = check_exceptional_target(current, target, kind)
    assert check.ok and check.violations == ()


def test_skipping_two_levels_is_refused():
    check = check_exceptional_target("intermediate", "senior_technician", "skip")
    assert not check.ok
    assert check.describe("zh") == ("最多跨越 1 个等级，此申请跨越 2 个",)


def test_level_skipping_must_skip_a_level():
    check = check_exceptional_target("senior", "technician", "skip")
    assert not check.ok and "must skip at least one level" in check.describe("en")[0]


def test_exceptional_routes_only_lead_to_technician_ranks():
    check = check_exceptional_target("junior", "senior", "skip")
    assert check.describe("zh") == ("越级晋升仅适用于技师、高级技师",)


def test_target_below_the_current_level_is_refused():
    check = check_exceptional_target("technician", "technician", "exceptional")
    assert not check.ok and "须高于现有等级" in check.describe("zh")[0]


def test_limits_are_data_and_dated():
    assert max_skip("skip") == 1
    with pytest.raises(LookupError, match="2000"):
        max_skip("skip", on=date(2000, 1, 1))
    with pytest.raises(ValueError, match="unknown promotion kind"):
        check_exceptional_target("senior", "technician", "direct")


def test_city_2017_relaxes_technician_after_twenty_years_or_twelve_with_an_honour():
    clauses = {c.id: c for c in exceptional_clauses("technician", jurisdiction="unnamed-city-2017")}
    assert clauses["city-2017.technician.a"].is_met("intermediate", 20)
    assert not clauses["city-2017.technician.a"].is_met("intermediate", 19.9)
    assert clauses["city-2017.technician.b"].is_met("intermediate", 12, {"city_technical_expert"})
    assert not clauses["city-2017.technician.b"].is_met("intermediate", 12, ())
    assert not clauses["city-2017.technician.a"].is_met("junior", 30)


def test_city_2017_senior_technician_needs_fifteen_years_and_a_national_or_provincial_honour():
    clauses = exceptional_clauses("senior_technician")
    clause = next(c for c in clauses if c.id == "city-2017.senior_technician.b")
    assert clause.is_met("senior", 15, {"national_technical_expert"})
    assert not clause.is_met("senior", 15, {"city_technical_expert"})


def test_local_conditions_are_filtered_by_jurisdiction():
    assert [c.id for c in exceptional_clauses("technician", jurisdiction="130400")] == ["handan.technician.a"]
