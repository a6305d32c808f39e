"""Interoperability: credentials issued by the app verify in software that shares no code with it.

The app issues Open Badges 3.0 credentials (JSON with an eddsa-rdfc-2022 proof, and VC-JOSE JWTs) through
its real download route; its DID document and status list are fetched from its public routes. All of it
goes to a temporary folder, and `verify.mjs` (Node) checks it with Digital Bazaar's Data Integrity stack
and Bitstring Status List checker, panva/jose for the JWT, and Ajv with the official 1EdTech Open Badges
3.0 JSON schema, through an offline document loader. Install the Node side with `npm ci` in this folder
(`.ci/run` does); without it the tests skip locally and fail in CI.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from credentials.services.certificates import revoke_certificate
from credentials.vc.contexts import PINNED
from credentials.vc.schema import OFFICIAL_SCHEMA_PATH

HERE = Path(__file__).resolve().parent
CONTEXTS = HERE.parents[1] / "credentials" / "vc" / "contexts"
PACKAGES = ("@digitalbazaar/vc", "@digitalbazaar/data-integrity", "@digitalbazaar/eddsa-rdfc-2022-cryptosuite",
            "@digitalbazaar/ed25519-multikey", "@digitalbazaar/vc-bitstring-status-list", "jose", "ajv")


@pytest.fixture(scope="module")
def node() -> str:
    executable = shutil.which("node")
    missing = [name for name in PACKAGES if not (HERE / "node_modules" / name / "package.json").is_file()]
    if executable and not missing:
        return executable
    reason = ("interop test needs Node and tests/interop/node_modules: run `npm ci --prefix tests/interop` "
              f"(missing: {'node' if not executable else ', '.join(missing)})")
    if os.environ.get("CI"):
        pytest.fail(reason + " - .ci/run installs them, so CI must not skip this")
    pytest.skip(reason)


@pytest.fixture
def issued(client, login, make_user, make_worker, make_institution, make_certificate, runner, db):
    """What the app hands out and publishes: credentials of a valid and a revoked certificate, one signed
    before a key rotation, and the DID document and status list as served afterwards."""
    institution = make_institution("苏州技师学院")
    kept = make_certificate(make_worker("王建国"), institution, level="intermediate", issued_on=date(2020, 9, 1))
    gone = make_certificate(make_worker("李芳"), institution, level="senior", issued_on=date(2023, 6, 1))
    files: dict[str, str] = {}
    for name, certificate in (("kept", kept), ("gone", gone)):
        browser = client.application.test_client()
        login(browser, make_user("worker", worker=certificate.worker))
        for fmt in ("json", "jwt"):
            response = browser.get(f"/credentials/certificates/{certificate.number}?format={fmt}")
            assert response.status_code == 200, response.text[:300]
            files[f"{name}.{fmt}"] = response.get_data(as_text=True)
        if name == "kept":
            assert runner.invoke(args=["credentials", "rotate-key"]).exit_code == 0
            files["kept-new-key.json"] = browser.get(f"/credentials/certificates/{kept.number}").get_data(as_text=True)
    revoke_certificate(db.session(), gone, reason="材料造假", by=make_user("bureau_officer"))
    db.session.commit()
    documents = {}
    did_document = client.get("/.well-known/did.json").get_json(force=True)
    documents[did_document["id"]] = did_document
    for text in (files["kept.json"], files["gone.json"]):
        url = json.loads(text)["credentialStatus"]["statusListCredential"]
        documents[url] = client.get(urlsplit(url).path).get_json(force=True)
    return files, documents


def run_node(node: str, folder: Path, files: dict[str, str], documents: dict[str, dict],
             cases: list[dict]) -> dict:
    written = {}
    for name, content in {**files, **{f"document-{i}.json": json.dumps(doc) for i, doc in
                                      enumerate(documents.values())}}.items():
        (folder / name).write_text(content, encoding="utf-8")
        written[name] = str(folder / name)
    spec = {
        "contexts": {url: str(CONTEXTS / filename) for url, (filename, _digest) in PINNED.items()},
        "documents": {url: written[f"document-{i}.json"] for i, url in enumerate(documents)},
        "schema": str(OFFICIAL_SCHEMA_PATH),
        "now": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "cases": [{**case, "file": written[case["file"]]} for case in cases],
    }
    (folder / "input.json").write_text(json.dumps(spec), encoding="utf-8")
    completed = subprocess.run([node, str(HERE / "verify.mjs"), str(folder / "input.json")],  # noqa: S603
                               capture_output=True, text=True, timeout=120, cwd=HERE, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    output = json.loads(completed.stdout)
    (folder / "output.json").write_text(completed.stdout, encoding="utf-8")  # kept with pytest's tmp_path
    print("independent verifier:", json.dumps(output["versions"]))  # shown with -s, and in CI logs on failure
    return output


def by_name(output: dict) -> dict[str, dict]:
    return {result["name"]: result for result in output["results"]}


def test_the_apps_credentials_verify_in_digital_bazaars_stack_and_meet_the_official_schema(node, issued, tmp_path):
    files, documents = issued
    status_url = json.loads(files["kept.json"])["credentialStatus"]["statusListCredential"]
    as_object = json.loads(files["kept-new-key.json"])
    (as_object["proof"],) = as_object["proof"]  # the form credentials had before: a bare proof object
    files["proof-object.json"] = json.dumps(as_object)
    cases = [
        {"name": "json, signed by the key since retired", "format": "json", "file": "kept.json"},
        {"name": "json, signed by the active key", "format": "json", "file": "kept-new-key.json"},
        {"name": "jwt", "format": "jwt", "file": "kept.jwt"},
        {"name": "json, revoked", "format": "json", "file": "gone.json"},
        {"name": "jwt, revoked", "format": "jwt", "file": "gone.jwt"},
        {"name": "json, status list unreachable", "format": "json", "file": "kept.json", "offline": [status_url]},
        {"name": "jwt, status list unreachable", "format": "jwt", "file": "kept.jwt", "offline": [status_url]},
        {"name": "json, proof as a bare object", "format": "json", "file": "proof-object.json"},
    ]

    output = run_node(node, tmp_path, files, documents, cases)
    results = by_name(output)

    assert output["versions"]["@digitalbazaar/vc"] == "7.3.0"
    for name in ("json, signed by the key since retired", "json, signed by the active key", "jwt"):
        result = results[name]
        assert result["verified"] and result["signature"], (name, result["errors"])
        assert result["status"] == {"checked": True, "revoked": False, "error": None}
        assert result["schemaValid"], (name, result["schemaErrors"])
    assert results["jwt"]["kid"].endswith("-jwk")  # the JsonWebKey the DID document publishes
    for name in ("json, revoked", "jwt, revoked"):
        result = results[name]
        assert result["signature"] and result["status"]["revoked"] is True and not result["verified"]
        assert result["schemaValid"]
    for name in ("json, status list unreachable", "jwt, status list unreachable"):
        result = results[name]
        assert not result["verified"] and not result["status"]["checked"], result
        assert "Could not load" in " ".join(result["errors"])
    legacy = results["json, proof as a bare object"]
    assert legacy["signature"] and legacy["verified"]  # the same proof to Data Integrity ...
    assert not legacy["schemaValid"] and any("/proof" in error for error in legacy["schemaErrors"])  # ... not to OB3


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return f"{value}x"


def _tampered(document: dict, path: tuple) -> dict:
    forged = copy.deepcopy(document)
    target = forged
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = _changed(target[path[-1]])
    return forged


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, ensure_ascii=False).encode()).rstrip(b"=").decode()


def test_tampering_with_any_field_fails_independent_verification(node, issued, tmp_path):
    files, documents = issued
    credential = json.loads(files["kept.json"])
    header, payload, signature = files["kept.jwt"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    protected = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    cases, forged = [], {}
    for path, _value in _leaves(credential):
        name = "json " + "/".join(map(str, path))
        forged[f"t{len(forged)}.json"] = json.dumps(_tampered(credential, path), ensure_ascii=False)
        cases.append({"name": name, "format": "json", "file": f"t{len(forged) - 1}.json"})
    for part, document in (("payload", claims), ("header", protected)):
        for path, _value in _leaves(document):
            changed = _b64(_tampered(document, path))
            token = f"{header}.{changed}.{signature}" if part == "payload" else f"{changed}.{payload}.{signature}"
            forged[f"t{len(forged)}.jwt"] = token
            cases.append({"name": f"jwt {part} " + "/".join(map(str, path)), "format": "jwt",
                          "file": f"t{len(forged) - 1}.jwt"})
    cases.append({"name": "untouched json", "format": "json", "file": "kept.json"})
    cases.append({"name": "untouched jwt", "format": "jwt", "file": "kept.jwt"})

    results = by_name(run_node(node, tmp_path, {**files, **forged}, documents, cases))

    assert results.pop("untouched json")["verified"] and results.pop("untouched jwt")["verified"]
    assert len(results) > 50  # every field of the credential, its proof, and the JWT's header and payload
    accepted = [name for name, result in results.items() if result["verified"] or result["signature"]]
    assert accepted == [], f"tampered credentials that still verified: {accepted}"
    assert "jwt header alg" in results and "json proof/0/proofValue" in results
