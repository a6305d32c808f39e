"""Accounts: password policy, role bindings, sign-in with lock-out, server-side sessions, API tokens."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from credentials import AuthenticationFailed, ValidationFailed
from credentials.identity import check_character
from credentials.models import AdminDuty, BureauScope, Role, User, utcnow
from credentials.services.accounts import (
    authenticate,
    create_user,
    end_session,
    issue_api_token,
    resolve_api_token,
    resolve_session,
    revoke_api_token,
    start_session,
)
from credentials.services.workers import register_worker
from tests.conftest import PASSWORD

IDLE, ABSOLUTE = timedelta(minutes=30), timedelta(hours=12)


def new_user(db, **kwargs) -> User:
    kwargs.setdefault("password", PASSWORD)
    if kwargs["role"] is Role.ADMIN:
        kwargs.setdefault("admin_duty", AdminDuty.SECURITY)
    user = create_user(db.session(), by=None, **kwargs)
    db.session.commit()
    return user


def sign_in(db, vault, login, password=PASSWORD, **kwargs) -> User:
    try:
        return authenticate(db.session(), vault, login, password, **kwargs)
    finally:
        db.session.commit()  # as the views do: failed attempts are kept


# ------------------------------------------------------------------ password policy

@pytest.mark.parametrize(("password", "reason"), [
    ("short-pass1", "至少需要 12 个字符"),
    ("", "至少需要 12 个字符"),
    ("123456789012", "过于常见"),
    ("1234567890QWE", "过于常见"),  # the list is compared case-insensitively
    (" " * 12 + "a", "至少需要 12 个字符"),  # spaces do not count
    ("\t\n\u200b" * 4 + "ab", "至少需要 12 个字符"),  # nor tabs, newlines, zero-width characters
    ("aaaaaaaaaaaaaaaa", "至少需要 5 个不同的字符"),
    ("abababababab", "至少需要 5 个不同的字符"),
])
def test_password_policy_refuses_short_and_common_passwords(db, password, reason):
    with pytest.raises(ValidationFailed) as caught:
        new_user(db, role=Role.ADMIN, username="root", password=password)

    assert (caught.value.field, caught.value.code) == ("password", "password_policy")
    assert reason in caught.value.message("zh")
    assert db.session.scalar(select(User.id)) is None


def test_password_of_twelve_uncommon_characters_is_accepted_and_stored_hashed(db):
    user = new_user(db, role=Role.ADMIN, username="root", password="twelve-chars")  # noqa: S106

    assert user.password_hash.startswith("scrypt$") and "twelve-chars" not in user.password_hash


def test_a_passphrase_with_spaces_is_accepted(db):
    assert new_user(db, role=Role.ADMIN, username="root", password="lathe turner since 2009")  # noqa: S106


# ------------------------------------------------------------------ bindings

@pytest.fixture
def bindings(make_worker, make_institution):
    """Named pieces to bind an account to, built lazily per case."""
    return {"worker": make_worker, "institution": make_institution}


def resolve(bindings, spec: dict) -> dict:
    kwargs = dict(spec)
    for key in ("worker", "institution"):
        if kwargs.get(key) is True:
            kwargs[key] = bindings[key]()
    return kwargs


CITY, PROVINCE, MINISTRY = BureauScope.CITY, BureauScope.PROVINCE, BureauScope.MINISTRY


def officer(scope=None, region=None, **extra) -> dict:
    spec = {"role": Role.BUREAU_OFFICER, "username": "b", **extra}
    if scope is not None:
        spec["bureau_scope"] = scope
    if region is not None:
        spec["region_code"] = region
    return spec


def staff(**extra) -> dict:
    return {"role": Role.INSTITUTION_STAFF, "username": "s", **extra}


def admin(**extra) -> dict:
    return {"role": Role.ADMIN, "username": "a", "admin_duty": AdminDuty.SYSTEM, **extra}


@pytest.mark.parametrize("spec", [
    pytest.param({"role": Role.WORKER, "worker": True}, id="worker-with-worker"),
    pytest.param(staff(institution=True), id="staff-with-institution"),
    pytest.param(officer(CITY, "3205"), id="city-officer"),
    pytest.param(officer(PROVINCE, "32"), id="province-officer"),
    pytest.param(officer(MINISTRY), id="ministry-officer"),
    pytest.param(admin(), id="admin"),
])
def test_each_role_accepts_its_own_binding(db, bindings, spec):
    user = new_user(db, **resolve(bindings, spec))

    assert user.role is spec["role"]


@pytest.mark.parametrize(("spec", "field", "en"), [
    pytest.param({"role": Role.WORKER}, "role", "a worker account needs a worker",
                 id="worker-without-worker"),
    pytest.param({"role": Role.WORKER, "worker": True, "institution": True}, "role", "only institution staff",
                 id="worker-with-institution"),
    pytest.param(staff(), "role", "needs an institution", id="staff-without-institution"),
    pytest.param(staff(username=None, institution=True), "username", "Required", id="staff-without-username"),
    pytest.param(staff(institution=True, bureau_scope=MINISTRY), "role", "only bureau officers",
                 id="staff-with-scope"),
    pytest.param(officer(), "role", "needs a scope", id="officer-without-scope"),
    pytest.param(officer(CITY), "role", "valid city code", id="city-officer-without-city"),
    pytest.param(officer(CITY, "9999"), "role", "valid city code", id="city-officer-unknown-city"),
    pytest.param(officer(CITY, "32"), "role", "valid city code", id="city-officer-given-a-province"),
    pytest.param(officer(PROVINCE, "3205"), "role", "valid province code",
                 id="province-officer-given-a-city"),
    pytest.param(officer(MINISTRY, "32"), "role", "no region", id="ministry-officer-with-region"),
    pytest.param(officer(CITY, "3205", institution=True), "role", "only institution staff",
                 id="officer-with-institution"),
    pytest.param(admin(bureau_scope=CITY, region_code="3205"), "role", "only bureau officers",
                 id="admin-with-scope"),
    pytest.param(admin(region_code="3205"), "role", "only bureau officers", id="admin-with-region"),
])
def test_wrong_binding_for_the_role_is_refused(db, bindings, spec, field, en):
    with pytest.raises(ValidationFailed) as caught:
        new_user(db, **resolve(bindings, spec))

    assert caught.value.field == field
    assert en in caught.value.message("en")
    assert db.session.scalar(select(User.id)) is None


def test_username_is_unique(db):
    new_user(db, role=Role.ADMIN, username="root")

    with pytest.raises(ValidationFailed) as caught:
        new_user(db, role=Role.ADMIN, username="root")

    assert (caught.value.field, caught.value.code) == ("username", "username_taken")


# ------------------------------------------------------------------ authentication

@pytest.fixture
def worker_id_with_x(db, vault):
    """A worker (born 1980, so an old 15-digit form exists) whose ID ends in X, with an account."""
    for sequence in range(900):
        body = f"320505{date(1980, 2, 3):%Y%m%d}{sequence:03d}"
        if check_character(body) == "X":
            number = body + "X"
            break
    worker = register_worker(db.session(), vault, name="赵六", national_id=number, city_code="3205", by=None)
    new_user(db, role=Role.WORKER, worker=worker)
    return number


def test_staff_and_officers_sign_in_with_their_username(db, vault, make_user):
    user = make_user("admin", username="root")

    assert sign_in(db, vault, "  root ").id == user.id
    assert user.last_login_at is not None


@pytest.mark.parametrize("typed", [
    pytest.param(lambda n: n, id="as-issued"),
    pytest.param(lambda n: n.lower(), id="lower-case-x"),
    pytest.param(lambda n: n[:6] + n[8:17], id="old-15-digit-form"),
])
def test_workers_sign_in_with_their_national_id_however_typed(db, vault, worker_id_with_x, typed):
    user = sign_in(db, vault, typed(worker_id_with_x))

    assert user.role is Role.WORKER
    assert vault.reveal(user.worker.id_ciphertext) == worker_id_with_x


@pytest.mark.parametrize(("login", "password"), [
    pytest.param("root", "wrong-password-123", id="wrong-password"),
    pytest.param("nobody", PASSWORD, id="no-such-account"),
    pytest.param("320505199001011230", PASSWORD, id="no-such-national-id"),
    pytest.param("", PASSWORD, id="empty-account"),
])
def test_failed_sign_in_gives_one_generic_message(db, vault, make_user, login, password):
    make_user("admin", username="root")

    with pytest.raises(AuthenticationFailed) as caught:
        sign_in(db, vault, login, password)

    assert caught.value.code == "credentials"
    assert caught.value.message("zh") == "账号或密码不正确（连续输错 5 次后，须等待 15 分钟再试）"
    assert caught.value.message("en") == "Wrong account or password (after 5 failures in a row, wait 15 minutes before trying again)"


def test_disabled_account_cannot_sign_in_even_with_the_right_password(db, vault, make_user):
    user = make_user("admin", username="root")
    user.is_active = False
    db.session.commit()

    with pytest.raises(AuthenticationFailed) as caught:
        sign_in(db, vault, "root")

    assert caught.value.code == "credentials"


def test_five_failures_make_that_client_wait_and_the_wait_answers_like_a_wrong_password(db, vault, make_user):
    make_user("admin", username="root")
    start = utcnow()
    for attempt in range(5):
        with pytest.raises(AuthenticationFailed) as caught:
            sign_in(db, vault, "root", "wrong-password-123", client="203.0.113.9", now=start + timedelta(seconds=attempt))
        assert caught.value.code == "credentials"

    with pytest.raises(AuthenticationFailed) as caught:  # even the right password waits, and says nothing more
        sign_in(db, vault, "root", client="203.0.113.9", now=start + timedelta(minutes=14))
    assert caught.value.code == "credentials"

    assert sign_in(db, vault, "root", client="203.0.113.9", now=start + timedelta(minutes=16)).username == "root"


def test_a_stranger_cannot_lock_the_owner_out(db, vault, make_user):
    """Five requests used to lock any account, the administrator's included."""
    make_user("admin", username="root")
    for _ in range(20):
        with pytest.raises(AuthenticationFailed):
            sign_in(db, vault, "root", "wrong-password-123", client="198.51.100.66")

    assert sign_in(db, vault, "root", client="192.0.2.10").username == "root"


