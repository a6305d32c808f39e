"""The certificate look-up that the verification page and the verification API share: one rate limit per
client, one logged look-up (its outcome on the request's log line, never the name), one verdict message."""

from __future__ import annotations

from datetime import date

from flask import current_app, g, request
from flask_babel import gettext, to_user_timezone
from sqlalchemy import Connection

from credentials.queries.verification import Verdict, verify_certificate

from . import trust
from .extensions import limiter, read_engine
from .i18n import format_date, localized

MAX_INPUT = 64


def _is_plain_form_view() -> bool:
    """Opening the empty form costs nothing; every look-up counts against the limit."""
    return request.method == "GET" and request.endpoint == "verify.check" and not request.args.get("h")


verify_rate_limit = limiter.shared_limit(
    lambda: current_app.config["VERIFY_RATE_LIMIT"], scope="verify", exempt_when=_is_plain_form_view)


def look_up(number: str, *, name: str | None = None, token: str | None = None) -> Verdict:
    # Through the replica when there is one: a certificate issued a moment ago may answer "not found" while the
    # replica lags, which a public look-up can bear; beyond REPLICA_MAX_LAG_SECONDS the primary answers
    # (app/replica_lag.py, README "Scale-out").
    # One Core statement on a connection of its own, as a bare route would run it: no ORM session, no transaction
    # kept open, nothing for the session's teardown to roll back.
    with _single_statement_connection() as reader:
        verdict = verify_certificate(reader, number, name=name, token=token, link_key=trust.link_key())
    g.outcome = verdict.status  # logged on the request's line (app.logs), never the name
    return verdict


def _single_statement_connection() -> Connection:
    """A connection for one SELECT, which is atomic by itself. On PostgreSQL it runs in autocommit: a
    transaction around it would cost a BEGIN and a ROLLBACK round trip, which halved the look-ups per second
    under load. SQLite's driver opens no transaction for a SELECT anyway, and switching it costs a PRAGMA."""
    engine = read_engine()
    if engine.dialect.name == "postgresql":
        return engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    return engine.connect()


def revoked_on(verdict: Verdict) -> date | None:
    """The revocation date in China time (revoked_at is stored in UTC)."""
    revoked_at = verdict.certificate.revoked_at if verdict.certificate else None
    return to_user_timezone(revoked_at).date() if revoked_at else None


def verdict_message(verdict: Verdict) -> str:
    if verdict.status == "valid":
        return gettext("证书真实有效")
    if verdict.status == "revoked":
        return gettext("该证书已于 %(date)s 撤销，不再有效", date=format_date(revoked_on(verdict), "long"))
    if verdict.number_status == "impossible":
        message = gettext("该编号不符合任何全国证书编号规则，不可能是真实的证书编号")
        return f"{message}：{localized(verdict.number_problem)}" if verdict.number_problem else message
    return gettext("未查到与该编号和姓名相符的证书；请核对后重试，或联系发证机构")
