"""Build an unsigned Open Badges 3.0 `OpenBadgeCredential` for a certificate.

The worker has no DID, so the subject carries a hashed identifier (OB3 IdentityObject) instead of an
`id`. What is hashed is the national ID's *blind index* (a keyed HMAC), never the number itself: an ID
number has so little entropy that a salted SHA-256 of it is quickly brute-forced. Only the registry,
which holds the blind-index key, can therefore link a credential back to a national ID.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from .contexts import CREDENTIALS_V2, OB_V3P0

__all__ = [
    "IDENTITY_TYPE", "LEVEL_FRAMEWORK", "new_salt", "identity_hash", "build_open_badge_credential",
]

IDENTITY_TYPE = "ext:cnNationalIdBlindIndex"  # OB3 allows ext: identity types
LEVEL_FRAMEWORK = "国家职业技能等级（人社部发〔2022〕14号）"
_ACHIEVEMENT_KEYS = ("id", "name", "description", "criteria_narrative", "occupation_code", "level_code",
                     "framework", "human_code")


def new_salt() -> str:
    return secrets.token_hex(16)


def identity_hash(blind_value: str, salt: str) -> str:
    """OB3 IdentityHash: "sha256$" + hex SHA-256 of the value followed by the salt (the Open Badges rule)."""
    return "sha256$" + hashlib.sha256((blind_value + salt).encode("utf-8")).hexdigest()


def _timestamp(value: datetime) -> str:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError("valid_from must be a timezone-aware datetime")
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _alignment(name: str, url: str, code: str, framework: str, target_type: str) -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetName": name,
        "targetUrl": url,
        "targetCode": code,
        "targetFramework": framework,
        "targetType": target_type,
    }


def build_open_badge_credential(
    *,
    credential_id: str,
    issuer: dict[str, str],
    valid_from: datetime,
    subject_identifier_hash: tuple[str, str],
    achievement: dict[str, str],
    status_entry: dict[str, str] | None = None,
    valid_until: datetime | None = None,
    identity_type: str = IDENTITY_TYPE,
) -> dict[str, Any]:
    """An unsigned OpenBadgeCredential that passes `schema.validate_ob3`.

    issuer: {id, name, url?}. subject_identifier_hash: (salt, "sha256$…" from `identity_hash`).
    achievement: {id, name, description, criteria_narrative, occupation_code, level_code, framework,
    human_code} and optionally occupation_name, occupation_url, level_name, level_url, level_framework,
    achievement_type (default "Certification"). Alignment targetUrl defaults to
    the achievement id with #occupation / #level: pass real pages where they exist.
    """
    missing = [k for k in _ACHIEVEMENT_KEYS if not achievement.get(k)]
    if missing:
        raise ValueError(f"achievement is missing {', '.join(missing)}")
    if not issuer.get("id") or not issuer.get("name"):
        raise ValueError("issuer needs id and name")
    salt, hashed = subject_identifier_hash
    if not salt or not isinstance(hashed, str) or not hashed.startswith("sha256$"):
        raise ValueError("subject_identifier_hash must be (salt, 'sha256$<hex>')")

    occupation, level = achievement["occupation_code"], achievement["level_code"]
    alignment = [
        _alignment(
            achievement.get("occupation_name") or occupation,
            achievement.get("occupation_url") or f"{achievement['id']}#occupation",
            occupation, achievement["framework"], "ext:Occupation",
        ),
        _alignment(
            achievement.get("level_name") or level,
            achievement.get("level_url") or f"{achievement['id']}#level",
            level, achievement.get("level_framework") or LEVEL_FRAMEWORK, "ext:SkillLevel",
        ),
    ]
    profile = {"id": issuer["id"], "type": ["Profile"], "name": issuer["name"]}
    if issuer.get("url"):
        profile["url"] = issuer["url"]
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3P0],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile,
        "validFrom": _timestamp(valid_from),
        "name": achievement["name"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityType": identity_type,
                "hashed": True,
                "identityHash": hashed,
                "salt": salt,
            }],
            "achievement": {
                "id": achievement["id"],
                "type": ["Achievement"],
                "achievementType": achievement.get("achievement_type") or "Certification",
                "name": achievement["name"],
                "description": achievement["description"],
                "criteria": {"narrative": achievement["criteria_narrative"]},
                "humanCode": achievement["human_code"],
                "alignment": alignment,
            },
        },
    }
    if valid_until is not None:
        credential["validUntil"] = _timestamp(valid_until)
    if status_entry is not None:
        credential["credentialStatus"] = dict(status_entry)
    return credential
