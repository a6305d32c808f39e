"""Bulk-appended audit events hash exactly as single ones: each snapshot is serialised once, for the hash and
the column, and the hashed text must stay byte for byte what `event_digest` makes of the row read back."""

from __future__ import annotations

from sqlalchemy import select

from credentials.models import AuditEvent
from credentials.services.audit import NewEvent, event_digest, record_many, verify_chain

AWKWARD = [
    {"z": 1, "a": {"y": [1, 2.5, None], "b": True}, "名字": "王*明"},  # keys out of order, nested, non-ASCII
    {"quote": 'say "hi"\\ \n\t\u0001', "emoji": "\U0001f600", "empty": {}},  # characters JSON escapes
    {"n": -0.1, "big": 10**20, "none": None, "list": []},
]


def test_bulk_events_hash_as_event_digest_of_the_stored_rows(db):
    events = [NewEvent("bulk.awkward", "thing", n, after=after, before=AWKWARD[(n + 1) % 3] if n % 2 else None)
              for n, after in enumerate(AWKWARD)]
    events += [NewEvent("bulk.bare", "thing:with \"quote\"", "编号-9"), NewEvent("bulk.empty", "thing", 7, after={})]

    assert record_many(db.session(), actor=None, events=events, chunk=2) == 5
    db.session.commit()
    db.session.expire_all()

    trail = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.after, e.before) for e in trail] == [(e.after, e.before) for e in events]
    assert all(event_digest(e.prev_hash, e) == e.hash for e in trail)
    assert verify_chain(db.session()).ok
