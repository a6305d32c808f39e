"""Where each role lands, and safe redirect targets."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for

from credentials.models import Role

HOMES = {
    Role.WORKER: "worker.home",
    Role.INSTITUTION_STAFF: "institution.home",
    Role.BUREAU_OFFICER: "bureau.home",
    Role.ADMIN: "admin.home",
}


def home_for(user) -> str:
    return url_for(HOMES[user.role])


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths: never `//host`, a scheme, or a backslash trick."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
