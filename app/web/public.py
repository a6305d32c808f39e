"""Pages for anyone: landing, language switch, liveness and readiness probes."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from ..access import public
from ..auth import current_actor
from ..health import readiness
from ..i18n import LANG_COOKIE
from ..navigation import home_for, safe_next

bp = Blueprint("public", __name__)


@bp.get("/")
@public
def index():

    actor = current_actor()
    if actor is not None:
        return redirect(home_for(actor))
    return render_template("public/index.html")


@bp.get("/lang/<code>")
@public
def switch_language(code: str):
    response = redirect(safe_next(request.args.get("next")) or url_for("public.index"))
    if code in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.get("/healthz")
@public
def healthz():
    """Liveness: the process answers. It asks nothing of the database, so a database outage makes the
    servers unready (/readyz), not dead: restarting them would not bring the database back."""
    return _probe_answer(True, {"status": "ok"})


@bp.get("/readyz")
@public
def readyz():
    """Readiness: the database answers, its schema is at the migrations' head, Redis answers when configured.
    One word per dependency, never an error text (see app/health.py)."""
    ready, checks = readiness()
    return _probe_answer(ready, {"status": "ready" if ready else "not_ready", **checks})


def _probe_answer(ok: bool, body: dict[str, str]):
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
