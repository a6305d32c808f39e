"""What signing in costs each page: the session record, the account and its worker in one statement, and no
commit unless the session record changed (last_seen_at is written at most once a minute)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select, update

from app.extensions import db
from credentials.models import LoginSession
from credentials.models.base import utcnow


def _requests(client, path: str) -> tuple[list[str], int]:
    """The statements and the commits of one GET."""
    statements: list[str] = []
    commits = [0]

    def note(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(" ".join(statement.split()))

    def committed(_conn):
        commits[0] += 1

    event.listen(db.engine, "before_cursor_execute", note)
    event.listen(db.engine, "commit", committed)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
        event.remove(db.engine, "commit", committed)
    assert response.status_code == 200, response.status_code
    return statements, commits[0]


def test_a_signed_in_page_reads_session_account_and_worker_at_once_and_commits_nothing(app, login, make_user):
    client = app.test_client()
    login(client, make_user("worker"))
    client.get("/worker/")  # the first page after signing in may note last_seen_at
    db.session.remove()  # as in production, the next request starts with a session of its own
    statements, commits = _requests(client, "/worker/")
    assert commits == 0
    sessions = [s for s in statements if "FROM login_sessions" in s]
    assert len(sessions) == 1 and "JOIN users" in sessions[0] and "JOIN workers" in sessions[0]
    assert not [s for s in statements if s.startswith("SELECT users.")], "the account was read again"


def test_last_seen_is_still_written_after_a_minute(app, login, make_user):
    client = app.test_client()
    login(client, make_user("worker"))
    earlier = utcnow() - timedelta(minutes=5)
    db.session.execute(update(LoginSession).values(last_seen_at=earlier))
    db.session.commit()
    _statements, commits = _requests(client, "/worker/")
    assert commits >= 1
    db.session.remove()
    seen = db.session.scalar(select(LoginSession.last_seen_at))
    assert seen is not None and seen.replace(tzinfo=None) > earlier.replace(tzinfo=None) + timedelta(minutes=4)
