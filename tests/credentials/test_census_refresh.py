"""The daily ladder census kept per region: what it keeps equals a direct count, refreshing twice changes nothing,
and the counts per level (the tallies) move with each write while the edge counts wait for the next refresh."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from credentials.errors import ValidationFailed
from credentials.models import CensusSnapshot, CertificateRoute
from credentials.queries.census import census_of, ladder_census, latest_snapshot, region_census
from credentials.queries.indicators import Region, indicator_breakdown
from credentials.services.census_refresh import KEPT_DAYS, refresh_all, refresh_census
from tests.career_records import add_work, give

TODAY = date(2025, 6, 1)
REGULAR = CertificateRoute.REGULAR
FRAMEWORK = "skill-2022"


@pytest.fixture
def registry(make_worker, make_institution, make_certificate):
    """Suzhou: a 高级工 since 2017, a 中级工 since 2018 who has worked since 2012, a worker with no certificate;
    Nanjing: a 技师 since 2019 who has worked since 2010."""
    school = make_institution("苏州技师学院")
    senior, intermediate, _nobody = make_worker(), make_worker(), make_worker()
    technician = make_worker(city_code="3201")
    give(make_certificate, senior, school, ("senior", "2017-06-20", REGULAR))
    give(make_certificate, intermediate, school, ("intermediate", "2018-03-01", REGULAR))
    add_work(intermediate, "2012-01-01")
    give(make_certificate, technician, school, ("technician", "2019-01-01", REGULAR))
    add_work(technician, "2010-01-01")
    return school


def snapshot_count() -> int:
    return db.session.scalar(select(func.count()).select_from(CensusSnapshot))


def test_every_kept_snapshot_equals_a_direct_count_of_its_region(registry, make_user):
    kept = refresh_all(db.session(), TODAY)
    db.session.commit()

    assert [s.region_code for s in kept] == ["3201", "3205", "32", ""]
    for snapshot in kept:
        assert census_of(snapshot) == region_census(db.session(), snapshot.region_code, today=TODAY)
    ministry = make_user("bureau_officer", scope="ministry")
    nation = census_of(latest_snapshot(db.session(), "", FRAMEWORK))
    assert nation == ladder_census(db.session(), ministry, today=TODAY)
    assert (nation.workers, nation.on_ladder) == (4, 3)
    assert dict(nation.nodes) == {"skill-2022:senior": 1, "skill-2022:intermediate": 1, "skill-2022:technician": 1}
    assert nation.edges[("skill-2022:intermediate", "skill-2022:senior", "regular")].eligible == 1


def test_refreshing_again_replaces_the_day_s_snapshot_and_drops_old_ones(registry):
    old = refresh_census(db.session(), region_code="3205", today=TODAY - timedelta(days=KEPT_DAYS + 1))
    first = refresh_census(db.session(), region_code="3205", today=TODAY)
    first_content = (first.workers, first.on_ladder, first.nodes, first.edges)
    db.session.commit()

    again = refresh_census(db.session(), region_code="3205", today=TODAY)
    db.session.commit()

    assert again.id == first.id and (again.workers, again.on_ladder, again.nodes, again.edges) == first_content
    assert db.session.get(CensusSnapshot, old.id) is None
    assert snapshot_count() == 1


def test_a_new_certificate_moves_the_level_counts_at_once_and_the_edge_counts_at_the_next_refresh(
        registry, make_worker, make_certificate):
    refresh_all(db.session(), TODAY)
    db.session.commit()
    edge = ("skill-2022:intermediate", "skill-2022:senior", "regular")
    newcomer = make_worker()  # 中级工 since 2016, worked since 2010: 高级工 is due
    give(make_certificate, newcomer, registry, ("intermediate", "2016-01-01", REGULAR))
    add_work(newcomer, "2010-01-01")

    levels = dict(indicator_breakdown(db.session(), "certified_workforce", Region.of("3205"), TODAY, TODAY, by="level"))
    before = census_of(latest_snapshot(db.session(), "3205", FRAMEWORK))
    refresh_all(db.session(), TODAY)
    after = census_of(latest_snapshot(db.session(), "3205", FRAMEWORK))

    assert levels["intermediate"] == 2  # the tallies: kept with the write
    assert before.edges[edge].eligible == 1 and before.workers == 3
    assert after.edges[edge].eligible == 2 and after.workers == 4


def test_a_region_is_a_nation_province_or_city_code(app):
    with pytest.raises(ValidationFailed):
        refresh_census(db.session(), region_code="320", today=TODAY)


def test_the_command_keeps_every_region_or_one(registry, runner):
    one = runner.invoke(args=["campaign", "census", "--region", "3205", "--date", "2025-06-01"])
    assert one.exit_code == 0 and "3 workers" in one.output
    assert snapshot_count() == 1

    every = runner.invoke(args=["campaign", "census", "--date", "2025-06-01"])
    bad = runner.invoke(args=["campaign", "census", "--region", "x"])

    assert every.exit_code == 0 and "4 regions" in every.output
    assert snapshot_count() == 4
    assert bad.exit_code != 0 and "region" in bad.output
