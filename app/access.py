"""Route-level authorization, decided in one place and denying by default.

Every view declares who may reach it with `@allow(...)` or `@public`; the gate below runs before
every request and refuses any endpoint that declares nothing. Object-level checks are the domain's
(`credentials.permissions`, and scoped queries that answer 404).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, current_app, redirect, request, url_for

from credentials.models import Role

from .auth import current_actor, is_api_request

PUBLIC = "public"
AUTHENTICATED = "authenticated"
_RULE_ATTR = "_access_rule"
# Endpoints of third-party blueprints whose views we cannot decorate.
EXTERNAL_PUBLIC_PREFIXES = ("api-docs.", "static")


def allow(*roles: Role) -> Callable:
    def mark(view: Callable) -> Callable:
        setattr(view, _RULE_ATTR, frozenset(roles) if roles else AUTHENTICATED)
        return view
    return mark


def public(view: Callable) -> Callable:
    setattr(view, _RULE_ATTR, PUBLIC)
    return view


def rule_for(app: Flask, endpoint: str):
    if endpoint.startswith(EXTERNAL_PUBLIC_PREFIXES):
        return PUBLIC
    view = app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # flask-smorest MethodViews: the rule sits on the method
        method = getattr(view_class, request.method.lower(), None) if request else None
        return getattr(method, _RULE_ATTR, None)
    return getattr(view, _RULE_ATTR, None)


def init_app(app: Flask) -> None:
    app.before_request(gate)


def gate():
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no route: the 404/405 handler answers
    rule = rule_for(current_app, endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s declares no access rule; denied", endpoint)
        abort(403)
    if rule == PUBLIC:
        return None
    actor = current_actor()
    if actor is None:
        if is_api_request():
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if rule != AUTHENTICATED and actor.role not in rule:
        abort(403)
    return None
