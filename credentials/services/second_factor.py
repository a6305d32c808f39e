"""The second factor: TOTP (RFC 6238, pyotp) enrolment, the sign-in's second step, recovery codes, and the
administrator's reset.

The secret is sealed with the personal-data cipher, bound to the account; recovery codes are kept as keyed digests
and shown once. A time step is accepted once (`last_step` only grows, by a conditional UPDATE, so two requests
racing with one code cannot both win) and a recovery code once (the same way). Failures of the second step count
in the sign-in throttle (`LoginThrottle`) under their own key per (account, client): a correct password does not
clear them, only a correct code does, and the administrator's "lift waits" lifts them with the rest.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import pyotp
from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..errors import AuthenticationFailed, Conflict, ValidationFailed
from ..models import LoginThrottle, RecoveryCode, SecondFactor, User, utcnow
from ..passwords import verify_password
from ..vault import PersonalDataVault
from .accounts import _TEMPORARY_ALPHABET, _aware, _check_manager, _failed, end_all_sessions
from .audit import record

ISSUER = "人才阶梯 Talent Ladder"
RECOVERY_CODES = 10
RECOVERY_LENGTH = 10  # from a 31-character alphabet: about 50 bits each, and a keyed digest to check against
DRIFT_STEPS = 1  # a code from the step before or after is accepted: phone clocks drift, people type slowly
Method = Literal["totp", "recovery"]
WRONG_CODE = Text("验证码不正确或已使用", "Wrong or already used code")
WRONG_APP_CODE = Text("验证码不正确：请输入验证器当前显示的 6 位数字（恢复码不能用于此处）",
                      "Wrong code: type the 6 digits the app shows now (a recovery code does not do here)")


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the secret for manual entry and the otpauth:// address for the QR code."""

    secret: str
    uri: str


def required_for(user: User, roles: Collection[str]) -> bool:
    """Whether this account must have a second factor (SECOND_FACTOR_REQUIRED_ROLES names the roles)."""
    return user.role.value in roles


def confirmed_factor(session: Session, user: User) -> SecondFactor | None:
    factor = session.get(SecondFactor, user.id)
    return factor if factor is not None and factor.confirmed_at is not None else None


def is_enrolled(session: Session, user: User) -> bool:
    return confirmed_factor(session, user) is not None


def factor_state(session: Session, user: User) -> Literal["on", "pending", "off"]:
    """On (confirmed), pending (enrolment started, no code yet) or off: what the administrator's page shows."""
    factor = session.get(SecondFactor, user.id)
    if factor is None:
        return "off"
    return "on" if factor.confirmed_at is not None else "pending"


def recovery_codes_left(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(RecoveryCode)
                          .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def start_enrolment(session: Session, vault: PersonalDataVault, user: User, *, account_name: str) -> Enrolment:
    """A new secret, or the one already waiting for its first code (reloading the page keeps the QR code that
    was scanned). An account with a confirmed factor disables or has it reset first."""
    factor = session.get(SecondFactor, user.id)
    if factor is not None and factor.confirmed_at is not None:
        raise Conflict("wrong_state", state=Text("已启用两步验证", "two-step verification on"),
                       action=Text("重新设置", "set it up again"))
    if factor is None:
        secret = pyotp.random_base32()  # 32 characters: 160 bits, RFC 4226's recommended length
        factor = SecondFactor(user_id=user.id, secret_sealed=vault.seal_secret(_purpose(user.id), secret))
        session.add(factor)
        session.flush()
    else:
        secret = vault.open_secret(_purpose(user.id), factor.secret_sealed)
    uri = pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=ISSUER)
    return Enrolment(secret=secret, uri=uri)


def confirm_enrolment(session: Session, vault: PersonalDataVault, user: User, code: str, *,
                      now: datetime | None = None) -> list[str]:
    """The first code proves the app holds the secret: the factor is on from now. Returns the recovery codes,
    to be shown this once."""
    now = now or utcnow()
    factor = session.get(SecondFactor, user.id)
    if factor is None or factor.confirmed_at is not None:
        raise Conflict("wrong_state", state=Text("未在设置中", "not being set up"), action=Text("确认", "confirm"))
    if _accept_totp(session, vault, factor, _normalise(code), now) is None:
        raise ValidationFailed("binding", field="code", reason=Text(
            "验证码不正确：请输入验证器当前显示的 6 位数字", "Wrong code: type the 6 digits the app shows now"))
    factor.confirmed_at = now
    codes = _new_recovery_codes(session, vault, user)
    record(session, actor=user, action="mfa.enrolled", entity_type="user", entity_id=user.id,
           after={"recovery_codes": len(codes)})
    return codes


