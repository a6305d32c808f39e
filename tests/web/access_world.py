"""The small world the access matrix (tests/web/test_access_matrix.py) opens every route in: two institutions in
two cities of two provinces (苏州 3205 in 江苏 32, 杭州 3301 in 浙江 33), worker A of institution 1 and worker B of
institution 2 with their records, and one account for each relation the matrix names. Every object a URL names
belongs to worker A, institution 1 or city 1, so that the others' answers show the object-level scoping."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.extensions import db
from credentials.models import CorrectionSubject, InstitutionKind, PromotionKind
from credentials.services.applications import submit_application
from credentials.services.appraisal import record_appraisal_result
from credentials.services.campaigns import PhaseSpec, create_campaign, set_campaign_cities
from credentials.services.competition_rules import create_rule
from credentials.services.competitions import record_result, register_competition
from credentials.services.programmes import add_programme_member, create_programme
from credentials.services.promotions import attach_evidence, nominate_promotion, submit_promotion
from credentials.services.record_corrections import file_correction
from credentials.services.reference import find_occupation
from credentials.services.sessions import create_appraisal_session
from credentials.services.sharing import create_share
from credentials.services.training import record_training
from credentials.services.worker_facts import record_apprenticeship, record_diploma, record_title, record_work_period
from tests.promotion_fixtures import png_bytes
from tests.rule_fixtures import draft

LATHE = "6-18-01-01"
CAMPAIGN = "skills-100-2013"

ANON, OWNER, WORKER_B = "anonymous", "worker A", "worker B"
STAFF_1, STAFF_2 = "staff 1", "staff 2"
CITY_1, CITY_2, PROVINCE_1, PROVINCE_2, MINISTRY = "city 1", "city 2", "province 1", "province 2", "ministry"
SYSTEM, SECURITY, AUDIT = "admin system", "admin security", "admin audit"
RELATIONS = (ANON, OWNER, WORKER_B, STAFF_1, STAFF_2, CITY_1, CITY_2, PROVINCE_1, PROVINCE_2, MINISTRY,
             SYSTEM, SECURITY, AUDIT)


@dataclass
class World:
    users: dict[str, object]
    ids: dict[str, object] = field(default_factory=dict)  # URL argument values, by name


def build_world(make_institution, make_worker, make_certificate, make_user, vault) -> World:
    session = db.session()
    lathe = find_occupation(session, LATHE)
    one = make_institution("苏州技师学院", city_code="3205")
    two = make_institution("杭州技师学院", city_code="3301")
    enterprise = make_institution("苏州精工", kind=InstitutionKind.ENTERPRISE, city_code="3205")
    worker_a = make_worker("王建国", employer=one, birth=date(1988, 6, 15))
    worker_b = make_worker("李秀英", city_code="3301", employer=two, birth=date(1990, 3, 8), area="330106")
    users = {
        OWNER: make_user("worker", worker=worker_a), WORKER_B: make_user("worker", worker=worker_b),
        STAFF_1: make_user("institution_staff", institution=one, username="staff-1"),
        STAFF_2: make_user("institution_staff", institution=two, username="staff-2"),
        CITY_1: make_user("bureau_officer", scope="city", region="3205"),
        CITY_2: make_user("bureau_officer", scope="city", region="3301"),
        PROVINCE_1: make_user("bureau_officer", scope="province", region="32"),
        PROVINCE_2: make_user("bureau_officer", scope="province", region="33"),
        MINISTRY: make_user("bureau_officer", scope="ministry"),
        SYSTEM: make_user("admin", duty="system"), SECURITY: make_user("admin", duty="security"),
        AUDIT: make_user("admin", duty="audit"),
    }
    make_certificate(worker_b, two, level="junior", issued_on=date(2019, 7, 1))
    period = record_work_period(session, worker=worker_a, occupation=lathe, started_on=date(2005, 3, 1), by=None)
    diploma = record_diploma(session, worker=worker_a, school_type="technical_school", stream="intermediate_class",
                             graduated_on=date(2007, 7, 1), by=None)
    title = record_title(session, worker=worker_a, series="engineering", grade="assistant",
                         obtained_on=date(2019, 1, 1), by=users[OWNER])
    claimed = record_title(session, worker=worker_a, series="engineering", grade="intermediate",
                           obtained_on=date(2023, 1, 1), by=users[OWNER])  # the worker's own claim, kept unverified
    apprenticeship = record_apprenticeship(session, worker=worker_a, occupation=lathe, target_level="intermediate",
                                           started_on=date(2006, 9, 1), ended_on=date(2007, 6, 30), completed=True,
                                           enterprise=enterprise, by=users[STAFF_1])
    training = record_training(session, worker=worker_a, institution=one, occupation=lathe, target_level="technician",
                               training_type="on_the_job_upgrading", form="other", hours=120, started_on=date(2023, 3, 1),
                               completed_on=date(2023, 6, 30), outcome="completed", by=users[STAFF_1])
    result = record_appraisal_result(session, worker=worker_a, institution=one, occupation=lathe, level="junior",
                                     exam_date=date(2010, 6, 1), theory=Decimal(80), practical=Decimal(80),
                                     review=None, by=users[STAFF_1], today=date(2010, 6, 5))
    db.session.commit()
    certificate = make_certificate(worker_a, one, level="senior", issued_on=date(2018, 7, 1))
    appraisal = create_appraisal_session(session, institution=one, occupation=lathe, levels=("technician",),
                                         held_on=date(2031, 6, 3), site="实训楼", capacity=10, by=users[STAFF_1],
                                         today=date(2031, 5, 6))
    application = submit_application(session, worker=worker_a, occupation=lathe, level="technician", institution=one,
                                     by=users[STAFF_1], today=date(2031, 5, 6))
    share, token = _share(session, worker_a, certificate, users[OWNER], vault)
    nomination = nominate_promotion(session, worker=worker_a, occupation=lathe, kind=PromotionKind.EXCEPTIONAL,
                                    target_level="technician", grounds=["unique_mastery"],
                                    statement="十二年来攻克主轴精加工难题。", by=users[STAFF_1])
    evidence = attach_evidence(session, nomination, filename="成果证明.png", content=png_bytes(), by=users[STAFF_1])
    submit_promotion(session, nomination, by=users[STAFF_1])  # before city 1 now: a draft is the institution's alone
    to_institution = file_correction(session, worker=worker_a, subject_kind=CorrectionSubject.TRAINING,
                                     subject_id=training.id, field="hours", explanation="学时记错了",
                                     proposed_value="160", files=[("证明.png", png_bytes())], by=users[OWNER])
    to_bureau = file_correction(session, worker=worker_a, subject_kind=CorrectionSubject.CERTIFICATE,
                                subject_id=certificate.id, field="issued_on", explanation="发证日期不对",
                                proposed_value="2018-07-02", files=[("证明.png", png_bytes())], by=users[OWNER])
    rule = create_rule(session, draft(), by=users[CITY_1])
    contest = register_competition(session, name="苏州市车工大赛", tier="city", occupation=lathe,
                                   starts_on=date(2024, 5, 1), ends_on=date(2024, 5, 20),
                                   organizer="苏州市人力资源和社会保障局", by=users[CITY_1])
    record_result(session, contest, worker=worker_a, rank=1, by=users[CITY_1])
    programme = create_programme(session, kind="masters_studio", name="王建国技能大师工作室", tier="city",
                                 city_code="3205", recognised_on=date(2022, 6, 1), institution=one,
                                 occupation=lathe, by=users[CITY_1])
    member = add_programme_member(session, programme, worker=worker_a, role="apprentice", started_on=date(2022, 6, 1),
                                  by=users[CITY_1])
    campaign = create_campaign(session, code=CAMPAIGN, name_zh="全国百家城市技能振兴专项活动", name_en="100-City Campaign",
                               starts_on=date(2013, 2, 1), ends_on=date(2014, 12, 31), phases=[
                                   PhaseSpec("launch", "启动阶段", "Launch", date(2013, 2, 1), date(2014, 12, 31))],
                               by=None)
    set_campaign_cities(session, campaign, ["3205", "3301"], by=None)
    db.session.commit()
    proposal_id = _first_proposal_id()
    ids = {
        "worker_id": worker_a.id, "number": certificate.number, "share_id": share.id, "token": token,
        "application_id": application.id, "session_id": appraisal.id, "result_id": result.id,
        "request_id": nomination.id, "evidence_id": evidence.id, "correction_id": to_institution.id,
        "bureau_correction_id": to_bureau.id, "rule_id": rule.id, "competition_id": contest.id,
        "proposal_id": proposal_id, "programme_id": programme.id, "member_id": member.id, "code": CAMPAIGN,
        "city_code": "3205", "province_code": "32", "institution_id": one.id,
        "user_id": make_user("institution_staff", institution=one, username="staff-1-colleague").id,
        "work_periods": period.id, "diplomas": diploma.id, "titles": title.id, "claimed_title": claimed.id, "apprenticeships": apprenticeship.id,
        "training_id": training.id, "correction_evidence_id": to_institution.evidence[0].id,
        "bureau_correction_evidence_id": to_bureau.evidence[0].id, "job_id": _import_job(session, one, users[STAFF_1], vault),
    }
    return World(users, ids)


def _share(session, worker, certificate, owner, vault):
    return create_share(session, worker, [certificate], days=30, label="求职", by=owner, vault=vault)


def _import_job(session, institution, clerk, vault) -> int:
    from credentials.imports.jobs import create_import

    job = create_import(session, kind="training_records", institution=institution, file_bytes="姓名,身份证号\n".encode(),
                        filename="培训.csv", dry_run=True, by=clerk, vault=vault)
    db.session.commit()
    return job.id


def _first_proposal_id() -> int | None:
    from sqlalchemy import select

    from credentials.models import CompetitionPromotion

    return db.session.scalar(select(CompetitionPromotion.id).order_by(CompetitionPromotion.id).limit(1))
