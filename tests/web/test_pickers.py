"""Searchable pickers: occupations and cities found by name or code, and forms that accept what a picker
sends (a code, "code name", or a name) so that nobody has to know a code."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.lookups import city_code_of, occupation_or_field_error
from credentials import ValidationFailed


@pytest.fixture
def clerk(client, login, make_user):
    login(client, make_user("institution_staff"))
    return client


def test_occupations_are_found_by_part_of_the_name_or_the_start_of_the_code(clerk):
    by_name = clerk.get("/pickers/occupations?q=车工").json
    by_code = clerk.get("/pickers/occupations?q=6-18-01").json

    assert {"value": "6-18-01-01", "label": "6-18-01-01 车工"} in by_name
    assert by_code[0]["value"].startswith("6-18-01") and all(o["value"].startswith("6-18-01") for o in by_code)
    assert len(clerk.get("/pickers/occupations?q=工").json) == 20  # a short list, never the whole classification


def test_an_exact_code_comes_first(clerk):
    assert clerk.get("/pickers/occupations?q=6-18-01-02").json[0] == {"value": "6-18-01-02", "label": "6-18-01-02 铣工"}


def test_cities_are_found_by_name_including_municipalities(clerk):
    assert clerk.get("/pickers/cities?q=苏州").json[0] == {"value": "3205", "label": "3205 苏州市"}
    assert any(c["label"].endswith("北京市") for c in clerk.get("/pickers/cities?q=北京").json)


def test_pickers_are_for_signed_in_users_only(client):
    response = client.get("/pickers/cities?q=苏州")

    assert response.status_code in (302, 401) and "苏州" not in response.text


@pytest.mark.parametrize("named", ["6-18-01-01", "6-18-01-01 车工", "车工", " 车工 "])
def test_a_form_takes_the_occupation_by_code_picker_text_or_name(app, named):
    with app.test_request_context():
        assert occupation_or_field_error(named).code == "6-18-01-01"


def test_an_unknown_occupation_is_a_field_error(app):
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        occupation_or_field_error("不存在的职业")
    assert refused.value.field == "occupation_code"


@pytest.mark.parametrize(("named", "code"), [("3205", "3205"), ("3205 苏州市", "3205"), ("苏州市", "3205"),
                                             ("苏州", "3205"), ("北京市", "1101"), ("火星", "火星")])
def test_a_form_takes_the_city_by_code_picker_text_or_name(app, named, code):
    with app.test_request_context():
        assert city_code_of(named) == code


def test_registering_a_worker_with_the_city_picked_by_name(clerk, vault):
    response = clerk.post("/institution/workers", data={
        "name": "钱学敏", "national_id": "11010519491231002X", "city_code": "苏州市"})

    assert response.status_code == 302
    from credentials.models import Worker
    assert db.session.scalar(db.select(Worker.city_code).where(Worker.name == "钱学敏")) == "3205"


def test_the_fields_carry_the_picker_and_say_what_to_type(clerk):
    page = clerk.get("/institution/workers").text

    assert 'data-picker="city"' in page and "输入城市名称或代码" in page and "js/pickers.js" in page