def verify_second_factor(session: Session, vault: PersonalDataVault, user: User, code: str, *, client: str = "",
                         lockout_threshold: int = 5, lockout_minutes: int = 15, now: datetime | None = None) -> Method:
    """The second step of signing in (and of asking for an API token). Every refusal is the same error: a wrong
    code, a code already used, a recovery code already used, a client that must wait. The caller commits even
    when this raises: failures must be counted."""
    now = now or utcnow()
    factor = confirmed_factor(session, user)
    throttle = _throttle(session, vault, user, client)
    if throttle.blocked_until is not None and _aware(throttle.blocked_until) > now:
        _failure(session, user, client, "waiting", throttle, None)
        raise AuthenticationFailed("second_factor", minutes=lockout_minutes)
    normalised = _normalise(code)
    method: Method | None = None
    if factor is not None:
        method = _accept_totp(session, vault, factor, normalised, now) or _accept_recovery(session, vault, user,
                                                                                          normalised, now)
    if method is None:
        wait = _failed(session, throttle, user, now, lockout_threshold, lockout_minutes)
        _failure(session, user, client, "wrong_code" if factor is not None else "not_enrolled", throttle, wait)
        raise AuthenticationFailed("second_factor", minutes=lockout_minutes)
    if throttle in session:
        session.delete(throttle)
    assert factor is not None  # a method was accepted, so there is a factor
    factor.last_used_at = now
    session.flush()
    if method == "recovery":
        record(session, actor=user, action="mfa.recovery_used", entity_type="user", entity_id=user.id,
               after={"client": client, "recovery_codes_left": recovery_codes_left(session, user)})
    else:
        record(session, actor=user, action="mfa.verified", entity_type="user", entity_id=user.id,
               after={"client": client})
    return method


def disable_second_factor(session: Session, vault: PersonalDataVault, user: User, *, password: str, code: str,
                          required: bool) -> None:
    """The user's own choice, where their role does not require it: the password and a current code (or a
    recovery code) prove it is them and that they hold the factor."""
    if required:
        raise ValidationFailed("binding", reason=Text("您的角色必须使用两步验证，不能关闭",
                                                      "Your role requires two-step verification: it cannot be turned off"))
    factor = _proven_holder(session, vault, user, password=password, code=code, recovery_allowed=True,
                            action=Text("关闭", "turn it off"))
    _remove(session, factor)
    record(session, actor=user, action="mfa.disabled", entity_type="user", entity_id=user.id,
           before={"enrolled": True}, after={"enrolled": False})


def renew_recovery_codes(session: Session, vault: PersonalDataVault, user: User, *, password: str,
                         code: str) -> list[str]:
    """A new set of recovery codes in place of the old ones, every old one void from now; shown this once. The
    password proves it is the user and a current code from the app that they hold the factor: a recovery code
    is not enough, or one found code would buy a whole new set."""
    factor = _proven_holder(session, vault, user, password=password, code=code, recovery_allowed=False,
                            action=Text("生成新的恢复码", "make new recovery codes"))
    left = recovery_codes_left(session, user)
    codes = _new_recovery_codes(session, vault, user)
    factor.last_used_at = utcnow()
    record(session, actor=user, action="mfa.recovery_renewed", entity_type="user", entity_id=user.id,
           before={"recovery_codes": left}, after={"recovery_codes": len(codes)})
    return codes


def _proven_holder(session: Session, vault: PersonalDataVault, user: User, *, password: str, code: str,
                   recovery_allowed: bool, action: Text) -> SecondFactor:
    """The user's confirmed factor, once the password and a code (a recovery code where allowed) prove that the
    one asking is its holder."""
    factor = confirmed_factor(session, user)
    if factor is None:
        raise Conflict("wrong_state", state=Text("未启用两步验证", "two-step verification off"), action=action)
    if not verify_password(user.password_hash, password or ""):
        raise ValidationFailed("binding", field="password", reason=Text("密码不正确", "The password is wrong"))
    now = utcnow()
    normalised = _normalise(code)
    if _accept_totp(session, vault, factor, normalised, now) is not None:
        return factor
    if recovery_allowed and _accept_recovery(session, vault, user, normalised, now) is not None:
        return factor
    raise ValidationFailed("binding", field="code", reason=WRONG_CODE if recovery_allowed else WRONG_APP_CODE)


