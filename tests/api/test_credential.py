"""GET /api/v1/certificates/<number>/credential: a signed Open Badges 3.0 credential that verifies offline,
fails when tampered with, turns revoked in the status list, and survives key rotation."""

from __future__ import annotations

import copy
import json
from datetime import date
from urllib.parse import urlsplit

import jwt
import pytest

from app.trust import did_for
from credentials.services.certificates import revoke_certificate
from credentials.vc import jose, keys, proof, statuslist
from credentials.vc.schema import validate_ob3
from credentials.vc.statuslist import read_status

VC = "application/vc"


@pytest.fixture
def institution(make_institution):
    return make_institution("苏州技师学院", city_code="3205")


@pytest.fixture
def holder(make_worker):
    return make_worker("王建国", city_code="3205")


@pytest.fixture
def certificate(make_certificate, holder, institution):
    return make_certificate(holder, institution, level="senior", issued_on=date(2021, 6, 1))


@pytest.fixture
def worker_auth(make_user, api_token, holder):
    return api_token(make_user("worker", worker=holder))


def fetch(client, certificate, headers, **params):
    response = client.get(f"/api/v1/certificates/{certificate.number}/credential", headers=headers,
                          query_string=params)
    assert response.status_code == 200, response.text[:500]
    return response


def resolver(client):
    return keys.key_resolver(client.get("/.well-known/did.json").get_json(force=True))


def status_list(client, credential):
    url = credential["credentialStatus"]["statusListCredential"]
    return client.get(urlsplit(url).path).get_json(force=True)


def test_worker_downloads_a_signed_open_badge_that_verifies_with_the_published_keys(
        client, certificate, worker_auth):
    response = fetch(client, certificate, worker_auth)
    credential = json.loads(response.data)

    assert response.mimetype == VC
    assert proof.verify_data_integrity(credential, resolver(client)).ok
    assert validate_ob3(credential) == []
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert [p["cryptosuite"] for p in credential["proof"]] == ["eddsa-rdfc-2022"]  # OB3 schema: an array
    assert credential["issuer"]["id"] == did_for(client.application.config["PUBLIC_BASE_URL"])  # did:web:localhost%3A…
    assert credential["validFrom"] == "2021-05-31T16:00:00Z"  # 2021-06-01 in China


def test_credential_carries_occupation_level_framework_and_the_issuing_institution(
        client, certificate, worker_auth):
    credential = json.loads(fetch(client, certificate, worker_auth).data)

    subject = credential["credentialSubject"]
    alignment = {a["targetType"]: a for a in subject["achievement"]["alignment"]}
    assert alignment["ext:Occupation"]["targetCode"] == "6-18-01-01"
    assert "职业分类大典（2022年版）" in alignment["ext:Occupation"]["targetFramework"]
    assert alignment["ext:SkillLevel"]["targetCode"] == "3"  # 高级工 = 三级
    assert "人社部发〔2022〕14号" in alignment["ext:SkillLevel"]["targetFramework"]
    assert subject["licenseNumber"] == certificate.number
    assert subject["source"]["name"] == "苏州技师学院"
    assert "可评价车工至高级技师" in subject["source"]["description"]


def test_subject_is_a_salted_hash_never_the_national_id_or_name(
        client, certificate, worker_auth, holder, vault):
    text = fetch(client, certificate, worker_auth).data.decode()
    identifier = json.loads(text)["credentialSubject"]["identifier"][0]

    assert vault.reveal(holder.id_ciphertext) not in text and "王建国" not in text
    assert identifier["hashed"] is True and identifier["identityHash"].startswith("sha256$")
    assert identifier["identityHash"] != "sha256$" + holder.id_hash


def test_institution_terms_survive_json_ld_safe_mode_and_are_signed(client, certificate, worker_auth):
    """`source` and `licenseNumber` are defined by the pinned OB3 context, so the signature covers them."""
    credential = json.loads(fetch(client, certificate, worker_auth).data)
    unsigned = {k: v for k, v in credential.items() if k != "proof"}

    quads = proof.canonicalize(unsigned)  # raises CanonicalizationError on any dropped term
    assert "苏州技师学院" in quads and certificate.number in quads


