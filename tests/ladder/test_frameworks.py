"""Skill frameworks and title series as data (DOMAIN §1, §5; names per GLOSSARY)."""

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from ladder.frameworks import (
    UnknownFramework,
    UnknownLevel,
    UnknownTitle,
    all_frameworks,
    all_title_series,
    appraised_levels,
    framework_for,
    get_framework,
    get_level,
    get_title_series,
    level_by_digit,
    next_level,
)


@pytest.mark.parametrize(("code", "rank", "name_zh", "name_en", "digit", "high", "appraised"), [
    ("apprentice", 1, "学徒工", "Apprentice", None, False, False),
    ("junior", 2, "初级工（五级）", "Junior Worker (Level 5)", 5, False, True),
    ("intermediate", 3, "中级工（四级）", "Intermediate Worker (Level 4)", 4, False, True),
    ("senior", 4, "高级工（三级）", "Senior Worker (Level 3)", 3, True, True),
    ("technician", 5, "技师（二级）", "Technician (Level 2)", 2, True, True),
    ("senior_technician", 6, "高级技师（一级）", "Senior Technician (Level 1)", 1, True, True),
    ("principal_technician", 7, "特级技师", "Principal Technician", None, True, False),
    ("chief_technician", 8, "首席技师", "Chief Technician", None, True, False),
])
def test_eight_level_ladder_matches_the_glossary(code, rank, name_zh, name_en, digit, high, appraised):
    level = get_level(code)
    assert (level.rank, level.name_zh, level.name_en) == (rank, name_zh, name_en)
    assert (level.nat_digit, level.is_high_skilled, level.is_appraised) == (digit, high, appraised)


def test_five_level_ladder_uses_ranks_two_to_six_with_the_same_codes():
    fw = get_framework("skill-2013")
    assert [(lv.code, lv.rank) for lv in fw.levels] == [
        ("junior", 2), ("intermediate", 3), ("senior", 4), ("technician", 5), ("senior_technician", 6)]
    assert fw.level("senior").name_en == get_level("senior").name_en


@pytest.mark.parametrize(("on", "code"), [("1994-01-01", "skill-2013"), ("2013-05-01", "skill-2013"),
                                          ("2022-03-31", "skill-2013"), ("2022-04-01", "skill-2022")])
def test_framework_in_force_is_chosen_by_date(on, code):
    assert framework_for(date.fromisoformat(on)).code == code


def test_no_framework_before_the_qualification_system():
    with pytest.raises(UnknownFramework, match="1990-01-01"):
        framework_for(date(1990, 1, 1))


def test_frameworks_do_not_overlap_in_time():
    frameworks = all_frameworks()
    for earlier, later in zip(frameworks, frameworks[1:], strict=False):
        assert earlier.valid_to < later.valid_from


def test_appraised_levels_exclude_posts_by_appointment():
    assert [lv.code for lv in appraised_levels("skill-2022")] == [
        "junior", "intermediate", "senior", "technician", "senior_technician"]


def test_next_level_follows_the_framework_and_stops_at_the_top():
    assert next_level("senior_technician").code == "principal_technician"
    assert next_level("senior_technician", "skill-2013") is None
    assert next_level("chief_technician") is None


@pytest.mark.parametrize(("digit", "code"), [(5, "junior"), (4, "intermediate"), (3, "senior"),
                                             (2, "technician"), (1, "senior_technician")])
def test_certificate_digit_runs_backwards(digit, code):
    assert level_by_digit(digit).code == code


def test_unknown_levels_and_frameworks_are_named_in_the_error():
    with pytest.raises(UnknownLevel, match="'master'"):
        get_level("master")
    with pytest.raises(UnknownLevel, match="skill-2013"):
        get_level("apprentice", "skill-2013")
    with pytest.raises(UnknownLevel, match="digit 6"):
        level_by_digit(6)
    with pytest.raises(UnknownFramework, match="skill-1999"):
        get_framework("skill-1999")


def test_levels_are_immutable():
    with pytest.raises(FrozenInstanceError):
        get_level("junior").rank = 9


def test_engineering_series_names_and_gbt_codes():
    grades = get_title_series("engineering").grades
    assert [(g.code, g.grade_zh, g.name_zh, g.name_en, g.gbt_code) for g in grades] == [
        ("entry", "员级", "技术员", "Technical Assistant", "085"),
        ("assistant", "助理级", "助理工程师", "Assistant Engineer", "084"),
        ("intermediate", "中级", "工程师", "Engineer", "083"),
        ("associate_senior", "副高级", "高级工程师", "Senior Engineer", "082"),
        ("full_senior", "正高级", "正高级工程师", "Professor-level Senior Engineer", None),
    ]


def test_every_crossover_series_of_2020_is_present_with_the_graded_core():
    codes = {s.code for s in all_title_series()}
    assert {"engineering", "agriculture", "arts_and_crafts", "cultural_heritage", "laboratory", "art",
            "sports", "technical_school_teacher", "practice_instructor"} <= codes
    for series in all_title_series():
        codes = {g.code for g in series.grades}
        assert {"assistant", "intermediate", "associate_senior", "full_senior"} <= codes


def test_unknown_title_series_or_grade_is_an_error():
    with pytest.raises(UnknownTitle, match="medicine"):
        get_title_series("medicine")
    with pytest.raises(UnknownTitle, match="entry"):
        get_title_series("art").grade("entry")