def test_an_account_that_does_not_exist_is_throttled_exactly_like_one_that_does(db, vault, make_user):
    make_user("admin", username="root")
    start = utcnow()
    for account in ("root", "nobody-here"):
        for attempt in range(6):
            with pytest.raises(AuthenticationFailed) as caught:
                sign_in(db, vault, account, "wrong-password-123", client="203.0.113.9",
                        now=start + timedelta(seconds=attempt))
            assert (caught.value.code, caught.value.message("zh")) == (
                "credentials", "账号或密码不正确（连续输错 5 次后，须等待 15 分钟再试）")


def test_each_failure_after_a_wait_doubles_the_next_wait(db, vault, make_user):
    make_user("admin", username="root")
    start = utcnow()
    for attempt in range(5):
        with pytest.raises(AuthenticationFailed):
            sign_in(db, vault, "root", "wrong-password-123", client="c", now=start + timedelta(seconds=attempt))
    with pytest.raises(AuthenticationFailed):  # the first wait (15 minutes) is over: a sixth failure
        sign_in(db, vault, "root", "wrong-password-123", client="c", now=start + timedelta(minutes=16))

    with pytest.raises(AuthenticationFailed):  # now 30 minutes from then
        sign_in(db, vault, "root", client="c", now=start + timedelta(minutes=16 + 29))
    assert sign_in(db, vault, "root", client="c", now=start + timedelta(minutes=16 + 31)).username == "root"