def reset_second_factor(session: Session, user: User, *, by: User) -> None:
    """An administrator removes a user's second factor (a lost phone and no recovery code left): every session of
    the user ends, and the user signs in with the password and enrols again (at once, where the role requires
    it). Nobody resets their own: that would let a stolen password remove the factor that guards it."""
    _check_manager(by)
    if user.id == by.id:
        raise ValidationFailed("binding", reason=Text(
            "不能重置自己的两步验证", "You cannot reset your own two-step verification"))
    factor = session.get(SecondFactor, user.id)
    if factor is None:
        raise Conflict("wrong_state", state=Text("未启用两步验证", "two-step verification off"),
                       action=Text("重置", "reset it"))
    was_confirmed = factor.confirmed_at is not None
    _remove(session, factor)
    end_all_sessions(session, user)
    record(session, actor=by, action="mfa.reset", entity_type="user", entity_id=user.id,
           before={"enrolled": was_confirmed}, after={"enrolled": False, "sessions_ended": True})


# ------------------------------------------------------------------ the codes


def _purpose(user_id: int) -> str:
    return f"totp|user:{user_id}"


def _normalise(code: str) -> str:
    """What people type: spaces and hyphens anywhere ("123 456", "abcde-fghjk"), either case."""
    return "".join((code or "").split()).replace("-", "").lower()[:64]


def _accept_totp(session: Session, vault: PersonalDataVault, factor: SecondFactor, code: str,
                 now: datetime) -> Method | None:
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(vault.open_secret(_purpose(factor.user_id), factor.secret_sealed))
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if factor.last_step is not None and step <= factor.last_step:
            continue  # used already, or older than the last code used: a replay
        if hmac.compare_digest(totp.generate_otp(step), code):
            return "totp" if _claim_step(session, factor, step) else None
    return None


def _claim_step(session: Session, factor: SecondFactor, step: int) -> bool:
    """Move `last_step` forward only if nobody has reached this step meanwhile (one winner between racing requests)."""
    claimed = session.execute(
        update(SecondFactor).where(SecondFactor.user_id == factor.user_id,
                                   (SecondFactor.last_step.is_(None)) | (SecondFactor.last_step < step))
        .values(last_step=step), execution_options={"synchronize_session": False})
    assert isinstance(claimed, CursorResult)  # what an UPDATE returns
    session.refresh(factor, ["last_step"])
    return claimed.rowcount == 1


def _accept_recovery(session: Session, vault: PersonalDataVault, user: User, code: str,
                     now: datetime) -> Method | None:
    if len(code) != RECOVERY_LENGTH:
        return None
    used = session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
                                   RecoveryCode.code_digest == _recovery_digest(vault, user, code))
        .values(used_at=now), execution_options={"synchronize_session": False})
    assert isinstance(used, CursorResult)
    return "recovery" if used.rowcount == 1 else None


def _recovery_digest(vault: PersonalDataVault, user: User, code: str) -> str:
    return vault.keyed_digest("recovery-code", f"{user.id}|{code}")


def _new_recovery_codes(session: Session, vault: PersonalDataVault, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        session.add(RecoveryCode(user_id=user.id, code_digest=_recovery_digest(vault, user, raw)))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    session.flush()
    return codes


def _remove(session: Session, factor: SecondFactor) -> None:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == factor.user_id))
    session.delete(factor)
    session.flush()


# ------------------------------------------------------------------ the throttle and the trail


def _throttle(session: Session, vault: PersonalDataVault, user: User, client: str) -> LoginThrottle:
    """The second step's own count per (account, client), filed under the account's sign-in name as the password
    step files it, so that the administrator's unlock (`lift_throttles`) lifts it too."""
    key = vault.keyed_digest("second-factor-client", f"{user.id}|{client}")
    found = session.get(LoginThrottle, key)
    if found is not None:
        return found
    name = user.username or (vault.reveal(user.worker.id_ciphertext) if user.worker is not None else str(user.id))
    return LoginThrottle(key=key, account=vault.keyed_digest("login-account", name.strip().upper()), failures=0)


def _failure(session: Session, user: User, client: str, reason: str, throttle: LoginThrottle,
             wait_minutes: int | None) -> None:
    """Only administrators read the trail, so it may say why; the person signing in never learns it."""
    record(session, actor=None, action="mfa.failed", entity_type="user", entity_id=user.id,
           after={"client": client, "reason": reason, "failures": throttle.failures, "wait_minutes": wait_minutes})