TAMPERS = {
    "level": lambda c: c["credentialSubject"]["achievement"]["alignment"][1].update(targetCode="1"),
    "occupation": lambda c: c["credentialSubject"]["achievement"]["alignment"][0].update(
        targetCode="6-18-01-02"),
    "achievement name": lambda c: c["credentialSubject"]["achievement"].update(name="车工 高级技师（一级）"),
    "issuer name": lambda c: c["issuer"].update(name="某某证书中心"),
    "valid from": lambda c: c.update(validFrom="2011-05-31T16:00:00Z"),
    "holder hash": lambda c: c["credentialSubject"]["identifier"][0].update(
        identityHash="sha256$" + "0" * 64),
    "certificate number": lambda c: c["credentialSubject"].update(licenseNumber="S000032000001213999999"),
    "institution": lambda c: c["credentialSubject"]["source"].update(name="另一所学校"),
    "status index": lambda c: c["credentialStatus"].update(statusListIndex="1"),
}


@pytest.mark.parametrize("field", TAMPERS)
def test_a_credential_tampered_in_any_field_fails_verification(client, certificate, worker_auth, field):
    credential = json.loads(fetch(client, certificate, worker_auth).data)
    forged = copy.deepcopy(credential)
    TAMPERS[field](forged)

    result = proof.verify_data_integrity(forged, resolver(client))

    assert not result.ok and result.reasons == ("signature_invalid",)


def test_jwt_form_by_parameter_or_accept_header_verifies_and_refuses_tampering(
        client, certificate, worker_auth):
    by_param = fetch(client, certificate, worker_auth, format="jwt")
    by_accept = fetch(client, certificate, {**worker_auth, "Accept": "application/vc+jwt"})

    for response in (by_param, by_accept):
        assert response.mimetype == "application/vc+jwt"
        result = jose.verify_vc_jwt(response.data.decode(), resolver(client))
        assert result.ok and result.credential["credentialSubject"]["licenseNumber"] == certificate.number
        assert "proof" not in result.credential and validate_ob3(result.credential) == []
    header, payload, signature = by_param.data.decode().split(".")
    claims = jwt.decode(by_param.data.decode(), options={"verify_signature": False})
    claims["issuer"]["name"] = "某某证书中心"
    forged_payload = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    assert jose.verify_vc_jwt(f"{header}.{forged_payload}.{signature}", resolver(client)).reasons == (
        "signature_invalid",)


def test_unknown_format_is_a_field_error(client, certificate, worker_auth):
    response = client.get(f"/api/v1/certificates/{certificate.number}/credential?format=pdf",
                          headers=worker_auth)

    assert response.status_code == 422 and "format" in response.json["errors"]


def test_the_same_certificate_keeps_its_credential_id_and_status_bit(client, certificate, worker_auth):
    first = json.loads(fetch(client, certificate, worker_auth).data)
    second = json.loads(fetch(client, certificate, worker_auth).data)

    assert first["id"] == second["id"] and first["id"].startswith("urn:uuid:")
    assert first["credentialStatus"] == second["credentialStatus"]


def test_revoked_certificate_shows_revoked_in_the_status_list_and_gets_no_new_credential(
        client, certificate, worker_auth, make_user, db, tmp_path, runner):
    credential = json.loads(fetch(client, certificate, worker_auth).data)
    entry = credential["credentialStatus"]
    assert read_status(entry, status_list(client, credential)) is False

    revoke_certificate(db.session(), certificate, reason="材料造假", by=make_user("bureau_officer"))
    db.session.commit()

    published = status_list(client, credential)
    assert proof.verify_data_integrity(published, resolver(client)).ok
    assert read_status(entry, published) is True
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential), encoding="utf-8")
    result = runner.invoke(args=["credentials", "verify", str(path)])
    assert result.exit_code == 1 and "REVOKED on" in result.output
    again = client.get(f"/api/v1/certificates/{certificate.number}/credential", headers=worker_auth)
    assert again.status_code == 409 and again.json["code"] == "certificate_revoked"


