"""Registering a worker: what is derived from the ID, how the ID is kept, and what is refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from credentials import Duplicate, ValidationFailed
from credentials.identity import check_character
from credentials.models import AuditEvent, Gender, Worker
from credentials.services.workers import find_worker_by_national_id, register_worker
from tests.conftest import national_id

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def register(db, vault, number, *, name="王小明", city_code="3205"):
    worker = register_worker(db.session(), vault, name=name, national_id=number, city_code=city_code, by=None)
    db.session.commit()
    return worker


def id_ending_in_x(birth=date(1990, 1, 1), area="320505") -> str:
    for sequence in range(900):
        body = f"{area}{birth:%Y%m%d}{sequence:03d}"
        if check_character(body) == "X":
            return body + "X"
    raise AssertionError("no sequence gives an X check character")


def raw_row(db, table: str, row_id: int) -> dict:
    statement = text(f"SELECT * FROM {table} WHERE id = :id")  # noqa: S608 - fixed table names
    return dict(db.session.execute(statement, {"id": row_id}).mappings().one())


@pytest.mark.parametrize(("sequence", "gender"), [(123, Gender.MALE), (124, Gender.FEMALE)])
def test_birth_date_and_gender_are_derived_from_the_id(db, vault, sequence, gender):
    worker = register(db, vault, national_id(date(1985, 7, 9), sequence))

    assert worker.birth_date == date(1985, 7, 9)
    assert worker.gender is gender


def test_id_is_kept_encrypted_with_a_blind_index_and_a_masked_form(db, vault):
    number = national_id(date(1990, 1, 1), 123)
    worker = register(db, vault, number)

    assert worker.id_masked == f"320505********{number[-4:]}"
    assert worker.id_hash == vault.index(number)
    assert worker.id_ciphertext.startswith("v1.") and vault.reveal(worker.id_ciphertext) == number


def test_plaintext_id_appears_in_no_column_of_the_stored_row(db, vault):
    number = national_id(date(1990, 1, 1), 123)
    worker = register(db, vault, number)
    db.session.expire_all()

    row = raw_row(db, "workers", worker.id)

    stored = " ".join(str(value) for value in row.values())
    assert number not in stored
    assert number[:17] not in stored  # not even without the check character
    assert row["id_masked"] == f"320505********{number[-4:]}"


def test_wrong_check_digit_is_refused_on_the_national_id_field_with_a_clear_message(db, vault):
    number = national_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")

    with pytest.raises(ValidationFailed) as caught:
        register(db, vault, wrong)

    assert caught.value.field == "national_id"
    assert caught.value.message("zh") == "身份证号无效：身份证号校验位不正确"
    assert "check character" in caught.value.message("en")
    assert wrong not in caught.value.message("zh")  # the message never echoes the number
    assert db.session.scalar(select(Worker.id)) is None


@pytest.mark.parametrize("bad", ["12345", "32050519900101123A", "320505199002301234"])
def test_malformed_ids_are_refused_on_the_national_id_field(db, vault, bad):
    with pytest.raises(ValidationFailed) as caught:
        register(db, vault, bad)

    assert caught.value.field == "national_id"
    assert caught.value.message("zh").startswith("身份证号无效：")


def test_old_15_digit_id_is_accepted_and_stored_as_its_18_digit_form(db, vault):
    eighteen = national_id(date(1975, 3, 4), 231)
    fifteen = eighteen[:6] + eighteen[8:17]

    worker = register(db, vault, fifteen)

    assert len(fifteen) == 15
    assert worker.birth_date == date(1975, 3, 4)
    assert worker.gender is Gender.MALE
    assert vault.reveal(worker.id_ciphertext) == eighteen
    assert worker.id_masked == f"320505********{eighteen[-4:]}"
    assert find_worker_by_national_id(db.session(), vault, eighteen).id == worker.id


@pytest.mark.parametrize("written_as", [
    pytest.param(lambda n: n.lower(), id="lower-case-x"),
    pytest.param(lambda n: n.translate(FULL_WIDTH), id="full-width"),
    pytest.param(lambda n: f" {n[:6]} {n[6:14]} {n[14:]} ", id="spaced"),
])
def test_same_id_written_another_way_is_a_duplicate(db, vault, written_as):
    number = id_ending_in_x()
    first = register(db, vault, number, name="李四")

    with pytest.raises(Duplicate) as caught:
        register(db, vault, written_as(number), name="李四")

    assert caught.value.field == "national_id"
    assert caught.value.params["worker_id"] == first.id
    assert db.session.query(Worker).count() == 1


def test_15_and_18_digit_forms_of_one_id_are_a_duplicate(db, vault):
    eighteen = national_id(date(1970, 5, 6))
    register(db, vault, eighteen)

    with pytest.raises(Duplicate):
        register(db, vault, eighteen[:6] + eighteen[8:17])


def test_unknown_city_is_refused_on_the_city_field(db, vault):
    with pytest.raises(ValidationFailed) as caught:
        register(db, vault, national_id(), city_code="9999")

    assert (caught.value.field, caught.value.code) == ("city_code", "unknown_city")
    assert "9999" in caught.value.message("zh")


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_empty_name_is_refused_as_required(db, vault, name):
    with pytest.raises(ValidationFailed) as caught:
        register(db, vault, national_id(), name=name)

    assert (caught.value.field, caught.value.code) == ("name", "required")


def test_name_whitespace_is_collapsed(db, vault):
    worker = register(db, vault, national_id(), name="  欧阳  小明 ")

    assert worker.name == "欧阳 小明"


def test_registration_writes_an_audit_event_with_masked_data_only(db, vault, make_user):
    officer = make_user("admin")
    number = national_id(date(1992, 2, 2), 345)
    worker = register_worker(db.session(), vault, name="王小明", national_id=number, city_code="3205",
                             by=officer)
    db.session.commit()

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "worker.registered"))

    assert (event.entity_type, event.entity_id, event.actor_id) == ("worker", str(worker.id), officer.id)
    assert event.after["id"] == f"320505********{number[-4:]}"
    assert event.after["name"] == "王*明"
    raw = " ".join(str(value) for value in raw_row(db, "audit_events", event.id).values())
    assert number not in raw and number[:17] not in raw
    assert "王小明" not in raw


def test_staff_who_cannot_see_the_worker_learn_neither_where_nor_which_number(db, vault, make_user,
                                                                              make_institution):
    """Registration must not be an oracle of who is registered where (a hostile review found '劳动者编号 1')."""
    number = national_id(date(1990, 3, 4))
    first = register_worker(db.session(), vault, name="周一", national_id=number, city_code="3205",
                            by=make_user("institution_staff", institution=make_institution()))
    stranger = make_user("institution_staff", institution=make_institution())

    with pytest.raises(Duplicate) as caught:
        register_worker(db.session(), vault, name="周一", national_id=number, city_code="3205", by=stranger)

    assert caught.value.code == "worker_elsewhere" and caught.value.field == "national_id"
    message = caught.value.message("zh") + caught.value.message("en")
    assert str(first.id) not in message and "苏州" not in message and "编号" not in message
    assert "不能在此登记" in message


def test_staff_who_see_the_worker_are_told_which_one_it_is(db, vault, make_user, make_institution):
    school = make_institution()
    number = national_id(date(1991, 3, 4))
    first = register_worker(db.session(), vault, name="吴二", national_id=number, city_code="3205",
                            by=make_user("institution_staff", institution=school))

    with pytest.raises(Duplicate) as caught:
        register_worker(db.session(), vault, name="吴二", national_id=number, city_code="3205",
                        by=make_user("institution_staff", institution=school))

    assert caught.value.params["worker_id"] == first.id
