"""Password hashing (scrypt, stdlib) and the password policy (length + common-password list)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from functools import cache
from importlib import resources

from ladder.i18n import Text

from .errors import ValidationFailed

MIN_LENGTH = 12
MIN_DISTINCT = 5  # "aaaaaaaaaaaa" and "abababababab" are not passwords
_R, _P = 8, 1
_cost = {"n": 2**14}  # scrypt's CPU/memory cost; tests lower it with set_hash_cost()


def set_hash_cost(n: int) -> None:
    """Stored hashes carry their own cost, so changing it never breaks existing passwords."""
    if n < 2 or n & (n - 1):
        raise ValueError("scrypt cost must be a power of two")
    _cost["n"] = n


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    n = _cost["n"]
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=_R, p=_P, maxmem=64 * 1024 * 1024)
    return f"scrypt${n}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), maxmem=64 * 1024 * 1024
    )
    return hmac.compare_digest(candidate, _unb64(digest))


@cache
def dummy_hash() -> str:
    """A hash to check against when the account does not exist, so timing does not tell."""
    return hash_password(secrets.token_urlsafe(16))


def check_password_policy(password: str, *, field: str = "password") -> None:
    """At least 12 characters that count (NFC, spaces and control characters aside: twelve spaces and a
    letter is one character), not mostly one repeated character, and not on the common-password list.
    No composition rules (ASVS 2.1.9): a passphrase with spaces is fine."""
    counted = [c for c in unicodedata.normalize("NFC", password) if not c.isspace() and unicodedata.category(c)[0] != "C"]
    if len(counted) < MIN_LENGTH:
        raise ValidationFailed(
            "password_policy", field=field, reason=Text(f"至少需要 {MIN_LENGTH} 个字符（空格不计）",
                                                        f"needs at least {MIN_LENGTH} characters (spaces aside)")
        )
    if len(set(counted)) < MIN_DISTINCT:
        raise ValidationFailed("password_policy", field=field, reason=Text(
            f"至少需要 {MIN_DISTINCT} 个不同的字符", f"needs at least {MIN_DISTINCT} different characters"))
    if password.lower() in _common_passwords():
        raise ValidationFailed("password_policy", field=field, reason=Text("过于常见，请换一个", "is too common; choose another"))


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("credentials").joinpath("data", "common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
