"""Who is asking: browser sessions backed by a server-side record, bearer tokens for the API."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from sqlalchemy.orm import Session

from credentials import AuthenticationFailed
from credentials.services.accounts import resolve_api_token, resolve_session

from .extensions import db, login_manager

SESSION_KEY = "sid"


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # the server-side session record does this job
    # Identity and locale are per request. Tests (and scripts) may reuse one app context, and so one
    # `g`, across requests: forget what the previous request cached before anything else runs.
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_previous_request)


_PER_REQUEST = ("actor", "_login_user", "_flask_babel", "form_refused",  # form_refused: app/web/pages.py
                "read_replica")  # app/extensions.py: the replica is chosen once per request


def _forget_previous_request() -> None:
    for name in _PER_REQUEST:
        g.pop(name, None)
    # The same for the ORM session of a shared app context: what the previous request (or a job it ran in a
    # context of its own) committed must be read afresh, as a request's own session always does. A request's
    # session has no transaction yet here, so this costs nothing outside such contexts.
    orm_session = db.session()
    if orm_session.in_transaction():
        orm_session.commit()


@login_manager.user_loader
def load_user(user_id: str):
    token = session.get(SESSION_KEY)
    if not token:
        return None
    user = resolve_session(
        db.session(),
        token,
        idle=timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"]),
    )
    if _has_changes(db.session()):
        # Keeps last_seen_at (written once a minute) or a revocation. A commit with nothing to write would cost a
        # round trip and expire the user, who would then be read again by the page.
        db.session.commit()
    if user is None or str(user.id) != user_id:
        session.pop(SESSION_KEY, None)
        return None
    return user


def _has_changes(orm_session: Session) -> bool:
    return bool(orm_session.new or orm_session.dirty or orm_session.deleted)


def bearer_user():
    """The API's actor: only the Authorization header counts (cookies are ignored there)."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    try:
        user = resolve_api_token(db.session(), raw.strip())
    except AuthenticationFailed:
        return None
    return user


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def current_actor():
    """The account making this request, or None: bearer token on /api, session elsewhere."""
    if "actor" not in g:
        if is_api_request():
            g.actor = bearer_user()
        else:
            g.actor = current_user if current_user.is_authenticated else None
    return g.actor
