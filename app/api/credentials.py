"""A certificate as a signed digital credential: Open Badges 3.0 `OpenBadgeCredential` (W3C VC 2.0)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from credentials.models import Role

from ..access import allow
from ..lookups import certificate_or_404
from ..trust import VC, VC_JWT, credential_response, wanted_format
from .common import PROBLEM_JSON, Problem, moment, problems, string, strings

PREFIX = "/certificates"
blp = Blueprint("api_credentials", __name__, description="Signed digital credentials (Open Badges 3.0)")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)


class CredentialArgs(ma.Schema):
    format = ma.fields.String(
        load_default=None, validate=ma.validate.OneOf(["json", "jwt"]),
        metadata={"description": "json: embedded eddsa-rdfc-2022 Data Integrity proof (default); "
                                 "jwt: VC-JOSE compact JWS. `Accept: application/vc+jwt` also asks for jwt."})


_SIGNED = ("The signed credential as a file: application/vc (JSON, the default) or application/vc+jwt "
           "(`?format=jwt` or `Accept: application/vc+jwt`)")
_DOWNLOAD = {"Content-Disposition": {"description": "attachment; filename=\"certificate-<number>.json\" (or .jwt)",
                                     "schema": {"type": "string"}}}
_JWT = {"type": "string", "description": "VC-JOSE compact JWS (header.payload.signature, base64url) whose payload "
                                         "is the credential without an embedded proof (abridged example)",
        "example": "eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCJ9.eyJpc3MiOiJkaWQ6d2ViOmxhZGRlci5leGFtcGxlLmNuIn0.c2lnbmF0dXJl"}


class SignedCredential(ma.Schema):
    """Documents the file only: the view hands out the signed document as it is (never dumped through this)."""

    class Meta:
        description = ("An Open Badges 3.0 OpenBadgeCredential (W3C Verifiable Credentials 2.0) with an embedded "
                       "eddsa-rdfc-2022 Data Integrity proof. JSON-LD: only the top-level members are described "
                       "here; their contents follow the Open Badges 3.0 and VC 2.0 specifications.")

    context = strings("JSON-LD contexts: the VC 2.0 context, then the Open Badges 3.0 one",
                      ["https://www.w3.org/ns/credentials/v2",
                       "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"], data_key="@context")
    id = string("The credential's id; the same on every download of a certificate", "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e")
    type = strings("Credential types", ["VerifiableCredential", "OpenBadgeCredential"])
    issuer = ma.fields.Dict(required=True, metadata={
        "description": "The registry's Profile: id (its did:web), type, name, url",
        "example": {"id": "did:web:ladder.example.cn", "type": ["Profile"], "name": "人才阶梯技能人才证书登记中心"}})
    validFrom = moment("Date of issue, midnight China time", "2024-07-01T00:00:00+08:00")
    awardedDate = moment("Same as validFrom", "2024-07-01T00:00:00+08:00")
    name = string("Occupation and level", "车工 中级工（四级）")
    credentialSubject = ma.fields.Dict(required=True, metadata={
        "description": "AchievementSubject: the holder as a salted hash of the national ID (identifier), the "
                       "achievement (occupation, level, alignment), licenseNumber (the certificate number) and "
                       "source (the issuing institution)"})
    credentialStatus = ma.fields.Dict(required=True, metadata={
        "description": "BitstringStatusListEntry: where to check revocation"})
    proof = ma.fields.List(ma.fields.Dict(), required=True, metadata={
        "description": "A one-element array (the Open Badges 3.0 JSON schema requires an array): the "
                       "DataIntegrityProof (cryptosuite eddsa-rdfc-2022) by a Multikey of the issuer's DID document"})


@blp.route("/<number>/credential", methods=["GET"])
@allow(*ALL_ROLES)
@blp.arguments(CredentialArgs, location="query")
@blp.response(200, SignedCredential, content_type=VC, description=_SIGNED, headers=_DOWNLOAD)
@blp.alt_response(200, schema=_JWT, content_type=VC_JWT, description=_SIGNED, headers=_DOWNLOAD, success=True)
@problems(401)
@blp.doc(responses={
    "404": {"description": "No such certificate among those the caller may see",
            "content": {PROBLEM_JSON: {"schema": Problem}}},
    "409": {"description": "The certificate is revoked: no new credential is issued (code certificate_revoked)",
            "content": {PROBLEM_JSON: {"schema": Problem}}},
})
def get_credential(args, number: str):
    """The certificate as a signed OpenBadgeCredential that verifies offline.

    Signed by the registry's did:web (keys at /.well-known/did.json); `credentialStatus` points at the
    revocation status list. The worker, the issuing institution, officers of the region and admins may
    fetch it; anyone else gets 404."""
    return credential_response(certificate_or_404(number), wanted_format(args["format"]))
