"""`flask campaign rebuild|check`, and `flask synth` leaving the tallies right."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from credentials.models import Certificate, Tally, WorkerStanding
from credentials.queries.indicators import Region, indicator_values


def invoke(runner, *args):
    return runner.invoke(args=[str(a) for a in args])


def test_check_passes_rebuild_reports_and_check_fails_on_a_tampered_tally(db, runner, registry):
    registry.certificate(registry.worker(), "senior", date(2013, 5, 20))

    assert invoke(runner, "campaign", "check").output == "tallies agree with the records\n"
    db.session.execute(update(Tally).where(Tally.series == "certificates.route").values(value=7))
    db.session.commit()

    failed = invoke(runner, "campaign", "check")
    assert failed.exit_code == 1
    assert "3 tallies differ" in failed.output  # the city, its province and the nation
    assert "certificates.route region 3205 month 2013-05 key regular: kept 7.00, recomputed 1.00" in failed.output

    rebuilt = invoke(runner, "campaign", "rebuild")
    assert rebuilt.exit_code == 0 and "worker standings" in rebuilt.output
    assert "tallies rebuilt: 12 rows, 1 worker standings" in rebuilt.output  # 4 series x 3 regions
    assert invoke(runner, "campaign", "check").exit_code == 0


def test_check_limits_what_it_prints(db, runner, registry):
    worker = registry.worker()
    for year in (2013, 2014, 2015):
        registry.certificate(worker, "junior" if year == 2013 else "intermediate" if year == 2014 else "senior",
                             date(year, 5, 1))
    db.session.execute(update(Tally).values(value=9))
    db.session.commit()

    failed = invoke(runner, "campaign", "check", "--limit", 2)
    assert failed.exit_code == 1 and failed.output.count("kept 9.00") == 2 and "differ" in failed.output
    invoke(runner, "campaign", "rebuild")


def test_synth_ends_with_the_tallies_rebuilt(db, runner):
    result = invoke(runner, "synth", "--workers", 300, "--seed", 5)
    assert result.exit_code == 0, result.output

    assert invoke(runner, "campaign", "check").exit_code == 0
    db.session.rollback()
    holders = db.session.scalar(select(func.count(func.distinct(Certificate.worker_id))))
    assert holders > 0 and db.session.scalar(select(func.count()).select_from(WorkerStanding)) == holders
    nation = {v.code: v.value for v in indicator_values(db.session(), region=Region.of(""), start=date(1970, 1, 1),
                                                           end=date(2030, 12, 31))}
    assert nation["certified_workforce"] == holders
    assert nation["certificates_issued"] == db.session.scalar(select(func.count()).select_from(Certificate))
