"""Finding one person entered twice: each kind of pair, the people who are not paired, dismissed pairs, the
officer's region, and the rule that only the grouped candidates' numbers are decrypted."""

from __future__ import annotations

from datetime import date

import pytest

from credentials.models import DismissedDuplicate, DuplicateKind
from credentials.queries.duplicates import all_duplicate_pairs, duplicate_pairs, find_pair, pair_evidence
from tests.conftest import national_id, numbered
from tests.duplicate_records import BIRTH, fifteen_digit_form, insert_worker, one_digit_off, swapped_at


@pytest.fixture
def officer(make_user):
    return make_user("bureau_officer", scope="city", region="3205")


@pytest.fixture
def number():
    return national_id(BIRTH, 135)  # 320505 19900314 135 + check


def kinds(pairs) -> list[tuple[DuplicateKind, int, int]]:
    return [(pair.kind, pair.first.id, pair.second.id) for pair in pairs]


def test_the_same_number_stored_in_its_old_15_digit_form_is_the_same_id(db, app, vault, make_worker, officer, number):
    registered = make_worker(id_number=number)
    legacy = insert_worker(vault, number, legacy_raw=fifteen_digit_form(number), app=app)

    [pair] = duplicate_pairs(db.session(), vault, officer)

    assert kinds([pair]) == [(DuplicateKind.SAME_ID, registered.id, legacy.id)]
    assert pair.strength == "certain"


def test_a_number_stored_with_a_lower_case_x_and_spaces_is_the_same_id(db, app, vault, make_worker, officer):
    number = next(n for s in range(900) if (n := national_id(BIRTH, s)).endswith("X"))
    make_worker(id_number=number)
    insert_worker(vault, number, legacy_raw=f"{number[:6]} {number[6:14]} {number[14:-1]}x", app=app)

    assert [pair.kind for pair in duplicate_pairs(db.session(), vault, officer)] == [DuplicateKind.SAME_ID]


def test_a_record_whose_number_cannot_be_read_is_never_a_candidate(db, app, vault, make_worker, officer, number):
    make_worker(id_number=number)
    insert_worker(vault, number, legacy_raw="３２０５０５" + number[6:], app=app)  # not ASCII: the cipher cannot read it

    assert duplicate_pairs(db.session(), vault, officer) == []


def test_one_mistyped_digit_is_found_and_its_position_named(db, vault, make_worker, officer, number):
    make_worker(id_number=number)
    insert_worker(vault, one_digit_off(number, 16))

    [pair] = duplicate_pairs(db.session(), vault, officer)

    assert pair.kind is DuplicateKind.ONE_DIGIT and pair.strength == "likely"
    assert pair.differing_positions == (16, 18)  # the digit, and the check character that follows from it


def test_two_adjacent_digits_swapped_are_found(db, vault, make_worker, officer, number):
    make_worker(id_number=number)
    insert_worker(vault, swapped_at(number, 15))  # ...135 -> ...315

    [pair] = duplicate_pairs(db.session(), vault, officer)

    assert pair.kind is DuplicateKind.SWAPPED
    assert pair.differing_positions[:2] == (15, 16)


def test_a_typo_in_the_birth_date_digits_is_found_although_the_birth_dates_differ(db, vault, make_worker, officer,
                                                                                   number):
    make_worker(id_number=number)
    typo = insert_worker(vault, one_digit_off(number, 14))  # 1990-03-14 -> 1990-03-16

    [pair] = duplicate_pairs(db.session(), vault, officer)

    assert typo.birth_date == date(1990, 3, 16)
    assert pair.kind is DuplicateKind.ONE_DIGIT and pair.birth_dates_differ


def test_same_name_birth_date_gender_and_city_only_is_a_weaker_pair(db, vault, make_worker, officer, number):
    make_worker(id_number=number)
    insert_worker(vault, national_id(BIRTH, 791))  # another sequence, same (odd: male) gender digit

    [pair] = duplicate_pairs(db.session(), vault, officer)

    assert pair.kind is DuplicateKind.SAME_PERSON_DETAILS and pair.strength == "possible"


def test_people_with_the_same_name_are_not_paired_unless_born_the_same_day(db, vault, make_worker, officer, number):
    make_worker(id_number=number)
    make_worker(id_number=national_id(date(1975, 11, 2), 135))  # same name, another birth date
    make_worker(name="李四", id_number=national_id(BIRTH, 137))  # same birth date, another name

    assert duplicate_pairs(db.session(), vault, officer) == []


