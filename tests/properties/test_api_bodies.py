"""JSON bodies through the API (app/api/bodies.py, then the views' schemas and the services): whatever a client
posts, with whatever content type, is answered, and a refusal is a 4xx application/problem+json, never a 5xx."""

from __future__ import annotations

import json

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from .strategies import hostile_text, national_ids

ENDPOINTS = ("/api/v1/workers", "/api/v1/results", "/api/v1/applications", "/api/v1/verify", "/api/v1/auth/token")
FIELDS = ("name", "national_id", "city_code", "employer_name", "target_groups", "worker_id", "occupation_code",
          "level", "exam_date", "theory", "practical", "review", "number", "institution_id", "token", "account",
          "password")
surrogates = st.text(st.characters(categories=("Cs",)), min_size=1, max_size=3)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**40), 10**40), st.floats(allow_nan=False, allow_infinity=False),
    hostile_text, surrogates, national_ids(), st.sampled_from(["3205", "6-18-01-01", "junior", "2024-07-01",
                                                               "0001-01-01", "9999-12-31", "59.996", "1e400"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                            st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                           max_leaves=12)
objects = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=7)
RAW = ["[" * 50_000, '{"a":' * 5_000, '{"name": "a", "name": "b"}', "1" * 5_000, "1e999", "-1e999", "NaN",
       '{"theory": 1e999, "practical": -1e999}', '{"worker_id": 1e400}', '"\\ud800"', '{"number": "\\udfff"}',
       "\ufeff{}", "{}", "", "null", "\x00", '{"a": "\x00"}']
bodies = st.one_of(objects.map(json.dumps), json_values.map(json.dumps), st.sampled_from(RAW),
                   st.binary(max_size=64), hostile_text)
CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "application/problem+json", "text/plain",
                 "application/x-www-form-urlencoded", "multipart/form-data", "application/xml", ""]


@pytest.fixture
def staff_headers(api_token, make_user):
    return api_token(make_user("institution_staff"))


@settings(max_examples=300)
@given(st.sampled_from(ENDPOINTS), bodies, st.sampled_from(CONTENT_TYPES))
@example("/api/v1/verify", '{"number": "\\udfff"}', "application/json")
@example("/api/v1/results", '{"theory": 1e999, "practical": -1e999}', "application/json")
def test_any_body_is_answered_and_never_with_a_5xx(client, staff_headers, endpoint, body, content_type):
    headers = dict(staff_headers)
    if content_type:
        headers["Content-Type"] = content_type

    response = client.post(endpoint, data=body, headers=headers)

    assert response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert problem["status"] == response.status_code and problem["title"]


hostile_scores = st.one_of(st.integers(-(10**35), 10**35), st.floats(), st.decimals(0, 100, places=3).map(str),
                           st.sampled_from(["59.996", "1e999999", "-0", "１００", "NaN", "80", 80, 100.0, True]))
hostile_dates = st.one_of(st.dates().map(str), st.sampled_from(["0001-01-01", "9999-12-31", "2024-02-30", "today",
                                                                "2024-07-01T00:00:00", 20240701]))
hostile_strings = st.one_of(hostile_text, surrogates, st.text(max_size=200))


@st.composite
def near_valid(draw, national_id: str) -> tuple[str, dict]:
    """A body each view would take, one or more fields of it hostile: the services see them."""
    endpoint = draw(st.sampled_from(["/api/v1/results", "/api/v1/workers", "/api/v1/verify"]))
    if endpoint == "/api/v1/results":
        body = {"national_id": national_id, "occupation_code": "6-18-01-01",
                "level": draw(st.sampled_from(["junior", "senior", "technician", "expert"])),
                "exam_date": draw(hostile_dates), "theory": draw(hostile_scores), "practical": draw(hostile_scores),
                "review": draw(st.one_of(st.none(), hostile_scores)), "number": draw(st.one_of(st.none(),
                                                                                             hostile_strings))}
    elif endpoint == "/api/v1/workers":
        body = {"name": draw(st.one_of(hostile_strings, st.just("王小明"))), "national_id": draw(national_ids()),
                "city_code": draw(st.sampled_from(["3205", "0000", "9999"])),
                "employer_name": draw(st.one_of(st.none(), hostile_strings)),
                "target_groups": draw(st.lists(st.sampled_from(["employee", "veteran", "x"]), max_size=2))}
    else:
        body = {"number": draw(hostile_strings), "name": draw(st.one_of(st.none(), hostile_strings)),
                "token": draw(st.one_of(st.none(), hostile_strings))}
    return endpoint, body


@pytest.fixture
def candidate(make_worker) -> str:
    """A registered worker's national ID, made once per test (every example of the run shares it)."""
    from tests.conftest import national_id

    number = national_id()
    make_worker(id_number=number)
    return number


@settings(max_examples=250)
@given(st.data())
def test_a_nearly_valid_body_reaches_the_services_and_is_answered(client, staff_headers, candidate, data):
    endpoint, body = data.draw(near_valid(candidate))

    response = client.post(endpoint, data=json.dumps(body), headers={**staff_headers,
                                                                     "Content-Type": "application/json"})

    assert response.status_code < 500, (body, response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == ("application/problem+json" if response.status_code >= 400 else "application/json")
    event(f"{endpoint} {response.status_code}")  # --hypothesis-show-statistics: 201s show the services were reached
