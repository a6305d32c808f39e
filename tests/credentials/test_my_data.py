"""Everything held about a worker: a worker with one of everything, and an export that misses nothing of theirs,
shows nothing of anyone else's, and gives away no secret. The "everything" is read from the declared foreign
keys, so a table added later is part of this test without anyone touching it."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Boolean, Date, DateTime, Enum, Integer, LargeBinary, Numeric, String, Text, and_, or_, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from credentials.models import (
    AllowancePeriod,
    Base,
    Certificate,
    CertificateEvidence,
    CertificateStatus,
    DuplicateKind,
    Evidence,
    InboxMessage,
    InstitutionKind,
    PromotionDecision,
    PromotionKind,
    ResultCorrection,
    TargetGroup,
    TrainingForm,
    TrainingOutcome,
    TrainingType,
    utcnow,
)
from credentials.models.references import Reference, worker_references
from credentials.queries.my_data import everything_held
from credentials.services.accounts import issue_api_token, start_session
from credentials.services.activation import activate_worker_account, issue_activation_code
from credentials.services.amendments import amend
from credentials.services.applications import (
    approve_application,
    record_session_result,
    seat_application,
    submit_application,
)
from credentials.services.competitions import record_result, register_competition
from credentials.services.corrections import correct_result
from credentials.services.historic import enter_historic_certificate
from credentials.services.merges import dismiss_pair, merge_workers
from credentials.services.programmes import add_programme_member, create_programme
from credentials.services.promotions import attach_evidence, nominate_promotion, submit_promotion
from credentials.services.recognition import record_allowance, record_honour
from credentials.services.record_corrections import file_correction
from credentials.services.reference import find_occupation
from credentials.services.reviews import approve_promotion
from credentials.services.sessions import create_appraisal_session
from credentials.services.sharing import create_share
from credentials.services.training import record_training
from credentials.services.worker_facts import record_apprenticeship, record_diploma, record_title, record_work_period
from credentials.services.workers import register_worker
from tests.conftest import PASSWORD, national_id
from tests.promotion_fixtures import png_bytes

LATHE = "6-18-01-01"
# Secrets by name, wherever they sit (an independent list: the export's own denylist is what is under test).
SECRET_NAMES = ("password_hash", "id_hash", "id_ciphertext", "token_hash", "token_sealed", "code_hash", "stored_name")


def _secret(column) -> bool:
    return column.name in SECRET_NAMES or column.name.endswith(("_hash", "_sealed", "_ciphertext")) or isinstance(
        column.type, LargeBinary)


def lathe():
    return find_occupation(db.session(), LATHE)


def _appraisal_road(worker, clerk, school):
    """Apply, qualify, sit (failed at first), then the result corrected into a pass that issues a certificate."""
    session = db.session()
    applied, held, after = date(2024, 5, 6), date(2024, 6, 3), date(2024, 6, 5)
    sitting = create_appraisal_session(session, institution=school, occupation=lathe(), levels=("junior",), held_on=held,
                                       site="实训楼 3 楼", capacity=10, by=clerk, today=applied)
    application = submit_application(session, worker=worker, occupation=lathe(), level="junior", institution=school,
                                      by=clerk, today=applied)
    approve_application(session, application, by=clerk, today=applied)
    seat_application(session, application, sitting, by=clerk, today=applied)
    result = record_session_result(session, sitting, application, theory=Decimal(50), practical=Decimal(80), by=clerk,
                                   today=after)
    correct_result(session, result, theory=Decimal(75), practical=Decimal(80), review=None, reason="阅卷漏计一题",
                   by=clerk, today=after)


def _recognition(worker, people):
    session = db.session()
    contest = register_competition(session, name="第二届全国技能大赛", tier="national_skills", occupation=lathe(),
                                   starts_on=date(2023, 9, 1), ends_on=date(2023, 9, 20), organizer="人力资源社会保障部",
                                   by=people["ministry"])
    result = record_result(session, contest, worker=worker, medal="excellence", by=people["ministry"])
    record_honour(session, worker=worker, title="city_technical_expert", year=2023, awarding_body="苏州市人民政府",
                  competition_result_id=result.id, by=people["city"])
    record_allowance(session, worker=worker, kind="skill_post", amount="800", period=AllowancePeriod.MONTHLY,
                     payer="苏州精工", starts_on=date(2024, 1, 1), by=people["city"])


def _programmes(worker, people):
    """An apprentice in a city masters' studio (programme_members names the worker; the studio is named in `names`)."""
    session = db.session()
    studio = create_programme(session, kind="masters_studio", name="苏州车工技能大师工作室", tier="city",
                              city_code="3205", recognised_on=date(2022, 1, 1), by=people["city"])
    add_programme_member(session, studio, worker=worker, role="apprentice", started_on=date(2022, 3, 1),
                         by=people["city"])


