"""Pages for anyone: landing, language switch, health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import text

from ..access import public
from ..auth import current_actor
from ..extensions import db
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
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok", database="up")
