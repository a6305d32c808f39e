"""Records for the ladder pages and API tests: workers whose histories give hand-checked plans."""

from __future__ import annotations

from datetime import date

from app.extensions import db
from credentials.models import CertificateRoute, WorkPeriod
from credentials.services.reference import find_occupation

OCC = "6-18-01-01"  # 车工: the generic 2018 application conditions apply
SENIOR_ENGINEER = "title:engineering:associate_senior"
D = date.fromisoformat


def freeze_today(monkeypatch, day: date) -> None:
    """Plan as if it were `day` (the pages and the API read app.career.today)."""
    monkeypatch.setattr("app.career.today", lambda: day)


def add_work(worker, started_on: str, occupation: str = OCC) -> None:
    db.session.add(WorkPeriod(worker_id=worker.id, occupation_id=find_occupation(db.session(), occupation).id,
                              started_on=D(started_on)))
    db.session.commit()


def give(make_certificate, worker, institution, *levels: tuple[str, str, CertificateRoute]) -> None:
    for level, issued_on, route in levels:
        make_certificate(worker, institution, level=level, occupation=OCC, issued_on=D(issued_on),
                         route=route)


def skipped_by_approval(make_certificate, worker, institution) -> None:
    """中级工 in 2015, then 技师 in 2020 by an approved exceptional promotion that skipped 高级工."""
    add_work(worker, "2010-01-01")
    give(make_certificate, worker, institution, ("intermediate", "2015-01-01", CertificateRoute.REGULAR),
         ("technician", "2020-03-01", CertificateRoute.EXCEPTIONAL))


def promoted_by_competition(make_certificate, worker, institution) -> None:
    """高级工 in 2018, then 技师 in 2022 as a competition reward."""
    add_work(worker, "2010-01-01")
    give(make_certificate, worker, institution, ("senior", "2018-01-01", CertificateRoute.REGULAR),
         ("technician", "2022-05-01", CertificateRoute.COMPETITION))
