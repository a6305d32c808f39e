"""Records of one person entered twice, as old data holds them: a second Worker inserted directly (never through
registration, which refuses the same ID in two forms), with a mistyped ID sealed by the vault, or a legacy row
whose number was stored as typed (15 digits, lower-case x) before registration normalised it."""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import date

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.extensions import db
from credentials.identity import check_character, mask_national_id, parse_national_id
from credentials.models import Worker


def with_check(body17: str) -> str:
    return body17 + check_character(body17)


def one_digit_off(number: str, position: int) -> str:
    """The number with the digit at 1-based `position` (1-17) changed, the check character recomputed (a
    clerk's typo that a form checking only the check character would take)."""
    digit = number[position - 1]
    changed = str((int(digit) + 2) % 10)
    return with_check(number[:position - 1] + changed + number[position:17])


def swapped_at(number: str, position: int) -> str:
    """The number with the digits at `position` and `position + 1` transposed (they must differ)."""
    i = position - 1
    assert number[i] != number[i + 1], "swap two different digits"
    return with_check(number[:i] + number[i + 1] + number[i] + number[i + 2:17])


def fifteen_digit_form(number: str) -> str:
    """The old 15-digit form of an 18-digit number born in the 1900s."""
    assert number[6:8] == "19"
    return number[:6] + number[8:17]


def legacy_ciphertext(app, raw: str) -> str:
    """A number sealed as typed (IdCipher normalises before sealing; rows written before it did were not)."""
    key_id = app.config["ID_ENCRYPTION_KEY_ID"]
    nonce = os.urandom(12)
    sealed = AESGCM(app.config["ID_ENCRYPTION_KEYS"][key_id]).encrypt(nonce, raw.encode(), f"v1.{key_id}.".encode())
    return f"v1.{key_id}." + base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()


def insert_worker(vault, number: str, *, name: str = "王小明", city_code: str = "3205",
                  legacy_raw: str | None = None, app=None, registered_by_institution_id: int | None = None) -> Worker:
    """A second record inserted directly, as old data would be. With `legacy_raw`, the stored number is that
    raw form and the blind index one taken before normalisation (so unique on id_hash did not stop it)."""
    parsed = parse_national_id(number)
    if legacy_raw is None:
        sealed = vault.seal(number)
        id_hash, ciphertext, masked = sealed.hash, sealed.ciphertext, sealed.masked
    else:
        id_hash = hashlib.sha256(f"legacy|{legacy_raw}".encode()).hexdigest()
        ciphertext, masked = legacy_ciphertext(app, legacy_raw), mask_national_id(legacy_raw)
    worker = Worker(name=name, id_hash=id_hash, id_ciphertext=ciphertext, id_masked=masked,
                    birth_date=parsed.birth_date, gender=parsed.gender, city_code=city_code,
                    registered_by_institution_id=registered_by_institution_id)
    db.session.add(worker)
    db.session.commit()
    return worker


BIRTH = date(1990, 3, 14)
