"""Domain errors with user-safe, bilingual messages.

The web layer shows `error.message(locale)`: next to `error.field` in a form, as problem+json in the
API. Each subclass names its codes and their texts once, here.
"""

from __future__ import annotations

from typing import ClassVar


class CredentialsError(Exception):
    """Base of every error the domain raises on purpose."""

    status: ClassVar[int] = 400
    messages: ClassVar[dict[str, tuple[str, str]]] = {}

    def __init__(self, code: str, /, *, field: str | None = None, **params: object) -> None:
        if code not in self.messages:
            raise KeyError(f"{type(self).__name__} has no message for {code!r}")
        self.code = code
        self.field = field
        self.params = params
        super().__init__(self.message("zh"))

    def message(self, locale: str = "zh") -> str:
        zh, en = self.messages[self.code]
        english = locale.startswith("en")
        params = {key: _localise(value, english) for key, value in self.params.items()}
        return (en if english else zh).format(**params)


def _localise(value: object, english: bool) -> object:
    """Params may themselves be bilingual: a (zh, en) pair or an object with message_zh/message_en."""
    if isinstance(value, tuple) and len(value) == 2:
        return value[1] if english else value[0]
    if hasattr(value, "message_zh") and hasattr(value, "message_en"):
        return value.message_en if english else value.message_zh
    return value


class ValidationFailed(CredentialsError):
    """Input breaks a rule; `field` says which input."""

    status = 422
    messages = {
        "national_id": ("身份证号无效：{reason}", "Invalid national ID number: {reason}"),
        "unknown_city": ("未知的城市代码 {city}", "Unknown city code {city}"),
        "unknown_occupation": ("未知的职业编码 {occupation}", "Unknown occupation code {occupation}"),
        "unknown_level": ("未知的等级 {level}", "Unknown level {level}"),
        "unknown_institution": ("未知的机构 {id}", "Unknown institution {id}"),
        "level_not_appraised": (
            "职业“{occupation}”不开展{level}评价",
            "Occupation “{occupation}” is not appraised at {level}",
        ),
        "not_accredited": (
            "{institution}未获准评价“{occupation}”{level}",
            "{institution} is not accredited for “{occupation}” at {level}",
        ),
        "certificate_number": ("证书编号无效：{reason}", "Invalid certificate number: {reason}"),
        "number_mismatch": ("证书编号与记录不符：{reason}", "Certificate number does not match the record: {reason}"),
        "date_in_future": ("日期不能晚于今天", "The date cannot be in the future"),
        "password_policy": ("密码{reason}", "Password {reason}"),
        "username_taken": ("账号 {username} 已存在", "Account name {username} is already taken"),
        "binding": ("{reason}", "{reason}"),
        "required": ("必填", "Required"),
    }


class Duplicate(CredentialsError):
    status = 409
    messages = {
        "worker": ("该身份证号已登记（劳动者编号 {worker_id}）", "This national ID is already registered (worker {worker_id})"),
        "certificate": ("证书编号 {number} 已存在", "Certificate number {number} already exists"),
        "institution": ("机构“{name}”已存在", "Institution “{name}” already exists"),
    }


class NotFound(CredentialsError):
    status = 404
    messages = {"record": ("未找到{what}", "{what} not found")}


class AuthenticationFailed(CredentialsError):
    """Deliberately vague: never says whether the account exists."""

    status = 401
    messages = {
        # A locked account answers exactly like a wrong password, so that sign-in never reveals
        # whether an account exists; the codes differ only for the logs.
        "credentials": ("账号或密码不正确（连续输错 5 次将锁定 {minutes} 分钟）",
                        "Wrong account or password (5 failures in a row lock the account for {minutes} minutes)"),
        "locked": ("账号或密码不正确（连续输错 5 次将锁定 {minutes} 分钟）",
                   "Wrong account or password (5 failures in a row lock the account for {minutes} minutes)"),
        "token": ("令牌无效或已过期", "The token is invalid or has expired"),
    }


class Forbidden(CredentialsError):
    status = 403
    messages = {"action": ("无权执行此操作", "You may not do this")}


class Conflict(CredentialsError):
    status = 409
    messages = {
        "already_revoked": ("证书已于 {date} 撤销", "The certificate was already revoked on {date}"),
    }