def test_same_name_and_birth_date_in_another_city_with_an_unrelated_id_is_two_people(db, vault, make_worker,
                                                                                      officer, number):
    make_worker(id_number=number)
    make_worker(id_number=national_id(BIRTH, 791, area="320102"), city_code="3201")

    assert all_duplicate_pairs(db.session(), vault) == []


def test_a_dismissed_pair_no_longer_shows(db, vault, make_worker, officer, number):
    first = make_worker(id_number=number)
    second = insert_worker(vault, one_digit_off(number, 16))
    db.session.add(DismissedDuplicate(first_worker_id=first.id, second_worker_id=second.id, reason="两人",
                                      dismissed_by_id=officer.id))
    db.session.commit()

    assert duplicate_pairs(db.session(), vault, officer) == []
    assert find_pair(db.session(), vault, officer, first.id, second.id) is None


def test_a_merged_record_is_no_longer_a_candidate(db, vault, make_worker, officer, number):
    first = make_worker(id_number=number)
    second = insert_worker(vault, one_digit_off(number, 16))
    second.merged_into_id = first.id
    db.session.commit()

    assert duplicate_pairs(db.session(), vault, officer) == []


@pytest.mark.parametrize(("role", "scope", "region", "sees"), [
    ("bureau_officer", "city", "3205", True),  # one record in its city
    ("bureau_officer", "city", "3201", True),  # the other record in its city
    ("bureau_officer", "city", "3202", False),
    ("bureau_officer", "province", "32", True),
    ("bureau_officer", "province", "44", False),
    ("bureau_officer", "ministry", None, True),
    ("institution_staff", None, None, False),
    ("worker", None, None, False),
])
def test_an_officer_sees_a_pair_when_either_record_is_in_the_region(db, vault, make_worker, make_user, number,
                                                                     role, scope, region, sees):
    make_worker(id_number=number, city_code="3205")
    insert_worker(vault, one_digit_off(number, 16), city_code="3201")
    user = make_user(role, scope=scope, region=region)

    assert bool(duplicate_pairs(db.session(), vault, user)) is sees


def test_only_the_grouped_candidates_numbers_are_decrypted(db, vault, make_worker, officer, number, monkeypatch):
    for n in range(20):  # other people: other names, so no group holds them
        make_worker(name=numbered("路人", n), id_number=national_id(date(1980, 1, 1 + n), n))
    make_worker(id_number=number)
    insert_worker(vault, one_digit_off(number, 16))
    revealed = []
    real_reveal = vault.reveal
    monkeypatch.setattr(vault, "reveal", lambda ciphertext: revealed.append(ciphertext) or real_reveal(ciphertext))

    assert len(duplicate_pairs(db.session(), vault, officer)) == 1
    assert len(revealed) == 2


def test_the_evidence_counts_each_records_rows_and_names_who_registered_it(db, vault, make_worker, make_institution,
                                                                           make_certificate, make_user, officer, number):
    school = make_institution("苏州技师学院")
    first = make_worker(id_number=number)
    second = insert_worker(vault, one_digit_off(number, 16), registered_by_institution_id=school.id)
    make_certificate(first, school)
    make_user("worker", worker=second)
    pair = find_pair(db.session(), vault, officer, first.id, second.id)

    one, other = pair_evidence(db.session(), pair)

    assert (one.certificates, one.account, one.registered_by) == (1, None, None)
    assert (other.certificates, other.account.worker_id, other.registered_by.name) == (0, second.id, "苏州技师学院")
    assert one.rows["certificates.worker_id"] == 1 and other.rows == {"users.worker_id": 1}


def test_a_pair_is_asked_for_lower_id_first_and_only_within_the_region(db, vault, make_worker, make_user, officer,
                                                                        number):
    first = make_worker(id_number=number)
    second = insert_worker(vault, one_digit_off(number, 16))
    elsewhere = make_user("bureau_officer", scope="city", region="4401")

    assert find_pair(db.session(), vault, officer, first.id, second.id).kind is DuplicateKind.ONE_DIGIT
    assert find_pair(db.session(), vault, officer, second.id, first.id) is None
    assert find_pair(db.session(), vault, elsewhere, first.id, second.id) is None
