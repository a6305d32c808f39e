"""The page a share link opens (no login): exactly the certificates the worker chose, with their status now.

`/shared/<token>` shows the holder's masked name and, for each chosen certificate, what public verification
would say of it (the same verdict, message and accreditation check, `credentials.queries.sharing`), a
download of its digital credential through the same token (so only the chosen certificates can be fetched),
and a link to the verification page. Nothing else of the worker: no ID number, no other record.

An unknown, expired or withdrawn link gets one and the same 404 page, so the page tells nobody which links
exist. Each successful opening counts a view. The token is a bearer secret in the address, so the page asks
browsers to send no referrer, caches nothing and asks search engines not to index it; the public verification
rate limit applies per client (its own budget), so tokens cannot be guessed at speed either.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_babel import to_user_timezone

from credentials.identity import mask_name
from credentials.models import ShareLink, utcnow
from credentials.queries.sharing import open_share, shared_certificate, shared_certificates
from credentials.services.sharing import record_view

from .. import trust
from ..access import public
from ..extensions import db, limiter

bp = Blueprint("shared", __name__, url_prefix="/shared")

share_rate_limit = limiter.shared_limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], scope="shared")


def share_url(token: str) -> str:
    """The absolute address of a share link (what its QR code holds)."""
    return f"{trust.public_base_url()}{url_for('shared.view', token=token)}"


@bp.after_request
def private_headers(response: Response) -> Response:
    """Every answer under /shared, found or not: the address holds a secret, so it must not travel on."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _open_or_404(token: str) -> ShareLink:
    link = open_share(db.session(), token)
    if link is None:
        abort(404)
    return link


@bp.get("/<token>")
@public
@share_rate_limit
def view(token: str):
    link = _open_or_404(token)
    shown = shared_certificates(db.session(), link)
    holder = mask_name(shown[0].certificate.worker.name) if shown else ""
    record_view(db.session(), link)
    db.session.commit()
    current_app.logger.info("share link opened", extra={"outcome": "shown"})  # never the token
    return render_template("shared/view.html", link=link, token=token, shown=shown, holder=holder,
                           checked_at=to_user_timezone(utcnow()).strftime("%Y-%m-%d %H:%M"))


@bp.get("/<token>/<number>.json")
@public
@share_rate_limit
def credential(token: str, number: str):
    """A chosen certificate's signed digital credential (a revoked one gets none: the domain refuses, 409)."""
    certificate = shared_certificate(db.session(), _open_or_404(token), number)
    if certificate is None:
        abort(404)
    return trust.credential_response(certificate, "json")


@bp.errorhandler(404)
def gone(error):
    """One answer for a link that never was, has expired or was withdrawn."""
    return render_template("shared/gone.html"), 404
