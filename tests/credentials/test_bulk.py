"""Bulk inserts (COPY on PostgreSQL, executemany on SQLite) write exactly what the ORM would."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from credentials.bulk import insert_rows
from credentials.models import AuditEvent, Certificate, CertificateRoute, CertificateStatus
from credentials.services.tallies import count_inserted


def _row(worker, institution, occupation_id, number):
    return {"number": number, "number_scheme": "skill_level22", "needs_review": False, "kind": "skill_level",
            "worker_id": worker.id, "occupation_id": occupation_id, "framework": "skill-2022", "level": "junior",
            "issued_on": date(2024, 7, 1), "institution_id": institution.id, "route": CertificateRoute.REGULAR,
            "status": CertificateStatus.VALID}


@pytest.fixture
def setting(make_worker, make_institution):
    from credentials.services.reference import find_occupation

    return make_worker(), make_institution(), find_occupation(db.session(), "6-18-01-01").id


def test_rows_read_back_with_enum_values_dates_and_client_side_defaults(setting):
    worker, institution, occupation_id = setting
    insert_rows(db.session(), Certificate.__table__,
                [_row(worker, institution, occupation_id, f"S0000320000010245{n:05d}") for n in range(1, 4)])
    # A bulk writer of counted rows counts them, as the import loader does (credentials.services.tallies).
    count_inserted(db.session(), Certificate, db.session.scalars(select(Certificate.id)).all())
    db.session.commit()

    stored = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
    assert [c.number[-2:] for c in stored] == ["01", "02", "03"]
    assert all(c.route is CertificateRoute.REGULAR and c.status is CertificateStatus.VALID for c in stored)
    assert all(c.issued_on == date(2024, 7, 1) and c.created_at is not None for c in stored)


def test_json_columns_and_missing_nullable_columns_round_trip():
    rows = [{"action": "x.done", "entity_type": "thing", "entity_id": "1", "after": {"名": "值", "n": [1, 2]},
             "prev_hash": "0" * 64, "hash": "1" * 64, "actor_id": None}]
    insert_rows(db.session(), AuditEvent.__table__, rows)
    db.session.commit()

    event = db.session.scalars(select(AuditEvent)).one()
    assert event.after == {"名": "值", "n": [1, 2]} and event.before is None and event.occurred_at is not None


def test_a_duplicate_raises_the_integrity_error_the_callers_expect(setting):
    worker, institution, occupation_id = setting
    row = _row(worker, institution, occupation_id, "S000032000001024500001")
    insert_rows(db.session(), Certificate.__table__, [row])
    with pytest.raises(IntegrityError):
        insert_rows(db.session(), Certificate.__table__, [row])
    db.session.rollback()
