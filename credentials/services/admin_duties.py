"""Administrators' duties (三员分立): the security administrator moves another administrator between the system,
security and audit duties. Creating an administrator with a duty is `accounts.create_user`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ladder.i18n import Text

from ..errors import ValidationFailed
from ..models import AdminDuty, Role, User
from .accounts import _check_manager, _end_sessions, _other_active_admins, _revoke_api_tokens
from .audit import record


def change_duty(session: Session, user: User, duty: AdminDuty, *, by: User) -> None:
    """Nobody changes their own duty (a security administrator cannot make themselves the auditor of their own
    grants), and the last active security administrator keeps the duty (someone must be able to manage accounts).
    The account's sessions and tokens end: what the old duty opened closes at once."""
    _check_manager(by)
    if user.id == by.id:
        raise ValidationFailed("binding", field="admin_duty", reason=Text(
            "不能更改自己的职责", "You cannot change your own duty"))
    if user.role is not Role.ADMIN:
        raise ValidationFailed("binding", field="admin_duty", reason=Text(
            "只有管理员账号有职责", "Only administrator accounts hold a duty"))
    if user.admin_duty is duty:
        return
    if user.admin_duty is AdminDuty.SECURITY and user.is_active and not _other_active_admins(session, user):
        raise ValidationFailed("binding", field="admin_duty", reason=Text(
            "这是最后一个有效的安全管理员，职责不能更改", "This is the last active security administrator: its duty stays"))
    before = user.admin_duty
    user.admin_duty = duty
    ended, revoked = _end_sessions(session, user), _revoke_api_tokens(session, user)
    record(session, actor=by, action="account.duty_changed", entity_type="user", entity_id=user.id,
           before={"admin_duty": before.value if before else None},
           after={"admin_duty": duty.value, "sessions_ended": ended, "api_tokens_revoked": revoked})
