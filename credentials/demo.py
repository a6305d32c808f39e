"""A small, believable demo: Suzhou (苏州市), its schools and employers, workers at every level.

Idempotent: a second run finds the demo admin and changes nothing. Logins are listed in README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .identity import check_character
from .models import BureauScope, CertificateRoute, InstitutionKind, Role, TargetGroup, User
from .services.accounts import create_user
from .services.certificates import issue_certificate
from .services.institutions import accredit, create_institution
from .services.reference import find_occupation, load_reference_data
from .services.workers import register_worker
from .vault import PersonalDataVault

DEMO_PASSWORD = "ladder-demo-2024"  # noqa: S105 - published demo credential, README lists it
DEMO_CITY = "3205"  # 苏州市
DEMO_AREA = "320505"  # 苏州市虎丘区 (高新区)
OCCUPATIONS = ("6-18-01-01", "6-18-01-02", "6-18-02-04", "6-31-01-03", "6-31-07-03", "4-03-02-01",
               "4-10-01-05", "4-12-01-01")
LEVELS = ("junior", "intermediate", "senior", "technician", "senior_technician")


def demo_national_id(birth: date, sequence: int, area: str = DEMO_AREA) -> str:
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + check_character(body)


@dataclass(frozen=True)
class DemoWorker:
    name: str
    birth: date
    sequence: int  # odd = male, even = female; 900+ is reserved for the demo
    occupation: str
    history: tuple[tuple[str, date], ...]  # (level, issued_on), oldest first
    groups: tuple[TargetGroup, ...] = ()


# The first worker is the demo worker login (see README).
WORKERS = (
    DemoWorker("王建国", date(1988, 6, 15), 901, "6-18-01-01",
               (("junior", date(2008, 7, 1)), ("intermediate", date(2012, 9, 1)), ("senior", date(2017, 6, 20))),
               (TargetGroup.EMPLOYEE,)),
    DemoWorker("李秀英", date(1979, 3, 8), 902, "6-18-02-04",
               (("intermediate", date(2005, 5, 10)), ("senior", date(2010, 6, 1)), ("technician", date(2015, 11, 1)),
                ("senior_technician", date(2020, 12, 1)))),
    DemoWorker("张伟", date(1996, 10, 2), 903, "6-31-01-03", (("junior", date(2018, 7, 1)),), (TargetGroup.RURAL_MIGRANT,)),
    DemoWorker("刘洋", date(1999, 1, 20), 905, "6-31-07-03", (("junior", date(2020, 7, 15)), ("intermediate", date(2024, 7, 15))),
               (TargetGroup.COLLEGE_GRADUATE,)),
    DemoWorker("陈静", date(1985, 12, 12), 904, "4-10-01-05", (("junior", date(2013, 4, 1)), ("intermediate", date(2019, 4, 1))),
               (TargetGroup.URBAN_HARDSHIP,)),
    DemoWorker("杨帆", date(1990, 8, 30), 907, "4-12-01-01",
               (("intermediate", date(2014, 6, 1)), ("senior", date(2019, 6, 1)), ("technician", date(2023, 6, 1)))),
    DemoWorker("赵敏", date(1993, 4, 18), 906, "4-03-02-01", (("senior", date(2021, 9, 1)),), (TargetGroup.VETERAN,)),
    DemoWorker("黄磊", date(1982, 2, 5), 909, "6-18-01-02",
               (("senior", date(2009, 3, 1)), ("technician", date(2014, 3, 1)))),
    DemoWorker("周杰", date(2001, 5, 9), 911, "6-18-02-04", (), (TargetGroup.SCHOOL_LEAVER,)),
    DemoWorker("吴霞", date(1975, 9, 27), 908, "6-31-01-03",
               (("senior", date(2003, 1, 1)), ("technician", date(2008, 1, 1)), ("senior_technician", date(2012, 1, 1)))),
)

INSTITUTIONS = (
    ("苏州技师学院", InstitutionKind.TECHNICIAN_COLLEGE, "senior_technician"),
    ("苏州精工机械有限公司", InstitutionKind.ENTERPRISE, "technician"),
    ("苏州市高级技工学校", InstitutionKind.SENIOR_TECHNICAL_SCHOOL, "senior"),
    ("苏州市职业技能鉴定中心", InstitutionKind.APPRAISAL_BODY, "senior_technician"),
    ("姑苏职业培训学校", InstitutionKind.SOCIAL_TRAINING_BODY, "intermediate"),
)

OFFICERS = (
    ("admin", "系统管理员", Role.ADMIN, None, None),
    ("suzhou-hrss", "苏州市人社局", Role.BUREAU_OFFICER, BureauScope.CITY, DEMO_CITY),
    ("jiangsu-hrss", "江苏省人社厅", Role.BUREAU_OFFICER, BureauScope.PROVINCE, "32"),
    ("mohrss", "人力资源社会保障部", Role.BUREAU_OFFICER, BureauScope.MINISTRY, None),
)
STAFF = (("szjsxy", "苏州技师学院 教务处", 0), ("jinggong", "苏州精工 人力资源部", 1))


def seed_demo(session: Session, vault: PersonalDataVault) -> bool:
    """Create the demo; False if it was already there."""
    load_reference_data(session)
    if session.scalar(select(User.id).where(User.username == "admin")) is not None:
        return False
    for username, display, role, scope, region in OFFICERS:
        create_user(session, role=role, username=username, display_name=display, password=DEMO_PASSWORD,
                    bureau_scope=scope, region_code=region, by=None)
    institutions = []
    for name, kind, max_level in INSTITUTIONS:
        institution = create_institution(session, name=name, kind=kind, city_code=DEMO_CITY, by=None)
        for code in OCCUPATIONS:
            accredit(session, institution, find_occupation(session, code), max_level=max_level,
                     valid_from=date(2000, 1, 1), by=None)
        institutions.append(institution)
    for username, display, index in STAFF:
        create_user(session, role=Role.INSTITUTION_STAFF, username=username, display_name=display,
                    password=DEMO_PASSWORD, institution=institutions[index], by=None)
    appraiser = institutions[3]
    for spec in WORKERS:
        worker = register_worker(
            session, vault, name=spec.name, national_id=demo_national_id(spec.birth, spec.sequence),
            city_code=DEMO_CITY, employer=institutions[1], target_groups=spec.groups, by=None,
        )
        create_user(session, role=Role.WORKER, worker=worker, password=DEMO_PASSWORD, by=None)
        occupation = find_occupation(session, spec.occupation)
        for level, issued_on in spec.history:
            issuer = institutions[0] if level == "senior_technician" else appraiser
            issue_certificate(session, worker=worker, occupation=occupation, level=level, issued_on=issued_on,
                              institution=issuer, route=CertificateRoute.REGULAR, by=None)
    return True


DEMO_WORKER_ID = demo_national_id(WORKERS[0].birth, WORKERS[0].sequence)
