"""Certificates, addressed by their number."""

from __future__ import annotations

import base64
import binascii

import marshmallow as ma
from flask import abort
from flask_smorest import Blueprint

from credentials import ValidationFailed
from credentials.models import CertificateRoute, Institution, Role
from credentials.permissions import can_revoke, is_observer
from credentials.queries.registry import certificates_for
from credentials.services.certificates import REVOCATION_REASON_MAX, revoke_certificate
from credentials.services.historic import enter_historic_certificate
from credentials.uploads import MAX_FILES_PER_REQUEST
from ladder.i18n import Text

from ..access import allow
from ..auth import current_actor
from ..extensions import db
from ..lookups import certificate_or_404, occupation_or_field_error, worker_from_body
from .common import CertificateOut, Page, SearchArgs, certificate_dict, many, page_envelope, problems, values

PREFIX = "/certificates"
blp = Blueprint("api_certificates", __name__, description="Certificates, addressed by number")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)


class CertificateArgs(SearchArgs):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["valid", "revoked"]))
    worker_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**62))


class CertificatePage(Page):
    items = many(CertificateOut, "This page's certificates")


class EvidenceIn(ma.Schema):
    filename = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    content_base64 = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=14_000_000),
                                      metadata={"description": "the file, base64-encoded (PDF, JPEG or PNG, 10 MB)"})


class HistoricCertificateCreate(ma.Schema):
    worker_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**62))
    national_id = ma.fields.String(load_default=None, validate=ma.validate.Length(min=15, max=20))
    occupation_code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^\d-\d{2}-\d{2}-\d{2}$"))
    level = ma.fields.String(required=True, validate=ma.validate.Length(max=32))
    issued_on = ma.fields.Date(required=True)
    number = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    institution_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**62))
    route = ma.fields.String(load_default="regular", validate=ma.validate.OneOf(values(CertificateRoute)))
    evidence = ma.fields.List(ma.fields.Nested(EvidenceIn), required=True,
                              validate=ma.validate.Length(min=1, max=MAX_FILES_PER_REQUEST))


@blp.route("", methods=["GET"])
@allow(*ALL_ROLES)
@blp.arguments(CertificateArgs, location="query")
@blp.response(200, CertificatePage)
@problems(401, 422)
def list_certificates(args):
    statement = certificates_for(current_actor(), search=args["q"], worker_id=args["worker_id"],
                                 status=args["status"])
    return page_envelope(statement, args, certificate_dict)


@blp.route("", methods=["POST"])
@allow(Role.ADMIN)
@blp.arguments(HistoricCertificateCreate)
@blp.response(201, CertificateOut)
@problems(400, 401, 403, 409, 422)
def create_certificate(body):
    """An administrator enters a historic certificate (from paper, without the records that earned it), marked
    as such, with a scan as evidence. Institutions record results instead (POST /api/v1/results and the
    sessions' results): only results, approvals and competitions make new certificates."""
    session = db.session()
    institution = session.get(Institution, body["institution_id"])
    if institution is None:
        raise ValidationFailed("unknown_institution", field="institution_id", id=body["institution_id"])
    certificate = enter_historic_certificate(
        session, worker=worker_from_body(body), occupation=occupation_or_field_error(body["occupation_code"]),
        level=body["level"], issued_on=body["issued_on"], institution=institution, number=body["number"],
        route=CertificateRoute(body["route"]), evidence=[(item["filename"], _decoded(item["content_base64"]))
                                                         for item in body["evidence"]], by=current_actor())
    db.session.commit()
    return certificate_dict(certificate)


def _decoded(content: str) -> bytes:
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("evidence", field="evidence", reason=Text(
            "不是有效的 base64 编码", "not valid base64")) from None


@blp.route("/<number>", methods=["GET"])
@allow(*ALL_ROLES)
@blp.response(200, CertificateOut)
@problems(401, 404)
def get_certificate(number: str):
    return certificate_dict(certificate_or_404(number))


class RevokeBody(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=REVOCATION_REASON_MAX),
                              metadata={"description": "why the certificate is revoked; shown to the holder"})


@blp.route("/<number>/revoke", methods=["POST"])
@allow(Role.BUREAU_OFFICER)
@blp.arguments(RevokeBody)
@blp.response(200, CertificateOut, description="The certificate, now revoked")
@problems(400, 401, 403, 404, 409, 422)
def revoke(body, number: str):
    """Revoke a certificate in the officer's region (else 404); a second revocation answers 409."""
    user = current_actor()
    found = certificate_or_404(number)
    if not can_revoke(user, found):
        abort(403 if is_observer(user) else 404)  # the ministry sees it, and may not revoke it
    revoke_certificate(db.session(), found, reason=body["reason"], by=user)
    db.session.commit()
    return certificate_dict(found)
