"""Accounts: creation, sign-in with lock-out, server-side sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session, joinedload

from ladder.i18n import Text

from ..errors import AuthenticationFailed, Conflict, Forbidden, ValidationFailed
from ..identity import InvalidNationalId
from ..models import (
    AdminDuty,
    ApiToken,
    BureauScope,
    City,
    Institution,
    LoginSession,
    LoginThrottle,
    Province,
    Role,
    User,
    Worker,
    utcnow,
)
from ..passwords import check_password_policy, dummy_hash, hash_password, verify_password
from ..permissions import may_manage_accounts
from ..queries.accounts import active_admins
from ..vault import PersonalDataVault
from .audit import record


def create_user(
    session: Session,
    *,
    role: Role,
    password: str,
    username: str | None = None,
    display_name: str | None = None,
    worker: Worker | None = None,
    institution: Institution | None = None,
    bureau_scope: BureauScope | None = None,
    region_code: str | None = None,
    admin_duty: AdminDuty | None = None,
    by: User | None,
) -> User:
    if by is not None:  # a security administrator; None is the command line, the seed, a worker's activation
        _check_manager(by)
    check_password_policy(password)
    _check_binding(session, role, username, worker, institution, bureau_scope, region_code, admin_duty)
    if username and session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValidationFailed("username_taken", field="username", username=username)
    user = User(
        role=role, username=username, password_hash=hash_password(password),
        display_name=display_name or (worker.name if worker else username),
        worker=worker, institution=institution, bureau_scope=bureau_scope, region_code=region_code, admin_duty=admin_duty)
    session.add(user)
    session.flush()
    record(session, actor=by, action="user.created", entity_type="user", entity_id=user.id,
           after={"role": role.value, "username": username, "institution_id": user.institution_id, "region": region_code,
                  "scope": bureau_scope and bureau_scope.value, "admin_duty": admin_duty and admin_duty.value})
    return user


def _check_binding(session: Session, role: Role, username: str | None, worker: Worker | None,
                   institution: Institution | None, scope: BureauScope | None, region: str | None,
                   duty: AdminDuty | None) -> None:
    def fail(zh: str, en: str) -> NoReturn:
        raise ValidationFailed("binding", field="role", reason=(zh, en))

    if (role is Role.ADMIN) != (duty is not None):
        fail("管理员账号须有且只有一项职责（系统、安全或审计）", "an administrator holds exactly one duty")
    if role is Role.WORKER:
        if worker is None:
            fail("劳动者账号必须关联劳动者", "a worker account needs a worker")
    elif not username:
        raise ValidationFailed("required", field="username")
    if role is Role.INSTITUTION_STAFF and institution is None:
        fail("机构人员账号必须关联机构", "an institution staff account needs an institution")
    if role is not Role.INSTITUTION_STAFF and institution is not None:
        fail("只有机构人员账号关联机构", "only institution staff are bound to an institution")
    if role is Role.BUREAU_OFFICER:
        if scope is None:
            fail("人社局账号需要管辖范围", "a bureau officer needs a scope")
        if scope is BureauScope.CITY and (region is None or session.get(City, region) is None):
            fail("市级账号需要有效的城市代码", "a city officer needs a valid city code")
        if scope is BureauScope.PROVINCE and (region is None or session.get(Province, region) is None):
            fail("省级账号需要有效的省份代码", "a province officer needs a valid province code")
        if scope is BureauScope.MINISTRY and region is not None:
            fail("部级账号不限地区", "a ministry officer has no region")
    elif scope is not None or region is not None:
        fail("只有人社局账号有管辖范围", "only bureau officers have a scope")


def authenticate(
    session: Session, vault: PersonalDataVault, login: str, password: str, *, client: str = "",
    lockout_threshold: int = 5, lockout_minutes: int = 15, now: datetime | None = None,
) -> User:
    """Workers sign in with their national ID number, everyone else with an account name.

    Every refusal is the same `credentials` error after the same work (one password hash), whether the account
    does not exist, is disabled, the password is wrong, or this client must wait: nothing tells them apart.
    Failures are counted per (account typed, client): after `lockout_threshold` in a row that client waits
    `lockout_minutes`; each failure after a wait doubles the next one (at most a day); attempts during a
    wait are refused unread. A stranger elsewhere never locks
    the owner out; a success resets the count; an administrator can lift every wait on an account
    (`lift_throttles`). The caller commits even when this raises: failures must be counted.
    """
    now = now or utcnow()
    typed = (login or "").strip()
    throttle = _throttle(session, vault, typed, client)
    user = _find_login(session, vault, typed)
    if throttle.blocked_until is not None and _aware(throttle.blocked_until) > now:
        verify_password(dummy_hash(), password or "")  # not evaluated, and not counted: the wait runs its course
        _refused(session, throttle, user, client, "waiting", None)
        raise AuthenticationFailed("credentials", minutes=lockout_minutes)
    if user is None or not user.is_active:
        verify_password(dummy_hash(), password or "")
        wait = _failed(session, throttle, user, now, lockout_threshold, lockout_minutes)
        _refused(session, throttle, user, client, "unknown_account" if user is None else "disabled", wait)
        raise AuthenticationFailed("credentials", minutes=lockout_minutes)
    if not verify_password(user.password_hash, password or ""):
        wait = _failed(session, throttle, user, now, lockout_threshold, lockout_minutes)
        _refused(session, throttle, user, client, "wrong_password", wait)
        raise AuthenticationFailed("credentials", minutes=lockout_minutes)
    if throttle in session:  # a success from this client clears its count
        session.delete(throttle)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.flush()
    record(session, actor=user, action="auth.signed_in", entity_type="user", entity_id=user.id,
           after={"client": client, "must_change_password": user.must_change_password})
    return user


def _refused(session: Session, throttle: LoginThrottle, user: User | None, client: str, reason: str,
             wait_minutes: int | None) -> None:
    """A refused sign-in in the security trail: never the password, nor what was typed as the account (it may be
    a password typed in the wrong box): the keyed digest the throttle uses stands for it. Only administrators
    read the trail, so it may say why (the person signing in never learns it)."""
    entity_type, entity_id = ("user", user.id) if user is not None else ("login", throttle.account)
    record(session, actor=None, action="auth.sign_in_failed", entity_type=entity_type, entity_id=entity_id,
           after={"account_digest": throttle.account, "client": client, "reason": reason,
                  "failures": throttle.failures, "wait_minutes": wait_minutes})


MAX_WAIT = timedelta(days=1)


def _throttle(session: Session, vault: PersonalDataVault, typed: str, client: str) -> LoginThrottle:
    account = vault.keyed_digest("login-account", typed.upper())
    key = vault.keyed_digest("login-client", f"{typed.upper()}|{client}")
    found = session.get(LoginThrottle, key)
    return found if found is not None else LoginThrottle(key=key, account=account, failures=0)


def _failed(session: Session, throttle: LoginThrottle, user: User | None, now: datetime, threshold: int,
            minutes: int) -> int | None:
    """Count the failure; the minutes this client must now wait, if it must."""
    throttle.failures += 1
    throttle.updated_at = now
    waited: int | None = None
    if throttle.failures >= threshold:
        doublings = min(throttle.failures - threshold, 10)
        wait = min(timedelta(minutes=minutes) * (2 ** doublings), MAX_WAIT)
        throttle.blocked_until = now + wait
        waited = int(wait.total_seconds() // 60)
        if user is not None:
            record(session, actor=None, action="user.throttled", entity_type="user", entity_id=user.id,
                   after={"failures": throttle.failures, "wait_minutes": waited})
    if user is not None:
        user.failed_logins += 1
    session.add(throttle)
    session.flush()
    return waited


def lift_throttles(session: Session, vault: PersonalDataVault, user: User, *, by: User) -> int:
    """The unlock path: every wait on this account's sign-in name (or national ID), from every client."""
    names = [user.username] if user.username else []
    if user.worker is not None:
        names.append(vault.reveal(user.worker.id_ciphertext))
    accounts = [vault.keyed_digest("login-account", name.strip().upper()) for name in names]
    lifted = session.execute(delete(LoginThrottle).where(LoginThrottle.account.in_(accounts)))
    assert isinstance(lifted, CursorResult)  # what a DELETE returns (Session.execute is typed as Result)
    user.failed_logins = 0
    user.locked_until = None
    record(session, actor=by, action="user.unthrottled", entity_type="user", entity_id=user.id,
           after={"waits_lifted": lifted.rowcount})
    session.flush()
    return lifted.rowcount