def test_an_administrator_lifts_every_wait_on_an_account(db, vault, make_user):
    from credentials.services.accounts import lift_throttles

    user = make_user("admin", username="root")
    for client in ("a", "b"):
        for _ in range(5):
            with pytest.raises(AuthenticationFailed):
                sign_in(db, vault, "root", "wrong-password-123", client=client)

    assert lift_throttles(db.session(), vault, user, by=make_user("admin")) == 2
    db.session.commit()
    assert sign_in(db, vault, "root", client="a").username == "root"


def test_four_failures_do_not_wait_and_a_success_resets_the_count(db, vault, make_user):
    user = make_user("admin", username="root")
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            sign_in(db, vault, "root", "wrong-password-123")

    sign_in(db, vault, "root")

    assert (user.failed_logins, user.locked_until) == (0, None)
    for _ in range(4):  # the count started again
        with pytest.raises(AuthenticationFailed):
            sign_in(db, vault, "root", "wrong-password-123")
    assert sign_in(db, vault, "root").username == "root"


# ------------------------------------------------------------------ server-side sessions

@pytest.fixture
def session_token(db, make_user):
    user = make_user("admin")
    token = start_session(db.session(), user)
    db.session.commit()
    return user, token, utcnow()


def resolve_at(db, token, now):
    user = resolve_session(db.session(), token, idle=IDLE, absolute=ABSOLUTE, now=now)
    db.session.commit()
    return user


