"""Browsable API docs: vendored Swagger UI over /api/v1/openapi.json (no CDN, no inline script)."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..access import public

bp = Blueprint("api_docs_page", __name__)


@bp.get("/api/v1/docs")
@public
def docs():
    return render_template("api/docs.html")
