"""Indicator tallies are kept in the writes' own transaction, by every write path, and `rebuild`/`check` prove them.

(After every test of the suite, conftest's `tallies_agree` fixture checks them too.)"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from credentials.models import (
    Certificate,
    CompetitionPromotion,
    DuplicateKind,
    ImportStatus,
    Institution,
    Tally,
    TargetGroup,
    WorkerStanding,
    WorkerTargetGroup,
)
from credentials.models.tallies import STOCK_MONTH
from credentials.queries.indicators import indicator_breakdown, indicator_values
from credentials.services.certificates import issue_certificate
from credentials.services.merges import merge_workers
from credentials.services.tallies import (
    TalliesBypassed,
    check_tallies,
    count_inserted,
    rebuild_tallies,
    recount_workers,
)
from credentials.services.tally_series import (
    CertificateFacts,
    CompetitionFacts,
    Count,
    SittingFacts,
    TrainingFacts,
    count_certificate,
    count_competition,
    count_sitting,
    count_training,
)
from tests.campaign_fixtures import CAMPAIGN, JIANGSU, SUZHOU, WUXI, lathe

D = Decimal


def kept() -> dict[tuple, Decimal]:
    db.session.expire_all()
    return {(t.series, t.region_code, t.month, t.key): t.value for t in db.session.scalars(select(Tally))}


def standing(worker) -> tuple[str, str] | None:
    found = db.session.get(WorkerStanding, worker.id, populate_existing=True)
    return (found.city_code, found.highest_level) if found else None


# ---- the per-row rules, pure ----------------------------------------------------------------------------

def test_a_certificate_counts_by_level_route_and_occupation_in_its_issue_month_unless_revoked():
    valid = CertificateFacts(1, 7, "3205", "senior", "regular", "6-18-01-01", date(2013, 5, 20), "valid")
    assert set(count_certificate(valid)) == {
        Count("certificates.level", "3205", date(2013, 5, 1), "senior", D(1)),
        Count("certificates.route", "3205", date(2013, 5, 1), "regular", D(1)),
        Count("certificates.occupation", "3205", date(2013, 5, 1), "6-18-01-01", D(1))}
    assert list(count_certificate(valid.__class__(**{**valid.__dict__, "status": "revoked"}))) == []


def test_a_training_counts_once_per_group_and_its_subsidy_in_the_month_it_was_completed():
    training = TrainingFacts(1, "3205", "employment_skills", "directed", date(2013, 4, 30), date(2013, 5, 2), True,
                             D(800), frozenset({"veteran", "rural_migrant"}))
    counts = list(count_training(training))
    assert [c.key for c in counts if c.series == "training.group"] == ["rural_migrant", "veteran"]
    assert Count("training.subsidy", "3205", date(2013, 5, 1), "employment_skills", D(800)) in counts
    alone = TrainingFacts(2, "3205", "entrepreneurship", "other", date(2013, 4, 1), None, True, D(800), frozenset())
    assert [(c.series, c.key) for c in count_training(alone)] == [
        ("training.type", "entrepreneurship"), ("training.form", "other"), ("training.group", "none")]


def test_a_voided_sitting_counts_nothing_and_a_competition_without_a_city_counts_in_its_province_or_nation():
    assert list(count_sitting(SittingFacts(1, "3205", "junior", date(2013, 5, 5), "voided", False))) == []
    assert [c.series for c in count_sitting(SittingFacts(1, "3205", "junior", date(2013, 5, 5), "passed", True))] == [
        "appraisal.sittings", "appraisal.passes"]
    provincial = CompetitionFacts(1, None, "32", "provincial_class_1", date(2013, 6, 1), "not_applicable")
    national = CompetitionFacts(2, None, None, "national_class_1", date(2013, 6, 1), "not_applicable")
    assert [c.city_code for c in count_competition(provincial)] == ["32"]
    assert [c.city_code for c in count_competition(national)] == [""]


# ---- kept with the writes -------------------------------------------------------------------------------

def test_a_certificate_is_counted_for_its_city_province_and_nation_in_the_writes_own_transaction(registry):
    worker = registry.worker()
    issue_certificate(db.session(), worker=worker, occupation=lathe(), level="senior", issued_on=date(2013, 5, 20),
                      institution=registry.suzhou, by=None)
    db.session.flush()
    for region in ("3205", "32", ""):  # seen inside the transaction, before any commit
        assert kept()[("certificates.level", region, date(2013, 5, 1), "senior")] == 1
        assert kept()[("workforce.level", region, STOCK_MONTH, "senior")] == 1
    assert standing(worker) == ("3205", "senior")

    db.session.rollback()  # the write undone: so are its counts
    assert kept() == {} and standing(worker) is None


def test_a_failed_flush_leaves_the_counts_as_they_were(registry):
    worker = registry.worker()
    first = registry.certificate(worker, "junior", date(2013, 5, 20))
    before = kept()
    twin = Certificate(**{c: getattr(first, c) for c in ("number", "number_scheme", "kind", "worker_id", "occupation_id",
                                                         "framework", "level", "issued_on", "institution_id", "route")})
    db.session.add(twin)  # the same number again: the unique constraint refuses it
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert kept() == before and check_tallies(db.session()) == []


def test_an_institution_that_moves_city_takes_its_flows_along(registry):
    worker = registry.worker(worked_since=date(2005, 1, 1))
    registry.sitting(worker, date(2013, 5, 5), passed=True)
    registry.training(worker, date(2013, 6, 1))
    assert registry.values()["certificates_issued"] == 1

    db.session.get(Institution, registry.suzhou.id).city_code = "3202"  # its address was entered wrongly
    db.session.commit()

    suzhou, wuxi = registry.values(), registry.values(WUXI)
    assert (suzhou["certificates_issued"], suzhou["trainees"], suzhou["appraisal_passes"]) == (0, 0, 0)
    assert (wuxi["certificates_issued"], wuxi["trainees"], wuxi["appraisal_passes"]) == (1, 1, 1)
    assert standing(worker) == ("3205", "junior")  # the worker did not move


def test_a_target_group_entered_later_recounts_the_trainings_it_covers(registry):
    worker = registry.worker()
    registry.training(worker, date(2013, 6, 1))
    db.session.add(WorkerTargetGroup(worker_id=worker.id, group=TargetGroup.VETERAN, valid_from=date(2012, 1, 1)))
    db.session.commit()
    assert dict(kept_groups()) == {"veteran": 1}

    (group,) = db.session.scalars(select(WorkerTargetGroup).where(WorkerTargetGroup.worker_id == worker.id))
    group.valid_from = date(2013, 7, 1)  # joined after the training began
    db.session.commit()
    assert dict(kept_groups()) == {"none": 1}


def kept_groups():
    return [(key[3], value) for key, value in kept().items() if key[0] == "training.group" and key[1] == "3205"]


def test_a_merge_moves_stock_to_the_survivor_and_counts_the_person_once(registry):
    survivor = registry.worker("王合并", groups=(TargetGroup.VETERAN,))
    duplicate = registry.worker("王合并", city_code="3202")
    registry.certificate(survivor, "junior", date(2013, 3, 1))
    registry.certificate(duplicate, "senior", date(2013, 8, 1), at=registry.wuxi)
    registry.training(duplicate, date(2013, 6, 1), at=registry.wuxi)
    assert (registry.values(JIANGSU)["certified_workforce"], registry.values(WUXI)["certified_workforce"]) == (2, 1)

    merge_workers(db.session(), survivor, duplicate, kind=DuplicateKind.SAME_PERSON_DETAILS, reason="同一人两次登记",
                  by=registry.province)
    db.session.commit()

    assert registry.values(JIANGSU)["certified_workforce"] == 1  # one person, at the highest level of both
    assert standing(survivor) == ("3205", "senior") and standing(duplicate) is None
    assert registry.values(WUXI)["certificates_issued"] == 1  # flows stay where they happened
    assert breakdown_groups(WUXI) == {"veteran": 1}  # the moved training now belongs to a veteran
    assert check_tallies(db.session()) == []


def breakdown_groups(region):
    return dict(indicator_breakdown(db.session(), "trainees", region, *CAMPAIGN, by="group"))


def test_moving_rows_that_feed_other_counts_outside_recount_workers_is_refused(registry):
    first, second = registry.worker("甲"), registry.worker("乙")
    registry.training(second, date(2013, 6, 1))
    registry.worker("丙", groups=(TargetGroup.VETERAN,))
    with pytest.raises(TalliesBypassed):
        db.session.execute(update(WorkerTargetGroup).values(worker_id=second.id))
    db.session.rollback()

    with recount_workers(db.session(), [first.id, second.id]):
        db.session.execute(update(WorkerTargetGroup).where(WorkerTargetGroup.worker_id == first.id)
                           .values(worker_id=second.id))
    db.session.commit()
    assert check_tallies(db.session()) == []


def test_a_core_update_of_counted_rows_is_counted(registry):
    worker = registry.worker()
    certificate = registry.certificate(worker, "junior", date(2013, 5, 20))
    db.session.execute(update(Certificate).where(Certificate.id == certificate.id).values(issued_on=date(2013, 9, 1)))
    db.session.commit()
    assert registry.values(SUZHOU, (date(2013, 9, 1), date(2013, 9, 30)))["certificates_issued"] == 1
    assert registry.values(SUZHOU, (date(2013, 5, 1), date(2013, 5, 31)))["certificates_issued"] == 0


def test_a_core_update_run_for_many_parameter_sets_is_counted(registry):
    worker = registry.worker()
    first = registry.certificate(worker, "junior", date(2013, 5, 20))
    second = registry.certificate(worker, "intermediate", date(2013, 6, 20))
    statement = (update(Certificate.__table__).where(Certificate.__table__.c.id == bindparam("which"))
                 .values(issued_on=bindparam("moved_to")))
    db.session.execute(statement, [{"which": first.id, "moved_to": date(2014, 1, 2)},
                                   {"which": second.id, "moved_to": date(2014, 1, 3)}])
    db.session.commit()
    assert registry.values(SUZHOU, (date(2014, 1, 1), date(2014, 1, 31)))["certificates_issued"] == 2


def test_a_bulk_import_counts_its_sittings_certificates_and_trainings(setting):
    results = setting.run([setting.result(0), setting.result(1, practical="40")])
    trainings = setting.run([setting.training(2), setting.training(3, start="2024-05-01", end="", outcome="在训")],
                            kind="training_records")
    assert (results.status, trainings.status) == (ImportStatus.COMMITTED, ImportStatus.COMMITTED)

    db.session.expire_all()
    found = {v.code: v.value for v in indicator_values(db.session(), region=SUZHOU, start=date(2024, 1, 1),
                                                       end=date(2024, 12, 31))}
    assert (found["appraisal_sittings"], found["appraisal_passes"], found["certificates_issued"]) == (2, 1, 1)
    assert found["trainees"] == 2 and found["certified_workforce"] == 1
    assert check_tallies(db.session()) == []


def test_only_counted_tables_are_counted_on_insert(registry):
    with pytest.raises(ValueError, match="not a counted table"):
        count_inserted(db.session(), CompetitionPromotion, [1])


# ---- rebuild and check ----------------------------------------------------------------------------------

def test_a_rebuild_finds_exactly_what_was_kept(registry):
    worker = registry.worker(groups=(TargetGroup.RURAL_MIGRANT,), worked_since=date(2005, 1, 1))
    registry.sitting(worker, date(2013, 3, 5), passed=False)
    registry.sitting(worker, date(2013, 6, 5), passed=True)
    registry.certificate(worker, "senior", date(2014, 2, 1), at=registry.wuxi)
    registry.training(worker, date(2013, 6, 1), completed_on=date(2013, 9, 1))
    before = kept()
    assert len(before) > 10

    summary = rebuild_tallies(db.session())
    db.session.commit()

    assert kept() == before and summary.tallies == len(before) and summary.standings == 1


def test_check_reports_a_tampered_tally_and_a_wrong_standing(registry):
    worker = registry.worker()
    registry.certificate(worker, "technician", date(2013, 5, 20))
    db.session.execute(update(Tally).where(Tally.series == "certificates.level").values(value=5))
    db.session.execute(update(WorkerStanding).values(highest_level="junior"))
    db.session.commit()

    differences = check_tallies(db.session())

    assert {(d.region_code, d.month, d.key, d.kept, d.recomputed) for d in differences
            if d.series == "certificates.level"} == {(region, date(2013, 5, 1), "technician", 5, 1)
                                                    for region in ("3205", "32", "")}
    assert {(d.key, d.kept, d.recomputed) for d in differences if d.series == "worker_standings"} == {
        (f"{worker.id}:junior", 1, 0), (f"{worker.id}:technician", 0, 1)}
    rebuild_tallies(db.session())
    db.session.commit()
    assert check_tallies(db.session()) == []
