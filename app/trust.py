"""What the app needs to be trusted outside itself: the registry's did:web identity, its sealed signing
keys, verification links and their QR codes, all read from configuration; and the signed credential file
that pages and the API hand out."""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import json
from urllib.parse import urlencode, urlsplit

import segno
from flask import Response, current_app, request
from markupsafe import Markup

from credentials.models import Certificate
from credentials.queries.verification import link_token
from credentials.services.digital_credentials import issue_digital_credential
from credentials.services.issuer_keys import KeySealer
from credentials.services.status_lists import Issuer
from credentials.vc.keys import did_web

from .auth import current_actor
from .extensions import db

VC = "application/vc"  # W3C VC 2.0 media type (a Data Integrity proof travels inside)
VC_JWT = "application/vc+jwt"


@functools.lru_cache(maxsize=8)  # asked on every public verification; the answer depends on the URL alone
def did_for(base_url: str) -> str:
    """did:web of PUBLIC_BASE_URL: host (port as %3A), then any path segments (served at <path>/did.json).

    did:web forbids IP addresses: a loopback address (a development server at 127.0.0.1) is named
    `localhost`, the same machine; any other IP address is refused (ValueError): give the host a name."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host).is_loopback:
            host = "localhost"
    if parts.port:
        host += f":{parts.port}"
    return did_web(host, parts.path)


def public_base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def issuer() -> Issuer:
    base = public_base_url()
    return Issuer(did=did_for(base), name=current_app.config["CREDENTIAL_ISSUER_NAME"], base_url=base)


def sealer() -> KeySealer:
    config = current_app.config
    return KeySealer(config["SIGNING_KEY_ENCRYPTION_KEYS"], config["SIGNING_KEY_ENCRYPTION_KEY_ID"])


def link_key() -> bytes:
    return current_app.config["VERIFY_LINK_KEY"]


def verify_link(certificate: Certificate) -> str:
    """The absolute address a printed certificate's QR code opens (number and token, never the name)."""
    query = urlencode({"n": certificate.number, "h": link_token(link_key(), certificate)})
    return f"{public_base_url()}/verify?{query}"


def qr_svg(url: str, *, title: str = "") -> Markup:
    """The QR code of `url` as inline SVG: no script, no style attribute, so the CSP holds."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=2, dark="#000", light="#fff", svgclass="qr", lineclass=None,
                          omitsize=True, title=title or None)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 - segno's own markup, built from our URL  # nosec B704


def credential_response(certificate: Certificate, fmt: str) -> Response:
    """The signed credential as a file: JSON with an embedded proof, or a VC-JOSE JWT."""
    signed = issue_digital_credential(db.session(), certificate, issuer(), sealer(), fmt=fmt,
                                      by=current_actor())
    db.session.commit()
    if fmt == "jwt":
        response = Response(signed, mimetype=VC_JWT)
    else:
        response = Response(json.dumps(signed, ensure_ascii=False, indent=2), mimetype=VC)
    response.headers["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.{fmt}"'
    return response


def wanted_format(explicit: str | None) -> str | None:
    """?format=json|jwt, else the Accept header (application/vc+jwt asks for the JWT); None if unknown."""
    if explicit is not None:
        return explicit if explicit in ("json", "jwt") else None
    best = request.accept_mimetypes.best_match([VC, "application/json", VC_JWT])
    return "jwt" if best == VC_JWT else "json"