def test_session_token_resolves_to_its_user(db, session_token):
    user, token, start = session_token

    assert resolve_at(db, token, start + timedelta(minutes=5)).id == user.id
    assert resolve_at(db, "not-a-token", start) is None


def test_session_ends_after_idle_time_and_stays_ended(db, session_token):
    _, token, start = session_token

    assert resolve_at(db, token, start + timedelta(minutes=31)) is None
    assert resolve_at(db, token, start + timedelta(minutes=32)) is None  # revoked, not just stale


def test_session_in_use_ends_at_the_absolute_timeout(db, session_token):
    _, token, start = session_token
    step = timedelta(minutes=25)  # always inside the idle window

    moments = [start + step * n for n in range(1, 30)]
    alive = [resolve_at(db, token, moment) is not None for moment in moments]

    assert alive == [moment - start <= ABSOLUTE for moment in moments]
    assert alive[-1] is False and all(alive[:-1])


def test_ended_session_no_longer_resolves(db, session_token):
    _, token, start = session_token

    end_session(db.session(), token)
    db.session.commit()

    assert resolve_at(db, token, start + timedelta(seconds=1)) is None


def test_session_of_a_disabled_account_no_longer_resolves(db, session_token):
    user, token, start = session_token
    user.is_active = False
    db.session.commit()

    assert resolve_at(db, token, start) is None


# ------------------------------------------------------------------ API tokens

def test_api_token_resolves_until_it_expires(db, make_user):
    user = make_user("admin")
    raw, token = issue_api_token(db.session(), user, hours=2)
    db.session.commit()

    assert resolve_api_token(db.session(), raw).id == user.id
    assert raw not in token.token_hash and len(raw) >= 43  # 256 bits, stored only as a digest
    with pytest.raises(AuthenticationFailed) as caught:
        resolve_api_token(db.session(), raw, now=utcnow() + timedelta(hours=2, seconds=1))
    assert caught.value.code == "token"


def test_revoked_api_token_is_refused(db, make_user):
    user = make_user("admin")
    raw, _ = issue_api_token(db.session(), user, hours=2)
    other, _ = issue_api_token(db.session(), user, hours=2)
    revoke_api_token(db.session(), raw)
    db.session.commit()

    with pytest.raises(AuthenticationFailed):
        resolve_api_token(db.session(), raw)
    assert resolve_api_token(db.session(), other).id == user.id  # only that token


def test_unknown_api_token_is_refused(db):
    with pytest.raises(AuthenticationFailed):
        resolve_api_token(db.session(), "made-up-token")
