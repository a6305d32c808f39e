"""Public certificate verification as JSON (no token needed); see app/web/verify.py for the design."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, jsonify
from flask_babel import gettext as _
from flask_smorest import Blueprint

from credentials.models import CertificateRoute, utcnow
from credentials.numbers import SCHEMES
from credentials.queries.verification import Verdict

from .. import trust
from ..access import public
from ..verification import MAX_INPUT, look_up, revoked_on, verdict_message, verify_rate_limit
from .common import (
    CERTIFICATE_NUMBER,
    LevelOut,
    OccupationRef,
    boolean,
    choice,
    day,
    iso_utc,
    level_dict,
    moment,
    nested,
    problems,
    string,
    values,
)

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


class VerifyLinkQuery(VerifyQuery):
    """A GET carries what a printed certificate's QR link holds: the number and its token. A holder's name never
    goes into a URL (proxies, browser history and referrers keep URLs): it is refused here, sent by POST."""

    class Meta:
        exclude = ("name",)

    token = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_INPUT),
                             metadata={"description": "The `h` value of a printed certificate's QR link"})

    @ma.validates_schema(pass_original=True, skip_on_field_errors=False)
    def no_name_in_the_url(self, _data, original, **_kwargs):
        if "name" in original:
            raise ma.ValidationError(_("持证人姓名不能放在网址中：请用 POST 在请求体中发送"), field_name="name")


VERIFY_QUERY = VerifyQuery()  # one instance for every request (given the class, webargs builds one per request)
VERIFY_LINK_QUERY = VerifyLinkQuery()


class IssuerOut(ma.Schema):
    name = string("The registry that signs the credentials", "人才阶梯技能人才证书登记中心")
    did = string("Its DID (did:web); keys at /.well-known/did.json", "did:web:ladder.example.cn")
    institution = string("The institution that issued the certificate", "苏州技师学院")


class VerdictSchema(ma.Schema):
    class Meta:
        description = ("The answer to a look-up. The certificate's facts (holder_name_masked to revoked_on) come "
                       "only when a certificate matched the number and the name (or the QR token).")

    valid = boolean("The certificate exists, matches and is not revoked", True)
    status = choice(["valid", "revoked", "not_found"], "Outcome of the look-up", "valid")
    number = string("The number as checked (full-width folded, upper case, no spaces)", CERTIFICATE_NUMBER)
    number_status = choice(["on_record", "not_on_record", "impossible"],
                           "impossible: no national numbering scheme can produce this number", "on_record")
    number_scheme = choice(SCHEMES, "The numbering scheme the number follows", "skill_level22")
    message = string("The outcome in words, in the reader's language", "证书真实有效")
    checked_at = moment("When the look-up ran (UTC)", "2024-07-01T08:00:00Z")
    holder_name_masked = string("Holder's name, masked", "张*三", required=False)
    occupation = nested(OccupationRef, "The occupation", required=False)
    level = nested(LevelOut, "The level certified", required=False)
    route = choice(values(CertificateRoute), "How the level was reached", "regular", required=False)
    issuer = nested(IssuerOut, "Who vouches for it", required=False)
    issued_on = day("Date of issue", "2024-07-01", required=False)
    revoked_at = moment("When it was revoked (UTC)", null=True, required=False)
    revoked_on = day("Revocation date, China time", null=True, required=False)


_LEVEL = {"code": "intermediate", "framework": "skill-2022", "name_zh": "中级工（四级）",
          "name_en": "Intermediate Worker (Level 4)", "rank": 3, "is_high_skilled": False}
_FOUND = {"number": CERTIFICATE_NUMBER, "number_status": "on_record", "number_scheme": "skill_level22",
          "holder_name_masked": "张*三", "occupation": {"code": "6-18-01-01", "name": "车工", "edition": 2022},
          "level": _LEVEL, "route": "regular", "issued_on": "2024-07-01",
          "issuer": {"name": "人才阶梯技能人才证书登记中心", "did": "did:web:ladder.example.cn",
                     "institution": "苏州技师学院"}}
VERDICT_EXAMPLES = {
    "valid": {"summary": "A valid certificate", "value": {
        "valid": True, "status": "valid", "message": "证书真实有效", "checked_at": "2024-07-01T08:00:00Z",
        **_FOUND, "revoked_at": None, "revoked_on": None}},
    "revoked": {"summary": "A revoked certificate", "value": {
        "valid": False, "status": "revoked", "message": "该证书已于 2024年8月2日 撤销，不再有效",
        "checked_at": "2024-09-01T08:00:00Z", **_FOUND, "revoked_at": "2024-08-01T16:30:00Z",
        "revoked_on": "2024-08-02"}},
    "not_found": {"summary": "No certificate with this number and name", "value": {
        "valid": False, "status": "not_found", "number": CERTIFICATE_NUMBER, "number_status": "not_on_record",
        "number_scheme": "skill_level22", "message": "未查到与该编号和姓名相符的证书；请核对后重试，或联系发证机构",
        "checked_at": "2024-07-01T08:00:00Z"}},
}


def verdict_dict(verdict: Verdict) -> dict:
    """The answer as VerdictSchema documents it, built straight from the look-up's plain values: a public
    look-up is the hottest path of the API, so it skips the schema's dump (tests/api/test_verify.py holds the
    answer to the schema)."""
    body = {"valid": verdict.valid, "status": verdict.status, "number": verdict.number,
            "number_status": verdict.number_status, "number_scheme": verdict.number_scheme,
            "message": verdict_message(verdict), "checked_at": iso_utc(utcnow())}
    certificate = verdict.certificate
    if certificate is None:
        return body
    issuer = trust.issuer()
    return body | {
        "holder_name_masked": certificate.holder_masked,
        "occupation": {"code": certificate.occupation_code, "name": certificate.occupation_name,
                       "edition": certificate.occupation_edition},
        "level": level_dict(certificate.level, certificate.framework),
        "route": certificate.route.value,
        "issuer": {"name": issuer.name, "did": issuer.did, "institution": certificate.institution_name},
        "issued_on": certificate.issued_on.isoformat(),
        "revoked_at": iso_utc(certificate.revoked_at),
        "revoked_on": revoked.isoformat() if (revoked := revoked_on(verdict)) else None,
    }


def _answer(args: dict) -> Response:
    token = args.get("token") or None
    name = None if token else args["name"]
    return jsonify(verdict_dict(look_up(args["number"], name=name, token=token)))


@blp.route("", methods=["GET"])
@public
@verify_rate_limit
@blp.arguments(VERIFY_LINK_QUERY, location="query")
@blp.response(200, VerdictSchema, examples=VERDICT_EXAMPLES)
@problems(422, 429)
@blp.doc(security=[])
def verify_by_link(args):
    """Verify a certificate from its QR link: the number and the link's token (`h`). A holder's name is refused
    here (422): names never go into URLs, so look-ups by name use POST. Rate-limited per client."""
    return _answer(args)


@blp.route("", methods=["POST"])
@public
@verify_rate_limit
@blp.arguments(VERIFY_QUERY)
@blp.response(200, VerdictSchema, examples=VERDICT_EXAMPLES)
@problems(400, 422, 429)
@blp.doc(security=[])
def verify_by_body(args):
    """Verify a certificate: its number and the holder's name (or the QR token) in a JSON body, so that no name
    sits in a URL or a log. Rate-limited per client."""
    return _answer(args)