def _nomination(worker, people):
    session = db.session()
    request = nominate_promotion(session, worker=worker, occupation=lathe(), kind=PromotionKind.EXCEPTIONAL,
                                 target_level="technician", grounds=["unique_mastery"], statement="攻克主轴精加工难题。",
                                 by=people["nominator"])
    attach_evidence(session, request, filename="成果证明.png", content=png_bytes(), by=people["nominator"])
    submit_promotion(session, request, by=people["nominator"])
    approve_promotion(session, request, reason="材料齐全", by=people["city"])


def _sharing_and_duplicates(worker, user, spare, other, people, vault):
    """A share link; a request to correct a certificate; a duplicate registration merged into the worker; a
    look-alike judged another person."""
    session = db.session()
    certificates = session.scalars(select(Certificate).where(Certificate.worker_id == worker.id,
                                                             Certificate.status == CertificateStatus.VALID)).all()
    create_share(session, worker, certificates, days=30, label="给苏州精工", by=user, vault=vault)
    historic = next(c for c in certificates if c.is_historic)
    file_correction(session, worker=worker, subject_kind="certificate", subject_id=historic.id, field="issued_on",
                    explanation="发证日期应为 2019-06-30", proposed_value="2019-06-30",
                    files=[("证明.png", png_bytes())], by=user)
    merge_workers(session, worker, spare, kind=DuplicateKind.SAME_PERSON_DETAILS, reason="同一人登记了两次",
                  by=people["city"], birth_dates_confirmed=True)
    dismiss_pair(session, worker, other, reason="不是同一人", by=people["city"])


def build_everything(make_institution, make_user, vault) -> dict:
    """One worker with a row in every table that names a worker, through the real services where they exist."""
    session = db.session()
    school = make_institution("苏州技师学院")
    enterprise = make_institution("苏州精工", kind=InstitutionKind.ENTERPRISE)
    people = {"clerk": make_user("institution_staff", institution=school),
              "nominator": make_user("institution_staff", institution=enterprise),
              "city": make_user("bureau_officer", scope="city", region="3205"),
              "ministry": make_user("bureau_officer", scope="ministry"), "admin": make_user("admin")}
    spare = register_worker(session, vault, name="孙备用", national_id=national_id(), city_code="3205", by=None)
    number = national_id()
    worker = register_worker(session, vault, name="王全有", national_id=number, city_code="3205", employer=enterprise,
                             target_groups=[TargetGroup.RURAL_MIGRANT], by=people["clerk"])
    other_number = national_id()
    other = register_worker(session, vault, name="钱另人", national_id=other_number, city_code="3205", by=people["clerk"])
    code = issue_activation_code(session, vault, worker, by=people["clerk"])
    user = activate_worker_account(session, vault, national_id=number, code=code, password=PASSWORD)
    start_session(session, user)
    issue_api_token(session, user, hours=1)
    record_work_period(session, worker=worker, occupation=lathe(), started_on=date(2010, 3, 1), employer=enterprise,
                       by=people["clerk"])
    record_diploma(session, worker=worker, school_type="technical_school", stream="intermediate_class",
                   graduated_on=date(2009, 7, 1), by=user)
    record_title(session, worker=worker, series="engineering", grade="assistant", obtained_on=date(2019, 1, 1), by=user)
    record_apprenticeship(session, worker=worker, occupation=lathe(), target_level="intermediate",
                          started_on=date(2011, 9, 1), ended_on=date(2012, 8, 31), completed=True, enterprise=enterprise,
                          by=people["clerk"])
    record_training(session, worker=worker, institution=school, occupation=lathe(), target_level="junior",
                    training_type=TrainingType.EMPLOYMENT_SKILLS, form=TrainingForm.ORDER_BASED, hours=120,
                    started_on=date(2024, 3, 1), completed_on=date(2024, 4, 20), outcome=TrainingOutcome.COMPLETED,
                    by=people["clerk"], today=date(2024, 5, 1))
    _appraisal_road(worker, people["clerk"], school)
    enter_historic_certificate(session, worker=worker, occupation=lathe(), level="senior", issued_on=date(2019, 7, 1),
                               institution=school, number=None, evidence=[("证书扫描.png", png_bytes())],
                               by=people["admin"])
    _recognition(worker, people)
    _programmes(worker, people)
    _nomination(worker, people)
    amend(session, worker_id=worker.id, entity_type="worker", entity_id=worker.id, action="corrected",
          before={"name": "王全友"}, after={"name": "王全有"}, reason="登记时录错一字", by=people["clerk"])
    _sharing_and_duplicates(worker, user, spare, other, people, vault)
    # The other worker has records of their own, none of which may reach the export.
    other_user = activate_worker_account(session, vault, national_id=other_number, password=PASSWORD,
                                         code=issue_activation_code(session, vault, other, by=people["clerk"]))
    start_session(session, other_user)
    record_work_period(session, worker=other, occupation=lathe(), started_on=date(2015, 1, 1), by=people["clerk"])
    db.session.commit()
    generic = {reference.name for reference in worker_references() if not _rows_naming(reference, worker.id)}
    for name in sorted(generic):
        _build_generically(next(r for r in worker_references() if r.name == name), worker, (other, spare))
    db.session.commit()
    return {"worker": worker, "number": number, "other": other, "other_number": other_number, "user": user,
            "generic": generic, **people}


