"""Hostile or sloppy request bodies get a clear 4xx problem document, never a 500 and never a silent pick."""

from __future__ import annotations

import pytest


@pytest.fixture
def headers(api_token, make_user):
    return api_token(make_user("institution_staff"))


def post(client, headers, data, content_type="application/json"):
    return client.post("/api/v1/workers", data=data, headers={**headers, "Content-Type": content_type})


def test_a_number_of_thousands_of_digits_is_a_400_not_a_500(client, headers):
    response = post(client, headers, '{"name": "张三", "worker_id": ' + "9" * 5000 + "}")

    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "30" in response.json["detail"]


def test_duplicate_keys_are_refused_not_last_one_wins(client, headers):
    response = post(client, headers, '{"name": "张三", "name": "李四", "national_id": "11010519491231002X"}')

    assert response.status_code == 400 and "name" in response.json["detail"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(client, headers, constant):
    response = post(client, headers, '{"name": "张三", "rank": ' + constant + "}")

    assert response.status_code == 400


def test_a_plain_text_body_is_415(client, headers):
    response = post(client, headers, "name=张三", content_type="text/plain")

    assert response.status_code == 415 and response.mimetype == "application/problem+json"
    assert "application/json" in response.json["detail"]


def test_broken_json_is_400(client, headers):
    assert post(client, headers, '{"name": ').status_code == 400


def test_a_caller_without_a_token_hears_401_first(client):
    response = client.post("/api/v1/workers", data="x", headers={"Content-Type": "text/plain"})

    assert response.status_code == 401


def test_ordinary_json_still_reaches_the_view(client, headers):
    response = post(client, headers, '{"name": "张三"}')

    assert response.status_code == 422  # the view's own validation: the national ID is missing
    assert "national_id" in response.json["errors"]


def test_a_lone_surrogate_in_any_string_is_a_400_not_a_500(client, headers):
    response = client.post("/api/v1/workers", data='{"name": "\\ud800", "national_id": "x"}',
                           content_type="application/json", headers=headers)

    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "surrogate" in response.json["detail"]
