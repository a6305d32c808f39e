"""Training records, work periods and diplomas through the services, against a real session."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from credentials import Duplicate, ValidationFailed
from credentials.models import (
    AuditEvent,
    InstitutionKind,
    TargetGroup,
    TrainingForm,
    TrainingOutcome,
    TrainingRecord,
    TrainingType,
)
from credentials.queries.history import history_of
from credentials.services.reference import find_occupation
from credentials.services.training import record_training
from credentials.services.worker_facts import record_diploma, record_work_period
from credentials.services.workers import register_worker
from ladder.subsidies import training_vocabulary
from tests.conftest import national_id

TODAY = date(2024, 6, 1)
LATHE = "6-18-01-01"


@pytest.fixture
def school(make_institution):
    return make_institution("苏州技师学院", scope=((LATHE, "senior"),))


@pytest.fixture
def make_person(db, vault):
    def make(*groups, since=date(2020, 1, 1), city="3205"):
        worker = register_worker(db.session(), vault, name="李四", national_id=national_id(), city_code=city,
                                 target_groups=groups, groups_valid_from=since, by=None)
        db.session.commit()
        return worker
    return make


@pytest.fixture
def train(db, school):
    def record(worker, **overrides):
        values = dict(worker=worker, institution=school, occupation=find_occupation(db.session(), LATHE),
                      target_level="junior", training_type=TrainingType.EMPLOYMENT_SKILLS,
                      form=TrainingForm.ORDER_BASED, hours=120, started_on=date(2024, 3, 1),
                      completed_on=date(2024, 5, 20), outcome=TrainingOutcome.COMPLETED, by=None, today=TODAY)
        values.update(overrides)
        training = record_training(db.session(), **values)
        db.session.commit()
        return training
    return record


def field_of(excinfo) -> str:
    return excinfo.value.field


def test_a_completed_training_gets_the_subsidy_of_the_worker_city_schedule(train, make_person):
    training = train(make_person(TargetGroup.RURAL_MIGRANT))

    assert training.subsidy_eligible and training.subsidy_amount == Decimal(800)
    assert training.subsidy_rule == "3205-2019.employment"


def test_one_subsidy_per_person_occupation_and_level(train, make_person, make_institution):
    worker = make_person(TargetGroup.RURAL_MIGRANT)
    other_school = make_institution(scope=((LATHE, "senior"),))
    train(worker)

    again = train(worker, institution=other_school, started_on=date(2024, 4, 1),
                  completed_on=date(2024, 5, 1))
    next_level = train(worker, target_level="intermediate", started_on=date(2024, 4, 2), completed_on=None,
                       outcome=TrainingOutcome.ENROLLED)

    assert not again.subsidy_eligible and again.subsidy_rule == "already_subsidised"
    assert next_level.subsidy_eligible and next_level.subsidy_amount == Decimal(1200)


def test_a_worker_outside_the_target_groups_is_recorded_without_subsidy_and_told_why(train, make_person):
    training = train(make_person(TargetGroup.EMPLOYEE))

    assert not training.subsidy_eligible and training.subsidy_amount is None
    assert training.subsidy_rule == "not_in_group:3205-2019.employment"


def test_target_groups_count_only_from_the_date_they_apply(train, make_person):
    late_migrant = make_person(TargetGroup.RURAL_MIGRANT, since=date(2024, 4, 1))

    training = train(late_migrant)  # the training began in March

    assert not training.subsidy_eligible


def test_on_the_job_upgrading_is_claimed_after_certification_never_granted_at_enrolment(train, make_person):
    """技能提升补贴 needs the certificate, 36 insured months and a claim within 12 months (DOMAIN §8)."""
    training = train(make_person(TargetGroup.EMPLOYEE), training_type=TrainingType.ON_THE_JOB_UPGRADING,
                     target_level="senior")

    assert (training.subsidy_eligible, training.subsidy_amount, training.subsidy_rule) == (
        False, None, "after_certification:CN-2017.upgrading")


def test_dropping_out_earns_no_subsidy(train, make_person):
    training = train(make_person(TargetGroup.RURAL_MIGRANT), outcome=TrainingOutcome.DROPPED_OUT,
                     completed_on=None)

    assert not training.subsidy_eligible and training.subsidy_rule == "dropped_out"


def test_the_same_enrolment_twice_is_a_duplicate_and_writes_nothing(db, train, make_person):
    worker = make_person()
    train(worker)

    with pytest.raises(Duplicate) as excinfo:
        train(worker, hours=60)

    db.session.rollback()
    assert field_of(excinfo) == "started_on" and "2024-03-01" in excinfo.value.message("zh")
    assert db.session.scalar(select(func.count()).select_from(TrainingRecord)) == 1


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"started_on": date(2024, 6, 2), "completed_on": None, "outcome": "enrolled"}, "started_on",
     "date_in_future"),
    ({"completed_on": date(2024, 6, 2)}, "completed_on", "date_in_future"),
    ({"completed_on": date(2024, 2, 1)}, "completed_on", "dates_out_of_order"),
    ({"completed_on": None}, "completed_on", "completed_needs_date"),
    ({"outcome": TrainingOutcome.ENROLLED}, "completed_on", "date_only_when_completed"),
    ({"hours": -1}, "hours", "hours_out_of_range"),
    ({"hours": 10_001}, "hours", "hours_out_of_range"),
    ({"hours": "120"}, "hours", "hours_out_of_range"),
    ({"training_type": "knitting"}, "training_type", "unknown_choice"),
    ({"form": "correspondence"}, "form", "unknown_choice"),
    ({"target_level": "grandmaster"}, "target_level", "unknown_level"),
    ({"target_level": "technician"}, "target_level", "not_accredited_training"),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(db, train, make_person, overrides, field,
                                                                  code):
    worker = make_person()

    with pytest.raises(ValidationFailed) as excinfo:
        train(worker, **overrides)

    db.session.rollback()
    assert (excinfo.value.field, excinfo.value.code) == (field, code)
    assert excinfo.value.message("en") and excinfo.value.message("zh")
    assert db.session.scalar(select(func.count()).select_from(TrainingRecord)) == 0


def test_an_institution_not_accredited_for_the_occupation_cannot_record_its_training(db, train, make_person,
                                                                                      make_institution):
    welding_only = make_institution(kind=InstitutionKind.SOCIAL_TRAINING_BODY,
                                    scope=(("6-18-02-04", "senior"),))

    with pytest.raises(ValidationFailed) as excinfo:
        train(make_person(), institution=welding_only)

    assert excinfo.value.code == "not_accredited_training" and "车工" in excinfo.value.message("zh")


def test_a_level_the_occupation_is_not_appraised_at_is_refused(db, train, make_person):
    with pytest.raises(ValidationFailed) as excinfo:
        train(make_person(), occupation=find_occupation(db.session(), "2-01-01-00"))

    assert (excinfo.value.field, excinfo.value.code) == ("target_level", "level_not_appraised")


def test_recording_training_appends_to_the_audit_trail(db, train, make_person):
    training = train(make_person())

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.recorded"))
    assert event.entity_id == str(training.id) and event.after["hours"] == 120
    assert "李四" not in str(event.after)


def test_completed_training_work_and_diplomas_reach_the_eligibility_history(db, train, make_person):
    worker = make_person()
    train(worker)
    train(worker, target_level="intermediate", started_on=date(2024, 5, 1), completed_on=None,
          outcome="enrolled")
    lathe = find_occupation(db.session(), LATHE)
    record_work_period(db.session(), worker=worker, occupation=lathe, started_on=date(2019, 3, 1),
                       employer_name="  苏州精工  ", by=None, today=TODAY)
    record_diploma(db.session(), worker=worker, school_type="technical_school", stream="intermediate_class",
                   major_occupation=lathe, graduated_on=date(2019, 7, 1), by=None, today=TODAY)

    history = history_of(db.session(), worker.id)

    assert [(t.target_level, t.hours) for t in history.training] == [("junior", 120)]  # not the enrolled one
    assert [(w.occupation_code, w.start, w.end) for w in history.work_periods] == [
        (LATHE, date(2019, 3, 1), None)]
    assert [(d.school_type, d.major_occupation_code) for d in history.diplomas] == [
        ("technical_school", LATHE)]


@pytest.mark.parametrize(("started_on", "ended_on", "field", "code"), [
    (date(2024, 7, 1), None, "started_on", "date_in_future"),
    (date(2020, 1, 1), date(2024, 7, 1), "ended_on", "date_in_future"),
    (date(2020, 1, 1), date(2019, 1, 1), "ended_on", "dates_out_of_order"),
])
def test_work_periods_cannot_end_before_they_start_or_lie_in_the_future(db, make_person, started_on, ended_on,
                                                                         field, code):
    with pytest.raises(ValidationFailed) as excinfo:
        record_work_period(db.session(), worker=make_person(),
                           occupation=find_occupation(db.session(), LATHE), started_on=started_on,
                           ended_on=ended_on, by=None, today=TODAY)

    assert (excinfo.value.field, excinfo.value.code) == (field, code)


@pytest.mark.parametrize(("kwargs", "field", "code"), [
    ({"school_type": "circus_school", "graduated_on": date(2020, 7, 1)}, "school_type", "unknown_choice"),
    ({"school_type": "technical_school", "stream": "night_class", "graduated_on": date(2020, 7, 1)}, "stream",
     "unknown_choice"),
    ({"school_type": "technical_school"}, "graduated_on", "required"),
    ({"school_type": "technical_school", "graduated_on": date(2025, 7, 1)}, "graduated_on", "date_in_future"),
])
def test_diplomas_need_known_codes_and_a_past_graduation_date(db, make_person, kwargs, field, code):
    with pytest.raises(ValidationFailed) as excinfo:
        record_diploma(db.session(), worker=make_person(), by=None, today=TODAY, **kwargs)

    assert (excinfo.value.field, excinfo.value.code) == (field, code)


def test_a_current_year_student_may_record_a_diploma_not_yet_received(db, make_person):
    diploma = record_diploma(db.session(), worker=make_person(), school_type="technician_college",
                             stream="senior_class", is_current_graduate=True, by=None, today=TODAY)

    assert diploma.is_current_graduate and diploma.graduated_on is None


def test_training_codes_are_the_same_in_the_records_and_the_subsidy_rules():
    assert {t.value for t in TrainingType} == set(training_vocabulary("training_types"))
    assert {f.value for f in TrainingForm} == set(training_vocabulary("training_forms"))
    assert {g.value for g in TargetGroup} == set(training_vocabulary("target_groups"))
