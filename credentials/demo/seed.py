"""A small, believable demo: Suzhou (苏州市), its schools and employers, workers at every level.

Every certificate is earned the way a new one is: a recorded appraisal sitting, passed by a worker whose
recorded history (diplomas, work, training) met the application conditions in force on the exam day
(the 2000s template before 2018-12-26, the 2018 template after). Seeding goes through the same services
as the pages, so a history that did not add up would fail here.

Their "next level" answers differ (as of late 2026): eligible now (王建国, 黄磊); eligible from a later date
(周杰, 陈静, 杨帆, 赵敏, 刘洋); out of the trade, so time alone will not do (张伟); at the top (李秀英, 吴霞).
No one can be short of training hours today: only the 2000s template asked for them.

Idempotent: a second run finds the demo admin and changes nothing. Logins are listed in README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import china_today
from ..identity import check_character
from ..models import AdminDuty, BureauScope, Institution, InstitutionKind, Occupation, Role, TargetGroup, User
from ..services.accounts import create_user
from ..services.appraisal import record_appraisal_result
from ..services.census_refresh import refresh_all
from ..services.institutions import accredit, create_institution
from ..services.reference import find_occupation, load_reference_data
from ..services.training import record_training
from ..services.worker_facts import record_diploma, record_work_period
from ..services.workers import register_worker
from ..vault import PersonalDataVault
from .campaign import seed_campaign_city
from .promotions import seed_promotions

DEMO_PASSWORD = "ladder-demo-2024"  # noqa: S105 - published demo credential, README lists it
DEMO_CITY = "3205"  # 苏州市
DEMO_AREA = "320505"  # 苏州市虎丘区 (高新区)
OCCUPATIONS = ("6-18-01-01", "6-18-01-02", "6-18-02-04", "6-31-01-03", "6-31-07-03", "4-03-02-01",
               "4-10-01-05", "4-12-01-01")
LEVELS = ("junior", "intermediate", "senior", "technician", "senior_technician")
COLLEGE, EMPLOYER, SENIOR_SCHOOL, APPRAISER, TRAINING_SCHOOL = range(5)  # indexes into INSTITUTIONS


def demo_national_id(birth: date, sequence: int, area: str = DEMO_AREA) -> str:
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + check_character(body)


@dataclass(frozen=True)
class Training:
    level: str
    kind: str  # training type
    form: str
    hours: int
    started_on: date
    completed_on: date | None = None  # None: still enrolled
    at: int = COLLEGE


@dataclass(frozen=True)
class DemoWorker:
    name: str
    birth: date
    sequence: int  # odd = male, even = female; 900+ is reserved for the demo
    occupation: str
    history: tuple[tuple[str, date], ...]  # (level, exam day = issue day), oldest first; each one passed
    groups: tuple[TargetGroup, ...] = ()
    work: tuple[tuple[date, date | None], ...] = ()  # periods in the occupation
    diplomas: tuple[tuple[str, str, date, bool], ...] = ()  # school type, stream, graduated on, in the field
    training: tuple[Training, ...] = ()
    failed: tuple[tuple[str, date], ...] = ()  # sittings that did not pass


D = date
# The first worker is the demo worker login (see README).
WORKERS = (
    DemoWorker("王建国", D(1988, 6, 15), 901, "6-18-01-01",
               (("junior", D(2008, 7, 1)), ("intermediate", D(2012, 9, 1)), ("senior", D(2017, 6, 20))),
               (TargetGroup.EMPLOYEE,), work=((D(2008, 7, 15), None),),
               diplomas=(("technical_school", "intermediate_class", D(2008, 6, 30), True),),
               training=(Training("junior", "employment_skills", "order_based", 600, D(2007, 9, 1),
                                  D(2008, 6, 20)),
                         Training("senior", "on_the_job_upgrading", "post_specific", 320, D(2017, 1, 5),
                                  D(2017, 5, 30)))),
    DemoWorker("李秀英", D(1979, 3, 8), 902, "6-18-02-04",
               (("intermediate", D(2005, 5, 10)), ("senior", D(2010, 6, 1)), ("technician", D(2015, 11, 1)),
                ("senior_technician", D(2020, 12, 1))),
               work=((D(1998, 8, 1), None),),
               diplomas=(("technical_school", "intermediate_class", D(1998, 7, 1), True),),
               training=(Training("senior", "on_the_job_upgrading", "post_specific", 320, D(2009, 3, 1),
                                  D(2009, 12, 20)),
                         Training("technician", "on_the_job_upgrading", "post_specific", 200, D(2014, 9, 1),
                                  D(2015, 3, 31)))),
    DemoWorker("张伟", D(1996, 10, 2), 903, "6-31-01-03", (("junior", D(2018, 7, 1)),),
               (TargetGroup.RURAL_MIGRANT,), work=((D(2016, 6, 1), D(2021, 3, 31)),),
               training=(Training("intermediate", "employment_skills", "directed", 200, D(2026, 10, 8),
                                  at=TRAINING_SCHOOL),)),
    DemoWorker("刘洋", D(1999, 1, 20), 905, "6-31-07-03",
               (("junior", D(2020, 7, 15)), ("intermediate", D(2024, 7, 15))),
               (TargetGroup.COLLEGE_GRADUATE,), work=((D(2019, 7, 1), None),),
               diplomas=(("bachelor", "none", D(2020, 6, 30), False),),
               training=(Training("senior", "on_the_job_upgrading", "apprenticeship", 400, D(2025, 9, 1)),)),
    DemoWorker("陈静", D(1985, 12, 12), 904, "4-10-01-05",
               (("junior", D(2013, 4, 1)), ("intermediate", D(2019, 4, 1))),
               (TargetGroup.URBAN_HARDSHIP,), work=((D(2013, 5, 1), D(2019, 12, 31)), (D(2023, 3, 1), None)),
               training=(Training("junior", "employment_skills", "order_based", 600, D(2012, 9, 1),
                                  D(2013, 2, 28), TRAINING_SCHOOL),
                         Training("senior", "employment_skills", "order_based", 160, D(2026, 9, 1)))),
    DemoWorker("杨帆", D(1990, 8, 30), 907, "4-12-01-01",
               (("intermediate", D(2014, 6, 1)), ("senior", D(2019, 6, 1)), ("technician", D(2023, 6, 1))),
               work=((D(2009, 8, 1), None),),
               diplomas=(("technical_school", "intermediate_class", D(2009, 7, 1), True),)),
    DemoWorker("赵敏", D(1993, 4, 18), 906, "4-03-02-01",
               (("intermediate", D(2017, 3, 1)), ("senior", D(2023, 9, 1))),
               (TargetGroup.VETERAN,), work=((D(2016, 10, 1), None),),
               diplomas=(("technical_school", "intermediate_class", D(2011, 7, 1), True),),
               training=(Training("senior", "employment_skills", "directed", 120, D(2023, 3, 1),
                                  D(2023, 7, 31)),)),
    DemoWorker("黄磊", D(1982, 2, 5), 909, "6-18-01-02",
               (("senior", D(2009, 3, 1)), ("technician", D(2014, 3, 1))),
               work=((D(2003, 8, 1), None),),
               diplomas=(("senior_technical_school", "senior_class", D(2003, 7, 1), True),)),
    DemoWorker("周杰", D(2001, 5, 9), 911, "6-18-02-04", (), (TargetGroup.SCHOOL_LEAVER,),
               work=((D(2026, 2, 1), None),),
               training=(Training("junior", "employment_skills", "order_based", 180, D(2025, 3, 1),
                                  D(2025, 6, 30), TRAINING_SCHOOL),),
               failed=(("junior", D(2025, 7, 10)),)),
    DemoWorker("吴霞", D(1975, 9, 27), 908, "6-31-01-03",
               (("senior", D(2003, 1, 1)), ("technician", D(2008, 1, 1)),
                ("senior_technician", D(2012, 1, 1))),
               work=((D(1995, 8, 1), None),),
               diplomas=(("senior_technical_school", "senior_class", D(1995, 7, 1), True),),
               training=(Training("senior_technician", "on_the_job_upgrading", "post_specific", 120,
                                  D(2010, 3, 1), D(2010, 10, 31)),)),
)

INSTITUTIONS = (
    ("苏州技师学院", InstitutionKind.TECHNICIAN_COLLEGE, "senior_technician"),
    ("苏州精工机械有限公司", InstitutionKind.ENTERPRISE, "technician"),
    ("苏州市高级技工学校", InstitutionKind.SENIOR_TECHNICAL_SCHOOL, "senior"),
    ("苏州市职业技能鉴定中心", InstitutionKind.APPRAISAL_BODY, "senior_technician"),
    ("姑苏职业培训学校", InstitutionKind.SOCIAL_TRAINING_BODY, "intermediate"),
)

# One administrator per duty (三员分立). `admin` is the security one: existing installations' administrators become
# security administrators too (migration 0026), and the demo's account journeys (reset, disable, create) are theirs.
ADMINS = (
    ("admin", "安全管理员", AdminDuty.SECURITY),
    ("sysadmin", "系统管理员", AdminDuty.SYSTEM),
    ("auditor", "审计管理员", AdminDuty.AUDIT),
)
OFFICERS = (
    ("suzhou-hrss", "苏州市人社局", Role.BUREAU_OFFICER, BureauScope.CITY, DEMO_CITY),
    ("jiangsu-hrss", "江苏省人社厅", Role.BUREAU_OFFICER, BureauScope.PROVINCE, "32"),
    ("mohrss", "人力资源社会保障部", Role.BUREAU_OFFICER, BureauScope.MINISTRY, None),
)
STAFF = (("szjsxy", "苏州技师学院 教务处", COLLEGE), ("jinggong", "苏州精工 人力资源部", EMPLOYER))


class _Scores(TypedDict):
    theory: Decimal
    practical: Decimal
    review: Decimal | None


def _scores(spec: DemoWorker, sitting: int, level: str, passed: bool) -> _Scores:
    """Believable, repeatable scores; a failed sitting misses the practical mark; a review from Technician."""
    theory = Decimal(70 + (spec.sequence * 7 + sitting * 3) % 23)
    practical = Decimal(68 + (spec.sequence * 5 + sitting * 11) % 27) if passed else Decimal(52)
    needs_review = level in ("technician", "senior_technician")
    review = Decimal(72 + (spec.sequence + sitting) % 18) if needs_review else None
    return {"theory": theory, "practical": practical, "review": review}


def _occupation(session: Session, code: str) -> Occupation:
    occupation = find_occupation(session, code)
    if occupation is None:
        raise LookupError(f"occupation {code} is not in the reference data")
    return occupation


def _seed_worker(session: Session, vault: PersonalDataVault, spec: DemoWorker, institutions: list[Institution]) -> None:
    worker = register_worker(
        session, vault, name=spec.name, national_id=demo_national_id(spec.birth, spec.sequence),
        city_code=DEMO_CITY, employer=institutions[EMPLOYER], target_groups=spec.groups,
        groups_valid_from=date(spec.birth.year + 16, 1, 1), by=None,
    )
    create_user(session, role=Role.WORKER, worker=worker, password=DEMO_PASSWORD, by=None)
    occupation = _occupation(session, spec.occupation)
    for school_type, stream, graduated_on, in_field in spec.diplomas:
        record_diploma(session, worker=worker, school_type=school_type, stream=stream,
                       graduated_on=graduated_on, major_occupation=occupation if in_field else None, by=None)
    for started_on, ended_on in spec.work:
        record_work_period(session, worker=worker, occupation=occupation, started_on=started_on,
                           ended_on=ended_on, employer=institutions[EMPLOYER], by=None)
    for t in spec.training:
        record_training(session, worker=worker, institution=institutions[t.at], occupation=occupation,
                        target_level=t.level, training_type=t.kind, form=t.form, hours=t.hours,
                        started_on=t.started_on, completed_on=t.completed_on,
                        outcome="completed" if t.completed_on else "enrolled", by=None)
    sittings = [(on, level, True) for level, on in spec.history]
    sittings += [(on, level, False) for level, on in spec.failed]
    for number, (exam_date, level, passed) in enumerate(sorted(sittings)):
        issuer = institutions[COLLEGE] if level == "senior_technician" else institutions[APPRAISER]
        scores = _scores(spec, number, level, passed)
        record_appraisal_result(session, worker=worker, institution=issuer, occupation=occupation,
                                level=level, exam_date=exam_date, by=None, **scores)


def seed_demo(session: Session, vault: PersonalDataVault) -> bool:
    """Create the demo; False if it was already there."""
    load_reference_data(session)
    if session.scalar(select(User.id).where(User.username == "admin")) is not None:
        return False
    for username, display, duty in ADMINS:
        create_user(session, role=Role.ADMIN, username=username, display_name=display, password=DEMO_PASSWORD,
                    admin_duty=duty, by=None)
    for username, display, role, scope, region in OFFICERS:
        create_user(session, role=role, username=username, display_name=display, password=DEMO_PASSWORD,
                    bureau_scope=scope, region_code=region, by=None)
    institutions = []
    for name, kind, max_level in INSTITUTIONS:
        institution = create_institution(session, name=name, kind=kind, city_code=DEMO_CITY, by=None)
        for code in OCCUPATIONS:
            accredit(session, institution, _occupation(session, code), max_level=max_level,
                     valid_from=date(2000, 1, 1), by=None)
        institutions.append(institution)
    for username, display, index in STAFF:
        create_user(session, role=Role.INSTITUTION_STAFF, username=username, display_name=display,
                    password=DEMO_PASSWORD, institution=institutions[index], by=None)
    for spec in WORKERS:
        _seed_worker(session, vault, spec, institutions)
    seed_promotions(session, vault)  # nominations, a competition, honours and allowances
    seed_campaign_city(session)  # Suzhou's campaign plan, funds and targets
    refresh_all(session, china_today())  # the bureau ladder census, as the daily `flask campaign census` keeps it
    return True


DEMO_WORKER_ID = demo_national_id(WORKERS[0].birth, WORKERS[0].sequence)
