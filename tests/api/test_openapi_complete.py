"""The OpenAPI document describes every answer: each operation's success body has a schema (or, for a file,
a description and a media type), errors are problem documents, every reference resolves, every example
fits its schema, and real answers fit what the document says (and lose nothing to the schema's dump)."""

from __future__ import annotations

import io
import json
from datetime import date

import marshmallow
import pytest
from jsonschema import Draft202012Validator

from credentials.queries.verification import link_token
from tests.import_fixtures import RESULT_HEADERS, csv_bytes
from tests.promotion_fixtures import Cast, png_bytes

PROBLEM = "application/problem+json"
JSON_TYPES = ("application/json", PROBLEM)
METHODS = ("get", "put", "post", "delete", "patch")
MAIN_SCHEMAS = ("CertificateOut", "WorkerOut", "LevelOut", "Verdict", "Problem", "PromotionOut", "ImportJobOut")


# ------------------------------------------------------------------ reading the document

@pytest.fixture
def spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def resolve(spec: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        node = pointer(spec, node["$ref"])
    return node


def pointer(spec: dict, ref: str):
    assert ref.startswith("#/"), ref
    node = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def walk(node, trail=""):
    """Every dict in the document, with where it is."""
    if isinstance(node, dict):
        yield trail, node
        for key, value in node.items():
            yield from walk(value, f"{trail}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{trail}/{index}")


def json_schema(node):
    """An OpenAPI 3.0 schema object as JSON Schema 2020-12: `nullable` becomes a null type."""
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("nullable", "example"):
            continue
        if key == "properties":
            out[key] = {name: json_schema(schema) for name, schema in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = json_schema(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [json_schema(schema) for schema in value]
        else:
            out[key] = value
    if node.get("nullable"):
        if set(node) == {"type", "nullable"} and node["type"] == "object":
            return {"type": "null"}  # apispec's stand-in for null beside a nullable $ref
        if "type" in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def validator(spec: dict, schema: dict) -> Draft202012Validator:
    components = {name: json_schema(each) for name, each in spec["components"]["schemas"].items()}
    return Draft202012Validator({**json_schema(schema), "components": {"schemas": components}},
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors_of(spec: dict, schema: dict, instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
            for e in validator(spec, schema).iter_errors(instance)]


# ------------------------------------------------------------------ the document itself

def test_every_operation_documents_the_body_of_its_success(spec):
    missing = []
    for name, operation in operations(spec):
        successes = {code: resolve(spec, r) for code, r in operation["responses"].items() if code.startswith("2")}
        if not successes:
            missing.append(f"{name}: no 2xx response")
        for code, response in successes.items():
            if code == "204":
                continue
            content = response.get("content") or {}
            if not content or not response.get("description"):
                missing.append(f"{name} {code}: no content or no description")
            for media, entry in content.items():
                schema = resolve(spec, entry.get("schema") or {})
                if media in JSON_TYPES and not schema.get("properties"):
                    missing.append(f"{name} {code} {media}: no schema with properties")
                elif not schema.get("type") and not schema.get("properties"):
                    missing.append(f"{name} {code} {media}: no schema")

    assert not missing, "\n".join(missing)


def test_every_error_answer_is_documented_as_a_problem(spec):
    wrong = []
    for name, operation in operations(spec):
        for code, response in operation["responses"].items():
            if code.startswith(("1", "2", "3")):
                continue
            content = resolve(spec, response).get("content", {})
            if list(content) != [PROBLEM] or content[PROBLEM]["schema"] != {"$ref": "#/components/schemas/Problem"}:
                wrong.append(f"{name} {code}: {sorted(content)}")
        if operation.get("security") != [] and "401" not in operation["responses"]:
            wrong.append(f"{name}: needs a token but documents no 401")

    assert not wrong, "\n".join(wrong)


def test_the_problem_schema_names_what_app_errors_writes(spec):
    problem = spec["components"]["schemas"]["Problem"]

    assert set(problem["properties"]) == {"type", "title", "status", "detail", "errors", "request_id", "code"}
    assert set(problem["required"]) == {"type", "title", "status", "request_id"}


def test_every_reference_resolves(spec):
    broken = []
    for trail, node in walk(spec):
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                pointer(spec, ref)
            except (KeyError, AssertionError):
                broken.append(f"{trail}: {ref}")

    assert not broken, "\n".join(broken)


def test_every_example_fits_its_schema(spec):
    checked, wrong = 0, []
    for trail, node in walk(spec):
        if "schema" in node and isinstance(node["schema"], dict):  # a media type: example(s) of the body
            examples = ([node["example"]] if "example" in node else []) + [
                e["value"] for e in node.get("examples", {}).values()]
            for example in examples:
                checked += 1
                wrong += [f"{trail}: {error}" for error in errors_of(spec, node["schema"], example)]
        elif "example" in node and ("type" in node or "allOf" in node or "anyOf" in node or "$ref" in node):
            checked += 1
            wrong += [f"{trail}: {error}" for error in errors_of(spec, node, node["example"])]

    assert not wrong, "\n".join(wrong)
    assert checked > 250, checked


@pytest.mark.parametrize("name", MAIN_SCHEMAS)
def test_the_main_schemas_show_an_example_for_every_field_that_always_has_a_value(spec, name):
    properties = spec["components"]["schemas"][name]["properties"]

    bare = [field for field, schema in properties.items()
            if schema.get("type") in ("string", "integer", "boolean") and not schema.get("nullable")
            and "example" not in schema]
    assert not bare


# ------------------------------------------------------------------ real answers fit the document

MISMATCHES: list[str] = []


@pytest.fixture(autouse=True)
def faithful_dumps(monkeypatch):
    """Every response schema must give back the view's dict unchanged: a key it drops or a value it changes
    would change the answer, so a mismatch is recorded (and fails the test in `documented`)."""
    MISMATCHES.clear()
    dump = marshmallow.Schema.dump

    def checked(self, obj, *, many=None):
        result = dump(self, obj, many=many)
        as_json = [json.dumps(each, sort_keys=True, default=repr) for each in (obj, result)]
        if isinstance(obj, dict | list) and as_json[0] != as_json[1]:
            MISMATCHES.append(f"{type(self).__name__}: {as_json[0][:400]}")
        return result

    monkeypatch.setattr(marshmallow.Schema, "dump", checked)


def documented(spec: dict, response, method: str, path: str) -> object:
    """Check an answer against the document; give back its body."""
    assert not MISMATCHES, MISMATCHES
    operation = spec["paths"][path][method]
    assert str(response.status_code) in operation["responses"], (method, path, response.status_code)
    content = resolve(spec, operation["responses"][str(response.status_code)])["content"]
    assert response.mimetype in content, (method, path, response.mimetype)
    body = response.data.decode() if response.mimetype.endswith("jwt") else json.loads(response.data)
    problems = errors_of(spec, content[response.mimetype]["schema"], body)
    assert not problems, f"{method.upper()} {path} {response.status_code}:\n" + "\n".join(problems)
    return body


@pytest.fixture
def registry(make_user, make_worker, make_certificate, api_token):
    staff = make_user("institution_staff")
    holder = make_worker("张三")
    certificate = make_certificate(holder, staff.institution, level="intermediate", issued_on=date(2024, 7, 1))
    return staff, holder, certificate, api_token(staff)


def test_certificates_and_workers_match_their_schemas(client, spec, registry):
    staff, holder, certificate, auth = registry

    one = documented(spec, client.get(f"/api/v1/certificates/{certificate.number}", headers=auth),
                     "get", "/api/v1/certificates/{number}")
    page = documented(spec, client.get("/api/v1/certificates", headers=auth), "get", "/api/v1/certificates")
    workers = documented(spec, client.get("/api/v1/workers", headers=auth), "get", "/api/v1/workers")
    worker = documented(spec, client.get(f"/api/v1/workers/{holder.id}", headers=auth),
                        "get", "/api/v1/workers/{worker_id}")

    assert one["number"] == certificate.number and page["items"] == [one]
    assert holder.id in [item["id"] for item in workers["items"]] and worker["name"] == "张三"


def test_the_verification_answers_match_their_schema(client, spec, registry):
    *_, certificate, _ = registry

    link = {"number": certificate.number, "token": link_token(client.application.config["VERIFY_LINK_KEY"],
                                                                  certificate)}
    valid = documented(spec, client.get("/api/v1/verify", query_string=link), "get", "/api/v1/verify")
    unknown = documented(spec, client.post("/api/v1/verify", json={"number": "S000032000001204999999",
                                                                   "name": "张三"}), "post", "/api/v1/verify")

    assert (valid["status"], valid["holder_name_masked"]) == ("valid", "张*")
    assert unknown["status"] == "not_found" and "holder_name_masked" not in unknown


def test_history_routes_and_the_public_ladder_match_their_schemas(client, spec, registry, make_user, api_token):
    _, holder, _, _ = registry
    auth = api_token(make_user("worker", worker=holder))

    history = documented(spec, client.get(f"/api/v1/workers/{holder.id}/history", headers=auth),
                         "get", "/api/v1/workers/{worker_id}/history")
    plan = documented(spec, client.get(f"/api/v1/workers/{holder.id}/routes?to=skill-2022:senior", headers=auth),
                      "get", "/api/v1/workers/{worker_id}/routes")
    graph = documented(spec, client.get("/api/v1/ladder/graph?on=2024-07-01"), "get", "/api/v1/ladder/graph")
    routes = documented(spec, client.get("/api/v1/ladder/routes?from=skill-2022:junior&to=skill-2022:senior"),
                        "get", "/api/v1/ladder/routes")

    assert history["occupations"][0]["current_level"]["code"] == "intermediate"
    assert plan["routes"] and routes["routes"] and graph["on"] == "2024-07-01"


def test_institutions_and_reference_data_match_their_schemas(client, spec, registry):
    staff, *_, auth = registry

    institution = documented(spec, client.get(f"/api/v1/institutions/{staff.institution_id}", headers=auth),
                             "get", "/api/v1/institutions/{institution_id}")
    documented(spec, client.get("/api/v1/institutions", headers=auth), "get", "/api/v1/institutions")
    levels = documented(spec, client.get("/api/v1/reference/levels", headers=auth), "get", "/api/v1/reference/levels")
    documented(spec, client.get("/api/v1/reference/occupations?q=车工", headers=auth),
               "get", "/api/v1/reference/occupations")
    documented(spec, client.get("/api/v1/reference/cities?province=32", headers=auth), "get", "/api/v1/reference/cities")

    assert institution["accreditations"] and len(levels["frameworks"]) == 2


def test_the_signed_credential_is_the_file_the_document_announces(client, spec, registry):
    *_, certificate, auth = registry
    url = f"/api/v1/certificates/{certificate.number}/credential"

    credential = documented(spec, client.get(url, headers=auth), "get", "/api/v1/certificates/{number}/credential")
    token = documented(spec, client.get(url + "?format=jwt", headers=auth), "get",
                       "/api/v1/certificates/{number}/credential")

    assert credential["credentialSubject"]["licenseNumber"] == certificate.number and token.count(".") == 2


def test_errors_match_the_problem_schema(client, spec, registry):
    *_, auth = registry

    documented(spec, client.get("/api/v1/workers"), "get", "/api/v1/workers")
    documented(spec, client.get("/api/v1/certificates/NOPE", headers=auth), "get", "/api/v1/certificates/{number}")
    invalid = documented(spec, client.post("/api/v1/workers", json={}, headers=auth), "post", "/api/v1/workers")

    assert invalid["status"] == 422 and "name" in invalid["errors"]


def test_competitions_and_proposals_match_their_schemas(client, spec, cast: Cast, api_token, vault):
    ministry = api_token(cast["ministry"])
    created = documented(spec, client.post("/api/v1/competitions", headers=ministry, json={
        "name": "全国技能大赛", "tier": "national_skills", "occupation_code": "6-18-01-01",
        "starts_on": "2025-09-01", "ends_on": "2025-09-05", "organizer": "人力资源社会保障部"}),
        "post", "/api/v1/competitions")
    path = f"/api/v1/competitions/{created['id']}"
    recorded = documented(spec, client.post(f"{path}/results", headers=ministry, json={
        "national_id": vault.reveal(cast.worker.id_ciphertext), "medal": "gold"}),
        "post", "/api/v1/competitions/{competition_id}/results")
    detail = documented(spec, client.get(path, headers=ministry), "get", "/api/v1/competitions/{competition_id}")
    documented(spec, client.get("/api/v1/competitions", headers=ministry), "get", "/api/v1/competitions")
    documented(spec, client.get("/api/v1/competitions/promotions", headers=ministry),
               "get", "/api/v1/competitions/promotions")

    assert detail["results"][0]["proposal_id"] == recorded["proposal"]["id"]
    assert recorded["titles"] == [{"zh": "全国技术能手", "en": "National Technical Expert"}]


def test_promotion_requests_match_their_schemas(client, spec, cast: Cast, api_token):
    nominator = api_token(cast["nominator"])
    created = documented(spec, client.post("/api/v1/promotions", headers=nominator, json={
        "worker_id": cast.worker.id, "occupation_code": "6-18-01-01", "kind": "exceptional",
        "target_level": "technician", "grounds": ["patent"], "statement": "发明专利两项"}), "post", "/api/v1/promotions")
    path = f"/api/v1/promotions/{created['id']}"
    documented(spec, client.post(f"{path}/evidence", headers=nominator, content_type="multipart/form-data",
                                 data={"file": (io.BytesIO(png_bytes()), "证明.png")}),
               "post", "/api/v1/promotions/{request_id}/evidence")
    submitted = documented(spec, client.post(f"{path}/transitions", headers=nominator, json={"action": "submit"}),
                           "post", "/api/v1/promotions/{request_id}/transitions")
    page = documented(spec, client.get("/api/v1/promotions", headers=nominator), "get", "/api/v1/promotions")
    detail = documented(spec, client.get(path, headers=nominator), "get", "/api/v1/promotions/{request_id}")

    assert submitted["state"] == "submitted" and page["total"] == 1
    assert [d["from"] for d in detail["decisions"]] == ["draft", "draft"]


def test_import_jobs_and_their_problems_match_their_schemas(app, client, spec, setting, api_token, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "sync")
    auth = api_token(setting.staff)
    job = setting.run([setting.result(0), setting.result(1, theory="不及格")], dry_run=True)

    detail = documented(spec, client.get(f"/api/v1/imports/{job.id}", headers=auth), "get", "/api/v1/imports/{job_id}")
    upload = client.post("/api/v1/imports", headers=auth, content_type="multipart/form-data", data={
        "kind": "appraisal_results", "file": (io.BytesIO(csv_bytes(RESULT_HEADERS, setting.result(2))), "成绩.csv")})
    queued = documented(spec, upload, "post", "/api/v1/imports")
    page = documented(spec, client.get("/api/v1/imports", headers=auth), "get", "/api/v1/imports")

    assert detail["errors"] and detail["errors"][0]["column"]
    assert "errors" not in queued and page["total"] == 2
