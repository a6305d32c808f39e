"""Consent to public pages (no by default, the worker's own choice, every change audited) and the log of who
looked at a worker's record (noted once an hour per person and place, never the worker's own look)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from credentials import Forbidden, ValidationFailed
from credentials.models import AuditEvent, Worker, utcnow
from credentials.queries.access_log import views_of
from credentials.queries.consent import consent_changed_at, consenting_workers, publicly_shown_workers
from credentials.queries.my_data import everything_held
from credentials.services.access_log import DATA_EXPORTED, RECORD_VIEWED, record_export, record_view
from credentials.services.consent import CONSENT_CHANGED, set_public_consent


@pytest.fixture
def worker(make_worker):
    return make_worker("周同意")


@pytest.fixture
def worker_user(make_user, worker):
    return make_user("worker", worker=worker)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_a_worker_is_not_shown_on_public_pages_until_they_agree(worker, make_worker):
    make_worker("吴默认")
    assert worker.public_profile_consent is False
    assert db.session.scalars(publicly_shown_workers()).all() == []
    assert consent_changed_at(db.session(), worker.id) is None


def test_the_worker_agrees_and_withdraws_and_each_change_is_audited(worker, worker_user, make_worker):
    make_worker("吴默认")
    set_public_consent(db.session(), worker, True, by=worker_user)
    db.session.commit()

    assert db.session.scalars(publicly_shown_workers()).all() == [worker]
    assert db.session.scalars(consenting_workers(select(Worker.name))).all() == ["周同意"]
    (agreed,) = events(CONSENT_CHANGED)
    assert (agreed.entity_type, agreed.entity_id, agreed.actor_id) == ("worker", str(worker.id), worker_user.id)
    assert (agreed.before, agreed.after) == ({"public_profile_consent": False}, {"public_profile_consent": True})
    assert consent_changed_at(db.session(), worker.id) == agreed.occurred_at

    set_public_consent(db.session(), worker, False, by=worker_user)
    db.session.commit()
    assert worker.public_profile_consent is False
    assert [e.after for e in events(CONSENT_CHANGED)] == [{"public_profile_consent": True},
                                                          {"public_profile_consent": False}]


def test_an_unchanged_choice_is_refused_and_writes_nothing(worker, worker_user):
    with pytest.raises(ValidationFailed) as refused:
        set_public_consent(db.session(), worker, False, by=worker_user)
    assert refused.value.field == "consent"
    assert events(CONSENT_CHANGED) == []


@pytest.mark.parametrize("role", ["institution_staff", "bureau_officer", "admin", "other_worker"])
def test_nobody_decides_for_the_worker(worker, make_user, make_worker, role):
    by = make_user("worker", worker=make_worker("郑别人")) if role == "other_worker" else make_user(role)
    with pytest.raises(Forbidden):
        set_public_consent(db.session(), worker, True, by=by)
    assert worker.public_profile_consent is False and events(CONSENT_CHANGED) == []


def test_a_look_is_noted_once_an_hour_per_person_and_place(worker, make_user, monkeypatch):
    clerk = make_user("institution_staff")
    session = db.session()
    assert record_view(session, viewer=clerk, worker=worker, where="institution.worker") is not None
    assert record_view(session, viewer=clerk, worker=worker, where="institution.worker") is None
    assert record_view(session, viewer=clerk, worker=worker, where="api.worker") is not None  # another place
    officer = make_user("bureau_officer")
    assert record_view(session, viewer=officer, worker=worker, where="institution.worker") is not None  # another person

    later = utcnow() + timedelta(minutes=61)
    monkeypatch.setattr("credentials.services.access_log.utcnow", lambda: later)
    assert record_view(session, viewer=clerk, worker=worker, where="institution.worker") is not None
    assert len(events(RECORD_VIEWED)) == 4


def test_the_workers_own_look_is_not_noted(worker, worker_user):
    assert record_view(db.session(), viewer=worker_user, worker=worker, where="api.worker") is None
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == RECORD_VIEWED)) == 0


def test_the_worker_sees_who_looked_with_their_organisation(worker, make_user, make_institution):
    clerk = make_user("institution_staff", institution=make_institution("苏州技师学院"))
    officer = make_user("bureau_officer", scope="city", region="3205")
    record_view(db.session(), viewer=clerk, worker=worker, where="institution.worker")
    record_view(db.session(), viewer=officer, worker=worker, where="bureau.promotion")
    db.session.commit()

    newest, oldest = views_of(db.session(), worker.id)
    assert (newest.viewer.name, newest.viewer.organisation.zh, newest.place.zh) == (
        officer.display_name, "苏州市人力资源社会保障部门", "人社部门的破格/越级申请审批页")
    assert (oldest.viewer.name, oldest.viewer.organisation.zh, oldest.where) == (
        clerk.display_name, "苏州技师学院", "institution.worker")
    assert newest.viewed_at.utcoffset() == timedelta(hours=8)
    exported = everything_held(db.session(), worker)["record_views"]
    assert [view["viewer"]["name"] for view in exported] == [officer.display_name, clerk.display_name]
    assert exported[1]["viewed_at"].endswith("+08:00")


def test_only_the_worker_downloads_their_own_data(worker, worker_user, make_user):
    with pytest.raises(Forbidden):
        record_export(db.session(), worker=worker, by=make_user("admin"), form="json")
    event = record_export(db.session(), worker=worker, by=worker_user, form="json")
    assert (event.action, event.entity_id, event.after) == (DATA_EXPORTED, str(worker.id), {"form": "json"})
