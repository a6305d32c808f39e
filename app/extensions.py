"""Flask extensions, created unbound and bound to the app in the factory."""

from flask import Flask, current_app, g
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from credentials.models import Base

from . import rate_limits  # noqa: F401 - registers the memory-inline:// storage before the limiter is bound
from .config import REPLICA_BIND
from .replica_lag import ReplicaLagGuard, measure_replica_lag

LAG_GUARD = "replica_lag_guard"

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def read_session() -> Session:
    """The session for reads that may lag the primary by a moment: public verification, dashboards, big exports.

    With DATABASE_REPLICA_URL set it is bound to the streaming replica's read-only engine (one per app context,
    closed at its end) while the replica is at most REPLICA_MAX_LAG_SECONDS behind (app.replica_lag); without a
    replica, or with one lagging further or unreachable, it is `db.session` itself. Writes, and any page that must
    show what its user has just written (the page a form redirects to), use `db.session`: a replica replays the
    primary's writes a few milliseconds late. Never pass objects loaded here to a write on `db.session`.
    """
    engine = _replica_engine()
    if engine is None:
        return db.session()
    if "read_session" not in g:
        g.read_session = Session(bind=engine)
    return g.read_session


def read_engine() -> Engine:
    """The engine `read_session` is bound to, for a read that needs no session at all (public verification runs
    one Core statement on a connection of its own)."""
    return _replica_engine() or db.engine


def _replica_engine() -> Engine | None:
    """The replica's engine when it may serve this app context's reads, else None (read the primary). Decided
    once per app context, so a request's reads never straddle the two servers."""
    if "read_replica" not in g:
        g.read_replica = _fresh_replica_engine()
    engine: Engine | None = g.read_replica
    return engine


def _fresh_replica_engine() -> Engine | None:
    engine = db.engines.get(REPLICA_BIND)
    if engine is None:
        return None
    guard: ReplicaLagGuard = current_app.extensions[LAG_GUARD]
    usable = guard.replica_usable(lambda: measure_replica_lag(engine),
                                  max_lag_seconds=float(current_app.config["REPLICA_MAX_LAG_SECONDS"]),
                                  check_seconds=float(current_app.config["REPLICA_LAG_CHECK_SECONDS"]))
    return engine if usable else None


def _close_read_session(_error: BaseException | None) -> None:
    session = g.pop("read_session", None)
    if session is not None:
        session.close()


def init_read_session(app: Flask) -> None:
    app.extensions[LAG_GUARD] = ReplicaLagGuard(app.logger)  # this process's lag reading of the replica
    app.teardown_appcontext(_close_read_session)
