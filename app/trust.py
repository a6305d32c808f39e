"""What the app needs to be trusted outside itself: the registry's did:web identity, its sealed signing
keys, verification links and their QR codes, all read from configuration."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import segno
from flask import current_app
from markupsafe import Markup

from credentials.models import Certificate
from credentials.queries.verification import link_token
from credentials.services.issuer_keys import KeySealer
from credentials.services.status_lists import Issuer
from credentials.vc.keys import did_web

VC = "application/vc"  # W3C VC 2.0 media type (a Data Integrity proof travels inside)
VC_JWT = "application/vc+jwt"


def did_for(base_url: str) -> str:
    """did:web of PUBLIC_BASE_URL: host (port as %3A), then any path segments (served at <path>/did.json)."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
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
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 - segno's own markup
