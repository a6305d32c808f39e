"""The API never reads nor writes the browser's cookie session (SECURITY.md: bearer tokens only, a cookie gets
401 there): requests under /api/ get Flask's null session, so a JSON call neither verifies a session cookie's
signature nor sends one back. Besides the principle, the public verification API is the registry's hottest path,
and opening the cookie session was a measurable share of each look-up."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface, SessionMixin


class CookielessApiSessions(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if request.path.startswith("/api/"):
            return self.make_null_session(app)  # null: nothing to save after the request either
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = CookielessApiSessions()
