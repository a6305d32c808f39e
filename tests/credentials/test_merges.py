"""Merging two records of one person: every row that names the merged record moves (found from the foreign keys),
collisions are refused rather than lost, accounts are kept or disabled, the audit trail traces each moved row
back, and the refusals; dismissing a pair as two people."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from credentials import Conflict, Forbidden, ValidationFailed
from credentials.models import (
    ApiToken,
    AuditEvent,
    DismissedDuplicate,
    DuplicateKind,
    LoginSession,
    TargetGroup,
    User,
    Worker,
    WorkerActivation,
    WorkerMerge,
    WorkerTargetGroup,
    WorkPeriod,
)
from credentials.queries.duplicates import BOOKKEEPING_TABLES, movable_references
from credentials.queries.registry import workers_for
from credentials.services.accounts import authenticate, issue_api_token, start_session
from credentials.services.merges import dismiss_pair, merge_workers
from credentials.services.recognition import record_honour
from credentials.services.reference import find_occupation
from tests.conftest import PASSWORD, national_id
from tests.duplicate_records import BIRTH, insert_worker, one_digit_off

REASON = "持身份证原件核对，第二份为录入错误"


@pytest.fixture
def officer(make_user):
    return make_user("bureau_officer", scope="city", region="3205")


@pytest.fixture
def school(make_institution):
    return make_institution("苏州技师学院")


@pytest.fixture
def number():
    return national_id(BIRTH, 135)


@pytest.fixture
def survivor(make_worker, number):
    return make_worker(id_number=number)


@pytest.fixture
def merged(vault, number):
    return insert_worker(vault, one_digit_off(number, 16))


def merge(db, survivor, merged, by, **kwargs):
    done = merge_workers(db.session(), survivor, merged, kind=kwargs.pop("kind", DuplicateKind.ONE_DIGIT),
                         reason=kwargs.pop("reason", REASON), by=by, **kwargs)
    db.session.commit()
    return done


def honour(db, worker, officer, year=2021, title="provincial_technical_expert"):
    found = record_honour(db.session(), worker=worker, title=title, year=year, awarding_body="江苏省人社厅",
                          by=officer)
    db.session.commit()
    return found


def rows_of(db, worker_id) -> dict[str, set[int]]:
    """Every movable row that names the worker, by column: what the tests compare before and after."""
    found = {}
    for reference in movable_references():
        key = list(reference.table.primary_key.columns)[0]
        ids = set(db.session.scalars(select(key).where(reference.column == worker_id)))
        if ids:
            found[reference.name] = ids
    return found


@pytest.fixture
def two_full_records(db, survivor, merged, officer, school, make_certificate):
    """Rows in several referring tables on both records (certificates, honours, work periods) and, on the merged
    one only, a target group and an activation code."""
    occupation = find_occupation(db.session(), "6-18-01-01")
    for worker, year in ((survivor, 2019), (merged, 2022)):
        make_certificate(worker, school, issued_on=date(year, 7, 1))
        honour(db, worker, officer, year=year)
        db.session.add(WorkPeriod(worker_id=worker.id, occupation_id=occupation.id, started_on=date(year, 1, 1)))
    make_certificate(merged, school, level="intermediate", issued_on=date(2023, 7, 1))
    db.session.add(WorkerTargetGroup(worker_id=merged.id, group=TargetGroup.RURAL_MIGRANT, valid_from=date(2020, 1, 1)))
    db.session.add(WorkerActivation(worker_id=merged.id, code_hash="0" * 64, issued_by_id=officer.id,
                                    expires_at=datetime(2999, 1, 1, tzinfo=UTC)))
    db.session.commit()


# ---- moving rows ---------------------------------------------------------------------------------------------

def test_every_row_that_names_the_merged_record_moves_to_the_survivor(db, survivor, merged, officer,
                                                                      two_full_records):
    before_survivor, before_merged = rows_of(db, survivor.id), rows_of(db, merged.id)
    assert len(before_merged) >= 5  # certificates, honours, work periods, target groups, activation codes

    merge(db, survivor, merged, officer)

    assert rows_of(db, merged.id) == {}
    after = rows_of(db, survivor.id)
    for column in set(before_survivor) | set(before_merged):
        assert after[column] == before_survivor.get(column, set()) | before_merged.get(column, set())


def test_no_referring_column_is_left_naming_the_merged_record(db, survivor, merged, officer, two_full_records):
    merge(db, survivor, merged, officer)

    for reference in movable_references():
        left = db.session.scalar(select(func.count()).select_from(reference.table)
                                 .where(reference.column == merged.id))
        assert left == 0, reference.name


def test_the_merge_bookkeeping_is_the_only_reference_not_moved():
    skipped = {reference.table.name for reference in movable_references()} & BOOKKEEPING_TABLES
    assert skipped == set() and {"worker_merges", "dismissed_duplicates"} == BOOKKEEPING_TABLES
    assert "workers.merged_into_id" in {reference.name for reference in movable_references()}


def test_the_merged_record_stays_hidden_and_names_the_survivor(db, survivor, merged, officer):
    done = merge(db, survivor, merged, officer)

    db.session.expire_all()
    assert db.session.get(Worker, merged.id).merged_into_id == survivor.id
    assert (done.survivor_id, done.merged_id, done.kind, done.decided_by_id) == (
        survivor.id, merged.id, DuplicateKind.ONE_DIGIT, officer.id)
    listed = db.session.scalars(workers_for(officer)).all()
    assert [w.id for w in listed] == [survivor.id]


def test_a_record_merged_earlier_into_the_merged_one_now_names_the_survivor(db, vault, survivor, merged, officer,
                                                                            number):
    earliest = insert_worker(vault, one_digit_off(number, 15))
    merge(db, merged, earliest, officer)

    merge(db, survivor, merged, officer)

    db.session.expire_all()
    assert db.session.get(Worker, earliest.id).merged_into_id == survivor.id


# ---- collisions and accounts ---------------------------------------------------------------------------------

def test_the_same_honour_on_both_records_is_refused_and_nothing_moves(db, survivor, merged, officer, school,
                                                                     make_certificate):
    make_certificate(merged, school)
    honour(db, survivor, officer, year=2021)
    clash = honour(db, merged, officer, year=2021)
    before = rows_of(db, merged.id)

    with pytest.raises(Conflict) as refused:
        merge_workers(db.session(), survivor, merged, kind=DuplicateKind.ONE_DIGIT, reason=REASON, by=officer)
    db.session.rollback()

    assert refused.value.code == "merge_collides"
    assert f"荣誉 {clash.id}" in refused.value.message("zh") and "honour" in refused.value.message("en")
    assert rows_of(db, merged.id) == before and db.session.get(Worker, merged.id).merged_into_id is None


def test_when_both_have_accounts_the_survivors_is_kept_and_the_other_disabled(db, vault, make_user, survivor,
                                                                             merged, officer, number):
    kept, other = make_user("worker", worker=survivor), make_user("worker", worker=merged)
    start_session(db.session(), other)
    issue_api_token(db.session(), other, hours=1)
    db.session.commit()

    done = merge(db, survivor, merged, officer)

    db.session.expire_all()
    assert done.deactivated_user_id == other.id and "users.worker_id" not in done.moved
    assert db.session.get(User, kept.id).is_active and db.session.get(User, kept.id).worker_id == survivor.id
    disabled = db.session.get(User, other.id)
    assert not disabled.is_active and disabled.worker_id == merged.id
    assert db.session.scalar(select(func.count()).select_from(LoginSession).where(
        LoginSession.user_id == other.id, LoginSession.revoked_at.is_(None))) == 0
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(
        ApiToken.user_id == other.id, ApiToken.revoked_at.is_(None))) == 0
    assert authenticate(db.session(), vault, number, PASSWORD).id == kept.id


def test_the_merged_records_only_account_moves_and_signs_in_with_the_survivors_id(db, vault, make_user, survivor,
                                                                                 merged, officer, number):
    account = make_user("worker", worker=merged)

    done = merge(db, survivor, merged, officer)

    assert done.moved["users.worker_id"] == [account.id] and done.deactivated_user_id is None
    assert authenticate(db.session(), vault, number, PASSWORD).id == account.id


# ---- the audit trail -----------------------------------------------------------------------------------------

def test_the_moved_ids_in_the_audit_trail_tell_which_rows_came_from_the_merged_record(db, survivor, merged, officer,
                                                                                      two_full_records):
    came_from_merged = rows_of(db, merged.id)
    merge(db, survivor, merged, officer)

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "worker.merged"))
    moved = {column: set(ids) for column, ids in event.after["moved"].items()}
    assert moved == came_from_merged  # exactly those rows, none of the survivor's own
    assert event.entity_type == "worker" and event.entity_id == str(survivor.id) and event.actor_id == officer.id
    assert event.before["merged_into"] is None and event.after["merged_into"] == survivor.id
    assert event.after["reason"] == REASON and event.after["kind"] == "one_digit"
    assert merged.id_masked in str(event.before) and one_digit_off(national_id(BIRTH, 135), 16) not in str(event.before)
    assert db.session.scalar(select(WorkerMerge.moved)) == event.after["moved"]


# ---- refusals ------------------------------------------------------------------------------------------------

def test_a_record_is_not_merged_with_itself(db, survivor, officer):
    with pytest.raises(ValidationFailed):
        merge_workers(db.session(), survivor, survivor, kind=DuplicateKind.SAME_ID, reason=REASON, by=officer)


def test_an_already_merged_record_is_refused(db, vault, survivor, merged, officer, number):
    merge(db, survivor, merged, officer)
    third = insert_worker(vault, one_digit_off(number, 15))

    with pytest.raises(Conflict) as refused:
        merge_workers(db.session(), third, merged, kind=DuplicateKind.ONE_DIGIT, reason=REASON, by=officer)
    assert refused.value.code == "already_merged"


def test_different_birth_dates_need_the_bureaus_explicit_confirmation(db, vault, survivor, officer, number):
    typo = insert_worker(vault, one_digit_off(number, 14))

    with pytest.raises(ValidationFailed) as refused:
        merge_workers(db.session(), survivor, typo, kind=DuplicateKind.ONE_DIGIT, reason=REASON, by=officer)
    assert refused.value.field == "birth_dates_confirmed" and "1990-03-16" in refused.value.message("zh")
    db.session.rollback()

    merge(db, survivor, typo, officer, birth_dates_confirmed=True)
    assert db.session.get(Worker, typo.id).merged_into_id == survivor.id


def test_a_reason_is_required(db, survivor, merged, officer):
    with pytest.raises(ValidationFailed) as refused:
        merge_workers(db.session(), survivor, merged, kind=DuplicateKind.ONE_DIGIT, reason="  ", by=officer)
    assert refused.value.field == "reason"


@pytest.mark.parametrize(("role", "scope", "region", "allowed"), [
    ("bureau_officer", "city", "3205", False),  # the other record is in 3201: the province decides
    ("bureau_officer", "city", "3201", False),
    ("bureau_officer", "province", "32", True),
    ("bureau_officer", "province", "44", False),
    ("bureau_officer", "ministry", None, False),  # the ministry observes
    ("institution_staff", None, None, False),
    ("admin", None, None, False),
])
def test_only_a_bureau_covering_both_records_merges(db, vault, make_user, survivor, number, role, scope, region,
                                                    allowed):
    elsewhere = insert_worker(vault, one_digit_off(number, 16), city_code="3201")
    user = make_user(role, scope=scope, region=region)

    if allowed:
        merge(db, survivor, elsewhere, user)
        assert db.session.get(Worker, elsewhere.id).merged_into_id == survivor.id
    else:
        with pytest.raises(Forbidden) as refused:
            merge_workers(db.session(), survivor, elsewhere, kind=DuplicateKind.ONE_DIGIT, reason=REASON, by=user)
        assert refused.value.code == ("ministry_observes" if scope == "ministry" else "action")


# ---- dismissing ----------------------------------------------------------------------------------------------

def test_a_pair_judged_two_people_is_recorded_once_and_audited(db, survivor, merged, officer):
    dismissal = dismiss_pair(db.session(), merged, survivor, reason="核实为同名同生日的两人", by=officer)
    db.session.commit()

    assert (dismissal.first_worker_id, dismissal.second_worker_id) == (survivor.id, merged.id)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == str(survivor.id))
                             .order_by(AuditEvent.id.desc())) == "worker.duplicate_dismissed"
    with pytest.raises(Conflict):
        dismiss_pair(db.session(), survivor, merged, reason="再次", by=officer)


def test_the_ministry_does_not_dismiss(db, make_user, survivor, merged):
    with pytest.raises(Forbidden):
        dismiss_pair(db.session(), survivor, merged, reason="两人", by=make_user("bureau_officer", scope="ministry"))
    assert db.session.scalar(select(func.count()).select_from(DismissedDuplicate)) == 0


# ---- after the merge: the merged record's ID number and printed QR codes still lead to the person ------------

def test_a_printed_qr_token_made_for_the_merged_record_still_verifies_the_moved_certificate(
        db, survivor, merged, officer, school, make_certificate):
    from credentials.queries.verification import link_token, verify_certificate

    key = b"k" * 32
    moved = make_certificate(merged, school, issued_on=date(2022, 7, 1))
    printed = link_token(key, moved)  # what the paper certificate carries, made before the merge
    own = make_certificate(survivor, school, level="intermediate", issued_on=date(2023, 7, 1))
    merge(db, survivor, merged, officer)
    db.session.expire_all()

    assert verify_certificate(db.session(), moved.number, token=printed, link_key=key).status == "valid"
    assert verify_certificate(db.session(), moved.number, token=link_token(key, moved), link_key=key).status == "valid"
    assert verify_certificate(db.session(), own.number, token=link_token(key, own), link_key=key).status == "valid"
    assert verify_certificate(db.session(), own.number, token=printed, link_key=key).status == "not_found"


def test_the_merged_records_id_number_now_finds_the_survivor(db, vault, survivor, merged, officer, make_user):
    from credentials.imports.lookups import workers_by_hash
    from credentials.services.workers import find_worker_by_national_id

    mistyped = vault.reveal(merged.id_ciphertext)
    merge(db, survivor, merged, officer)

    assert find_worker_by_national_id(db.session(), vault, mistyped).id == survivor.id
    known = workers_by_hash(db.session(), [vault.index(mistyped)])
    assert [(w.id, w.name) for w in known.values()] == [(survivor.id, survivor.name)]
    assert [w.id for w in db.session.scalars(workers_for(officer, id_hash=vault.index(mistyped)))] == [survivor.id]


def test_a_moved_certificates_earlier_credential_is_superseded_and_its_history_says_why(
        db, survivor, merged, officer, school, make_certificate):
    from credentials.models import RecordAmendment, SupersededCredential
    from credentials.services.status_lists import allocate_status_index

    moved = make_certificate(merged, school, issued_on=date(2022, 7, 1))
    untouched = make_certificate(survivor, school, level="intermediate", issued_on=date(2023, 7, 1))
    for certificate in (moved, untouched):
        allocate_status_index(db.session(), certificate)  # both had a digital credential downloaded
    db.session.commit()
    old_index = moved.status_list_index

    merge(db, survivor, merged, officer)

    retired = db.session.scalars(select(SupersededCredential)).all()
    assert [(r.certificate_id, r.status_list_index) for r in retired] == [(moved.id, old_index)]
    db.session.refresh(moved)
    assert moved.status_list_index not in (None, old_index), "new downloads get a fresh index"
    amendment = db.session.get(RecordAmendment, retired[0].amendment_id)
    assert (amendment.action, amendment.before, amendment.after, amendment.reason) == (
        "holder_merged", {"worker_id": merged.id}, {"worker_id": survivor.id}, REASON)
