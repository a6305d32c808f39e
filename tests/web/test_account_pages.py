"""/account/password: every role changes their own password from the header; a password an administrator
reset is changed before any other page opens, and before the API answers."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from credentials.models import AuditEvent
from credentials.services.accounts import reset_password
from tests.conftest import PASSWORD
from tests.web.html import field_error

NEW_PASSWORD = "a brand new passphrase"  # noqa: S105 - test credential
HOMES = {"worker": "/worker/", "institution_staff": "/institution/", "bureau_officer": "/bureau/", "admin": "/admin/"}


def change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post("/account/password", data={"current_password": current, "new_password": new,
                                                   "confirm_password": new if confirm is None else confirm})


@pytest.mark.parametrize("role", sorted(HOMES))
def test_every_role_reaches_the_page_from_the_header_and_changes_their_password(app, client, login, make_user,
                                                                                 vault, role):
    user = make_user(role)
    login(client, user)
    home = client.get(HOMES[role])
    assert 'href="/account/password"' in home.text.split("<main")[0]  # in the header

    response = change(client)

    assert response.status_code == 302 and response.headers["Location"] == HOMES[role]
    assert "密码已修改" in client.get(HOMES[role]).text
    account = vault.reveal(user.worker.id_ciphertext) if user.worker is not None else user.username
    old = app.test_client().post("/login", data={"account": account, "password": PASSWORD})
    assert old.status_code == 401
    login(app.test_client(), user, password=NEW_PASSWORD)


def test_the_change_keeps_this_browser_and_signs_out_every_other(app, login, make_user):
    user = make_user("bureau_officer")
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)

    assert change(here).status_code == 302

    assert here.get("/bureau/").status_code == 200
    gone = elsewhere.get("/bureau/")
    assert gone.status_code == 302 and gone.headers["Location"].startswith("/login")


def test_the_change_revokes_the_api_tokens(client, login, make_user, api_token):
    user = make_user("institution_staff")
    headers = api_token(user)
    login(client, user)

    change(client)

    assert client.get("/api/v1/workers", headers=headers).status_code == 401


@pytest.mark.parametrize(("current", "new", "confirm", "field", "says"), [
    ("not-my-password!", NEW_PASSWORD, None, "current_password", "当前密码不正确"),
    (PASSWORD, NEW_PASSWORD, "a different passphrase", "confirm_password", "两次输入的新密码不一致"),
    (PASSWORD, "short pass", None, "new_password", "至少需要 12 个字符"),
    (PASSWORD, PASSWORD, None, "new_password", "不能与当前密码相同"),
])
def test_a_refused_change_says_why_beside_the_field(client, login, make_user, current, new, confirm, field, says):
    login(client, make_user("admin"))

    response = change(client, current, new, confirm)

    assert response.status_code == 422
    assert says in field_error(response.text, field)
    assert 'id="error-summary"' in response.text


def test_the_audit_keeps_the_change_and_never_the_password(client, db, login, make_user):
    user = make_user("worker")
    login(client, user)

    change(client)

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account.password_changed")).one()
    assert event.actor_id == user.id and event.entity_id == str(user.id)
    everything = json.dumps([[e.before, e.after] for e in db.session.scalars(select(AuditEvent))], ensure_ascii=False)
    assert NEW_PASSWORD not in everything and PASSWORD not in everything


@pytest.fixture
def reset_staff(db, make_user):
    """An institution clerk whose password an administrator reset: returns (user, temporary password)."""
    staff = make_user("institution_staff")
    temporary = reset_password(db.session(), staff, by=make_user("admin", duty="security"))
    db.session.commit()
    return staff, temporary


def test_a_reset_password_sends_every_page_to_the_change_until_it_is_changed(client, login, reset_staff):
    staff, temporary = reset_staff
    landed = login(client, staff, password=temporary)
    assert landed.headers["Location"] == "/institution/"

    for path in ("/institution/", "/institution/workers", "/verify", "/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/password", path
    page = client.get("/account/password")
    assert page.status_code == 200 and 'id="must-change"' in page.text

    assert change(client, current=temporary).status_code == 302
    assert client.get("/institution/workers").status_code == 200


def test_a_reset_password_is_refused_by_the_api_with_a_problem(client, login, reset_staff, api_token):
    staff, temporary = reset_staff
    headers = api_token(staff, password=temporary)

    refused = client.get("/api/v1/workers", headers=headers)

    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "password_change_required"
    assert client.get("/api/v1/ladder/graph", headers=headers).status_code == 200  # public reading stays open

    login(client, staff, password=temporary)
    change(client, current=temporary)
    headers = api_token(staff, password=NEW_PASSWORD)
    assert client.get("/api/v1/workers", headers=headers).status_code == 200


def test_a_user_who_must_change_may_still_sign_out(client, login, reset_staff):
    staff, temporary = reset_staff
    login(client, staff, password=temporary)

    response = client.post("/logout")

    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_the_page_fits_a_phone_form(client, login, make_user):
    """Phone first: one column, the fields labelled and typed for password managers."""
    login(client, make_user("worker"))
    page = client.get("/account/password").text
    assert 'autocomplete="current-password"' in page and page.count('autocomplete="new-password"') == 2
    assert 'name="viewport"' in page and "panel--narrow" in page
