"""National ID numbers (GB 11643-1999) and the protection of personal data built on them.

PIPL art. 28 makes an ID number sensitive personal information, so the registry keeps it three ways:
an AES-256-GCM ciphertext (`IdCipher`, key id inside for rotation), a keyed-hash blind index for look-up
and uniqueness (`blind_index`), and masked forms for display and logs. Pure Python: no Flask, no DB.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import operator
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ladder.i18n import Text

from .clock import china_today

__all__ = [
    "PROVINCE_CODES", "NationalId", "InvalidNationalId", "DecryptionError", "IdCipher",
    "normalize_national_id", "parse_national_id", "check_character", "blind_index", "blind_indexer",
    "mask_national_id", "mask_name", "LOG_ID_PATTERN", "redact_ids", "clean_person_name", "person_name_problem",
]

# GB/T 2260 provincial codes (first two digits of an ID number), see DOMAIN §6.1.
PROVINCE_CODES: dict[str, str] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁", "22": "吉林",
    "23": "黑龙江", "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西",
    "37": "山东", "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃",
    "63": "青海", "64": "宁夏", "65": "新疆", "71": "台湾", "81": "香港", "82": "澳门",
}

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2^(18-i) mod 11, ISO 7064 MOD 11-2
_CHECK_CHARS = "10X98765432"
_WEIGHTED_ZEROS = ord("0") * sum(_WEIGHTS)
# Full-width digits and Ｘ/ｘ only: NFKC would also turn ① or ² into digits, which no one types by mistake.
_FULL_WIDTH = {0xFF10 + i: str(i) for i in range(10)} | {0xFF38: "X", 0xFF58: "X", ord("x"): "X"}
_RE_18 = re.compile(r"[0-9]{17}[0-9X]")
_RE_15 = re.compile(r"[0-9]{15}")
_MIN_BIRTH_YEAR = 1800

_MESSAGES = {
    "length": Text("身份证号应为18位（或旧版15位）", "A national ID number has 18 characters (15 if old)"),
    "characters": Text("身份证号只能包含数字，末位可为X", "A national ID number holds digits; the last may be X"),
    "birth_date": Text("身份证号中的出生日期无效", "The birth date inside the national ID number is not valid"),
    "check_digit": Text("身份证号校验位不正确", "The check character of the national ID number is wrong"),
}


class InvalidNationalId(ValueError):
    """A national ID number that cannot be accepted.

    `code` is one of length, characters, birth_date, check_digit.
    The message never echoes the number or the expected check character (that would help forgers).
    """

    def __init__(self, code: str) -> None:
        self.code = code
        self.message_zh, self.message_en = _MESSAGES[code]
        super().__init__(self.message_zh)


class DecryptionError(ValueError):
    """A ciphertext that is malformed, names an unknown key, or fails authentication."""


@dataclass(frozen=True)
class NationalId:
    number: str  # 18 characters, upper-case X
    birth_date: date
    gender: str  # "male" | "female"
    area_code: str  # 6 digits (GB/T 2260 county code at issue time; may no longer exist)
    province_code: str  # 2 digits

    @property
    def province_name(self) -> str | None:
        return PROVINCE_CODES.get(self.province_code)


def normalize_national_id(raw: str) -> str:
    """Drop all whitespace, map full-width digits/Ｘ to ASCII and x to X. No validation."""
    if not isinstance(raw, str):
        raise TypeError("national ID must be a str")
    return "".join(raw.split()).translate(_FULL_WIDTH)


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for 17 ASCII digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("check_character needs exactly 17 ASCII digits")
    # The digits' code points less 48 each: the sum of the weights times 48 is subtracted once (a bulk import
    # checks 100,000 numbers; int() per character was most of the cost).
    return _CHECK_CHARS[(sum(map(operator.mul, first17.encode("ascii"), _WEIGHTS)) - _WEIGHTED_ZEROS) % 11]


def parse_national_id(raw: str, *, today: date | None = None) -> NationalId:
    """Validate and normalise an 18-digit (or old 15-digit) ID number; raise InvalidNationalId."""
    number = normalize_national_id(raw)
    if len(number) == 15:
        if not _RE_15.fullmatch(number):
            raise InvalidNationalId("characters")
        number = number[:6] + "19" + number[6:]
        number += check_character(number)
        upgraded = True
    elif len(number) == 18:
        if not _RE_18.fullmatch(number):
            raise InvalidNationalId("characters")
        upgraded = False
    else:
        raise InvalidNationalId("length")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidNationalId("birth_date") from None
    if birth.year < _MIN_BIRTH_YEAR or birth > (today or china_today()):
        raise InvalidNationalId("birth_date")
    if not upgraded and check_character(number[:17]) != number[17]:
        raise InvalidNationalId("check_digit")
    return NationalId(
        number=number,
        birth_date=birth,
        gender="male" if int(number[16]) % 2 else "female",
        area_code=number[:6],
        province_code=number[:2],
    )


def blind_index(number: str, key: bytes) -> str:
    """HMAC-SHA256 (hex) of the canonical 18-character number: equal IDs give equal indexes.

    The number is parsed first, so a 15-digit ID and its 18-digit upgrade, or full-width input, index the
    same; an invalid number raises InvalidNationalId.
    """
    return blind_indexer(key)(number)


def blind_indexer(key: bytes) -> Callable[[str], str]:
    """`blind_index` under one key, for many numbers: the HMAC keyed once and its state copied for each number
    (the same digests; keying costs two SHA-256 blocks per number that a bulk import of 100,000 would repeat)."""
    if not isinstance(key, bytes) or len(key) < 32:
        raise ValueError("blind index key must be at least 32 bytes")
    keyed = hmac.new(key, digestmod=hashlib.sha256)

    def index(number: str) -> str:
        mac = keyed.copy()
        mac.update(parse_national_id(number).number.encode("ascii"))
        return mac.hexdigest()

    return index


_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class IdCipher:
    """AES-256-GCM for ID numbers: `v1.<key_id>.<base64url(nonce || ciphertext+tag)>`.

    `keys` maps key ids to 32-byte keys; new ciphertexts use `current`, old ones decrypt with the key
    their id names, so keys rotate without a flag day. The version and key id are bound in as
    associated data; `context` (e.g. the row id) may bind a ciphertext to its owner as well.
    """

    VERSION = "v1"

    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        for key_id, key in keys.items():
            if not _KEY_ID.fullmatch(key_id):
                raise ValueError(f"key id {key_id!r} must be 1-32 of [A-Za-z0-9_-]")
            if not isinstance(key, bytes) or len(key) != 32:
                raise ValueError(f"key {key_id!r} must be 32 bytes (AES-256)")
        if current not in keys:
            raise ValueError(f"current key id {current!r} is not among the keys")
        self._aead = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.current = current

    def _aad(self, key_id: str, context: bytes) -> bytes:
        return f"{self.VERSION}.{key_id}.".encode("ascii") + context

    def encrypt(self, number: str, *, context: bytes = b"") -> str:
        canonical = parse_national_id(number).number
        nonce = os.urandom(12)
        aad = self._aad(self.current, context)
        sealed = self._aead[self.current].encrypt(nonce, canonical.encode("ascii"), aad)
        return f"{self.VERSION}.{self.current}.{_b64e(nonce + sealed)}"

    def seal_secret(self, secret: str, *, context: bytes) -> str:
        """Another short ASCII secret than an ID number (a share link's token), sealed the same way and opened
        with `decrypt` and the same context; the context (which must name the purpose) keeps the two apart."""
        if not context:
            raise ValueError("a sealed secret needs a context naming its purpose")
        nonce = os.urandom(12)
        sealed = self._aead[self.current].encrypt(nonce, secret.encode("ascii"), self._aad(self.current, context))
        return f"{self.VERSION}.{self.current}.{_b64e(nonce + sealed)}"

    def seal_bytes(self, data: bytes, *, context: bytes) -> bytes:
        """Any bytes (an uploaded file holding ID numbers), sealed under the current key like an ID number:
        `v1.<key_id>.` + nonce + ciphertext+tag, kept as binary (no base64: files run to megabytes). The
        context (purpose and owner, e.g. the import job) is bound in, so a sealed file opens for its owner only."""
        if not context:
            raise ValueError("sealed bytes need a context naming their purpose")
        nonce = os.urandom(12)
        sealed = self._aead[self.current].encrypt(nonce, data, self._aad(self.current, context))
        return f"{self.VERSION}.{self.current}.".encode("ascii") + nonce + sealed

    def open_bytes(self, blob: bytes, *, context: bytes) -> bytes:
        """What `seal_bytes` sealed with this context, under whichever known key its header names."""
        key_id = self.sealed_key_id(blob)
        if key_id not in self._aead:
            raise DecryptionError("unknown key id")
        body = blob[len(self.VERSION) + len(key_id) + 2:]
        if len(body) < 12 + 16:
            raise DecryptionError("malformed ciphertext")
        try:
            return self._aead[key_id].decrypt(body[:12], body[12:], self._aad(key_id, context))
        except InvalidTag:
            raise DecryptionError("ciphertext failed authentication") from None

    def sealed_key_id(self, blob: bytes) -> str:
        """The key id in the header of sealed bytes (DecryptionError if there is no such header)."""
        parts = bytes(blob[:64]).split(b".", 2)
        if len(parts) != 3 or parts[0] != self.VERSION.encode("ascii") or not _KEY_ID.fullmatch(
                parts[1].decode("ascii", "replace")):
            raise DecryptionError("malformed ciphertext")
        return parts[1].decode("ascii")

    def decrypt(self, token: str, *, context: bytes = b"") -> str:
        key_id, body = self._split(token)
        if key_id not in self._aead:
            raise DecryptionError("unknown key id")
        try:
            blob = _b64d(body)
        except (ValueError, binascii.Error):
            blob = b""
        if len(blob) < 12 + 16:
            raise DecryptionError("malformed ciphertext")
        try:
            plain = self._aead[key_id].decrypt(blob[:12], blob[12:], self._aad(key_id, context))
        except InvalidTag:
            raise DecryptionError("ciphertext failed authentication") from None
        return plain.decode("ascii")

    def _split(self, token: str) -> tuple[str, str]:
        parts = token.split(".") if isinstance(token, str) else []
        if len(parts) != 3 or parts[0] != self.VERSION:
            raise DecryptionError("malformed ciphertext")
        return parts[1], parts[2]

    def needs_rotation(self, token: str) -> bool:
        """True if `token` was sealed under a key other than the current one."""
        return self._split(token)[0] != self.current

    def rotate(self, token: str, *, context: bytes = b"") -> str:
        """Re-encrypt under the current key (for a background re-keying job)."""
        return self.encrypt(self.decrypt(token, context=context), context=context)


def mask_national_id(number: str) -> str:
    """`110105********1234`: first six and last four kept; anything too short to mask is all stars."""
    text = normalize_national_id(number)
    if len(text) < 14:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_name(name: str) -> str:
    """张*三, 张*, 欧**锋 (first and last kept from 4 characters); Latin names: first letter then stars."""
    text = " ".join(name.split())
    if not text:
        return ""
    if text.isascii():
        return text[0] + "*" * (len(text) - 1)
    if len(text) == 1:
        return "*"
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


# Not `\b...\b`: \b sees no boundary between a Chinese character and a digit (SECURITY.md trap 8).
LOG_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])", re.ASCII)


def redact_ids(text: str) -> str:
    """Mask every 18-character ID number in a log line."""
    return LOG_ID_PATTERN.sub(lambda m: mask_national_id(m.group(0)), text)


# ---- personal names ---------------------------------------------------------------------------------------

# What a name may hold: letters and marks of any script (Chinese, Uyghur, Tibetan, Latin …), spaces between
# words, the middle dot of transliterated names (阿卜杜·热合曼, also as U+30FB/U+FF65 or the bullet-like
# U+2022 some keyboards type) normalised to U+00B7, hyphens and apostrophes of foreign names, and a full stop
# for initials. Never control characters (NUL broke exports), format characters (bidirectional overrides,
# zero-width joiners, soft hyphens), digits, or symbols.
_NAME_PUNCTUATION = {"·", "-", "'", ".", " ", "\u0f0b", "\u0f0c"}  # and the Tibetan syllable marks (tsheg)
MIDDLE_DOTS = str.maketrans({dot: "·" for dot in "\u30fb\uff65\u2022\u2027\u2219\u22c5"} | {"\u2019": "'"})
# Letters and marks that draw nothing (Unicode's default-ignorable ones outside the variation selectors, which
# spell glyph forms of Mongolian and CJK names): the Hangul fillers, the combining grapheme joiner, the Khmer
# inherent vowels. Their categories (Lo, Mn, Mc) pass, yet "张\u3164三" looks like "张 三" (found by
# tests/properties/test_person_names.py).
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5")


def clean_person_name(raw: object) -> str:
    """NFC, one space between words, one kind of middle dot; nothing else is changed (see `name_problem`)."""
    text = unicodedata.normalize("NFC", str(raw or "")).translate(MIDDLE_DOTS)
    return " ".join(text.split())


def person_name_problem(name: str) -> Text | None:
    """Why a cleaned name cannot be a person's name, or None."""
    for char in name:
        category = unicodedata.category(char)
        if (category[0] in "LM" or char in _NAME_PUNCTUATION) and char not in _INVISIBLE_LETTERS:
            continue
        if category[0] == "C" or char in _INVISIBLE_LETTERS:
            return Text("含有不可见的控制或格式字符", "contains an invisible control or formatting character")
        return Text(f"不能含有“{char}”", f"cannot contain “{char}”")
    if name and not any(unicodedata.category(c)[0] == "L" for c in name):
        return Text("至少需要一个文字", "needs at least one letter")
    return None
