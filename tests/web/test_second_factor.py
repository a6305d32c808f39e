"""Two-step verification (issue 12, control 1): enrolment through the account page, the sign-in's second step
(no session before the code), replay refused, recovery codes single use, failures throttled with one answer, and
the API's token asking for a code too."""

from __future__ import annotations

from sqlalchemy import func, select

from credentials.models import AuditEvent, RecoveryCode, SecondFactor
from tests.conftest import PASSWORD
from tests.web.html import field_error
from tests.web.second_factor_steps import code_at, enrol, password_step, recovery_codes_on, secret_on, sign_in

REFUSED = "验证码不正确或已使用（连续输错 5 次后，须等待 15 分钟再试）"


def actions(db, user) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "user", AuditEvent.entity_id == str(user.id), AuditEvent.action.like("mfa.%"))
        .order_by(AuditEvent.id)))


def test_enrolment_shows_a_qr_code_and_the_secret_and_the_first_code_turns_it_on(client, login, make_user, db):
    officer = make_user("bureau_officer")
    login(client, officer)
    assert 'id="second-factor-link"' in client.get("/account/password").text  # reached from the account area

    page = client.get("/account/second-factor")
    assert '<svg role="img"' in page.text and 'class="qr"' in page.text  # inline SVG, no script
    secret = secret_on(page.text)
    assert len(secret) == 32
    assert secret_on(client.get("/account/second-factor").text) == secret  # a reload keeps what was scanned
    wrong = client.post("/account/second-factor", data={"code": "000000" if code_at(secret) != "000000" else "111111"})
    assert wrong.status_code == 422
    assert "验证码不正确" in field_error(wrong.text, "code")

    secret_again, codes = enrol(client)

    assert secret_again == secret
    assert len(set(codes)) == 10
    factor = db.session.get(SecondFactor, officer.id)
    assert factor.confirmed_at is not None and secret not in factor.secret_sealed  # sealed at rest
    digests = db.session.scalars(select(RecoveryCode.code_digest).where(RecoveryCode.user_id == officer.id)).all()
    assert len(digests) == 10 and not {c.replace("-", "") for c in codes} & set(digests)  # only keyed digests
    status = client.get("/account/second-factor")
    assert 'id="codes-left">10<' in status.text
    assert secret not in status.text and "totp-secret" not in status.text  # never shown again
    assert actions(db, officer) == ["mfa.enrolled"]


def test_the_password_alone_opens_no_session_and_the_code_does(app, client, make_user, db):
    officer = make_user("bureau_officer")
    signed_in = app.test_client()
    password_step(signed_in, officer)
    secret, _codes = enrol_fresh(app, officer)

    step = password_step(client, officer)

    assert step.headers["Location"] == "/login/second-factor"
    assert client.get("/bureau/").headers["Location"].startswith("/login")  # nothing opens yet
    assert client.get("/api/v1/certificates").status_code == 401
    wrong = client.post("/login/second-factor", data={"code": "12345"})
    assert wrong.status_code == 401 and field_error(wrong.text, "code") == REFUSED
    right = client.post("/login/second-factor", data={"code": code_at(secret, 1)})
    assert right.status_code == 302 and right.headers["Location"] == "/bureau/"
    assert client.get("/bureau/").status_code == 200
    assert actions(db, officer)[-2:] == ["mfa.failed", "mfa.verified"]


def enrol_fresh(app, user) -> tuple[str, list[str]]:
    """Enrol `user` from a browser of their own (signed in with the password alone: not enrolled yet)."""
    browser = app.test_client()
    password_step(browser, user)
    return enrol(browser)


def test_a_code_is_accepted_once(app, make_user):
    officer = make_user("bureau_officer")
    secret, _codes = enrol_fresh(app, officer)
    code = code_at(secret, 1)

    first = sign_in(app.test_client(), officer, code)
    replayed = sign_in(app.test_client(), officer, code)
    enrolment_code = sign_in(app.test_client(), officer, code_at(secret))  # older than the last one used

    assert first.status_code == 302
    assert replayed.status_code == 401 and field_error(replayed.text, "code") == REFUSED
    assert enrolment_code.status_code == 401 and field_error(enrolment_code.text, "code") == REFUSED


def test_a_recovery_code_works_once(app, make_user, db):
    officer = make_user("bureau_officer")
    _secret, codes = enrol_fresh(app, officer)
    browser = app.test_client()

    used = sign_in(browser, officer, codes[3].upper().replace("-", " "))  # as typed: case and spacing do not matter
    again = sign_in(app.test_client(), officer, codes[3])

    assert used.status_code == 302
    assert "还剩 9 个" in browser.get("/bureau/").text
    assert again.status_code == 401 and field_error(again.text, "code") == REFUSED
    assert sign_in(app.test_client(), officer, codes[4]).status_code == 302
    assert actions(db, officer).count("mfa.recovery_used") == 2


