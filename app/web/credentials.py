"""Digital credentials on the web: the published DID document and status lists (public), and the
signed credential download behind the certificate pages (signed-in, scoped like the API)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _

from credentials import NotFound
from credentials.models import Certificate, Role
from credentials.services.digital_credentials import issue_digital_credential
from credentials.services.issuer_keys import active_issuer_key, did_document_for
from credentials.services.status_lists import status_list_credential_for

from .. import trust
from ..access import allow, public
from ..auth import current_actor
from ..errors import problem
from ..extensions import db
from ..lookups import certificate_or_404

bp = Blueprint("credentials", __name__)
ALL_ROLES = (Role.WORKER, Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN)


def json_document(document: dict, mimetype: str) -> Response:
    """A public document any verifier may fetch, from any origin (they carry no personal data)."""
    response = Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/.well-known/did.json")
@bp.get("/did.json")  # where did:web looks when PUBLIC_BASE_URL has a path
@public
def did_document():
    active_issuer_key(db.session(), trust.sealer())  # first use: the registry gets its key
    document = did_document_for(db.session(), trust.issuer().did)
    db.session.commit()
    return json_document(document, "application/did+ld+json")


@bp.get("/credentials/status/<int:list_number>")
@public
def status_list(list_number: int):
    try:
        document = status_list_credential_for(db.session(), list_number, trust.issuer(), trust.sealer())
    except NotFound:
        return problem(404, _("未找到"), _("没有这个状态列表"))
    db.session.commit()
    return json_document(document, trust.VC)


def credential_response(certificate: Certificate, fmt: str) -> Response:
    """The signed credential as a file: JSON with an embedded proof, or a VC-JOSE JWT."""
    signed = issue_digital_credential(db.session(), certificate, trust.issuer(), trust.sealer(), fmt=fmt,
                                      by=current_actor())
    db.session.commit()
    if fmt == "jwt":
        response = Response(signed, mimetype=trust.VC_JWT)
    else:
        response = Response(json.dumps(signed, ensure_ascii=False, indent=2), mimetype=trust.VC)
    response.headers["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.{fmt}"'
    return response


def wanted_format(explicit: str | None) -> str | None:
    """?format=json|jwt, else the Accept header (application/vc+jwt asks for the JWT); None if unknown."""
    if explicit is not None:
        return explicit if explicit in ("json", "jwt") else None
    best = request.accept_mimetypes.best_match([trust.VC, "application/json", trust.VC_JWT])
    return "jwt" if best == trust.VC_JWT else "json"


@bp.get("/credentials/certificates/<number>")
@allow(*ALL_ROLES)
def download(number: str):
    fmt = wanted_format(request.args.get("format"))
    if fmt is None:
        abort(404)
    return credential_response(certificate_or_404(number), fmt)
