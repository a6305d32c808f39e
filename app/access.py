"""Route-level authorization, decided in one place and denying by default.

Every view declares who may reach it with `@allow(...)` or `@public`; the gate below runs before
every request and refuses any endpoint that declares nothing. Object-level checks are the domain's
(`credentials.permissions`, and scoped queries that answer 404).

Administrators hold one duty each (三员分立: `AdminDuty`). A rule admits an administrator only for the duties it
names: `@allow(Role.ADMIN, duty=AdminDuty.SECURITY)`; a rule that names `Role.ADMIN` without a duty admits the
system administrator alone, since the registry's records and settings are that duty's — the security and audit
administrators reach only what names their duty (and what any signed-in user may: `@allow()`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, abort, current_app, redirect, request, url_for

from credentials.models import AdminDuty, Role, User

from .auth import current_actor, is_api_request

PUBLIC = "public"
AUTHENTICATED = "authenticated"
_RULE_ATTR = "_access_rule"
# Endpoints of third-party blueprints whose views we cannot decorate.
EXTERNAL_PUBLIC_PREFIXES = ("api-docs.", "static")
ALL_DUTIES = tuple(AdminDuty)


@dataclass(frozen=True)
class RoleRule:
    """The roles a view admits, and for administrators the duties."""

    roles: frozenset[Role]
    duties: frozenset[AdminDuty]

    def __contains__(self, role: object) -> bool:  # `role in rule`, as when a rule was a set of roles
        return role in self.roles

    def admits(self, user: User) -> bool:
        if user.role not in self.roles:
            return False
        return user.role is not Role.ADMIN or user.admin_duty in self.duties


def allow(*roles: Role, duty: AdminDuty | Iterable[AdminDuty] | None = None) -> Callable:
    """`allow()` admits every signed-in user; `allow(Role.X, ...)` those roles; `duty=` the administrators' duties
    (one or several; only with Role.ADMIN). Without `duty`, Role.ADMIN means the system administrator."""
    duties = frozenset([duty] if isinstance(duty, AdminDuty) else duty or [AdminDuty.SYSTEM])
    if duty is not None and Role.ADMIN not in roles:
        raise ValueError("duty= applies to Role.ADMIN only")
    rule = RoleRule(frozenset(roles), duties) if roles else AUTHENTICATED

    def mark(view: Callable) -> Callable:
        setattr(view, _RULE_ATTR, rule)
        return view
    return mark


def public(view: Callable) -> Callable:
    setattr(view, _RULE_ATTR, PUBLIC)
    return view


def rule_for(app: Flask, endpoint: str, method: str | None = None):
    if endpoint.startswith(EXTERNAL_PUBLIC_PREFIXES):
        return PUBLIC
    view = app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # flask-smorest MethodViews: the rule sits on the method
        method = method or (request.method if request else None)
        found = getattr(view_class, method.lower(), None) if method else None
        return getattr(found, _RULE_ATTR, None)
    return getattr(view, _RULE_ATTR, None)


def admits(rule, user: User | None) -> bool:
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    if user is None:
        return False
    return rule == AUTHENTICATED or rule.admits(user)


def may_open(endpoint: str, method: str = "GET") -> bool:
    """For templates: show a link or a button only to whom the gate would let through (nav, admin pages)."""
    return admits(rule_for(current_app, endpoint, method), current_actor())


def init_app(app: Flask) -> None:
    app.before_request(gate)
    app.jinja_env.globals["may_open"] = may_open


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
    if not admits(rule, actor):
        abort(403)
    return None