def _find_login(session: Session, vault: PersonalDataVault, login: str) -> User | None:
    if not login:
        return None
    if login[:1].isdigit() and len(login) in (15, 18):
        try:
            index = vault.index(login)
        except InvalidNationalId:
            return None
        return session.scalar(select(User).join(Worker, User.worker_id == Worker.id).where(Worker.id_hash == index))
    return session.scalar(select(User).where(User.username == login))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start_session(session: Session, user: User) -> str:
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(token_hash=_digest(token), user=user))
    session.flush()
    return token


def resolve_session(
    session: Session, token: str, *, idle: timedelta, absolute: timedelta, now: datetime | None = None
) -> User | None:
    now = now or utcnow()
    login = session.scalar(select(LoginSession).where(LoginSession.token_hash == _digest(token))  # every signed-in
                           .options(joinedload(LoginSession.user).joinedload(User.worker)))  # page reads all three
    if login is None or login.revoked_at is not None or not login.user.is_active:
        return None
    if now - _aware(login.last_seen_at) > idle or now - _aware(login.created_at) > absolute:
        login.revoked_at = now
        return None
    if now - _aware(login.last_seen_at) > timedelta(minutes=1):
        login.last_seen_at = now  # throttled: one write a minute per session
    return login.user


def end_session(session: Session, token: str) -> None:
    session.execute(
        update(LoginSession).where(LoginSession.token_hash == _digest(token), LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_all_sessions(session: Session, user: User) -> None:
    session.execute(
        update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def issue_api_token(session: Session, user: User, *, hours: int) -> tuple[str, ApiToken]:
    raw = secrets.token_urlsafe(32)  # 256 bits
    token = ApiToken(token_hash=_digest(raw), user=user, expires_at=utcnow() + timedelta(hours=hours))
    session.add(token)
    session.flush()
    record(session, actor=user, action="api_token.issued", entity_type="user", entity_id=user.id,
           after={"token_id": token.id, "expires_at": token.expires_at.isoformat()})
    return raw, token


def resolve_api_token(session: Session, raw: str, *, now: datetime | None = None) -> User:
    now = now or utcnow()
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if token is None or token.revoked_at is not None or _aware(token.expires_at) <= now or not token.user.is_active:
        raise AuthenticationFailed("token")
    return token.user


def revoke_api_token(session: Session, raw: str) -> None:
    session.execute(update(ApiToken).where(ApiToken.token_hash == _digest(raw)).values(revoked_at=utcnow()))


# ------------------------------------------------------------------ account duties: password change, disable, reset

MAX_REASON = 500
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no i, l, o, 0, 1: read aloud or copied by hand


def change_password(session: Session, user: User, *, current_password: str, new_password: str,
                    keep_session: str | None = None) -> None:
    """The user's own change: the current password proves it is them; every other browser session of theirs
    ends and every API token is revoked (whoever else held them is out); `keep_session` (the raw token of the
    session asking) stays signed in."""
    if not verify_password(user.password_hash, current_password or ""):
        raise ValidationFailed("binding", field="current_password",
                               reason=Text("当前密码不正确", "The current password is wrong"))
    check_password_policy(new_password, field="new_password")
    if verify_password(user.password_hash, new_password):
        raise ValidationFailed("binding", field="new_password",
                               reason=Text("新密码不能与当前密码相同", "The new password must differ from the current one"))
    was_forced = user.must_change_password
    user.password_hash, user.must_change_password = hash_password(new_password), False
    ended, revoked = _end_sessions(session, user, keep=keep_session), _revoke_api_tokens(session, user)
    record(session, actor=user, action="account.password_changed", entity_type="user", entity_id=user.id,
           before={"must_change_password": was_forced},
           after={"must_change_password": False, "other_sessions_ended": ended, "api_tokens_revoked": revoked})


def reset_password(session: Session, user: User, *, by: User, temporary: str | None = None) -> str:
    """An administrator sets a temporary password (or has one generated) and hands it over; the user must change
    it at their next sign-in. Returns it, to be shown once. Everyone signed in as the user is signed out."""
    _check_manager(by)
    if user.id == by.id:
        raise ValidationFailed("binding", field="temporary_password", reason=Text(
            "不能重置自己的密码，请使用“修改密码”", "You cannot reset your own password: use “change password”"))
    password = (temporary or "").strip() or generate_temporary_password()
    check_password_policy(password, field="temporary_password")
    was_forced = user.must_change_password
    user.password_hash, user.must_change_password = hash_password(password), True
    ended, revoked = _end_sessions(session, user), _revoke_api_tokens(session, user)
    record(session, actor=by, action="account.password_reset", entity_type="user", entity_id=user.id,
           before={"must_change_password": was_forced},
           after={"must_change_password": True, "generated": not (temporary or "").strip(),
                  "sessions_ended": ended, "api_tokens_revoked": revoked})
    return password


def generate_temporary_password() -> str:
    """Sixteen characters in four groups (about 79 bits): easy to read out, hard to guess."""
    while True:
        groups = ["".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(4)]
        password = "-".join(groups)
        try:
            check_password_policy(password)
        except ValidationFailed:  # practically never (a run of one repeated character): draw again
            continue
        return password


def disable_user(session: Session, user: User, *, by: User, reason: str) -> None:
    """The account can no longer sign in, and at once: every session ends and every API token is revoked.
    Nobody disables themselves, and the last active administrator stays."""
    _check_manager(by)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed("required", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed("reason_too_long", field="reason", max=MAX_REASON)
    if user.id == by.id:
        raise ValidationFailed("binding", reason=Text("不能停用自己的账号", "You cannot disable your own account"))
    if not user.is_active:
        raise Conflict("wrong_state", state=Text("已停用", "disabled"), action=Text("停用", "disable it"))
    if user.role is Role.ADMIN and user.admin_duty is AdminDuty.SECURITY and not _other_active_admins(session, user):
        raise ValidationFailed("binding", reason=Text("这是最后一个有效的安全管理员账号，不能停用",
                                                      "This is the last active security administrator: it stays"))
    user.is_active = False
    ended, revoked = _end_sessions(session, user), _revoke_api_tokens(session, user)
    record(session, actor=by, action="account.disabled", entity_type="user", entity_id=user.id,
           before={"is_active": True},
           after={"is_active": False, "reason": reason, "sessions_ended": ended, "api_tokens_revoked": revoked})


def enable_user(session: Session, user: User, *, by: User) -> None:
    """A disabled account may sign in again (with its password as it was; a reset is a separate step). A worker
    account disabled because its worker record was merged into another stays disabled."""
    _check_manager(by)
    if user.is_active:
        raise Conflict("wrong_state", state=Text("有效", "active"), action=Text("启用", "enable it"))
    if user.worker is not None and user.worker.merged_into_id is not None:
        raise Conflict("already_merged", worker_id=user.worker.id)
    user.is_active = True
    session.flush()
    record(session, actor=by, action="account.enabled", entity_type="user", entity_id=user.id,
           before={"is_active": False}, after={"is_active": True})


def _check_manager(by: User) -> None:
    if not may_manage_accounts(by):
        raise Forbidden("action")


def _other_active_admins(session: Session, user: User) -> int:
    """Active security administrators (who alone manage accounts) besides `user`. Those rows are locked (PostgreSQL)
    so that two disabling each other at once queue, and the second sees the first's change."""
    admins = session.scalars(active_admins().with_for_update()).all()
    return len([admin for admin in admins if admin != user.id])


def _end_sessions(session: Session, user: User, *, keep: str | None = None) -> int:
    statement = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
    if keep:
        statement = statement.where(LoginSession.token_hash != _digest(keep))
    ended = session.execute(statement.values(revoked_at=utcnow()), execution_options={"synchronize_session": False})
    assert isinstance(ended, CursorResult)  # what an UPDATE returns
    return ended.rowcount


def _revoke_api_tokens(session: Session, user: User) -> int:
    revoked = session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                              .values(revoked_at=utcnow()), execution_options={"synchronize_session": False})
    assert isinstance(revoked, CursorResult)
    return revoked.rowcount
