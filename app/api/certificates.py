"""Certificates, addressed by their number."""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask_smorest import Blueprint

from credentials import ValidationFailed
from credentials.models import Institution, Role
from credentials.permissions import can_revoke
from credentials.queries.registry import certificates_for
from credentials.services.certificates import REVOCATION_REASON_MAX, issue_certificate, revoke_certificate

from ..access import allow
from ..auth import current_actor
from ..extensions import db
from ..lookups import certificate_or_404, occupation_or_field_error, worker_or_field_error
from .common import CertificateOut, Page, SearchArgs, certificate_dict, many, page_envelope, problems

PREFIX = "/certificates"
blp = Blueprint("api_certificates", __name__, description="Certificates, addressed by number")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)


class CertificateArgs(SearchArgs):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["valid", "revoked"]))
    worker_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**62))


class CertificatePage(Page):
    items = many(CertificateOut, "This page's certificates")


class CertificateCreate(ma.Schema):
    worker_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**62))
    occupation_code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^\d-\d{2}-\d{2}-\d{2}$"))
    level = ma.fields.String(required=True, validate=ma.validate.Length(max=32))
    issued_on = ma.fields.Date(required=True)
    number = ma.fields.String(load_default=None, validate=ma.validate.Length(max=32))
    institution_id = ma.fields.Integer(load_default=None, metadata={"description": "admins only"})


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
@allow(Role.INSTITUTION_STAFF, Role.ADMIN)
@blp.arguments(CertificateCreate)
@blp.response(201, CertificateOut)
@problems(400, 401, 403, 409, 422)
def create_certificate(body):
    user = current_actor()
    session = db.session()
    worker, occupation = worker_or_field_error(body["worker_id"]), occupation_or_field_error(body["occupation_code"])
    institution = user.institution if user.role is Role.INSTITUTION_STAFF else (
        session.get(Institution, body["institution_id"]) if body["institution_id"] else None)
    if institution is None:
        raise ValidationFailed("unknown_institution", field="institution_id", id=body["institution_id"])
    certificate = issue_certificate(
        session, worker=worker, occupation=occupation, level=body["level"], issued_on=body["issued_on"],
        institution=institution, number=body["number"], by=user, require_eligibility=True)
    db.session.commit()
    return certificate_dict(certificate)


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
        abort(404)
    revoke_certificate(db.session(), found, reason=body["reason"], by=user)
    db.session.commit()
    return certificate_dict(found)
