"""Review stages, approval validity and the WorldSkills pool rules, as data."""

from __future__ import annotations

from datetime import date

import pytest

from ladder.review import CITY, PROVINCE, approval_valid_until, next_stage, stages_for
from ladder.worldskills import next_edition, pool_criteria

ON = date(2026, 11, 1)


@pytest.mark.parametrize(("target", "stages"), [
    ("senior", (CITY,)),
    ("technician", (CITY, PROVINCE)),
    ("senior_technician", (CITY, PROVINCE)),
])
def test_technician_and_above_also_need_the_province(target, stages):
    assert stages_for(target, on=ON) == stages


def test_city_stage_forwards_to_the_province_only_when_the_target_needs_it():
    assert next_stage(CITY, "technician", on=ON) == PROVINCE
    assert next_stage(PROVINCE, "technician", on=ON) is None
    assert next_stage(CITY, "senior", on=ON) is None


def test_an_approval_lasts_twelve_calendar_months():
    assert approval_valid_until(date(2026, 2, 28)) == date(2027, 2, 28)
    assert approval_valid_until(date(2024, 2, 29)) == date(2025, 2, 28)


def test_the_next_worldskills_after_shanghai_2026_is_the_49th():
    assert next_edition(date(2026, 11, 25)).number == 49
    assert next_edition(date(2024, 1, 1)).number == 47


def test_a_competitor_may_be_at_most_22_in_the_year_of_the_competition():
    edition = next_edition(date(2026, 11, 25))  # 2028

    assert edition.born_on_or_after == date(2006, 1, 1)
    assert edition.admits(date(2006, 1, 1)) and not edition.admits(date(2005, 12, 31))


@pytest.mark.parametrize(("tier", "rank", "medal", "strong"), [
    ("national_class_1", 3, None, True),
    ("national_class_1", 11, None, False),
    ("provincial_class_1", None, "excellence", True),
    ("city", 1, "gold", False),  # a city contest is not a selection on its own
    ("enterprise", 1, None, False),
])
def test_strong_results_come_from_selective_tiers(tier, rank, medal, strong):
    assert pool_criteria().is_strong(tier, rank, medal) is strong
