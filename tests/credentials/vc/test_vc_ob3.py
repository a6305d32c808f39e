"""Open Badges 3.0 builder and schema: a certificate as an OpenBadgeCredential, signed and verified."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from credentials.identity import blind_index
from credentials.vc import jose, keys, ob3, proof
from credentials.vc.schema import OB3_SCHEMA, validate_ob3
from credentials.vc.statuslist import status_entry

DID = "did:web:rst.example.cn"
VM = f"{DID}#key-1"
VECTOR = json.loads((Path(__file__).parent / "data" / "test-vector.json").read_text(encoding="utf-8"))
ACHIEVEMENT = {
    "id": "https://rst.example.cn/achievements/6-18-01-01/4",
    "name": "车工（四级/中级工）",
    "description": "职业技能等级证书：车工 四级/中级工",
    "criteria_narrative": "通过理论知识考试和操作技能考核，成绩均达到60分以上。",
    "occupation_code": "6-18-01-01",
    "level_code": "4",
    "framework": "中华人民共和国职业分类大典（2022年版）",
    "human_code": "车工-四级",
}


def build(**overrides):
    salt = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    blind = blind_index("11010519491231002X", bytes(range(32)))
    args = {
        "credential_id": "urn:uuid:6f1c9a52-8d34-4b7e-9a1e-2c5d7f0e3b11",
        "issuer": {"id": DID, "name": "某省职业技能鉴定指导中心", "url": "https://rst.example.cn"},
        "valid_from": datetime(2024, 5, 1, 16, 0, 30, 123456, tzinfo=timezone(timedelta(hours=8))),
        "subject_identifier_hash": (salt, ob3.identity_hash(blind, salt)),
        "achievement": ACHIEVEMENT,
        "status_entry": status_entry("https://rst.example.cn/status/2024/1", 42),
    }
    return ob3.build_open_badge_credential(**{**args, **overrides})


def test_built_credential_passes_schema_and_carries_alignment():
    cred = build()
    assert validate_ob3(cred) == []
    assert cred["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert cred["validFrom"] == "2024-05-01T08:00:30Z"
    subject = cred["credentialSubject"]
    assert "id" not in subject and subject["identifier"][0]["hashed"] is True
    assert "11010519491231002X" not in json.dumps(cred, ensure_ascii=False)
    achievement = subject["achievement"]
    assert achievement["humanCode"] == "车工-四级"
    by_type = {a["targetType"]: a for a in achievement["alignment"]}
    assert by_type["ext:Occupation"]["targetCode"] == "6-18-01-01"
    assert by_type["ext:Occupation"]["targetFramework"] == ACHIEVEMENT["framework"]
    assert by_type["ext:SkillLevel"]["targetCode"] == "4"
    assert by_type["ext:SkillLevel"]["targetFramework"] == ob3.LEVEL_FRAMEWORK
    assert cred["credentialStatus"]["statusListIndex"] == "42"


def test_identity_hash_follows_open_badges_rule():
    import hashlib

    assert ob3.identity_hash("abc", "salt") == "sha256$" + hashlib.sha256(b"abcsalt").hexdigest()
    assert len(ob3.new_salt()) == 32 and ob3.new_salt() != ob3.new_salt()


def test_built_credential_signs_and_verifies_both_ways():
    key = keys.generate_private_key()
    resolver = keys.key_resolver({VM: keys.public_key_multibase(key)})
    cred = build()
    signed = proof.sign_data_integrity(cred, key, VM, "2024-05-01T08:00:30Z")  # safe mode: nothing dropped
    assert validate_ob3(signed) == []
    assert proof.verify_data_integrity(signed, resolver).ok
    forged = copy.deepcopy(signed)
    forged["credentialSubject"]["achievement"]["alignment"][1]["targetCode"] = "1"  # 四级 → 一级
    assert proof.verify_data_integrity(forged, resolver).reasons == ("signature_invalid",)
    forged = copy.deepcopy(signed)
    forged["credentialStatus"]["statusListIndex"] = "43"
    assert proof.verify_data_integrity(forged, resolver).reasons == ("signature_invalid",)
    assert jose.verify_vc_jwt(jose.sign_vc_jwt(cred, key, VM), resolver).ok


def test_optional_parts():
    cred = build(status_entry=None, valid_until=datetime(2029, 5, 1, tzinfo=UTC),
                 achievement={**ACHIEVEMENT, "occupation_name": "车工", "occupation_url": "https://rst.example.cn/o/1",
                              "level_name": "四级/中级工", "achievement_type": "License"})
    assert "credentialStatus" not in cred and cred["validUntil"] == "2029-05-01T00:00:00Z"
    occupation = cred["credentialSubject"]["achievement"]["alignment"][0]
    assert (occupation["targetName"], occupation["targetUrl"]) == ("车工", "https://rst.example.cn/o/1")
    assert cred["credentialSubject"]["achievement"]["achievementType"] == "License"
    assert validate_ob3(cred) == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"achievement": {**ACHIEVEMENT, "criteria_narrative": ""}},
        {"achievement": {k: v for k, v in ACHIEVEMENT.items() if k != "occupation_code"}},
        {"issuer": {"id": DID}},
        {"valid_from": datetime(2024, 5, 1)},
        {"subject_identifier_hash": ("salt", "11010519491231002X")},
    ],
)
def test_builder_refuses_incomplete_input(overrides):
    with pytest.raises(ValueError):
        build(**overrides)


def test_schema_accepts_the_official_vector():
    assert validate_ob3(VECTOR["unsigned_credential"]) == []


def _broken(mutate):
    cred = build()
    mutate(cred)
    return validate_ob3(cred)


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda c: c.__setitem__("@context", list(reversed(c["@context"]))), "@context.0"),
        (lambda c: c.__setitem__("type", ["VerifiableCredential"]), "type"),
        (lambda c: c.__setitem__("id", "not a uri"), "id"),
        (lambda c: c.pop("validFrom"), "(root)"),
        (lambda c: c.__setitem__("validFrom", "2024-05-01T08:00:00"), "validFrom"),
        (lambda c: c["issuer"].__setitem__("type", ["Organization"]), "issuer.type"),
        (lambda c: c.__setitem__("issuer", DID), "issuer"),
        (lambda c: c["credentialSubject"].pop("identifier"), "credentialSubject"),
        (lambda c: c["credentialSubject"]["identifier"][0].pop("identityType"),
         "credentialSubject.identifier.0"),
        (lambda c: c["credentialSubject"]["identifier"][0].__setitem__("identityHash", "plain"),
         "credentialSubject.identifier.0.identityHash"),
        (lambda c: c["credentialSubject"]["achievement"].pop("description"), "credentialSubject.achievement"),
        (lambda c: c["credentialSubject"]["achievement"].__setitem__("criteria", {}),
         "credentialSubject.achievement.criteria"),
        (lambda c: c["credentialSubject"]["achievement"]["alignment"][0].pop("targetUrl"),
         "credentialSubject.achievement.alignment.0"),
        (lambda c: c["credentialStatus"].pop("statusListCredential"), "credentialStatus"),
        (lambda c: c["credentialStatus"].__setitem__("statusListIndex", 42),
         "credentialStatus.statusListIndex"),
        (lambda c: c.__setitem__("proof", {"type": "DataIntegrityProof", "cryptosuite": "eddsa-2022"}),
         "proof"),
    ],
)
def test_schema_reports_each_violation_with_its_path(mutate, where):
    errors = _broken(mutate)
    assert errors and any(e.startswith(where + ":") for e in errors), errors


def test_schema_is_draft_2020_12():
    assert OB3_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert validate_ob3("not an object") != []


def test_a_signed_credential_meets_the_official_1edtech_schema_which_wants_a_proof_array():
    signed = proof.sign_data_integrity(build(), keys.generate_private_key(), VM, "2024-05-01T08:00:00Z")
    bare = dict(signed, proof=signed["proof"][0])  # the single-object form other tools emit

    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 1
    assert validate_ob3(signed) == []
    assert any(error.startswith("1EdTech schema: proof:") for error in validate_ob3(bare))


def test_the_official_schema_is_the_vendored_1edtech_file():
    import hashlib

    from credentials.vc.schema import OFFICIAL_SCHEMA_PATH

    data = OFFICIAL_SCHEMA_PATH.read_bytes()
    assert hashlib.sha256(data).hexdigest() == "5753fb3ecf7d024ed273dd364bd683f483eb47257e718e6618832cf89eb2083a"
    assert json.loads(data)["$id"].endswith("/ob_v3p0_achievementcredential-jsonschema1.json")
