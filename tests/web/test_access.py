"""Route-level access rules (app.access): every route declares one, a route that forgets is refused, and an
administrator's duty is part of the rule. What each relation actually gets from every route is the access matrix
(tests/web/access_matrix.py, opened by tests/web/test_access_matrix.py)."""

from __future__ import annotations

import pytest

from app.access import AUTHENTICATED, PUBLIC, RoleRule, admits, allow, rule_for
from credentials.models import AdminDuty, Role, User


def test_every_route_declares_a_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    with app.test_request_context():
        undeclared = sorted(e for e in endpoints if rule_for(app, e) is None)
    assert not undeclared, f"routes without an access rule: {undeclared}"


def test_signed_in_routes_deny_by_default_when_a_view_forgets_its_rule(app):
    """A view registered without @allow/@public is refused, not served."""
    from flask import Flask

    probe = Flask("probe")
    probe.config.update(app.config)
    from app.access import gate

    probe.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    probe.before_request(gate)
    probe.extensions = app.extensions
    with probe.test_client() as client:
        assert client.get("/forgotten").status_code == 403


def rule_of(*roles, **duty):
    return allow(*roles, **duty)(lambda: None)._access_rule


def admin(duty: AdminDuty) -> User:
    return User(role=Role.ADMIN, admin_duty=duty)


@pytest.mark.parametrize(("rule", "system", "security", "audit"), [
    (rule_of(Role.ADMIN), True, False, False),  # a rule naming Role.ADMIN alone is the system administrator's
    (rule_of(Role.ADMIN, duty=AdminDuty.SECURITY), False, True, False),
    (rule_of(Role.ADMIN, duty=AdminDuty.AUDIT), False, False, True),
    (rule_of(Role.ADMIN, duty=(AdminDuty.SYSTEM, AdminDuty.SECURITY)), True, True, False),
    (rule_of(Role.ADMIN, duty=tuple(AdminDuty)), True, True, True),
    (rule_of(Role.BUREAU_OFFICER), False, False, False),
    (rule_of(), True, True, True),  # every signed-in user: their own password, their own second factor
])
def test_an_administrator_passes_only_rules_naming_their_duty(rule, system, security, audit):
    assert [admits(rule, admin(d)) for d in (AdminDuty.SYSTEM, AdminDuty.SECURITY, AdminDuty.AUDIT)] == [
        system, security, audit]


def test_a_duty_applies_to_administrators_only():
    with pytest.raises(ValueError, match="Role.ADMIN"):
        allow(Role.BUREAU_OFFICER, duty=AdminDuty.AUDIT)
    officer = User(role=Role.BUREAU_OFFICER)
    assert admits(rule_of(Role.BUREAU_OFFICER, Role.ADMIN, duty=AdminDuty.AUDIT), officer)
    assert isinstance(rule_of(Role.ADMIN), RoleRule) and rule_of() == AUTHENTICATED
    assert admits(PUBLIC, None) and not admits(AUTHENTICATED, None) and not admits(None, officer)
