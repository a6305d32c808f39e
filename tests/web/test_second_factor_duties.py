"""Two-step verification as a duty (issue 12, control 1): the roles SECOND_FACTOR_REQUIRED_ROLES names (officers and
administrators in production) enrol before anything else, and cannot turn it off; a security administrator
resets a lost one; anyone else may turn theirs off with the password and a code."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.config import load_config
from credentials.models import AuditEvent, SecondFactor
from credentials.services.accounts import reset_password
from tests.conftest import PASSWORD
from tests.web.html import field_error
from tests.web.second_factor_steps import code_at, enrol, password_step, sign_in

REQUIRED = ("bureau_officer", "admin")


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "SECOND_FACTOR_REQUIRED_ROLES", REQUIRED)


def test_production_requires_it_of_officers_and_administrators_and_development_of_nobody(monkeypatch):
    import base64

    monkeypatch.delenv("SECOND_FACTOR_REQUIRED_ROLES", raising=False)
    monkeypatch.delenv("TALENT_LADDER_ENV", raising=False)
    assert load_config()["SECOND_FACTOR_REQUIRED_ROLES"] == ()
    key = base64.urlsafe_b64encode(b"k" * 32).decode()
    for name in ("ID_HASH_KEY", "ID_ENCRYPTION_KEY", "SIGNING_KEY_ENCRYPTION_KEY", "VERIFY_LINK_KEY"):
        monkeypatch.setenv(name, key)
    monkeypatch.setenv("TALENT_LADDER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://talent-ladder.example")
    assert load_config()["SECOND_FACTOR_REQUIRED_ROLES"] == REQUIRED


def test_a_required_role_sets_it_up_before_anything_else(app, client, make_user, api_token, required):
    officer = make_user("bureau_officer")
    worker = make_user("worker")
    token = api_token(officer)  # asking for a token needs no code yet; using it does

    signed_in = password_step(client, officer)

    assert client.get(signed_in.headers["Location"]).headers["Location"] == "/account/second-factor"
    assert client.get("/bureau/queue").headers["Location"] == "/account/second-factor"
    page = client.get("/account/second-factor")
    assert page.status_code == 200 and 'id="enrolment-required"' in page.text
    refused = client.get("/api/v1/certificates", headers=token)
    assert refused.status_code == 403 and refused.json["code"] == "second_factor_enrolment_required"
    worker_browser = app.test_client()
    worker_browser.post("/login", data={"account": app.extensions["vault"].reveal(worker.worker.id_ciphertext),
                                        "password": PASSWORD})
    assert worker_browser.get("/worker/").status_code == 200  # workers are not asked

    secret, _codes = enrol(client)

    assert client.get("/bureau/").status_code == 200
    status = client.get("/account/second-factor")
    assert 'id="cannot-disable"' in status.text and "disable-second-factor-form" not in status.text
    off = client.post("/account/second-factor/disable", data={"password": PASSWORD, "code": code_at(secret, 1)})
    assert off.status_code == 422 and "不能关闭" in off.text


def test_a_reset_password_is_changed_first_and_then_the_second_factor_is_set_up(client, db, make_user, required):
    officer = make_user("bureau_officer")
    security = make_user("admin", duty="security")
    temporary = reset_password(db.session(), officer, by=security)
    db.session.commit()

    password_step(client, officer, temporary)

    assert client.get("/bureau/").headers["Location"] == "/account/password"
    assert client.get("/account/second-factor").headers["Location"] == "/account/password"
    changed = client.post("/account/password", data={"current_password": temporary, "new_password": "a new passphrase",
                                                      "confirm_password": "a new passphrase"})
    assert changed.status_code == 302
    assert client.get(changed.headers["Location"]).headers["Location"] == "/account/second-factor"


def test_a_security_administrator_resets_it_and_the_user_enrols_again(app, make_user, db, required):
    officer = make_user("bureau_officer")
    security = make_user("admin", duty="security")
    system = make_user("admin")  # the system administrator does not manage accounts
    officer_browser = app.test_client()
    password_step(officer_browser, officer)
    secret, _codes = enrol(officer_browser)
    admin = app.test_client()
    password_step(admin, security)
    enrol(admin)  # administrators are asked too
    page = admin.get(f"/admin/users/{officer.id}")
    assert 'data-state="on"' in page.text and 'id="reset-second-factor-form"' in page.text

    other_admin = app.test_client()
    password_step(other_admin, system)
    enrol(other_admin)
    assert other_admin.post(f"/admin/users/{officer.id}/reset-second-factor").status_code == 403
    own = admin.post(f"/admin/users/{security.id}/reset-second-factor", follow_redirects=True)
    assert "不能重置自己的两步验证" in own.text
    done = admin.post(f"/admin/users/{officer.id}/reset-second-factor", follow_redirects=True)

    assert "已重置" in done.text and 'data-state="off"' in done.text
    assert db.session.get(SecondFactor, officer.id) is None
    assert officer_browser.get("/bureau/").headers["Location"].startswith("/login")  # signed out at once
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mfa.reset")).one()
    assert event.actor_id == security.id and event.entity_id == str(officer.id)
    again = app.test_client()
    assert password_step(again, officer).headers["Location"] == "/bureau/"  # the password alone, then enrolment
    assert again.get("/bureau/").headers["Location"] == "/account/second-factor"
    assert sign_in(app.test_client(), officer, code_at(secret, 1)).status_code == 302  # the old code: no step


def test_anyone_not_required_turns_it_off_with_the_password_and_a_code(app, client, make_user, db):
    clerk = make_user("institution_staff")
    password_step(client, clerk)
    secret, codes = enrol(client)

    wrong_password = client.post("/account/second-factor/disable", data={"password": "nope", "code": code_at(secret, 1)})
    wrong_code = client.post("/account/second-factor/disable", data={"password": PASSWORD, "code": "123456"})
    assert wrong_password.status_code == 422 and field_error(wrong_password.text, "password") == "密码不正确"
    assert wrong_code.status_code == 422 and field_error(wrong_code.text, "code") == "验证码不正确或已使用"
    assert db.session.get(SecondFactor, clerk.id) is not None

    off = client.post("/account/second-factor/disable", data={"password": PASSWORD, "code": codes[0]})

    assert off.status_code == 302
    assert "两步验证已关闭" in client.get(off.headers["Location"]).text
    assert db.session.get(SecondFactor, clerk.id) is None
    assert password_step(app.test_client(), clerk).headers["Location"] == "/institution/"
    assert "mfa.disabled" in db.session.scalars(select(AuditEvent.action)).all()


def test_turning_off_what_is_not_on_says_so(client, login, make_user):
    login(client, make_user("institution_staff"))

    response = client.post("/account/second-factor/disable", data={})

    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    assert "两步验证未启用，无需关闭" in client.get("/account/password").text