def test_failures_are_throttled_alike_and_a_correct_password_does_not_clear_them(app, make_user, db, vault):
    from credentials.services.accounts import lift_throttles

    officer = make_user("bureau_officer")
    secret, _codes = enrol_fresh(app, officer)
    client = app.test_client()
    for _ in range(5):
        assert sign_in(client, officer, "999999" if code_at(secret, 1) != "999999" else "888888").status_code == 401

    waiting = sign_in(client, officer, code_at(secret, 1))  # the right code, during the wait, with a new password step

    assert waiting.status_code == 401 and field_error(waiting.text, "code") == REFUSED
    failed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mfa.failed")
                                .order_by(AuditEvent.id)).all()
    assert [event.after["reason"] for event in failed][-2:] == ["wrong_code", "waiting"]
    assert "user.throttled" in [e.action for e in db.session.scalars(select(AuditEvent))]

    security = make_user("admin", duty="security")
    lift_throttles(db.session(), vault, officer, by=security)  # the administrator's unlock lifts this wait too
    db.session.commit()
    assert sign_in(client, officer, code_at(secret, 1)).status_code == 302


def test_the_pending_step_expires(app, client, make_user):
    officer = make_user("bureau_officer")
    secret, _codes = enrol_fresh(app, officer)
    password_step(client, officer)
    with client.session_transaction() as cookie:
        cookie["second_step"]["since"] -= 301
        cookie.modified = True

    late = client.post("/login/second-factor", data={"code": code_at(secret, 1)})

    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert client.get("/bureau/").status_code == 302


def test_an_api_token_needs_a_code_too(app, client, make_user):
    officer = make_user("bureau_officer")
    secret, codes = enrol_fresh(app, officer)
    body = {"account": officer.username, "password": PASSWORD}

    missing = client.post("/api/v1/auth/token", json=body)
    wrong = client.post("/api/v1/auth/token", json=body | {"code": "not-a-code"})
    wrong_password = client.post("/api/v1/auth/token", json=body | {"password": "nope", "code": code_at(secret, 1)})
    issued = client.post("/api/v1/auth/token", json=body | {"code": code_at(secret, 1)})
    replayed = client.post("/api/v1/auth/token", json=body | {"code": code_at(secret, 1)})
    by_recovery = client.post("/api/v1/auth/token", json=body | {"code": codes[0]})

    assert missing.status_code == 401 and missing.json["code"] == "second_factor_required"
    assert wrong.status_code == 401 and wrong.json["code"] == "second_factor"
    assert wrong_password.status_code == 401 and wrong_password.json["code"] == "credentials"
    assert issued.status_code == 201
    assert replayed.status_code == 401
    assert {k: v for k, v in replayed.json.items() if k != "request_id"} == {
        k: v for k, v in wrong.json.items() if k != "request_id"}  # a replay answers like a wrong code
    assert by_recovery.status_code == 201
    assert client.get("/api/v1/certificates", headers={"Authorization": f"Bearer {issued.json['access_token']}"}).status_code == 200


def test_an_account_without_a_second_factor_signs_in_as_before(client, login, make_user):
    officer = make_user("bureau_officer")
    assert login(client, officer).headers["Location"] == "/bureau/"
    assert client.post("/api/v1/auth/token", json={"account": officer.username, "password": PASSWORD}).status_code == 201


def test_the_pages_speak_english_too(app, client, make_user):
    officer = make_user("bureau_officer")
    secret, _codes = enrol_fresh(app, officer)
    client.get("/lang/en")
    password_step(client, officer)

    step = client.get("/login/second-factor")
    refused = client.post("/login/second-factor", data={"code": "12345"})
    client.post("/login/second-factor", data={"code": code_at(secret, 1)})
    status = client.get("/account/second-factor")

    assert "Password accepted" in step.text and "Verify and sign in" in step.text
    assert field_error(refused.text, "code").startswith("Wrong or already used code")
    assert "Recovery codes left" in status.text and "Turn off two-step verification" in status.text


def test_new_recovery_codes_replace_the_old_ones_with_the_password_and_a_code_from_the_app(app, client, make_user,
                                                                                         db):
    clerk = make_user("institution_staff")
    password_step(client, clerk)
    secret, old = enrol(client)
    assert 'id="renew-codes-form"' in client.get("/account/second-factor").text

    def renew(password, code):
        return client.post("/account/second-factor/recovery-codes", data={"renew-password": password,
                                                                         "renew-code": code})

    wrong_password = renew("nope", code_at(secret, 1))
    by_recovery_code = renew(PASSWORD, old[0])  # one found code must not buy a whole new set
    renewed = renew(PASSWORD, code_at(secret, 1))
    new = recovery_codes_on(renewed.text)

    assert wrong_password.status_code == 422 and field_error(wrong_password.text, "renew-password") == "密码不正确"
    assert by_recovery_code.status_code == 422
    assert "恢复码不能用于此处" in field_error(by_recovery_code.text, "renew-code")
    assert renewed.status_code == 200 and "旧的恢复码已全部作废" in renewed.text
    assert len(new) == 10 and not set(new) & set(old)
    assert sign_in(app.test_client(), clerk, old[1]).status_code == 401
    assert sign_in(app.test_client(), clerk, new[0]).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == clerk.id)) == 10
    assert actions(db, clerk)[-3:] == ["mfa.recovery_renewed", "mfa.failed", "mfa.recovery_used"]


def test_recovery_codes_are_renewed_only_where_the_second_factor_is_on(client, login, make_user):
    login(client, make_user("institution_staff"))

    answer = client.post("/account/second-factor/recovery-codes", data={"renew-password": PASSWORD,
                                                                        "renew-code": "123456"})

    assert answer.status_code == 302 and answer.headers["Location"] == "/account/second-factor"
