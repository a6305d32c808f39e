"""A small registry built by hand for the campaign's indicator and tally tests: two colleges (Suzhou 3205 and
Wuxi 3202, both in Jiangsu 32), their clerks, bureau officers at every level, and helpers that write records
through the real services (registration, training, appraisal sittings, certificates, competitions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from app.extensions import db
from credentials.models import (
    AppraisalResult,
    Certificate,
    CertificateRoute,
    Institution,
    TargetGroup,
    TrainingRecord,
    User,
    Worker,
)
from credentials.queries.indicators import Region, indicator_values
from credentials.services.appraisal import record_appraisal_result
from credentials.services.certificates import issue_certificate
from credentials.services.reference import find_occupation
from credentials.services.training import record_training
from credentials.services.worker_facts import record_work_period
from credentials.services.workers import register_worker

LATHE = "6-18-01-01"  # 车工
CAMPAIGN = (date(2013, 2, 1), date(2014, 12, 31))
LAUNCH = (date(2013, 2, 1), date(2013, 4, 30))
IMPLEMENTATION = (date(2013, 5, 1), date(2014, 9, 30))
SUZHOU, WUXI, JIANGSU, NATION = Region.of("3205"), Region.of("3202"), Region.of("32"), Region.of("")


@dataclass
class Registry:
    suzhou: Institution  # 苏州技师学院, city 3205
    wuxi: Institution  # 无锡技师学院, city 3202
    clerk: User  # staff of the Suzhou college
    ministry: User
    province: User  # Jiangsu (32)
    city: User  # Suzhou (3205)
    wuxi_city: User  # Wuxi (3202)
    vault: object

    def worker(self, name: str = "王小明", *, city_code: str = "3205", groups: tuple[TargetGroup, ...] = (),
               groups_from: date = date(2010, 1, 1), worked_since: date | None = None) -> Worker:
        from tests.conftest import national_id

        found = register_worker(db.session(), self.vault, name=name, national_id=national_id(),
                                city_code=city_code, target_groups=groups, groups_valid_from=groups_from, by=None)
        if worked_since is not None:
            record_work_period(db.session(), worker=found, occupation=lathe(), started_on=worked_since, by=None)
        db.session.commit()
        return found

    def certificate(self, worker: Worker, level: str, issued_on: date, *, at: Institution | None = None,
                    route: CertificateRoute = CertificateRoute.REGULAR) -> Certificate:
        found = issue_certificate(db.session(), worker=worker, occupation=lathe(), level=level, issued_on=issued_on,
                                  institution=at or self.suzhou, route=route, by=None)
        db.session.commit()
        return found

    def training(self, worker: Worker, started_on: date, *, at: Institution | None = None,
                 training_type: str = "employment_skills", form: str = "order_based", level: str = "junior",
                 completed_on: date | None = None) -> TrainingRecord:
        found = record_training(db.session(), worker=worker, institution=at or self.suzhou, occupation=lathe(),
                                target_level=level, training_type=training_type, form=form, hours=120,
                                started_on=started_on, completed_on=completed_on,
                                outcome="completed" if completed_on else "enrolled", by=None)
        db.session.commit()
        return found

    def sitting(self, worker: Worker, exam_date: date, *, passed: bool, level: str = "junior",
                at: Institution | None = None) -> AppraisalResult:
        """A sitting; a pass earns the certificate (the worker must meet the conditions: `worked_since`)."""
        practical = Decimal(80) if passed else Decimal(40)
        found = record_appraisal_result(db.session(), worker=worker, institution=at or self.suzhou,
                                        occupation=lathe(), level=level, exam_date=exam_date, theory=Decimal(75),
                                        practical=practical, by=None)
        db.session.commit()
        return found

    def values(self, region: Region = SUZHOU, period: tuple[date, date] = CAMPAIGN) -> dict[str, Decimal | None]:
        db.session.expire_all()
        return {v.code: v.value for v in indicator_values(db.session(), region=region, start=period[0], end=period[1])}


def lathe():
    return find_occupation(db.session(), LATHE)


@pytest.fixture
def registry(make_institution, make_user, vault) -> Registry:
    suzhou = make_institution("苏州技师学院")
    wuxi = make_institution("无锡技师学院", city_code="3202")
    return Registry(suzhou, wuxi, make_user("institution_staff", institution=suzhou),
                    make_user("bureau_officer", scope="ministry"),
                    make_user("bureau_officer", scope="province", region="32"),
                    make_user("bureau_officer", scope="city", region="3205"),
                    make_user("bureau_officer", scope="city", region="3202"), vault)
