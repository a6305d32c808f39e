"""An Open Badges 3.0 credential checked against two JSON Schemas.

- the official 1EdTech AchievementCredential schema (draft 2019-09, vendored in `schemas/`, see its
  README), which every Open Badges verifier applies: it requires, for one, `proof` to be an array;
- `OB3_SCHEMA` (Draft 2020-12), the registry's own, stricter on what DOMAIN §11 asks and this registry
  relies on (URIs and date-times by pattern, the hashed identifier, alignment, status entry, an
  eddsa-rdfc-2022 proof).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator, Draft202012Validator

from .contexts import CREDENTIALS_V2, OB_V3P0

__all__ = ["OB3_SCHEMA", "OFFICIAL_SCHEMA_PATH", "validate_ob3"]

OFFICIAL_SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "ob_v3p0_achievementcredential.json"

_URI = {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$"}
_DATETIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}
_TEXT = {"type": "string", "minLength": 1}
_IDENTITY_HASH = r"^(sha256\$[0-9a-f]{64}|md5\$[0-9a-f]{32})$"


def _has_type(*names: str) -> dict[str, Any]:
    """`type` is the name itself or an array containing one of the names."""
    return {"anyOf": [{"enum": list(names)}, {"type": "array", "contains": {"enum": list(names)}}]}


OB3_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:talent-ladder:schema:ob3-credential",
    "type": "object",
    "required": ["@context", "id", "type", "issuer", "validFrom", "credentialSubject"],
    "properties": {
        "@context": {
            "type": "array",
            "minItems": 2,
            "prefixItems": [{"const": CREDENTIALS_V2}, {"const": OB_V3P0}],
            "items": {"type": ["string", "object"]},
        },
        "id": _URI,
        "type": {
            "type": "array",
            "allOf": [
                {"contains": {"const": "VerifiableCredential"}},
                {"contains": {"enum": ["OpenBadgeCredential", "AchievementCredential"]}},
            ],
        },
        "issuer": {"$ref": "#/$defs/Profile"},
        "validFrom": _DATETIME,
        "validUntil": _DATETIME,
        "name": _TEXT,
        "credentialSubject": {"$ref": "#/$defs/AchievementSubject"},
        "credentialStatus": {"$ref": "#/$defs/Status"},
        "proof": {
            "anyOf": [
                {"$ref": "#/$defs/Proof"},
                {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Proof"}},
            ]
        },
    },
    "$defs": {
        "Profile": {
            "type": "object",
            "required": ["id", "type"],
            "properties": {"id": _URI, "type": _has_type("Profile"), "name": _TEXT, "url": _URI},
        },
        "AchievementSubject": {
            "type": "object",
            "required": ["type", "achievement"],
            "anyOf": [{"required": ["id"]}, {"required": ["identifier"]}],
            "properties": {
                "id": _URI,
                "type": _has_type("AchievementSubject"),
                "identifier": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/IdentityObject"}},
                "achievement": {"$ref": "#/$defs/Achievement"},
            },
        },
        "IdentityObject": {
            "type": "object",
            "required": ["type", "identityType", "identityHash", "hashed"],
            "properties": {
                "type": {"const": "IdentityObject"},
                "identityType": _TEXT,
                "identityHash": _TEXT,
                "hashed": {"type": "boolean"},
                "salt": {"type": "string"},
            },
            "if": {"properties": {"hashed": {"const": True}}},
            "then": {"properties": {"identityHash": {"pattern": _IDENTITY_HASH}}},
        },
        "Achievement": {
            "type": "object",
            "required": ["id", "type", "name", "description", "criteria"],
            "properties": {
                "id": _URI,
                "type": _has_type("Achievement"),
                "name": _TEXT,
                "description": _TEXT,
                "criteria": {
                    "type": "object",
                    "anyOf": [{"required": ["id"]}, {"required": ["narrative"]}],
                    "properties": {"id": _URI, "narrative": _TEXT},
                },
                "achievementType": _TEXT,
                "humanCode": _TEXT,
                "alignment": {"type": "array", "items": {"$ref": "#/$defs/Alignment"}},
            },
        },
        "Alignment": {
            "type": "object",
            "required": ["type", "targetName", "targetUrl"],
            "properties": {
                "type": _has_type("Alignment"),
                "targetName": _TEXT,
                "targetUrl": _URI,
                "targetCode": _TEXT,
                "targetFramework": _TEXT,
                "targetType": _TEXT,
            },
        },
        "Status": {
            "type": "object",
            "required": ["type"],
            "properties": {"id": _URI, "type": _TEXT},
            "if": {"properties": {"type": {"const": "BitstringStatusListEntry"}}},
            "then": {
                "required": ["statusPurpose", "statusListIndex", "statusListCredential"],
                "properties": {
                    "statusPurpose": _TEXT,
                    "statusListIndex": {"type": "string", "pattern": r"^(0|[1-9][0-9]*)$"},
                    "statusListCredential": _URI,
                },
            },
        },
        "Proof": {
            "type": "object",
            "required": ["type"],
            "if": {"properties": {"type": {"const": "DataIntegrityProof"}}},
            "then": {
                "required": ["cryptosuite", "verificationMethod", "proofPurpose", "proofValue"],
                "properties": {
                    "cryptosuite": {"const": "eddsa-rdfc-2022"},
                    "verificationMethod": _URI,
                    "proofPurpose": {"const": "assertionMethod"},
                    "proofValue": {"type": "string", "pattern": r"^z[1-9A-HJ-NP-Za-km-z]+$"},
                },
            },
        },
    },
}

Draft202012Validator.check_schema(OB3_SCHEMA)
_VALIDATOR = Draft202012Validator(OB3_SCHEMA)
_OFFICIAL: dict[str, Any] = json.loads(OFFICIAL_SCHEMA_PATH.read_text(encoding="utf-8"))
Draft201909Validator.check_schema(_OFFICIAL)
_OFFICIAL_VALIDATOR = Draft201909Validator(_OFFICIAL, format_checker=Draft201909Validator.FORMAT_CHECKER)


def validate_ob3(credential: Any) -> list[str]:
    """Every schema violation as "path: message" (path like credentialSubject.achievement.name), the
    official 1EdTech schema's first (marked "1EdTech schema"), then the registry's own.

    An empty list means the credential is valid."""
    errors: list[str] = []
    for label, validator in (("1EdTech schema: ", _OFFICIAL_VALIDATOR), ("", _VALIDATOR)):
        for error in sorted(validator.iter_errors(credential), key=lambda e: [str(p) for p in e.absolute_path]):
            path = ".".join(str(p) for p in error.absolute_path) or "(root)"
            message = f"{label}{path}: {error.message}"
            if message not in errors:
                errors.append(message)
    return errors
