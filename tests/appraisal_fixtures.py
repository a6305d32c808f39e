"""Fixtures for the appraisal road (applications, sessions, results, corrections): an accredited college, its
clerk, and candidates whose facts (work periods, certificates) are recorded through the real services, with
helpers that bring an application to any step. Dates are fixed so that every rule is tested on exact days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from app.extensions import db
from credentials.models import Application, AppraisalSession, Institution, User, Worker
from credentials.services.applications import (
    approve_application,
    record_session_result,
    seat_application,
    submit_application,
)
from credentials.services.reference import find_occupation
from credentials.services.sessions import create_appraisal_session
from credentials.services.worker_facts import record_work_period

LATHE = "6-18-01-01"  # 车工
APPLIED = date(2024, 5, 6)  # the day applications are made and reviewed
HELD = date(2024, 6, 3)  # the session's day
AFTER = date(2024, 6, 5)  # the day results are entered


@dataclass
class Road:
    college: Institution
    clerk: User
    other_college: Institution
    other_clerk: User
    junior: Worker  # worked as a lathe operator since 2015: meets "1 year in the occupation" for junior
    junior_user: User
    senior: Worker  # senior since 2018 and working since 2010: meets "senior + 4 years" for technician
    newcomer: Worker  # started in 2024-01: junior only from 2025-01-01


def lathe():
    return find_occupation(db.session(), LATHE)


def worked_since(worker, started_on: date) -> None:
    record_work_period(db.session(), worker=worker, occupation=lathe(), started_on=started_on, by=None)


@pytest.fixture
def road(make_institution, make_worker, make_user, make_certificate) -> Road:
    college = make_institution("苏州技师学院")
    other = make_institution("无锡技师学院", city_code="3202")
    junior, senior, newcomer = make_worker("李小龙"), make_worker("张师傅"), make_worker("赵新人")
    worked_since(junior, date(2015, 3, 1))
    worked_since(senior, date(2010, 3, 1))
    worked_since(newcomer, date(2024, 1, 1))
    db.session.commit()
    make_certificate(senior, college, level="senior", issued_on=date(2018, 1, 1))
    return Road(college, make_user("institution_staff", institution=college), other,
                make_user("institution_staff", institution=other), junior, make_user("worker", worker=junior),
                senior, newcomer)


def open_session(road: Road, *, levels=("junior",), held_on: date = HELD, capacity: int = 10,
                 today: date = APPLIED) -> AppraisalSession:
    found = create_appraisal_session(db.session(), institution=road.college, occupation=lathe(), levels=levels,
                                     held_on=held_on, site="实训楼 3 楼", capacity=capacity, by=road.clerk, today=today)
    db.session.commit()
    return found


def apply(road: Road, worker, level: str = "junior", *, by=None, today: date = APPLIED, **kwargs) -> Application:
    application = submit_application(db.session(), worker=worker, occupation=lathe(), level=level,
                                     institution=road.college, by=by or road.clerk, today=today, **kwargs)
    db.session.commit()
    return application


def qualified(road: Road, worker, level: str = "junior") -> Application:
    application = apply(road, worker, level)
    approve_application(db.session(), application, by=road.clerk, today=APPLIED)
    db.session.commit()
    return application


def seated(road: Road, worker, appraisal_session: AppraisalSession, level: str = "junior") -> Application:
    application = qualified(road, worker, level)
    seat_application(db.session(), application, appraisal_session, by=road.clerk, today=APPLIED)
    db.session.commit()
    return application


def sit(road: Road, application: Application, theory=80, practical=80, review=None, *, today: date = AFTER):
    result = record_session_result(db.session(), application.session, application, theory=Decimal(theory),
                                   practical=Decimal(practical), review=None if review is None else Decimal(review),
                                   by=road.clerk, today=today)
    db.session.commit()
    return result


__all__ = ["AFTER", "APPLIED", "HELD", "LATHE", "Road", "apply", "lathe", "open_session", "qualified", "road",
           "seated", "sit", "worked_since"]
