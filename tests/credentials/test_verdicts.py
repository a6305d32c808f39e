"""Right verdicts where the records meet the rules: a number shaped like a national scheme but breaking it
is refused as impossible at entry, at import and at public look-up; the skills upgrading subsidy is only
announced at enrolment; a target group counts only for training within its dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials import ValidationFailed
from credentials.models import (
    Certificate,
    ImportStatus,
    TargetGroup,
    TrainingForm,
    TrainingOutcome,
    TrainingType,
)
from credentials.numbers import format_legacy16, format_skill_level22
from credentials.queries.progression import subsidy_of
from credentials.queries.verification import verify_certificate
from credentials.services.reference import find_occupation
from credentials.services.training import groups_on, record_training, subsidy_decision
from credentials.services.workers import register_worker
from tests.conftest import national_id
from tests.import_fixtures import problems

LATHE = "6-18-01-01"
LEGACY = format_legacy16(2010, "32", "05", 0, 1, 5, 123)  # junior, 2010
SKILL = format_skill_level22("S", "0001", "32", "000009", 2024, 5, 7)  # junior, 2024
# (broken number, a word of the zh reason, a word of the en reason)
BROKEN_LEGACY = [
    (LEGACY[:-1], "比16 位职业资格证书编号少一位", "one character too few"),  # 15 digits
    (LEGACY + "1", "比16 位职业资格证书编号多一位", "one character too many"),  # 17 digits
    (LEGACY[:10] + "7" + LEGACY[11:], "等级位只能是 1–5", "level digit"),
]
BROKEN_SKILL = [
    (SKILL[:-1], "比22 位职业技能等级证书编号少一位", "one character too few"),  # 21 characters
    (SKILL + "1", "比22 位职业技能等级证书编号多一位", "one character too many"),  # 23 characters
    ("X" + SKILL[1:], "只能是 Y（用人单位）或 S", "starts with Y (employer) or S"),
    (SKILL[:15] + "0" + SKILL[16:], "等级位只能是 1–5", "level digit"),
]


# ---- 1. impossible numbers: entry, import, look-up ------------------------------------------------------

@pytest.mark.parametrize(("number", "zh", "en"), BROKEN_LEGACY)
def test_entry_refuses_a_broken_national_number_and_says_why(make_institution, make_worker, make_certificate,
                                                             number, zh, en):
    with pytest.raises(ValidationFailed) as caught:
        make_certificate(make_worker(), make_institution(), issued_on=date(2010, 6, 1), number=number)

    db.session.rollback()
    assert (caught.value.field, caught.value.code) == ("number", "certificate_number")
    assert zh in caught.value.message("zh") and en in caught.value.message("en")
    assert db.session.scalar(select(Certificate.id)) is None


def test_entry_accepts_the_well_formed_number_beside_the_broken_ones(make_institution, make_worker,
                                                                    make_certificate):
    certificate = make_certificate(make_worker(), make_institution(), issued_on=date(2010, 6, 1), number=LEGACY)

    assert (certificate.number_scheme, certificate.needs_review) == ("legacy16", False)


@pytest.mark.parametrize(("number", "zh", "en"), BROKEN_SKILL)
def test_import_refuses_a_broken_national_number_on_its_row_and_says_why(setting, number, zh, en):
    job = setting.run([setting.result(0, number=number)])

    assert job.status is ImportStatus.REJECTED and job.rows_flagged == 0
    ((row, column, message),) = problems(job)
    assert (row, column) == (2, "证书编号") and zh in message


def test_import_takes_the_well_formed_number_beside_the_broken_ones(setting):
    job = setting.run([setting.result(0, number=SKILL)], dry_run=True)  # the checks alone, nothing written

    assert job.status is ImportStatus.VALIDATED and (job.error_count, job.rows_flagged) == (0, 0), job.errors


@pytest.mark.parametrize(("number", "zh", "en"), BROKEN_LEGACY + BROKEN_SKILL)
def test_a_public_look_up_of_a_broken_national_number_answers_impossible_not_not_on_record(app, number, zh, en):
    verdict = verify_certificate(db.session(), number, name="张三")

    assert (verdict.status, verdict.number_status, verdict.number_scheme) == ("not_found", "impossible", "unknown")
    assert verdict.number_problem is not None
    assert zh in verdict.number_problem.zh and en in verdict.number_problem.en


@pytest.mark.parametrize("number", [LEGACY, SKILL, "3100000123456"])
def test_a_public_look_up_of_a_possible_number_not_on_record_is_not_on_record(app, number):
    verdict = verify_certificate(db.session(), number, name="张三")

    assert (verdict.status, verdict.number_status, verdict.number_problem) == ("not_found", "not_on_record", None)


# ---- 5. the skills upgrading subsidy at enrolment --------------------------------------------------------

@pytest.fixture
def person(app, vault):
    def make(*groups, since=date(2020, 1, 1), until=None):
        worker = register_worker(db.session(), vault, name="李四", national_id=national_id(), city_code="3205",
                                 target_groups=groups, groups_valid_from=since, by=None)
        for membership in worker.target_groups:
            membership.valid_until = until
        db.session.commit()
        return worker
    return make


@pytest.fixture
def train(make_institution):
    school = make_institution("苏州技师学院", scope=((LATHE, "senior"),))

    def record(worker, **overrides):
        values = dict(worker=worker, institution=school, occupation=find_occupation(db.session(), LATHE),
                      target_level="junior", training_type=TrainingType.EMPLOYMENT_SKILLS,
                      form=TrainingForm.ORDER_BASED, hours=120, started_on=date(2024, 3, 1),
                      completed_on=date(2024, 5, 20), outcome=TrainingOutcome.COMPLETED, by=None,
                      today=date(2024, 6, 1))
        values.update(overrides)
        training = record_training(db.session(), **values)
        db.session.commit()
        return training
    return record


@pytest.mark.parametrize("outcome", [TrainingOutcome.ENROLLED, TrainingOutcome.COMPLETED])
def test_enrolment_in_upgrading_training_says_may_claim_after_certification_never_eligible(train, person,
                                                                                          outcome):
    completed = date(2024, 5, 20) if outcome is TrainingOutcome.COMPLETED else None
    training = train(person(TargetGroup.EMPLOYEE), training_type=TrainingType.ON_THE_JOB_UPGRADING,
                     target_level="senior", outcome=outcome, completed_on=completed)

    assert not training.subsidy_eligible and training.subsidy_amount is None
    assert training.subsidy_rule == "after_certification:CN-2017.upgrading"
    decision = subsidy_of(training)
    assert decision.pending and "取得证书后可申领" in decision.explanation.zh
    assert "may claim after certification" in decision.explanation.en


@pytest.mark.parametrize(("insured", "eligible"), [(None, False), (35, False), (36, True)])
def test_the_upgrading_claim_takes_the_certificate_date_and_insured_months_as_inputs(insured, eligible):
    decision = subsidy_decision(city_code="3205", groups=frozenset({"employee"}),
                                training_type=TrainingType.ON_THE_JOB_UPGRADING, target_level="senior",
                                outcome=TrainingOutcome.COMPLETED, on=date(2024, 3, 1), already_subsidised=False,
                                certificate_on=date(2024, 6, 15), insured_months=insured, claim_on=date(2024, 7, 1))

    assert decision.eligible is eligible and decision.amount == (Decimal(2000) if eligible else None)


def test_a_second_enrolment_after_a_granted_subsidy_is_not_announced_as_claimable():
    decision = subsidy_decision(city_code="3205", groups=frozenset({"employee"}),
                                training_type=TrainingType.ON_THE_JOB_UPGRADING, target_level="senior",
                                outcome=TrainingOutcome.ENROLLED, on=date(2024, 3, 1), already_subsidised=True)

    assert decision.reason == "already_subsidised"


# ---- 6. target groups within their dates -----------------------------------------------------------------

@pytest.mark.parametrize(("until", "eligible"), [(date(2024, 5, 19), False), (date(2024, 5, 20), True)])
def test_a_target_group_counts_only_if_the_training_ends_within_it(train, person, until, eligible):
    training = train(person(TargetGroup.RURAL_MIGRANT, until=until))  # training 2024-03-01 .. 2024-05-20

    assert training.subsidy_eligible is eligible
    expected = "3205-2019.employment" if eligible else "not_in_group:3205-2019.employment"
    assert training.subsidy_rule == expected


@pytest.mark.parametrize(("since", "eligible"), [(date(2024, 3, 2), False), (date(2024, 3, 1), True)])
def test_a_target_group_counts_only_if_the_training_begins_within_it(train, person, since, eligible):
    assert train(person(TargetGroup.RURAL_MIGRANT, since=since)).subsidy_eligible is eligible


def test_groups_on_a_day_and_over_a_training(person):
    worker = person(TargetGroup.VETERAN, since=date(2020, 1, 1), until=date(2024, 4, 30))

    assert groups_on(worker, date(2024, 4, 30)) == {"veteran"}
    assert groups_on(worker, date(2024, 3, 1), date(2024, 4, 30)) == {"veteran"}
    assert groups_on(worker, date(2024, 3, 1), date(2024, 5, 1)) == frozenset()
