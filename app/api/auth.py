"""POST /api/v1/auth/token: exchange an account and password for a bearer token."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from credentials import AuthenticationFailed
from credentials.services.accounts import authenticate, issue_api_token, revoke_api_token

from ..access import allow, public
from ..errors import domain_problem
from ..extensions import db, limiter
from ..lookups import vault
from .common import iso_utc

PREFIX = "/auth"
blp = Blueprint("api_auth", __name__, description="Bearer tokens")


class TokenRequest(ma.Schema):
    account = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64),
                               metadata={"description": "National ID number (workers) or account name"})
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=256))


class TokenResponse(ma.Schema):
    access_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_at = ma.fields.String(metadata={"format": "date-time"})
    role = ma.fields.String()


@blp.route("/token", methods=["POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@blp.arguments(TokenRequest)
@blp.response(201, TokenResponse)
@blp.doc(security=[])
def create_token(body):
    config = current_app.config
    try:
        user = authenticate(db.session(), vault(), body["account"], body["password"],
                            lockout_threshold=config["LOGIN_LOCKOUT_THRESHOLD"],
                            lockout_minutes=config["LOGIN_LOCKOUT_MINUTES"])
    except AuthenticationFailed as error:
        db.session.commit()
        return domain_problem(error)
    raw, token = issue_api_token(db.session(), user, hours=config["API_TOKEN_HOURS"])
    db.session.commit()
    return {"access_token": raw, "token_type": "Bearer", "expires_at": iso_utc(token.expires_at),
            "role": user.role.value}


@blp.route("/token", methods=["DELETE"])
@allow()
@blp.response(204)
def delete_token():
    from flask import request

    revoke_api_token(db.session(), request.headers["Authorization"].partition(" ")[2].strip())
    db.session.commit()