# ---- rows for tables no service above fills (new tables, before a builder is written for them) -----------

def _value(column, worker, others, attempt: int):
    foreign = next(iter(column.foreign_keys), None)
    if foreign is not None:
        target = foreign.column
        if target.table.name == "workers":
            return others[attempt % len(others)].id
        found = db.session.scalar(select(target).order_by(target).limit(1))
        assert found is not None, f"no {target.table.name} row to point {column.table.name}.{column.name} at"
        return found
    kind = column.type
    if isinstance(kind, Enum):
        return kind.enums[0]
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, (Integer, Numeric)):
        return 1
    if isinstance(kind, DateTime):
        return utcnow() + timedelta(days=1)
    if isinstance(kind, Date):
        return date(2024, 1, 1)
    if isinstance(kind, (String, Text)):
        return f"{column.table.name}.{column.name}"[: kind.length or 200]
    if isinstance(kind, LargeBinary):
        return b"generic"
    return {}  # JSON


def _build_generically(reference: Reference, worker, others) -> None:
    """A minimal row naming the worker: required columns filled from their types; other workers' columns name
    another worker (each in turn, for constraints such as first < second)."""
    table, problems = reference.table, []
    for attempt in range(len(others)):
        values = {column.name: _value(column, worker, others, attempt) for column in table.columns
                  if column is not reference.column and not column.nullable and column.default is None
                  and column.server_default is None and not (column.primary_key and column.autoincrement)}
        values[reference.column.name] = worker.id
        try:
            with db.session.begin_nested():
                db.session.execute(table.insert().values(**values))
            return
        except IntegrityError as error:
            problems.append(str(error.orig))
    pytest.fail(f"build a row for {reference.name} in build_everything (generic row refused: {problems})")


def _rows_naming(reference: Reference, worker_id: int) -> list[tuple]:
    keys = list(reference.table.primary_key.columns)
    return [tuple(row) for row in db.session.execute(select(*keys).where(reference.column == worker_id))]


def _exported_keys(export: dict, table) -> set[tuple]:
    names = [column.name for column in table.primary_key.columns]
    rows = export["records"].get(table.name, {"rows": []})["rows"]
    return {tuple(row[name] for name in names) for row in rows}


@pytest.fixture
def everything(make_institution, make_user, vault):
    return build_everything(make_institution, make_user, vault)


def test_the_export_holds_every_row_that_names_the_worker(everything, vault):
    worker = everything["worker"]
    export = everything_held(db.session(), worker, vault=vault)

    missing = {}
    for reference in worker_references():
        rows = _rows_naming(reference, worker.id)
        assert rows, f"the scenario has no {reference.name} row"
        absent = set(rows) - _exported_keys(export, reference.table)
        if absent:
            missing[reference.name] = absent
    assert not missing, f"rows naming the worker missing from the export: {missing}"
    print("built generically (no service in the scenario yet):", sorted(everything["generic"]))


