"""JSON API under /api/v1 (flask-smorest): bearer tokens, problem+json errors, OpenAPI 3."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

from flask import Flask
from flask_smorest import Api

from ..extensions import csrf
from .common import PROBLEM_JSON, Problem

# What each error status means here; operations list theirs with common.problems(...).
ERROR_DESCRIPTIONS = {
    400: "Malformed request: the body is not valid JSON, or a value is beyond anything the registry stores",
    401: "No valid bearer token (send `Authorization: Bearer <token>` from POST /api/v1/auth/token); "
         "for POST /auth/token itself: wrong account or password",
    403: "The caller may not do this: the wrong role, or a rule of the review (`code`, e.g. ministry_observes)",
    404: "No such record among those the caller may see (another's records answer 404, not 403)",
    409: "Conflicts with the record's current state (`code` says how, e.g. already_decided, already_revoked) "
         "or with an existing record (a duplicate)",
    413: "The upload is larger than the registry accepts",
    422: "Invalid input: `errors` names each field and its messages",
    429: "Too many requests from this client; wait and retry",
    500: "Unexpected server error; quote `request_id` when reporting it",
}
_EXAMPLE_DETAILS = {
    409: {"detail": "已被他人处理（当前状态：已批准），请刷新页面后查看", "code": "already_decided"},
    422: {"detail": "请检查以下字段", "errors": {"name": ["必填字段缺失。"]}},
}
_EXAMPLE_TITLES = {400: "请求无效", 401: "需要登录", 403: "无权访问", 404: "未找到", 409: "与现有记录冲突",
                   413: "请求过大", 422: "输入有误", 429: "请求过于频繁", 500: "服务器内部错误"}


def problem_example(status: int) -> dict:
    return {"type": "about:blank", "title": _EXAMPLE_TITLES.get(status, HTTPStatus(status).phrase),
            "status": status, **_EXAMPLE_DETAILS.get(status, {}), "request_id": "3f2b9c0e5d4a4e1f8a7b6c5d4e3f2a1b"}


def numeric_bounds(converter, field, ret: dict, **kwargs) -> dict:
    """A Decimal field's Range bounds reach the document as Decimal, which JSON writes as a string ("1000"): the
    schema is then invalid (schemathesis refuses it, tests/api/test_fuzz.py). A number's bounds are numbers."""
    return {key: int(value) if value == value.to_integral_value() else float(value)
            for key, value in ret.items() if key in ("minimum", "maximum") and isinstance(value, Decimal)}


class TalentLadderApi(Api):
    ERROR_SCHEMA = Problem

    def _init_spec(self, *args, **kwargs):
        super()._init_spec(*args, **kwargs)
        self.ma_plugin.converter.add_attribute_function(numeric_bounds)

    def _register_error_handlers(self):
        """Errors are app/errors.py's job: problem+json with field-level messages."""

    def _register_responses(self):
        """Every error status as a problem+json response component (registered when an operation names it)."""
        for status in HTTPStatus:
            response = {"description": ERROR_DESCRIPTIONS.get(status, status.phrase)}
            if status >= 400:
                response["content"] = {PROBLEM_JSON: {"schema": Problem, "example": problem_example(status)}}
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, {
            "description": "Any other error, as a problem document",
            "content": {PROBLEM_JSON: {"schema": Problem, "example": problem_example(500)}},
        }, lazy=True)


api = TalentLadderApi()


def init_api(app: Flask) -> None:
    from . import (
        applications,
        auth,
        campaign_evaluation,
        campaigns,
        certificates,
        competition_rules,
        competitions,
        credentials,
        docs,
        history,
        imports,
        institutions,
        ladder,
        promotions,
        reference,
        results,
        sessions,
        verify,
        worker_facts,
        workers,
    )

    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "人才阶梯 Talent Ladder: skill credentials registry. "
                                "Authenticate with POST /api/v1/auth/token, then send `Authorization: Bearer <token>`."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    })
    api.init_app(app)
    from . import cookieless

    cookieless.init_app(app)  # no cookie session under /api/: bearer tokens only
    for module in (auth, workers, institutions, certificates, reference, credentials, verify, ladder, history,
                   imports, promotions, competitions, competition_rules, applications, sessions, results,
                   worker_facts, campaigns, campaign_evaluation):
        api.register_blueprint(module.blp, url_prefix=f"/api/v1{module.PREFIX}")
        csrf.exempt(module.blp)  # bearer tokens only: a browser's cookie never authenticates here
    app.register_blueprint(docs.bp)
