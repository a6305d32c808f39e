"""Signing in and out of the pages: roles land on their home, sessions really end, CSRF is enforced."""

from __future__ import annotations

import pytest

from app.config import ROOT
from tests.conftest import PASSWORD, csrf_token_from

HOMES = {"worker": "/worker/", "institution_staff": "/institution/", "bureau_officer": "/bureau/", "admin": "/admin/"}


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_role_lands_on_its_own_home(client, make_user, login, role):
    response = login(client, make_user(role))
    assert response.headers["Location"] == HOMES[role]
    assert client.get(HOMES[role]).status_code == 200


def test_worker_signs_in_with_national_id_typed_with_lower_case_x(client, make_user, make_worker, vault):
    from datetime import date

    from tests.conftest import national_id

    number = next(n for s in range(1, 900) if (n := national_id(date(1991, 2, 3), s)).endswith("X"))
    user = make_user("worker", worker=make_worker(id_number=number))
    response = client.post("/login", data={"account": number.lower(), "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/worker/"
    assert user.worker.id_masked.endswith(number[-4:])


def test_wrong_password_and_unknown_account_get_the_same_message(client, make_user):
    user = make_user("admin")
    wrong = client.post("/login", data={"account": user.username, "password": "not-the-password!"})
    unknown = client.post("/login", data={"account": "nobody-here", "password": "not-the-password!"})
    assert wrong.status_code == unknown.status_code == 401
    assert "账号或密码不正确（连续输错 5 次后，须等待 15 分钟再试）" in wrong.text and "账号或密码不正确（连续输错 5 次后，须等待 15 分钟再试）" in unknown.text


def test_five_failures_lock_the_account_even_against_the_right_password(client, make_user):
    user = make_user("admin")
    for _ in range(5):
        wrong = client.post("/login", data={"account": user.username, "password": "wrong-password-123"})
    response = client.post("/login", data={"account": user.username, "password": PASSWORD})
    assert response.status_code == 401
    assert _field_error(response.text) == _field_error(wrong.text), "a lock must not reveal the account exists"


def _field_error(html: str) -> str:
    import re

    return re.search(r'class="field__error"[^>]*>([^<]+)<', html).group(1)


def test_logout_ends_the_session_even_for_a_replayed_cookie(app, make_user, login):
    browser = app.test_client()
    login(browser, make_user("admin"))
    stolen = browser.get_cookie("session").value
    assert browser.post("/logout").status_code == 302
    attacker = app.test_client()
    attacker.set_cookie("session", stolen)
    response = attacker.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_redirects_only_to_same_site_paths(client, make_user):
    user = make_user("admin")
    for target, expected in (("/admin/users/new", "/admin/users/new"), ("//evil.example/x", "/admin/"),
                             ("https://evil.example/", "/admin/"), ("/\\evil.example", "/admin/")):
        fresh = client.application.test_client()
        response = fresh.post(f"/login?next={target}", data={"account": user.username, "password": PASSWORD})
        assert response.headers["Location"] == expected, target


def test_a_page_asks_anonymous_visitors_to_sign_in_and_returns_them_after(client, make_user):
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/admin/")


def test_forms_refuse_a_post_without_the_csrf_token(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        user = make_user("admin")
        refused = client.post("/login", data={"account": user.username, "password": PASSWORD})
        assert refused.status_code == 400
        token = csrf_token_from(client.get("/login").text)
        accepted = client.post("/login", data={"account": user.username, "password": PASSWORD, "csrf_token": token})
        assert accepted.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_login_is_rate_limited_per_client(app, make_user):
    from app.extensions import limiter

    saved = app.config["LOGIN_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = "5 per minute"
    limiter.reset()
    try:
        client = app.test_client()
        statuses = [client.post("/login", data={"account": "x", "password": "y"}).status_code for _ in range(7)]
        assert statuses[:5] == [401] * 5 and statuses[-1] == 429
    finally:
        app.config["LOGIN_RATE_LIMIT"] = saved
        limiter.reset()


def test_templates_hold_no_inline_script_or_style():
    """The CSP forbids inline script and style; templates must not depend on them."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if "<script>" in text or " style=" in text or "<style" in text or "onclick=" in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert not offenders


def test_a_stranger_failing_many_times_never_locks_the_owner_out(app, make_user):
    """Five requests from anywhere used to lock any account, the administrator's included."""
    owner = make_user("admin")
    attacker = app.test_client()
    for _ in range(8):
        attacker.post("/login", data={"account": owner.username, "password": "wrong-password-123"},
                      environ_base={"REMOTE_ADDR": "198.51.100.66"})

    response = app.test_client().post("/login", data={"account": owner.username, "password": PASSWORD},
                                      environ_base={"REMOTE_ADDR": "192.0.2.10"})

    assert response.status_code == 302


def test_an_administrator_lifts_the_waits_on_an_account(app, client, login, make_user):
    staff = make_user("institution_staff")
    other = app.test_client()
    for _ in range(5):
        other.post("/login", data={"account": staff.username, "password": "wrong-password-123"})
    assert other.post("/login", data={"account": staff.username, "password": PASSWORD}).status_code == 401

    login(client, make_user("admin"))
    page = client.get(f"/admin/users/{staff.id}")  # the account's own page (issue 12)
    assert f'/admin/users/{staff.id}/lift-waits' in page.text
    client.post(f"/admin/users/{staff.id}/lift-waits")

    assert other.post("/login", data={"account": staff.username, "password": PASSWORD}).status_code == 302
