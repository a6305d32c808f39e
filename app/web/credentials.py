"""Digital credentials on the web: the published DID document and status lists (public), and the
signed credential download behind the certificate pages (signed-in, scoped like the API)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _

from credentials import NotFound
from credentials.models import Role
from credentials.services.issuer_keys import active_issuer_key, did_document_for
from credentials.services.status_lists import status_list_credential_for

from .. import trust
from ..access import allow, public
from ..errors import problem
from ..extensions import db
from ..lookups import certificate_or_404
from ..trust import credential_response, wanted_format

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


@bp.get("/credentials/certificates/<number>")
@allow(*ALL_ROLES)
def download(number: str):
    fmt = wanted_format(request.args.get("format"))
    if fmt is None:
        abort(404)
    return credential_response(certificate_or_404(number), fmt)
