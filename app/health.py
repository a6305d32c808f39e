"""What a load balancer asks before it sends traffic: is the database reachable, is its schema at the
migrations' head, is Redis reachable (when configured)? Each answer is a word, never an error text: a
driver's message can name hosts, users and databases, and the readiness answer is public."""

from __future__ import annotations

from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from redis import Redis
from sqlalchemy import text

from .config import ROOT
from .extensions import db

REDIS_TIMEOUT_SECONDS = 1.0


@cache
def migration_heads() -> frozenset[str]:
    """The revisions the code expects (read once per process: the code does not change under it)."""
    return frozenset(ScriptDirectory(str(ROOT / "migrations")).get_heads())


def database_up() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "down"; the reason goes to the log, not the answer
        db.session.rollback()
        current_app.logger.warning("readiness: database unreachable")
        return False
    return True


def migrations_current() -> bool:
    """The database holds exactly the heads the code was written for (none missing, none newer)."""
    connection = db.session.connection()
    current = frozenset(MigrationContext.configure(connection).get_current_heads())
    if current != migration_heads():
        current_app.logger.warning("readiness: database schema is not at the migrations' head")
        return False
    return True


def redis_up(url: str) -> bool:
    client = Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS)
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - as above
        current_app.logger.warning("readiness: redis unreachable")
        return False
    finally:
        client.close()


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, one word per dependency)."""
    checks = {"database": "up" if database_up() else "down"}
    if checks["database"] == "up":
        checks["migrations"] = "current" if migrations_current() else "not_at_head"
    else:
        checks["migrations"] = "unknown"
    url = current_app.config.get("REDIS_URL")
    checks["redis"] = ("up" if redis_up(url) else "down") if url else "not_configured"
    ready = checks["database"] == "up" and checks["migrations"] == "current" and checks["redis"] != "down"
    return ready, checks