def test_the_export_goes_one_step_further_to_rows_about_the_workers_rows(everything):
    worker, user = everything["worker"], everything["user"]
    export = everything_held(db.session(), worker)
    session = db.session()
    expected = {
        PromotionDecision: select(PromotionDecision.id).where(PromotionDecision.request.has(worker_id=worker.id)),
        Evidence: select(Evidence.id).where(Evidence.request.has(worker_id=worker.id)),
        ResultCorrection: select(ResultCorrection.id).where(ResultCorrection.result.has(worker_id=worker.id)),
        CertificateEvidence: select(CertificateEvidence.id).where(CertificateEvidence.certificate.has(worker_id=worker.id)),
        InboxMessage: select(InboxMessage.id).where(InboxMessage.user_id == user.id),
    }
    for model, statement in expected.items():
        ids = set(session.scalars(statement))
        assert ids, f"the scenario has no {model.__tablename__} row"
        assert {(i,) for i in ids} <= _exported_keys(export, model.__table__), model.__tablename__
    evidence = export["records"]["evidence"]["rows"][0]
    assert evidence["original_name"] == "成果证明.png" and "content" not in evidence and "stored_name" not in evidence


def test_no_secret_value_appears_anywhere_in_the_export(everything, vault):
    text = json.dumps(everything_held(db.session(), everything["worker"], vault=vault), ensure_ascii=False)
    secrets = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if _secret(column) and not isinstance(column.type, LargeBinary):
                secrets += [value for value in db.session.scalars(select(column).where(column.is_not(None)))
                            if isinstance(value, str) and len(value) >= 8]
    assert secrets, "the scenario holds secrets to look for"
    assert not [value for value in secrets if value in text]
    assert PASSWORD not in text
    for table_name, part in json.loads(text)["records"].items():
        table = Base.metadata.tables[table_name]
        leaked = {column.name for column in table.columns if _secret(column)} & set().union(*part["rows"])
        assert not leaked, f"{table_name} exports {leaked}"


def test_the_worker_sees_their_full_id_number_and_everyone_else_only_the_masked_one(everything, vault):
    worker, number = everything["worker"], everything["number"]
    mine = everything_held(db.session(), worker, vault=vault)
    assert mine["identity"]["national_id"] == number and mine["identity"]["id_masked"] == worker.id_masked
    masked = everything_held(db.session(), worker)
    assert masked["identity"]["national_id"] == worker.id_masked
    assert number not in json.dumps(masked, ensure_ascii=False)


def test_another_workers_rows_are_not_in_the_export(everything, vault):
    worker, other = everything["worker"], everything["other"]
    export = everything_held(db.session(), worker, vault=vault)
    text = json.dumps(export, ensure_ascii=False)
    assert other.name not in text and everything["other_number"] not in text and other.id_masked not in text
    for reference in worker_references():
        mine = or_(*(r.column == worker.id for r in worker_references() if r.table is reference.table))
        keys = list(reference.table.primary_key.columns)
        theirs = {tuple(row) for row in db.session.execute(
            select(*keys).where(and_(reference.column == other.id, ~mine)))}
        assert not theirs & _exported_keys(export, reference.table), reference.name
    assert all(row["user_id"] == everything["user"].id for row in export["records"]["inbox_messages"]["rows"])


def test_audit_events_about_the_worker_and_their_records_are_in_the_export(everything):
    worker = everything["worker"]
    export = everything_held(db.session(), worker)
    actions = {event["action"] for event in export["audit_events"]}
    assert {"worker.registered", "worker.activation_issued", "worker.account_opened", "certificate.issued",
            "certificate.evidence_added", "promotion.nominated", "honour.recorded", "api_token.issued"} <= actions
    assert all(event["occurred_at"].endswith("+08:00") for event in export["audit_events"])
    clerk_event = next(e for e in export["audit_events"] if e["action"] == "worker.activation_issued")
    assert clerk_event["by"] == {"name": everything["clerk"].display_name,
                                 "organisation": {"zh": "苏州技师学院", "en": "苏州技师学院"}}
    assert export["names"]["occupations"][str(lathe().id)] == "车工（6-18-01-01）"
    assert export["records"]["certificates"]["title"] == {"zh": "职业技能等级证书", "en": "Skill level certificates"}
