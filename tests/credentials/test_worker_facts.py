"""A worker's facts (work periods, diplomas, apprenticeships, titles): who may write what, what counts for
eligibility, and that corrections and withdrawals keep the earlier value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials import Conflict, Duplicate, Forbidden, ValidationFailed
from credentials.models import Attestation, AuditEvent, FactState, InstitutionKind, WorkPeriod
from credentials.queries.history import history_of
from credentials.queries.registry import workers_for
from credentials.queries.worker_facts import facts_of
from credentials.services.appraisal import record_appraisal_result
from credentials.services.reference import find_occupation
from credentials.services.training import record_training
from credentials.services.worker_facts import (
    attest_fact,
    record_apprenticeship,
    record_diploma,
    record_title,
    record_work_period,
    withdraw_fact,
)
from credentials.services.workers import register_worker
from ladder.eligibility import evaluate
from tests.conftest import national_id

TODAY = date(2025, 1, 15)
LATHE, MILLER = "6-18-01-01", "6-18-01-02"


def occupation(code=LATHE):
    return find_occupation(db.session(), code)


@pytest.fixture
def cast(make_institution, make_user, make_worker):
    """An employer with its clerk, a training college with its clerk, a worker of the employer, and officers."""
    employer = make_institution("苏州精工", kind=InstitutionKind.ENTERPRISE)
    college = make_institution("苏州技师学院")
    worker = make_worker(employer=employer)

    class Cast:
        pass

    c = Cast()
    c.employer, c.college, c.worker = employer, college, worker
    c.employer_clerk = make_user("institution_staff", institution=employer)
    c.college_clerk = make_user("institution_staff", institution=college)
    c.me = make_user("worker", worker=worker)
    c.city_officer = make_user("bureau_officer", region="3205")
    c.other_city_officer = make_user("bureau_officer", region="3201")
    c.ministry = make_user("bureau_officer", scope="ministry")
    return c


def period(c, by, *, employer=None, employer_name=None, started_on=date(2015, 1, 1), code=LATHE, **kwargs):
    written = record_work_period(db.session(), worker=c.worker, occupation=occupation(code), started_on=started_on,
                                 employer=employer, employer_name=employer_name, by=by, today=TODAY, **kwargs)
    db.session.commit()
    return written


def junior(c):
    return evaluate(history_of(db.session(), c.worker.id), LATHE, "junior", on=TODAY)


def actions(c):
    return [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "worker", AuditEvent.entity_id == str(c.worker.id))
        .order_by(AuditEvent.id))]


# ---------------------------------------------------------------- who writes, and what counts

def test_an_institutions_record_is_attested_and_counts_for_eligibility(cast):
    written = period(cast, cast.college_clerk, employer_name="某建筑公司")

    assert written.attestation is Attestation.ATTESTED and written.attested_by_institution_id == cast.college.id
    assert junior(cast).eligible and junior(cast).matched_clause == "2018.junior.a"
    assert actions(cast)[-1] == "work_period.recorded"


def test_a_workers_own_claim_is_unverified_and_does_not_count(cast):
    claim = period(cast, cast.me, employer=cast.employer)

    assert claim.attestation is Attestation.UNVERIFIED and claim.attested_at is None and not claim.counts
    result = junior(cast)
    assert not result.eligible and "累计从事本职业" in result.describe("zh")[0]
    assert facts_of(db.session(), cast.worker.id).claims_waiting == 1
    assert actions(cast)[-1] == "work_period.claimed"


def test_the_employer_attests_a_claim_and_then_it_counts(cast):
    claim = period(cast, cast.me, employer=cast.employer)

    attest_fact(db.session(), claim, worker=cast.worker, by=cast.employer_clerk)
    db.session.commit()

    assert claim.counts and claim.attested_by_institution_id == cast.employer.id
    assert junior(cast).eligible
    assert actions(cast)[-1] == "work_period.attested"


def test_a_claim_naming_a_registered_employer_waits_for_that_employer(cast):
    claim = period(cast, cast.me, employer=cast.employer)

    with pytest.raises(Forbidden) as refused:
        attest_fact(db.session(), claim, worker=cast.worker, by=cast.college_clerk)

    assert refused.value.code == "attest_by_employer" and "苏州精工" in refused.value.message()


def test_a_claim_naming_an_employer_outside_the_registry_may_be_attested_by_a_training_institution(cast):
    claim = period(cast, cast.me, employer_name="个体维修店")

    attest_fact(db.session(), claim, worker=cast.worker, by=cast.college_clerk)

    assert claim.counts


@pytest.mark.parametrize(("who", "allowed"), [("city_officer", True), ("other_city_officer", False),
                                              ("ministry", False), ("me", False)])
def test_bureau_officers_of_the_region_attest_others_do_not(cast, who, allowed):
    claim = period(cast, cast.me, employer=cast.employer)

    if allowed:
        attest_fact(db.session(), claim, worker=cast.worker, by=getattr(cast, who))
        assert claim.counts
    else:
        with pytest.raises(Forbidden):
            attest_fact(db.session(), claim, worker=cast.worker, by=getattr(cast, who))


@pytest.mark.parametrize("who", ["other_city_officer", "ministry"])
def test_officers_outside_the_region_record_nothing(cast, who):
    with pytest.raises(Forbidden):
        period(cast, getattr(cast, who))


def test_an_attested_fact_cannot_be_attested_again(cast):
    written = period(cast, cast.employer_clerk)

    with pytest.raises(Conflict) as refused:
        attest_fact(db.session(), written, worker=cast.worker, by=cast.city_officer)
    assert refused.value.code == "already_attested"


# ---------------------------------------------------------------- corrections and withdrawals keep the past

def test_a_correction_keeps_the_earlier_value_as_a_superseded_row(cast):
    first = period(cast, cast.college_clerk, started_on=date(2024, 6, 1))
    assert not junior(cast).eligible

    corrected = period(cast, cast.college_clerk, started_on=date(2023, 6, 1), correcting=first)

    assert first.state is FactState.SUPERSEDED and first.ended_at is not None
    assert corrected.replaces_id == first.id and corrected.state is FactState.CURRENT
    facts = facts_of(db.session(), cast.worker.id).work_periods
    assert [f.started_on for f in facts.current] == [date(2023, 6, 1)]
    assert [f.started_on for f in facts.earlier] == [date(2024, 6, 1)]
    assert junior(cast).eligible
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "work_period.corrected")).one()
    assert event.before["started_on"] == "2024-06-01" and event.after["started_on"] == "2023-06-01"


def test_a_withdrawal_keeps_the_row_with_its_reason_and_it_stops_counting(cast):
    written = period(cast, cast.college_clerk)

    with pytest.raises(ValidationFailed) as refused:
        withdraw_fact(db.session(), written, worker=cast.worker, by=cast.college_clerk, reason="  ")
    assert refused.value.field == "reason"
    withdraw_fact(db.session(), written, worker=cast.worker, by=cast.college_clerk, reason="证明材料有误")
    db.session.commit()

    assert written.state is FactState.WITHDRAWN and written.withdrawal_reason == "证明材料有误"
    assert not junior(cast).eligible
    assert facts_of(db.session(), cast.worker.id).work_periods.earlier == [written]
    assert actions(cast)[-1] == "work_period.withdrawn"


def test_a_fact_already_corrected_cannot_be_corrected_again(cast):
    first = period(cast, cast.college_clerk)
    period(cast, cast.college_clerk, started_on=date(2016, 1, 1), correcting=first)

    with pytest.raises(Conflict) as refused:
        period(cast, cast.college_clerk, started_on=date(2017, 1, 1), correcting=first)
    assert refused.value.code == "fact_ended"


def test_the_worker_corrects_their_own_claim_which_stays_unverified(cast):
    claim = period(cast, cast.me, employer_name="个体维修店")

    corrected = period(cast, cast.me, employer_name="个体维修店", started_on=date(2014, 1, 1), correcting=claim)

    assert corrected.attestation is Attestation.UNVERIFIED and claim.state is FactState.SUPERSEDED


def test_the_worker_may_not_correct_or_withdraw_an_attested_fact(cast):
    written = period(cast, cast.employer_clerk)

    with pytest.raises(Forbidden) as refused:
        period(cast, cast.me, started_on=date(2010, 1, 1), correcting=written)
    assert refused.value.code == "own_claims_only"
    with pytest.raises(Forbidden):
        withdraw_fact(db.session(), written, worker=cast.worker, by=cast.me, reason="不对")


def test_an_institution_changes_only_what_it_attested(cast):
    written = period(cast, cast.employer_clerk)

    with pytest.raises(Forbidden):
        withdraw_fact(db.session(), written, worker=cast.worker, by=cast.college_clerk, reason="不对")
    withdraw_fact(db.session(), written, worker=cast.worker, by=cast.city_officer, reason="核查不实")
    assert written.state is FactState.WITHDRAWN


def test_an_officials_record_replaces_the_workers_claim_to_the_same_period(cast):
    claim = period(cast, cast.me, employer_name="个体维修店")

    written = period(cast, cast.college_clerk, employer_name="个体维修店")

    assert claim.state is FactState.SUPERSEDED and written.replaces_id == claim.id and written.counts


def test_the_same_period_twice_is_refused(cast):
    period(cast, cast.college_clerk)

    with pytest.raises(Duplicate) as refused:
        period(cast, cast.me)
    assert refused.value.field == "started_on"
    with pytest.raises(Duplicate):
        period(cast, cast.employer_clerk)


# ---------------------------------------------------------------- the rules of each fact

@pytest.mark.parametrize(("kwargs", "field", "code"), [
    ({"started_on": date(2026, 1, 1)}, "started_on", "date_in_future"),
    ({"ended_on": date(2014, 1, 1)}, "ended_on", "dates_out_of_order"),
    ({"ended_on": date(2026, 1, 1)}, "ended_on", "date_in_future"),
])
def test_work_period_dates_are_checked(cast, kwargs, field, code):
    with pytest.raises(ValidationFailed) as refused:
        period(cast, cast.college_clerk, **kwargs)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_work_in_a_related_occupation_counts_towards_it(cast):
    with pytest.raises(ValidationFailed) as refused:
        period(cast, cast.college_clerk, code=MILLER, related_to=occupation(MILLER))
    assert refused.value.field == "related_to"

    period(cast, cast.college_clerk, code=MILLER, related_to=occupation(LATHE))

    assert junior(cast).eligible
    assert evaluate(history_of(db.session(), cast.worker.id), MILLER, "junior", on=TODAY).eligible


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"school_type": "kindergarten"}, "school_type"),
    ({"stream": "night_class"}, "stream"),
    ({"graduated_on": None}, "graduated_on"),
    ({"graduated_on": date(2026, 7, 1)}, "graduated_on"),
])
def test_diploma_rules(cast, kwargs, field):
    values = {"school_type": "technical_school", "stream": "intermediate_class", "graduated_on": date(2020, 7, 1),
              **kwargs}
    with pytest.raises(ValidationFailed) as refused:
        record_diploma(db.session(), worker=cast.worker, by=cast.college_clerk, today=TODAY, **values)
    assert refused.value.field == field


def test_a_current_year_student_claims_a_diploma_that_counts_once_attested(cast):
    diploma = record_diploma(db.session(), worker=cast.worker, school_type="technical_school",
                             stream="intermediate_class", major_occupation=occupation(), is_current_graduate=True,
                             by=cast.me, today=TODAY)
    history = history_of(db.session(), cast.worker.id)
    assert not history.diplomas

    attest_fact(db.session(), diploma, worker=cast.worker, by=cast.college_clerk)

    result = evaluate(history_of(db.session(), cast.worker.id), LATHE, "intermediate", on=TODAY)
    assert result.eligible and result.matched_clause == "2018.intermediate.c"


def test_a_completed_apprenticeship_opens_junior_worker(cast):
    with pytest.raises(Forbidden):
        record_apprenticeship(db.session(), worker=cast.worker, occupation=occupation(), target_level="intermediate",
                              started_on=date(2023, 9, 1), ended_on=date(2024, 8, 31), completed=True,
                              enterprise=cast.employer, by=cast.me, today=TODAY)
    running = record_apprenticeship(db.session(), worker=cast.worker, occupation=occupation(),
                                    target_level="intermediate", started_on=date(2024, 9, 1), ended_on=date(2025, 8, 31),
                                    enterprise=cast.employer, by=cast.employer_clerk, today=TODAY)
    assert not junior(cast).eligible  # still running: no 学徒期满 yet

    record_apprenticeship(db.session(), worker=cast.worker, occupation=occupation(), target_level="intermediate",
                          started_on=date(2024, 9, 1), ended_on=date(2025, 1, 10), completed=True,
                          enterprise=cast.employer, by=cast.employer_clerk, today=TODAY, correcting=running)

    result = junior(cast)
    assert result.eligible and result.matched_clause == "2018.junior.b"


@pytest.mark.parametrize(("kwargs", "field", "code"), [
    ({"target_level": "junior"}, "target_level", "unknown_choice"),
    ({"completed": True, "ended_on": None}, "ended_on", "completed_needs_end"),
    ({"completed": True, "ended_on": date(2025, 6, 30)}, "ended_on", "date_in_future"),
    ({"enterprise_name": " "}, "enterprise_name", "required"),
])
def test_apprenticeship_rules(cast, kwargs, field, code):
    values = {"target_level": "intermediate", "started_on": date(2024, 1, 1), "ended_on": date(2024, 12, 31),
              "enterprise_name": "某企业", **kwargs}
    with pytest.raises(ValidationFailed) as refused:
        record_apprenticeship(db.session(), worker=cast.worker, occupation=occupation(), by=cast.employer_clerk,
                              today=TODAY, **values)
    assert (refused.value.field, refused.value.code) == (field, code)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"series": "astrology"}, "series"),
    ({"grade": "supreme"}, "grade"),
    ({"obtained_on": date(2026, 1, 1)}, "obtained_on"),
])
def test_title_rules(cast, kwargs, field):
    values = {"series": "engineering", "grade": "assistant", "obtained_on": date(2019, 1, 1), **kwargs}
    with pytest.raises(ValidationFailed) as refused:
        record_title(db.session(), worker=cast.worker, by=cast.college_clerk, today=TODAY, **values)
    assert refused.value.field == field


def test_an_attested_assistant_title_stands_in_for_intermediate_worker_when_applying_for_senior(cast):
    period(cast, cast.employer_clerk, started_on=date(2012, 1, 1))
    title = record_title(db.session(), worker=cast.worker, series="engineering", grade="assistant",
                         obtained_on=date(2019, 1, 1), by=cast.me, today=TODAY)
    assert not evaluate(history_of(db.session(), cast.worker.id), LATHE, "senior", on=TODAY).eligible

    attest_fact(db.session(), title, worker=cast.worker, by=cast.employer_clerk)

    history = history_of(db.session(), cast.worker.id)
    assert [t.grade for t in history.titles] == ["assistant"]
    result = evaluate(history, LATHE, "senior", on=TODAY)
    assert result.eligible and result.matched_clause == "2018.senior.a"
    intermediate = evaluate(history, LATHE, "intermediate", on=TODAY)  # the title stands in only for senior
    assert all(m.code != "already_held" for m in intermediate.missing)


def test_withdrawn_and_superseded_rows_never_reach_the_history(cast):
    first = period(cast, cast.college_clerk, started_on=date(2010, 1, 1))
    period(cast, cast.college_clerk, started_on=date(2024, 12, 1), correcting=first)

    history = history_of(db.session(), cast.worker.id)

    assert [p.start for p in history.work_periods] == [date(2024, 12, 1)]
    assert db.session.scalar(select(WorkPeriod.id).where(WorkPeriod.started_on == date(2010, 1, 1))) == first.id


# ---------------------------------------------------------------- whom an institution sees

def test_an_institution_sees_the_workers_it_registered_trained_appraised_or_employs(make_institution, make_user,
                                                                                     make_worker, vault):
    school = make_institution("苏州技师学院")
    clerk = make_user("institution_staff", institution=school)
    registered = register_worker(db.session(), vault, name="登记的", national_id=national_id(), city_code="3205",
                                 employer_name="别家", by=clerk)
    trained, appraised, stranger = make_worker("培训的"), make_worker("评价的"), make_worker("路人")
    employed = make_worker("职工", employer=school)
    record_training(db.session(), worker=trained, institution=school, occupation=occupation(), target_level="junior",
                    training_type="employment_skills", form="other", hours=90, started_on=date(2024, 3, 1),
                    outcome="enrolled", by=clerk, today=TODAY)
    record_appraisal_result(db.session(), worker=appraised, institution=school, occupation=occupation(),
                            level="junior", exam_date=date(2024, 7, 1), theory=Decimal(30), practical=Decimal(40),
                            by=clerk, today=TODAY)
    db.session.commit()

    seen = {w.name for w in db.session.scalars(workers_for(clerk))}

    assert registered.registered_by_institution_id == school.id
    assert seen == {"登记的", "培训的", "评价的", "职工"} and stranger.name not in seen and employed.name in seen
