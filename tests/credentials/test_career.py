"""Career reads against a real session: whose local rules apply, where a worker stands, and the region census
read in chunks."""

from __future__ import annotations

from datetime import date

from app.extensions import db
from credentials.models import CertificateRoute
from credentials.queries.career import (
    jurisdiction_for,
    occupations_of,
    plan_worker_routes,
    rule_places,
)
from credentials.queries.census import ladder_census
from credentials.queries.history import history_of
from credentials.services.certificates import revoke_certificate
from ladder.graph import build_graph, graph_for
from tests.career_records import add_work, give

TODAY = date(2025, 6, 1)
REGULAR = CertificateRoute.REGULAR


def test_a_city_with_rules_of_its_own_uses_them_and_any_other_city_its_provinces():
    places = rule_places(build_graph())  # undated: Suzhou's pre-2018 rules and the provinces' are all there

    assert jurisdiction_for("3205", places) == "320500"
    assert jurisdiction_for("4101", places) == "410000"  # Zhengzhou: Henan's fast track
    assert jurisdiction_for("3201", places) is None  # Nanjing: national rules only
    assert "320500" not in rule_places(graph_for(TODAY))  # the Suzhou rules ended in 2018


def test_a_worker_stands_at_the_highest_level_of_any_occupation(make_worker, make_institution, make_certificate):
    worker = make_worker()
    school = make_institution(scope=(("6-18-01-01", "senior_technician"), ("6-18-01-02", "senior_technician")))
    make_certificate(worker, school, occupation="6-18-01-02", level="junior", issued_on=date(2016, 1, 1))
    give(make_certificate, worker, school, ("senior", "2019-01-01", REGULAR))
    add_work(worker, "2012-01-01", occupation="6-18-01-02")

    history = history_of(db.session(), worker.id)
    plan = plan_worker_routes(db.session(), worker, today=TODAY)

    assert occupations_of(history) == ("6-18-01-01", "6-18-01-02")
    assert (plan.occupation_code, plan.position, plan.target) == ("6-18-01-01", "skill-2022:senior",
                                                                  "skill-2022:technician")


def test_the_census_reads_in_chunks_without_losing_or_repeating_anyone(make_worker, make_institution,
                                                                         make_certificate, make_user):
    school = make_institution()
    for index in range(7):
        give(make_certificate, make_worker(), school, ("senior" if index % 2 else "junior", "2018-01-01", REGULAR))
    officer = make_user("bureau_officer", region="3205")

    whole = ladder_census(db.session(), officer, today=TODAY)
    chunked = ladder_census(db.session(), officer, today=TODAY, chunk=2)

    assert (whole.workers, whole.on_ladder) == (chunked.workers, chunked.on_ladder) == (7, 7)
    assert whole.nodes == chunked.nodes == {"skill-2022:senior": 3, "skill-2022:junior": 4}
    assert whole.edges == chunked.edges


def test_a_revoked_certificate_never_places_a_worker(make_worker, make_institution, make_certificate, make_user):
    worker, school = make_worker(), make_institution()
    give(make_certificate, worker, school, ("intermediate", "2015-01-01", REGULAR))
    senior = make_certificate(worker, school, level="senior", issued_on=date(2020, 1, 1))
    officer = make_user("bureau_officer", region="3205")
    revoke_certificate(db.session(), senior, reason="材料造假", by=officer)
    db.session.commit()

    census = ladder_census(db.session(), officer, today=TODAY)

    assert dict(census.nodes) == {"skill-2022:intermediate": 1}