def test_key_rotation_keeps_earlier_credentials_verifying(client, certificate, worker_auth, runner):
    before = json.loads(fetch(client, certificate, worker_auth).data)
    before_jwt = fetch(client, certificate, worker_auth, format="jwt").data.decode()

    assert runner.invoke(args=["credentials", "rotate-key"]).exit_code == 0
    after = json.loads(fetch(client, certificate, worker_auth).data)

    assert after["proof"][0]["verificationMethod"] != before["proof"][0]["verificationMethod"]
    published = resolver(client)
    assert proof.verify_data_integrity(before, published).ok
    assert proof.verify_data_integrity(after, published).ok
    assert jose.verify_vc_jwt(before_jwt, published).ok
    assert proof.verify_data_integrity(status_list(client, before), published).ok  # now signed by the new key


@pytest.fixture
def other_institution(make_institution):
    return make_institution("无锡技师学院", city_code="3202")


@pytest.mark.parametrize(("role", "kwargs", "status"), [
    ("institution_staff", {"institution": "issuer"}, 200),
    ("institution_staff", {"institution": "other"}, 404),
    ("bureau_officer", {"scope": "city", "region": "3205"}, 200),
    ("bureau_officer", {"scope": "province", "region": "32"}, 200),
    ("bureau_officer", {"scope": "city", "region": "3202"}, 404),
    ("admin", {}, 200),
    ("worker", {}, 404),  # another worker
])
def test_who_may_fetch_a_credential(client, certificate, institution, other_institution, make_user, api_token,
                                    role, kwargs, status):
    if "institution" in kwargs:
        kwargs = {"institution": institution if kwargs["institution"] == "issuer" else other_institution}
    headers = api_token(make_user(role, **kwargs))

    response = client.get(f"/api/v1/certificates/{certificate.number}/credential", headers=headers)

    assert response.status_code == status


def test_a_browser_cookie_does_not_reach_the_credential_api(client, certificate, holder, make_user, login):
    login(client, make_user("worker", worker=holder))

    assert client.get(f"/api/v1/certificates/{certificate.number}/credential").status_code == 401


def test_did_document_is_public_lists_the_keys_and_may_be_fetched_cross_origin(
        client, certificate, worker_auth):
    fetch(client, certificate, worker_auth)

    response = client.get("/.well-known/did.json")
    document = response.get_json(force=True)
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    assert document["id"] == did_for(client.application.config["PUBLIC_BASE_URL"])
    assert [m["type"] for m in document["verificationMethod"]] == ["Multikey", "JsonWebKey"]  # one key, twice
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    assert client.get("/did.json").get_json(force=True) == document


@pytest.mark.parametrize(("base_url", "did"), [
    ("http://localhost:5000", "did:web:localhost%3A5000"),
    ("http://127.0.0.1:8080", "did:web:localhost%3A8080"),  # did:web forbids IP addresses: loopback is localhost
    ("https://rst.example.gov.cn/", "did:web:rst.example.gov.cn"),
    ("https://rst.example.gov.cn:8443/talent-ladder", "did:web:rst.example.gov.cn%3A8443:talent-ladder"),
])
def test_did_web_names_the_public_host_with_port_percent_encoded(base_url, did):
    assert did_for(base_url) == did


def test_status_list_of_unknown_number_is_a_json_404(client):
    response = client.get("/credentials/status/7")

    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_status_list_holds_131072_entries_for_herd_privacy(client, certificate, worker_auth):
    credential = json.loads(fetch(client, certificate, worker_auth).data)

    encoded = status_list(client, credential)["credentialSubject"]["encodedList"]
    assert statuslist.StatusList.decode(encoded).size == 131_072
