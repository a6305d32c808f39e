"""Oversight thresholds: dated data per jurisdiction, the most specific one deciding, and the comparisons that
raise a flag (quota, pass rate above the region's, issued just before an accreditation lapses)."""

from __future__ import annotations

from datetime import date

import pytest

from ladder.frameworks import LadderDataError
from ladder.oversight import (
    check_policies,
    oversight_policies,
    parse_policy,
    policy_for,
    policy_for_year,
    select_policy,
    widest_lapse_window,
)

QUOTA = {"enterprise": 10, "technician_college": 6}


def row(**changes) -> dict:
    base = {"id": "CN-test", "jurisdiction": "CN", "name_zh": "测试", "name_en": "test",
            "valid_from": date(2013, 1, 1), "confidence": "U", "source": "test", "nomination_quota": QUOTA,
            "pass_rate_margin_points": 20, "pass_rate_min_sittings": 30, "lapse_window_days": 30}
    return {**base, **changes}


def test_the_shipped_national_policy_governs_every_city_from_2013():
    policy = policy_for("3205", on=date(2024, 6, 1))

    assert policy is not None and policy.jurisdiction == "CN"
    assert policy.lapse_window_days == 30 and policy.pass_rate_margin_points == 20
    assert policy.quota_for("enterprise") == 10


def test_no_policy_governs_a_year_before_the_first_one():
    assert policy_for_year("3205", 2012) is None
    assert widest_lapse_window(2012) == 0
    assert widest_lapse_window(2024) == 30


def test_a_year_is_governed_by_the_policy_in_force_on_its_first_day():
    old = parse_policy(row(id="CN-old", valid_to=date(2020, 6, 30)))
    new = parse_policy(row(id="CN-new", valid_from=date(2020, 7, 1), lapse_window_days=60))
    policies = check_policies([old, new])

    assert select_policy(policies, "3205", on=date(2020, 1, 1)).id == "CN-old"
    assert select_policy(policies, "3205", on=date(2021, 1, 1)).id == "CN-new"


def test_the_city_decides_before_its_province_and_the_province_before_the_nation():
    national = parse_policy(row())
    jiangsu = parse_policy(row(id="32-test", jurisdiction="32", lapse_window_days=45))
    suzhou = parse_policy(row(id="3205-test", jurisdiction="3205", lapse_window_days=60))
    policies = check_policies([national, jiangsu, suzhou])
    on = date(2024, 1, 1)

    assert select_policy(policies, "3205", on=on).id == "3205-test"
    assert select_policy(policies, "3201", on=on).id == "32-test"
    assert select_policy(policies, "4401", on=on).id == "CN-test"


def test_a_local_policy_out_of_force_falls_back_to_the_next_jurisdiction():
    national = parse_policy(row())
    ended = parse_policy(row(id="3205-test", jurisdiction="3205", valid_to=date(2015, 12, 31)))

    assert select_policy([national, ended], "3205", on=date(2024, 1, 1)).id == "CN-test"


def test_nominations_over_the_quota_of_the_institution_kind_are_flagged():
    policy = parse_policy(row())

    assert not policy.over_quota("technician_college", 6)
    assert policy.over_quota("technician_college", 7)
    with pytest.raises(LookupError):
        policy.quota_for("university")


@pytest.mark.parametrize(("passes", "sittings", "flagged"), [
    (30, 30, True),    # 100 % against the region's 70 %: 30 points above
    (27, 30, False),   # 90 %: exactly 20 points above is not more than the margin
    (28, 30, True),    # 93.3 %
    (29, 29, False),   # too few sittings to compare, however high
])
def test_a_pass_rate_more_than_the_margin_above_the_regions_is_flagged(passes, sittings, flagged):
    policy = parse_policy(row())

    assert policy.pass_rate_too_high(passes, sittings, region_passes=700, region_sittings=1000) is flagged


def test_a_region_without_sittings_raises_no_pass_rate_flag():
    assert not parse_policy(row()).pass_rate_too_high(30, 30, region_passes=0, region_sittings=0)


@pytest.mark.parametrize(("issued_on", "flagged"), [
    (date(2024, 6, 30), True),    # the last day
    (date(2024, 6, 1), True),     # 29 days before: within the last 30 days
    (date(2024, 5, 31), False),   # 30 days before
    (date(2024, 7, 1), False),    # after the end: not covered at all
])
def test_just_before_lapse_means_the_accreditations_last_days(issued_on, flagged):
    assert parse_policy(row()).just_before_lapse(issued_on, date(2024, 6, 30)) is flagged


@pytest.mark.parametrize(("changes", "message"), [
    ({"colour": "red"}, "unknown keys"),
    ({"nomination_quota": {}}, "names no institution kind"),
    ({"nomination_quota": {"enterprise": -1}}, "at least 0"),
    ({"lapse_window_days": 0}, "at least 1"),
    ({"pass_rate_margin_points": 12.5}, "whole number"),
    ({"valid_to": date(2000, 1, 1)}, "before valid_from"),
])
def test_a_malformed_policy_is_refused_when_loaded(changes, message):
    with pytest.raises(LadderDataError, match=message):
        parse_policy(row(**changes))


def test_a_policy_missing_a_value_is_refused():
    incomplete = row()
    del incomplete["lapse_window_days"]

    with pytest.raises(LadderDataError, match="lacks"):
        parse_policy(incomplete)


def test_two_policies_of_one_jurisdiction_in_force_at_once_are_refused():
    with pytest.raises(LadderDataError, match="both in force"):
        check_policies([parse_policy(row(id="a")), parse_policy(row(id="b", valid_from=date(2020, 1, 1)))])


def test_every_policy_lists_the_same_institution_kinds():
    local = parse_policy(row(id="3205-test", jurisdiction="3205", nomination_quota={"enterprise": 1}))

    with pytest.raises(LadderDataError, match="same institution kinds"):
        check_policies([parse_policy(row()), local])


def test_the_shipped_file_marks_its_values_unconfirmed():
    for policy in oversight_policies():
        assert policy.confidence == "U" and policy.source
