"""Public certificate verification as JSON (no token needed); see app/web/verify.py for the design."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from flask_smorest import Blueprint

from credentials.models import utcnow
from credentials.queries.verification import Verdict

from .. import trust
from ..access import public
from ..verification import MAX_INPUT, look_up, revoked_on, verdict_message, verify_rate_limit
from .common import iso_utc, level_dict

PREFIX = "/verify"
blp = Blueprint("api_verify", __name__, description="Public certificate verification (no login)")


class VerifyQuery(ma.Schema):
    number = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_INPUT),
                              metadata={"description": "Certificate number"})
    name = ma.fields.String(load_default=None, validate=ma.validate.Length(max=MAX_INPUT),
                            metadata={"description": "Holder's full name (required unless `token` is given)"})
    token = ma.fields.String(load_default=None, validate=ma.validate.Length(max=MAX_INPUT),
                             metadata={"description": "The `h` value of a printed certificate's QR link"})

    @ma.validates_schema
    def holder_is_named(self, data, **_kwargs):
        if not (data.get("name") or "").strip() and not data.get("token"):
            raise ma.ValidationError(_("请填写持证人姓名"), field_name="name")


class VerdictSchema(ma.Schema):
    valid = ma.fields.Boolean()
    status = ma.fields.String(metadata={"enum": ["valid", "revoked", "not_found"]})
    number = ma.fields.String()
    number_status = ma.fields.String(metadata={
        "enum": ["on_record", "not_on_record", "impossible"],
        "description": "impossible: no national numbering scheme can produce this number"})
    number_scheme = ma.fields.String()
    message = ma.fields.String()
    checked_at = ma.fields.String()
    holder_name_masked = ma.fields.String()
    occupation = ma.fields.Dict()
    level = ma.fields.Dict()
    route = ma.fields.String()
    issuer = ma.fields.Dict()
    issued_on = ma.fields.String()
    revoked_at = ma.fields.String(allow_none=True)
    revoked_on = ma.fields.String(allow_none=True, metadata={"description": "Revocation date, China time"})


def verdict_dict(verdict: Verdict) -> dict:
    body = {"valid": verdict.valid, "status": verdict.status, "number": verdict.number,
            "number_status": verdict.number_status, "number_scheme": verdict.number_scheme,
            "message": verdict_message(verdict), "checked_at": iso_utc(utcnow())}
    certificate = verdict.certificate
    if certificate is None:
        return body
    occupation = certificate.occupation
    return body | {
        "holder_name_masked": verdict.holder_masked,
        "occupation": {"code": occupation.code, "name": occupation.name, "edition": occupation.edition},
        "level": level_dict(certificate.level, certificate.framework),
        "route": certificate.route.value,
        "issuer": {"name": trust.issuer().name, "did": trust.issuer().did,
                   "institution": certificate.institution.name},
        "issued_on": certificate.issued_on.isoformat(),
        "revoked_at": iso_utc(certificate.revoked_at),
        "revoked_on": revoked.isoformat() if (revoked := revoked_on(verdict)) else None,
    }


def _answer(args: dict) -> dict:
    token = args.get("token") or None
    name = None if token else args["name"]
    return verdict_dict(look_up(args["number"], name=name, token=token))


@blp.route("", methods=["GET"])
@public
@verify_rate_limit
@blp.arguments(VerifyQuery, location="query")
@blp.response(200, VerdictSchema)
@blp.doc(security=[])
def verify_by_query(args):
    """Verify a certificate: number and holder's name (or the QR token). Rate-limited per client."""
    return _answer(args)


@blp.route("", methods=["POST"])
@public
@verify_rate_limit
@blp.arguments(VerifyQuery)
@blp.response(200, VerdictSchema)
@blp.doc(security=[])
def verify_by_body(args):
    """The same, with the name in a JSON body rather than the URL (preferred: no names in logs)."""
    return _answer(args)
