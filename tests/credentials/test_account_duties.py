"""Account duties (issue 12): a user changes their own password, an administrator disables, enables and resets
accounts; sign-ins, refusals and lock-outs land in the audit trail without the password or the typed account."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from credentials import AuthenticationFailed, ValidationFailed
from credentials.errors import Conflict, Forbidden
from credentials.models import AdminDuty, ApiToken, AuditEvent, LoginSession, Role, User
from credentials.passwords import check_password_policy, verify_password
from credentials.services.accounts import (
    authenticate,
    change_password,
    disable_user,
    enable_user,
    generate_temporary_password,
    issue_api_token,
    reset_password,
    resolve_api_token,
    resolve_session,
    start_session,
)
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase"  # noqa: S105 - test credential
IDLE, ABSOLUTE = timedelta(minutes=30), timedelta(hours=12)


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def trail_text(db) -> str:
    """Everything the trail holds, as one string: what must never contain a password."""
    return json.dumps([[e.entity_id, e.before, e.after] for e in db.session.scalars(select(AuditEvent))],
                      ensure_ascii=False)


def live(db, token: str) -> bool:
    return resolve_session(db.session(), token, idle=IDLE, absolute=ABSOLUTE) is not None


@pytest.fixture
def admin(make_user):
    return make_user("admin", duty="security")


# ------------------------------------------------------------------ change my password

def test_changing_my_password_ends_my_other_sessions_and_tokens_but_keeps_this_one(db, make_user):
    user = make_user("institution_staff")
    here, elsewhere = start_session(db.session(), user), start_session(db.session(), user)
    raw, _token = issue_api_token(db.session(), user, hours=1)
    db.session.commit()

    change_password(db.session(), user, current_password=PASSWORD, new_password=NEW_PASSWORD, keep_session=here)
    db.session.commit()

    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert live(db, here) and not live(db, elsewhere)
    with pytest.raises(AuthenticationFailed):
        resolve_api_token(db.session(), raw)
    [event] = events(db, "account.password_changed")
    assert event.actor_id == user.id and event.after["other_sessions_ended"] == 1
    assert event.after["api_tokens_revoked"] == 1
    assert NEW_PASSWORD not in trail_text(db) and PASSWORD not in trail_text(db)


@pytest.mark.parametrize(("current", "new", "field", "says"), [
    ("not-my-password!", NEW_PASSWORD, "current_password", "当前密码不正确"),
    (PASSWORD, "short", "new_password", "至少需要 12 个字符"),
    (PASSWORD, "123456789012", "new_password", "过于常见"),
    (PASSWORD, PASSWORD, "new_password", "不能与当前密码相同"),
])
def test_a_password_change_is_refused_at_the_field_that_is_wrong(db, make_user, current, new, field, says):
    user = make_user("bureau_officer")
    before = user.password_hash

    with pytest.raises(ValidationFailed) as refused:
        change_password(db.session(), user, current_password=current, new_password=new)

    assert refused.value.field == field and says in refused.value.message("zh")
    assert user.password_hash == before


# ------------------------------------------------------------------ reset by an administrator

def test_a_reset_password_must_be_changed_and_signs_everyone_out(db, admin, make_user, vault):
    worker = make_user("worker")
    token = start_session(db.session(), worker)
    db.session.commit()

    temporary = reset_password(db.session(), worker, by=admin)
    db.session.commit()

    assert worker.must_change_password and not live(db, token)
    check_password_policy(temporary)  # what was generated passes the policy it imposes on others
    national_id = vault.reveal(worker.worker.id_ciphertext)
    assert authenticate(db.session(), vault, national_id, temporary).id == worker.id
    [event] = events(db, "account.password_reset")
    assert (event.actor_id, event.before, event.after["generated"]) == (admin.id, {"must_change_password": False},
                                                                         True)
    assert temporary not in trail_text(db)

    change_password(db.session(), worker, current_password=temporary, new_password=NEW_PASSWORD)
    assert not worker.must_change_password


def test_an_administrator_may_set_the_temporary_password_but_it_meets_the_policy(db, admin, make_user):
    staff = make_user("institution_staff")

    with pytest.raises(ValidationFailed) as refused:
        reset_password(db.session(), staff, by=admin, temporary="short")
    assert refused.value.field == "temporary_password"

    assert reset_password(db.session(), staff, by=admin, temporary="  handed over by phone  ") == "handed over by phone"
    assert events(db, "account.password_reset")[0].after["generated"] is False


def test_generated_passwords_differ_and_read_aloud_without_ambiguous_characters():
    drawn = {generate_temporary_password() for _ in range(20)}
    assert len(drawn) == 20
    assert not set("".join(drawn)) & set("ilo01IO")


def test_only_an_administrator_resets_and_never_their_own(db, admin, make_user):
    officer, staff = make_user("bureau_officer"), make_user("institution_staff")
    with pytest.raises(Forbidden):
        reset_password(db.session(), staff, by=officer)
    with pytest.raises(ValidationFailed):
        reset_password(db.session(), admin, by=admin)


# ------------------------------------------------------------------ disable and enable

def test_disabling_ends_every_session_and_token_at_once_and_is_audited(db, admin, make_user):
    staff = make_user("institution_staff")
    sessions = [start_session(db.session(), staff) for _ in range(2)]
    raw, _token = issue_api_token(db.session(), staff, hours=8)
    db.session.commit()

    disable_user(db.session(), staff, by=admin, reason="  离职   交接完毕 ")
    db.session.commit()

    assert not staff.is_active
    assert db.session.scalar(select(LoginSession.id).where(LoginSession.user_id == staff.id,
                                                           LoginSession.revoked_at.is_(None))) is None
    assert db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == staff.id,
                                                       ApiToken.revoked_at.is_(None))) is None
    assert not any(live(db, token) for token in sessions)
    [event] = events(db, "account.disabled")
    assert event.before == {"is_active": True}
    assert event.after == {"is_active": False, "reason": "离职 交接完毕", "sessions_ended": 2, "api_tokens_revoked": 1}


def test_a_disabled_account_is_refused_exactly_like_a_wrong_password(db, admin, make_user, vault):
    staff = make_user("institution_staff")
    disable_user(db.session(), staff, by=admin, reason="离职")
    db.session.commit()

    refusals = []
    for password in (PASSWORD, "not-the-password!"):
        with pytest.raises(AuthenticationFailed) as refused:
            authenticate(db.session(), vault, staff.username, password, client="192.0.2.1")
        refusals.append((refused.value.code, refused.value.message("zh"), refused.value.status))
    with pytest.raises(AuthenticationFailed) as unknown:
        authenticate(db.session(), vault, "nobody-at-all", PASSWORD, client="192.0.2.1")

    assert refusals[0] == refusals[1] == (unknown.value.code, unknown.value.message("zh"), unknown.value.status)


@pytest.mark.parametrize("reason", ["", "   "])
def test_disabling_needs_a_reason(db, admin, make_user, reason):
    with pytest.raises(ValidationFailed) as refused:
        disable_user(db.session(), make_user("bureau_officer"), by=admin, reason=reason)
    assert (refused.value.field, refused.value.code) == ("reason", "required")


def test_nobody_disables_themselves(db, admin):
    with pytest.raises(ValidationFailed) as refused:
        disable_user(db.session(), admin, by=admin, reason="测试")
    assert "不能停用自己的账号" in refused.value.message("zh")
    assert admin.is_active


def test_the_last_active_administrator_stays_even_when_two_disable_each_other_at_once(db, make_user):
    """A and B disable each other at the same moment: B's request, loaded before A's change was committed, still
    holds B as an active administrator. The count of the others is read (and locked) afresh, so B is refused."""
    first, second = make_user("admin", duty="security"), make_user("admin", duty="security")
    as_seen_by_second = User(id=second.id, role=Role.ADMIN, admin_duty=AdminDuty.SECURITY, is_active=True)  # stale
    disable_user(db.session(), second, by=first, reason="交接")
    db.session.commit()

    with pytest.raises(ValidationFailed) as refused:
        disable_user(db.session(), first, by=as_seen_by_second, reason="交接")

    assert "最后一个有效的安全管理员" in refused.value.message("zh")
    assert first.is_active


def test_enabling_lets_the_account_sign_in_again_with_its_password(db, admin, make_user, vault):
    staff = make_user("institution_staff")
    disable_user(db.session(), staff, by=admin, reason="误停")
    enable_user(db.session(), staff, by=admin)
    db.session.commit()

    assert authenticate(db.session(), vault, staff.username, PASSWORD).id == staff.id
    [event] = events(db, "account.enabled")
    assert (event.before, event.after) == ({"is_active": False}, {"is_active": True})
    with pytest.raises(Conflict):
        enable_user(db.session(), staff, by=admin)


def test_only_an_active_administrator_disables(db, make_user):
    staff, officer = make_user("institution_staff"), make_user("bureau_officer")
    with pytest.raises(Forbidden):
        disable_user(db.session(), staff, by=officer, reason="越权")
    assert staff.is_active


# ------------------------------------------------------------------ sign-ins in the security trail

def test_a_successful_sign_in_is_recorded(db, make_user, vault):
    user = make_user("bureau_officer")
    authenticate(db.session(), vault, user.username, PASSWORD, client="198.51.100.7")

    [event] = events(db, "auth.signed_in")
    assert (event.actor_id, event.entity_type, event.entity_id) == (user.id, "user", str(user.id))
    assert event.after["client"] == "198.51.100.7"


def test_a_refused_sign_in_keeps_neither_password_nor_what_was_typed(db, make_user, vault):
    """Someone types their password into the account box: the trail keeps only the throttle's keyed digest."""
    typed = "MySecretPass-2024"
    with pytest.raises(AuthenticationFailed):
        authenticate(db.session(), vault, typed, "another-secret-77", client="198.51.100.7")
    db.session.commit()

    [event] = events(db, "auth.sign_in_failed")
    digest = vault.keyed_digest("login-account", typed.upper())
    assert (event.entity_type, event.entity_id, event.after["account_digest"]) == ("login", digest, digest)
    assert event.after["reason"] == "unknown_account"
    text = trail_text(db)
    assert typed not in text and typed.upper() not in text and "another-secret-77" not in text


def test_failures_and_the_lock_out_they_cause_are_recorded_per_account(db, make_user, vault):
    user = make_user("admin")
    for _ in range(6):
        with pytest.raises(AuthenticationFailed):
            authenticate(db.session(), vault, user.username, "wrong-password-123", client="203.0.113.9")
        db.session.commit()

    failures = events(db, "auth.sign_in_failed")
    assert [e.after["reason"] for e in failures] == ["wrong_password"] * 5 + ["waiting"]
    assert [e.after["wait_minutes"] for e in failures][3:5] == [None, 15]
    assert all(e.entity_id == str(user.id) for e in failures)
    assert events(db, "user.throttled")[0].after == {"failures": 5, "wait_minutes": 15}
    assert "wrong-password-123" not in trail_text(db)


def test_a_disabled_account_signing_in_is_recorded_as_such(db, admin, make_user, vault):
    staff = make_user("institution_staff")
    disable_user(db.session(), staff, by=admin, reason="离职")
    with pytest.raises(AuthenticationFailed):
        authenticate(db.session(), vault, staff.username, PASSWORD)

    [event] = events(db, "auth.sign_in_failed")
    assert (event.entity_id, event.after["reason"]) == (str(staff.id), "disabled")
