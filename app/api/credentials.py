"""A certificate as a signed digital credential: Open Badges 3.0 `OpenBadgeCredential` (W3C VC 2.0)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from credentials.models import Role

from ..access import allow
from ..lookups import certificate_or_404
from ..trust import credential_response, wanted_format

PREFIX = "/certificates"
blp = Blueprint("api_credentials", __name__, description="Signed digital credentials (Open Badges 3.0)")
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)


class CredentialArgs(ma.Schema):
    format = ma.fields.String(
        load_default=None, validate=ma.validate.OneOf(["json", "jwt"]),
        metadata={"description": "json: embedded eddsa-rdfc-2022 Data Integrity proof (default); "
                                 "jwt: VC-JOSE compact JWS. `Accept: application/vc+jwt` also asks for jwt."})


@blp.route("/<number>/credential", methods=["GET"])
@allow(*ALL_ROLES)
@blp.arguments(CredentialArgs, location="query")
@blp.doc(responses={
    "200": {"description": "The signed credential (application/vc, or application/vc+jwt)"},
    "404": {"description": "No such certificate among those the caller may see"},
    "409": {"description": "The certificate is revoked: no new credential is issued"},
})
def get_credential(args, number: str):
    """The certificate as a signed OpenBadgeCredential that verifies offline.

    Signed by the registry's did:web (keys at /.well-known/did.json); `credentialStatus` points at the
    revocation status list. The worker, the issuing institution, officers of the region and admins may
    fetch it; anyone else gets 404."""
    return credential_response(certificate_or_404(number), wanted_format(args["format"]))
