"""Applications (申报), qualification review (资格审核), sessions and seating: each rule from both sides, on
exact dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials import Conflict, Duplicate, Forbidden, ValidationFailed
from credentials.models import ApplicationState, AuditEvent, InboxMessage
from credentials.queries.applications import candidates_for, sessions_open_for
from credentials.queries.applications import road as road_of
from credentials.services.applications import (
    approve_application,
    record_session_result,
    refuse_application,
    seat_application,
    submit_application,
    verdict_for,
)
from credentials.services.reference import find_occupation
from credentials.services.sessions import close_appraisal_session, create_appraisal_session
from tests.appraisal_fixtures import APPLIED, HELD, apply, lathe, open_session, qualified, seated, sit, worked_since

# ---------------------------------------------------------------- sessions


def test_a_session_offers_only_levels_the_institution_is_accredited_for(road, make_institution, make_user):
    junior_only = make_institution("初级工培训学校", scope=(("6-18-01-01", "junior"),))
    clerk = make_user("institution_staff", institution=junior_only)

    with pytest.raises(ValidationFailed) as refused:
        create_appraisal_session(db.session(), institution=junior_only, occupation=lathe(),
                                 levels=["junior", "intermediate"], held_on=HELD, site="一楼", capacity=5,
                                 by=clerk, today=APPLIED)
    assert refused.value.code == "not_accredited" and refused.value.field == "levels"


@pytest.mark.parametrize(("held_on", "ok"), [(APPLIED, True), (APPLIED - timedelta(days=1), False)])
def test_a_session_is_held_today_or_later(road, held_on, ok):
    if ok:
        assert open_session(road, held_on=held_on).held_on == held_on
    else:
        with pytest.raises(ValidationFailed) as refused:
            open_session(road, held_on=held_on)
        assert refused.value.field == "held_on"


@pytest.mark.parametrize(("field", "kwargs"), [
    ("levels", {"levels": []}), ("site", {"site": "  "}), ("capacity", {"capacity": 0}),
    ("capacity", {"capacity": 10_001}), ("levels", {"levels": ["chief_technician"]}),
])
def test_a_session_names_its_levels_site_and_capacity(road, field, kwargs):
    values = {"levels": ["junior"], "held_on": HELD, "site": "实训楼", "capacity": 5} | kwargs
    with pytest.raises(ValidationFailed) as refused:
        create_appraisal_session(db.session(), institution=road.college, occupation=lathe(), by=road.clerk,
                                 today=APPLIED, **values)
    assert refused.value.field == field


def test_another_institutions_clerk_cannot_create_a_session_for_it(road):
    with pytest.raises(Forbidden):
        create_appraisal_session(db.session(), institution=road.college, occupation=lathe(), levels=["junior"],
                                 held_on=HELD, site="实训楼", capacity=5, by=road.other_clerk, today=APPLIED)


# ---------------------------------------------------------------- applying


def test_a_worker_applies_for_themself_and_a_clerk_for_a_worker(road):
    own = apply(road, road.junior, by=road.junior_user)
    entered = apply(road, road.senior, "technician")

    assert (own.state, own.submitted_by_id) == (ApplicationState.SUBMITTED, road.junior_user.id)
    assert entered.submitted_by_id == road.clerk.id


def test_a_worker_cannot_apply_for_someone_else_nor_a_clerk_to_another_institution(road):
    with pytest.raises(Forbidden):
        apply(road, road.senior, "technician", by=road.junior_user)
    with pytest.raises(Forbidden):
        apply(road, road.junior, by=road.other_clerk)


def test_an_application_goes_to_an_institution_accredited_for_the_level(road):
    milling = find_occupation(db.session(), "6-18-01-02")  # the college appraises lathe operators only
    with pytest.raises(ValidationFailed) as refused:
        submit_application(db.session(), worker=road.junior, occupation=milling, level="junior",
                           institution=road.college, by=road.junior_user, today=APPLIED)
    assert refused.value.code == "not_accredited" and refused.value.field == "institution_id"


def test_a_level_already_held_is_not_applied_for(road):
    with pytest.raises(ValidationFailed) as refused:
        apply(road, road.senior, "senior")
    assert refused.value.code == "already_held"


def test_one_open_application_per_level(road):
    first = apply(road, road.junior)
    with pytest.raises(Duplicate) as refused:
        apply(road, road.junior, by=road.junior_user)
    assert str(first.id) in refused.value.message("en")


def test_a_refused_application_may_be_followed_by_a_new_one(road):
    first = apply(road, road.newcomer)
    refuse_application(db.session(), first, reason="工作年限不足", by=road.clerk)
    db.session.commit()

    assert apply(road, road.newcomer).state is ApplicationState.SUBMITTED


# ---------------------------------------------------------------- the review


def test_the_verdict_names_the_clause_met(road):
    application = apply(road, road.junior)

    assert verdict_for(db.session(), application, on=APPLIED).zh == "符合条件：累计从事本职业或相关职业工作 1 年（含）以上"


def test_the_verdict_says_what_is_missing_and_from_when(road):
    application = apply(road, road.newcomer)

    verdict = verdict_for(db.session(), application, on=APPLIED).en
    assert "eligible from 2025-01-01" in verdict and "missing:" in verdict


def test_approval_keeps_the_clause_the_worker_meets(road):
    application = qualified(road, road.junior)

    assert application.state is ApplicationState.APPROVED
    assert (application.rule_set, application.matched_clause) == ("standard-2018", "2018.junior.a")
    assert application.reviewed_by_id == road.clerk.id and application.reviewed_at is not None


@pytest.mark.parametrize(("today", "ok"), [(date(2024, 12, 31), False), (date(2025, 1, 1), True)])
def test_approval_needs_a_clause_met_on_the_day(road, today, ok):
    application = apply(road, road.newcomer)
    if ok:
        assert approve_application(db.session(), application, by=road.clerk, today=today).matched_clause
    else:
        with pytest.raises(ValidationFailed) as refused:
            approve_application(db.session(), application, by=road.clerk, today=today)
        assert refused.value.code == "not_eligible" and "2025-01-01" in refused.value.message("en")


def test_a_refusal_needs_a_reason_and_tells_the_worker_and_the_clerk(road):
    application = apply(road, road.newcomer)
    with pytest.raises(ValidationFailed) as refused:
        refuse_application(db.session(), application, reason="  ", by=road.clerk)
    assert refused.value.field == "reason"

    refuse_application(db.session(), application, reason="工作年限不足", by=road.clerk)
    db.session.commit()

    assert application.state is ApplicationState.REFUSED and application.refusal_reason == "工作年限不足"
    told = db.session.scalars(select(InboxMessage).where(InboxMessage.code == "application.refused")).all()
    assert [m.user_id for m in told] == [road.clerk.id]  # the newcomer has no account; the clerk entered it


def test_the_worker_hears_of_the_approval(road):
    qualified(road, road.junior)

    message = db.session.scalar(select(InboxMessage).where(InboxMessage.user_id == road.junior_user.id))
    assert message.code == "application.approved" and message.entity_type == "application"


def test_the_road_dates_each_step_in_china_not_utc(road):
    application = apply(road, road.junior)
    application.submitted_at = datetime(2024, 5, 6, 17, 0, tzinfo=UTC)  # 01:00 on 7 May in Beijing
    approve_application(db.session(), application, by=road.clerk, today=APPLIED)
    application.reviewed_at = datetime(2024, 5, 7, 16, 30)  # naive as SQLite returns it: 00:30 on 8 May
    steps = {step.key: step.on for step in road_of(application)}
    assert steps["applied"] == date(2024, 5, 7) and steps["review"] == date(2024, 5, 8)


def test_only_the_institution_applied_to_reviews_and_only_once(road):
    application = apply(road, road.junior)
    with pytest.raises(Forbidden):
        approve_application(db.session(), application, by=road.other_clerk, today=APPLIED)
    with pytest.raises(Forbidden):
        approve_application(db.session(), application, by=road.junior_user, today=APPLIED)
    approve_application(db.session(), application, by=road.clerk, today=APPLIED)
    with pytest.raises(Conflict) as refused:
        refuse_application(db.session(), application, reason="再审", by=road.clerk)
    assert refused.value.code == "already_decided"


def test_every_step_is_audited(road):
    application = seated(road, road.junior, open_session(road))

    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "application", AuditEvent.entity_id == str(application.id))
        .order_by(AuditEvent.id)).all()
    assert actions == ["application.submitted", "application.approved", "application.seated"]


# ---------------------------------------------------------------- seating


def test_seating_needs_a_qualified_candidate(road):
    application = apply(road, road.junior)
    with pytest.raises(Conflict):
        seat_application(db.session(), application, open_session(road), by=road.clerk, today=APPLIED)


def test_a_session_seats_no_more_than_its_capacity(road, make_worker):
    session_ = open_session(road, capacity=1)
    seated(road, road.junior, session_)
    second = make_worker("钱二")
    worked_since(second, date(2015, 1, 1))
    application = qualified(road, second)
    with pytest.raises(Conflict) as refused:
        seat_application(db.session(), application, session_, by=road.clerk, today=APPLIED)
    assert refused.value.code == "session_full"


def test_a_session_seats_only_the_levels_it_examines(road):
    application = qualified(road, road.senior, "technician")
    with pytest.raises(ValidationFailed) as refused:
        seat_application(db.session(), application, open_session(road, levels=("junior",)), by=road.clerk,
                         today=APPLIED)
    assert refused.value.code == "level_not_offered"


@pytest.mark.parametrize(("today", "ok"), [(HELD, True), (HELD + timedelta(days=1), False)])
def test_a_session_seats_until_its_day(road, today, ok):
    session_, application = open_session(road), qualified(road, road.junior)
    if ok:
        seat_application(db.session(), application, session_, by=road.clerk, today=today)
    else:
        with pytest.raises(ValidationFailed):
            seat_application(db.session(), application, session_, by=road.clerk, today=today)


def test_a_closed_session_seats_nobody(road):
    session_ = open_session(road)
    close_appraisal_session(db.session(), session_, by=road.clerk)
    with pytest.raises(Conflict):
        seat_application(db.session(), qualified(road, road.junior), session_, by=road.clerk, today=APPLIED)


def test_seating_tells_the_worker_where_and_when(road):
    seated(road, road.junior, open_session(road))

    message = db.session.scalar(select(InboxMessage).where(InboxMessage.code == "application.seated"))
    assert message.user_id == road.junior_user.id
    assert message.params["date"] == "2024-06-03" and message.params["site"] == "实训楼 3 楼"


# ---------------------------------------------------------------- results decide the application


def test_a_pass_decides_the_application_and_certifies_with_the_clause(road):
    application = seated(road, road.junior, open_session(road))

    result = sit(road, application)

    assert application.state is ApplicationState.PASSED
    assert result.certificate is not None and result.certificate.issued_on == HELD
    assert (result.application_id, result.session_id) == (application.id, application.session_id)
    assert result.matched_clause == "2018.junior.a"


def test_a_fail_opens_the_retake_window_of_twelve_months(road):
    application = seated(road, road.junior, open_session(road))

    result = sit(road, application, theory=50)

    assert result.certificate is None and application.state is ApplicationState.FAILED
    assert application.retake_until == date(2025, 6, 3)


@pytest.mark.parametrize(("held_on", "ok"), [(date(2025, 6, 3), True), (date(2025, 6, 4), False)])
def test_a_retake_is_seated_within_the_window(road, held_on, ok):
    application = seated(road, road.junior, open_session(road))
    sit(road, application, theory=50)
    retake = open_session(road, held_on=held_on, today=date(2025, 5, 1))
    if ok:
        seat_application(db.session(), application, retake, by=road.clerk, today=date(2025, 5, 1))
        assert application.state is ApplicationState.SEATED
    else:
        with pytest.raises(Conflict) as refused:
            seat_application(db.session(), application, retake, by=road.clerk, today=date(2025, 5, 1))
        assert refused.value.code == "retake_window_closed"


def test_a_failed_candidate_is_offered_only_sessions_after_the_failed_sitting(road):
    sat_in = open_session(road)
    application = seated(road, road.junior, sat_in)
    sit(road, application, theory=50)
    same_day = open_session(road, today=HELD)
    later = open_session(road, held_on=HELD + timedelta(days=30), today=HELD)

    assert candidates_for(db.session(), sat_in) == candidates_for(db.session(), same_day) == []
    assert candidates_for(db.session(), later) == [application]
    assert sessions_open_for(db.session(), application, today=HELD) == [later]


def test_a_result_entered_against_the_session_needs_the_seat_there(road):
    application = seated(road, road.junior, open_session(road))
    other = open_session(road, held_on=HELD + timedelta(days=1))

    with pytest.raises(Conflict):
        record_session_result(db.session(), other, application, theory=80, practical=80, by=road.clerk,
                              today=HELD + timedelta(days=2))
    with pytest.raises(Forbidden):
        record_session_result(db.session(), application.session, application, theory=80, practical=80,
                              by=road.other_clerk, today=HELD)
