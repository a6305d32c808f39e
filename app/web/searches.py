"""Search terms stay out of URLs. Staff search lists by a worker's name or national ID number, and a URL is
kept by browser history, proxies and server logs. So every search form posts its term; the answer is a
redirect to the list with the term sealed in `q` (AES-GCM under the ID key set, bound to the signed-in user),
which paging, filters and the list's XLSX export carry along unchanged. A page reads its term with
`search_term()`. A plain `?q=` typed by hand still works; no page of ours writes one.

The institution's worker and record searches post to their own routes first, because a national ID there
becomes an internal worker id (app/web/institution); every other list posts here, naming itself as `target`.
"""

from __future__ import annotations

import base64

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from credentials.identity import DecryptionError
from credentials.models import AdminDuty, Role

from ..access import allow
from ..lookups import vault

SEALED = "~"  # a sealed term starts with this; a national ID or a name never does
MAX_TERM = 64

bp = Blueprint("searches", __name__)

# The lists a search may lead to, and the filters each keeps beside the term.
TARGETS: dict[str, tuple[str, ...]] = {
    "institution.certificates": ("status",),
    "institution.applications": ("state",),
    "bureau.certificates": (),
    "admin.users": ("role", "state"),
}


def _purpose() -> str:
    return f"search-term|user:{current_user.get_id() if current_user.is_authenticated else ''}"


def seal_term(term: str | None) -> str | None:
    """The term as `q` carries it in a URL: sealed, or None when there is nothing to search for."""
    term = (term or "").strip()[:MAX_TERM]
    if not term:
        return None
    blob = vault().seal_text(_purpose(), term)
    return SEALED + base64.urlsafe_b64encode(blob).decode("ascii").rstrip("=")


def search_term() -> str:
    """What the list searches for: `q` unsealed (nothing when it was sealed for someone else or altered)."""
    value = request.args.get("q", "")
    if not value.startswith(SEALED):
        return value.strip()[:MAX_TERM]
    try:
        blob = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
        return vault().open_text(_purpose(), blob)[:MAX_TERM]
    except (ValueError, DecryptionError):  # base64 and UTF-8 errors are ValueErrors
        return ""


@bp.post("/search")
@allow(Role.INSTITUTION_STAFF, Role.BUREAU_OFFICER, Role.ADMIN, duty=(AdminDuty.SECURITY, AdminDuty.SYSTEM))
def search():
    """Those with a searchable list; the list itself checks again who may read it."""
    target = request.form.get("target", "")
    if target not in TARGETS:
        abort(400)
    kept = {name: request.form.get(name) or None for name in TARGETS[target]}
    return redirect(url_for(target, q=seal_term(request.form.get("q")), **kept))
