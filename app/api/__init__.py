"""JSON API under /api/v1 (flask-smorest): bearer tokens, problem+json errors, OpenAPI 3."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from ..extensions import csrf


class TalentLadderApi(Api):
    def _register_error_handlers(self):
        """Errors are app/errors.py's job: problem+json with field-level messages."""


api = TalentLadderApi()


def init_api(app: Flask) -> None:
    from . import (
        auth,
        certificates,
        competitions,
        credentials,
        docs,
        history,
        imports,
        institutions,
        ladder,
        promotions,
        reference,
        verify,
        workers,
    )

    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "人才阶梯 Talent Ladder: skill credentials registry. "
                                "Authenticate with POST /api/v1/auth/token, then send `Authorization: Bearer <token>`."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    })
    api.init_app(app)
    for module in (auth, workers, institutions, certificates, reference, credentials, verify, ladder, history,
                   imports, promotions, competitions):
        api.register_blueprint(module.blp, url_prefix=f"/api/v1{module.PREFIX}")
        csrf.exempt(module.blp)  # bearer tokens only: a browser's cookie never authenticates here
    app.register_blueprint(docs.bp)
