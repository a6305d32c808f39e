"""The OpenAPI fuzz run: schemathesis reads /api/v1/openapi.json and generates requests for every operation,
valid and invalid ones, sent in-process to the app by nobody and by a signed-in user of each role. No answer
may be a 5xx (or an exception), and every error answer is a problem document: application/problem+json whose
`status` is the answer's own and which has a `title`.

Bounded: FUZZ_EXAMPLES cases per operation and caller (default 4; about 40 s for the 80 operations × 6 callers
on SQLite on the CI machine). The count of cases sent is printed for each caller, even without -s."""

from __future__ import annotations

import os
import traceback
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
CALLERS = ("anonymous", "worker", "institution_staff", "bureau_officer", "ministry_officer", "admin")
PROBLEM = "application/problem+json"
# Signing out ends the caller's token: it goes last, so the other operations are fuzzed signed in.
LAST = "DELETE /api/v1/auth/token"


@pytest.fixture
def api_schema(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RUNNER", "sync")  # an import the fuzzer uploads runs in the request
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def caller_headers(make_user, api_token):
    def headers_for(caller: str) -> dict:
        if caller == "anonymous":
            return {}
        if caller == "ministry_officer":
            return api_token(make_user("bureau_officer", scope="ministry"))
        return api_token(make_user(caller))
    return headers_for


def problems_in(response) -> str | None:
    """What is wrong with one answer, or None."""
    if response.status_code >= 500:
        return f"{response.status_code}: {response.text[:300]}"
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]  # schemathesis: lower-case names, lists
    if content_type.split(";")[0] != PROBLEM:
        return f"{response.status_code} as {content_type!r}, not {PROBLEM}"
    body = response.json()
    if not isinstance(body, dict) or body.get("status") != response.status_code or not body.get("title"):
        return f"{response.status_code} with a malformed problem document: {str(body)[:300]}"
    return None


def fuzz_operation(operation, headers: dict, found: list[str], statuses: Counter) -> None:
    """Send EXAMPLES generated cases (valid and invalid) to one operation; note every bad answer."""
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def send(case) -> None:
        try:
            response = case.call(headers=headers)
        except Exception:  # the test app propagates what would have been a 500
            found.append(f"{operation.label}: exception\n{traceback.format_exc(limit=-4)}\n{case.as_curl_command()}")
            return
        statuses[response.status_code // 100] += 1
        problem = problems_in(response)
        if problem:
            found.append(f"{operation.label}: {problem}\n{case.as_curl_command()}")

    send()


@pytest.mark.parametrize("caller", CALLERS)
def test_no_generated_request_gets_a_5xx_or_a_malformed_error(api_schema, caller_headers, caller, capsys):
    headers = caller_headers(caller)
    operations = sorted((result.ok() for result in api_schema.get_all_operations()), key=lambda op: op.label == LAST)
    found: list[str] = []
    statuses: Counter = Counter()

    for operation in operations:
        fuzz_operation(operation, headers, found, statuses)

    cases = sum(statuses.values()) + len([f for f in found if ": exception" in f])
    with capsys.disabled():  # the count shows in CI's log, passing or not
        print(f"\nfuzz as {caller}: {len(operations)} operations, {cases} cases, answers by class "
              f"{ {f'{k}xx': v for k, v in sorted(statuses.items())} }")
    assert len(operations) >= 80
    assert not found, f"{len(found)} bad answers:\n\n" + "\n\n".join(found[:20])


def test_numeric_bounds_in_the_document_are_numbers(client):
    """Found by the fuzz run: a Decimal field's Range (scores, -1000..1000) reached the document as strings
    ("maximum": "1000"), an invalid schema that schemathesis refused to load."""
    spec = client.get("/api/v1/openapi.json").json
    bounds = []

    def walk(node, trail):
        if isinstance(node, dict):
            bounds.extend((f"{trail}/{key}", node[key]) for key in ("minimum", "maximum") if key in node)
            for key, value in node.items():
                walk(value, f"{trail}/{key}")
        elif isinstance(node, list):
            for value in node:
                walk(value, trail)
    walk(spec, "")

    assert ("/components/schemas/SittingCreate/properties/theory/maximum", 1000) in bounds
    assert [(where, value) for where, value in bounds if not isinstance(value, int | float)] == []
