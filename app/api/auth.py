"""POST /api/v1/auth/token: exchange an account and password for a bearer token."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app, request
from flask_smorest import Blueprint

from credentials import AuthenticationFailed
from credentials.models import Role
from credentials.services.accounts import authenticate, issue_api_token, revoke_api_token
from credentials.services.second_factor import is_enrolled, verify_second_factor

from ..access import allow, public
from ..errors import domain_problem
from ..extensions import db, limiter
from ..lookups import vault
from .common import choice, iso_utc, moment, problems, string, values

PREFIX = "/auth"
blp = Blueprint("api_auth", __name__, description="Bearer tokens")


class TokenRequest(ma.Schema):
    account = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64),
                               metadata={"description": "National ID number (workers) or account name"})
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=256))
    code = ma.fields.String(validate=ma.validate.Length(min=1, max=32), metadata={
        "description": "For an account with two-step verification: the 6-digit code from the authenticator app, "
                       "or a recovery code (each works once)"})


class TokenResponse(ma.Schema):
    access_token = string("The bearer token: send `Authorization: Bearer <token>`",
                          "EXAMPLE-not-a-real-token-8Yq2xW5vR0tP3nK6")
    token_type = choice(["Bearer"], "Always Bearer", "Bearer")
    expires_at = moment("When it stops working (UTC)", "2024-07-01T16:00:00Z")
    role = choice(values(Role), "The account's role", "institution_staff")


@blp.route("/token", methods=["POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@blp.arguments(TokenRequest)
@blp.response(201, TokenResponse)
@problems(400, 401, 422, 429)
@blp.doc(security=[])
def create_token(body):
    config = current_app.config
    try:
        user = authenticate(db.session(), vault(), body["account"], body["password"],
                            client=request.remote_addr or "", lockout_threshold=config["LOGIN_LOCKOUT_THRESHOLD"],
                            lockout_minutes=config["LOGIN_LOCKOUT_MINUTES"])
    except AuthenticationFailed as error:
        db.session.commit()
        return domain_problem(error)
    refused = second_step_refused(user, body.get("code"))
    if refused is not None:
        return refused
    raw, token = issue_api_token(db.session(), user, hours=config["API_TOKEN_HOURS"])
    db.session.commit()
    return {"access_token": raw, "token_type": "Bearer", "expires_at": iso_utc(token.expires_at),
            "role": user.role.value}


def second_step_refused(user, code: str | None):
    """An account with two-step verification also sends a code: refused alike whatever is wrong with it."""
    if not is_enrolled(db.session(), user):
        return None
    config = current_app.config
    try:
        if not code:
            raise AuthenticationFailed("second_factor_required")
        verify_second_factor(db.session(), vault(), user, code, client=request.remote_addr or "",
                             lockout_threshold=config["LOGIN_LOCKOUT_THRESHOLD"],
                             lockout_minutes=config["LOGIN_LOCKOUT_MINUTES"])
    except AuthenticationFailed as error:
        db.session.commit()  # the password step's trail, and the failure counted
        return domain_problem(error)
    return None


@blp.route("/token", methods=["DELETE"])
@allow()
@blp.response(204, description="The token is revoked")
@problems(401)
def delete_token():
    from flask import request

    revoke_api_token(db.session(), request.headers["Authorization"].partition(" ")[2].strip())
    db.session.commit()
