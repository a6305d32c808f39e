"""Errors to users: HTML pages with a request id, problem+json under /api. Never a traceback."""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, StatementError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, NotFound

from credentials import CredentialsError

from .api_messages import localise_field_messages, title_for
from .extensions import db
from .i18n import error_text


def problem(status: int, title: str, detail: str | None = None, *, errors: dict | None = None, **extra):
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body["request_id"] = g.get("request_id")
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def domain_problem(error: CredentialsError):
    detail = error_text(error)
    errors = {error.field: [detail]} if error.field else None
    return problem(error.status, _("请求无法完成"), detail, errors=errors, code=error.code)


def _validation_messages(error: HTTPException) -> dict | None:
    """webargs puts marshmallow's messages under data["messages"][location]; flatten the location away."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if not isinstance(messages, dict):
        return None
    flat: dict = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            flat.update(location_messages)
    return flat or None


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz", "/readyz")


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.response is not None:  # a response made for this refusal (a rate limit's on_breach page)
            return error.response
        if _wants_json():
            detail = error.description if error.description and error.code not in (401, 403, 404, 500) else None
            field_errors = _validation_messages(error)
            if field_errors:
                detail = _("请检查以下字段")
                field_errors = localise_field_messages(field_errors)
            response = problem(error.code or 500, title_for(error.code or 500, error.name), detail,
                               errors=field_errors)
            if error.code == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="talent-ladder"'
            return response
        if request_ctx.url_adapter is None:  # an untrusted Host header: no URL can be built, so no page either
            return Response(f"{error.code} {error.name}", status=error.code, mimetype="text/plain")
        template = "errors/%s.html" % (error.code if error.code in (400, 403, 404, 429) else "generic")
        return render_template(template, error=error), error.code

    @app.errorhandler(CredentialsError)
    def domain_error(error: CredentialsError):
        db.session.rollback()
        if _wants_json():
            return domain_problem(error)
        return render_template("errors/generic.html", error=error, message=error_text(error)), error.status

    @app.errorhandler(OverflowError)
    @app.errorhandler(RecursionError)
    @app.errorhandler(DataError)
    def crafted_input(error):
        db.session.rollback()
        return http_error(BadRequest())

    @app.errorhandler(StatementError)
    def statement_error(error: StatementError):
        db.session.rollback()
        if isinstance(error.orig, OverflowError):
            return http_error(NotFound())
        app.logger.exception("database statement failed")
        return http_error(InternalServerError())

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return http_error(InternalServerError())
