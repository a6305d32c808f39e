"""Issuing certificates (numbers, accreditation, levels, dates), revoking them, and progression."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from credentials import Conflict, Duplicate, ValidationFailed
from credentials.clock import china_today
from credentials.models import (
    AuditEvent,
    Certificate,
    CertificateKind,
    CertificateStatus,
    InstitutionKind,
)
from credentials.numbers import format_legacy16, format_skill_level22, parse_certificate_number
from credentials.queries.progression import progression
from credentials.services.certificates import issue_certificate, revoke_certificate
from credentials.services.reference import find_occupation


@pytest.fixture
def institution(make_institution):
    return make_institution(scope=(("6-18-01-01", "senior_technician"), ("6-18-01-02", "senior_technician")))


@pytest.fixture
def worker(make_worker):
    return make_worker()


def certificate_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


# ------------------------------------------------------------------ generated numbers

@pytest.mark.parametrize(("kind", "body_type"), [(InstitutionKind.TECHNICIAN_COLLEGE, "S"),
                                                  (InstitutionKind.ENTERPRISE, "Y")])
def test_generated_number_follows_the_22_character_scheme_and_matches_the_record(
        make_institution, worker, make_certificate, kind, body_type):
    institution = make_institution(kind=kind)
    certificate = make_certificate(worker, institution, level="senior", issued_on=date(2023, 5, 4))

    parsed = parse_certificate_number(certificate.number)
    assert len(certificate.number) == 22
    assert certificate.number_scheme == parsed.scheme == "skill_level22"
    assert parsed.problems == ()
    assert certificate.number.startswith(f"{body_type}000032{institution.id:06d}")  # Suzhou: province 32
    assert (parsed.year, parsed.level_digit, parsed.serial) == (2023, 3, 1)  # senior = level 3
    assert certificate.needs_review is False
    assert certificate.kind is CertificateKind.SKILL_LEVEL


def test_generated_serial_increments_per_institution_year_and_level(institution, make_worker,
                                                                   make_certificate):
    def issue(level, on):
        return make_certificate(make_worker(), institution, level=level, issued_on=on)

    numbers = [issue("junior", date(2021, 3, day)).number for day in (1, 2, 3)]
    other_level = issue("intermediate", date(2021, 3, 4))
    other_year = issue("junior", date(2022, 3, 4))

    assert [parse_certificate_number(n).serial for n in numbers] == [1, 2, 3]
    assert parse_certificate_number(other_level.number).serial == 1
    assert parse_certificate_number(other_year.number).serial == 1
    assert len({*numbers, other_level.number, other_year.number}) == 5


# ------------------------------------------------------------------ given numbers

@pytest.mark.parametrize(("number", "level", "issued_on", "scheme", "kind"), [
    (format_legacy16(2010, "32", "05", 0, 1, 5, 123), "junior", date(2010, 6, 1), "legacy16",
     CertificateKind.QUALIFICATION),
    (format_skill_level22("S", "0001", "32", "000007", 2021, 4, 42), "intermediate", date(2021, 9, 1),
     "skill_level22", CertificateKind.SKILL_LEVEL),
])
def test_given_number_is_accepted_when_it_agrees_with_the_record(
        institution, worker, make_certificate, number, level, issued_on, scheme, kind):
    certificate = make_certificate(worker, institution, level=level, issued_on=issued_on, number=number)

    assert (certificate.number, certificate.number_scheme, certificate.kind) == (number, scheme, kind)
    assert certificate.needs_review is False


def test_given_number_is_normalised_before_it_is_stored(institution, worker, make_certificate):
    number = format_skill_level22("S", "0001", "32", "000007", 2021, 4, 42)

    certificate = make_certificate(worker, institution, level="intermediate", issued_on=date(2021, 9, 1),
                                   number=f" {number.lower()[:10]} {number[10:]}")

    assert certificate.number == number


@pytest.mark.parametrize(("number", "reason"), [
    (format_legacy16(2010, "32", "05", 0, 1, 3, 1), "等级位"),  # level 3 (senior) but record says junior
    (format_legacy16(2011, "32", "05", 0, 1, 5, 1), "年份"),  # 2011 but issued in 2010
    (format_skill_level22("Y", "0001", "32", "000001", 2010, 4, 1), "等级位"),
])
def test_given_number_that_contradicts_the_level_or_year_is_refused(
        institution, worker, make_certificate, db, number, reason):
    with pytest.raises(ValidationFailed) as caught:
        make_certificate(worker, institution, level="junior", issued_on=date(2010, 6, 1), number=number)

    assert (caught.value.field, caught.value.code) == ("number", "number_mismatch")
    assert reason in caught.value.message("zh")
    assert certificate_count(db) == 0


@pytest.mark.parametrize(("number", "zh", "en"), [
    ("ABC-1234-XYZ", "只能包含数字和大写字母", "only digits and capital letters"),
    ("证书1234567", "只能包含数字和大写字母", "only digits and capital letters"),
    ("1234567", "长度不可能", "length fits no national numbering scheme"),
    ("9" * 33, "长度不可能", "length fits no national numbering scheme"),
])
def test_impossible_number_is_refused_with_a_clear_message(institution, worker, make_certificate,
                                                           number, zh, en):
    with pytest.raises(ValidationFailed) as caught:
        make_certificate(worker, institution, number=number)

    assert (caught.value.field, caught.value.code) == ("number", "certificate_number")
    assert zh in caught.value.message("zh")
    assert en in caught.value.message("en")


@pytest.mark.parametrize("number", ["3100000123456", "RGN12345678901234567"])
def test_plausible_number_of_an_unknown_scheme_is_kept_but_flagged_for_review(
        institution, worker, make_certificate, number):
    certificate = make_certificate(worker, institution, number=number)

    assert certificate.number == number
    assert (certificate.number_scheme, certificate.needs_review) == ("unknown", True)


def test_duplicate_number_is_refused(institution, make_worker, make_certificate, db):
    number = format_legacy16(2010, "32", "05", 0, 1, 5, 77)
    make_certificate(make_worker(), institution, issued_on=date(2010, 6, 1), number=number)

    with pytest.raises(Duplicate) as caught:
        make_certificate(make_worker(), institution, issued_on=date(2010, 7, 1), number=number)

    assert caught.value.field == "number"
    assert number in caught.value.message("zh")
    assert certificate_count(db) == 1


# ------------------------------------------------------------------ who may issue what, when

@pytest.mark.parametrize(("scope", "occupation", "level", "issued_on"), [
    pytest.param((("6-18-01-01", "senior_technician"),), "6-18-01-02", "junior", date(2020, 1, 1),
                 id="occupation-outside-scope"),
    pytest.param((("6-18-01-01", "intermediate"),), "6-18-01-01", "senior", date(2020, 1, 1),
                 id="level-above-max"),
    pytest.param((("6-18-01-01", "senior_technician"),), "6-18-01-01", "junior", date(2010, 12, 31),
                 id="before-valid-from"),
])
def test_institution_may_only_issue_within_its_accreditation(
        make_institution, worker, make_certificate, db, scope, occupation, level, issued_on):
    institution = make_institution(scope=scope, valid_from=date(2011, 1, 1))

    with pytest.raises(ValidationFailed) as caught:
        make_certificate(worker, institution, occupation=occupation, level=level, issued_on=issued_on)

    assert (caught.value.field, caught.value.code) == ("institution", "not_accredited")
    assert institution.name in caught.value.message("zh")
    assert certificate_count(db) == 0


def test_level_at_the_accredited_maximum_is_allowed(make_institution, worker, make_certificate):
    institution = make_institution(scope=(("6-18-01-01", "intermediate"),))

    assert make_certificate(worker, institution, level="intermediate").level == "intermediate"


@pytest.mark.parametrize(("occupation", "level"), [
    pytest.param("2-02-01-01", "junior", id="major-category-2-professional"),
    pytest.param("6-18-01-01", "apprentice", id="apprentice-is-not-appraised"),
    pytest.param("6-18-01-01", "chief_technician", id="chief-technician-is-appointed"),
])
def test_level_that_is_not_appraised_for_the_occupation_is_refused(institution, worker, db,
                                                                   occupation, level):
    with pytest.raises(ValidationFailed) as caught:
        issue_certificate(db.session(), worker=worker, occupation=find_occupation(db.session(), occupation),
                          level=level, issued_on=date(2020, 1, 1), institution=institution, by=None)

    assert (caught.value.field, caught.value.code) == ("level", "level_not_appraised")


def test_unknown_level_is_refused(institution, worker, make_certificate):
    with pytest.raises(ValidationFailed) as caught:
        make_certificate(worker, institution, level="grandmaster")

    assert (caught.value.field, caught.value.code) == ("level", "unknown_level")
    assert "grandmaster" in caught.value.message("en")


def test_issue_date_in_the_future_is_refused(institution, worker, make_certificate, db):
    with pytest.raises(ValidationFailed) as caught:
        make_certificate(worker, institution, issued_on=china_today() + timedelta(days=1))

    assert (caught.value.field, caught.value.code) == ("issued_on", "date_in_future")
    assert certificate_count(db) == 0


def test_issue_date_today_is_allowed(institution, worker, make_certificate):
    assert make_certificate(worker, institution, issued_on=china_today()).issued_on == china_today()


# ------------------------------------------------------------------ revocation

@pytest.fixture
def officer(make_user):
    return make_user("bureau_officer")


@pytest.mark.parametrize("reason", ["", "   "])
def test_revocation_needs_a_reason(institution, worker, make_certificate, officer, db, reason):
    certificate = make_certificate(worker, institution)

    with pytest.raises(ValidationFailed) as caught:
        revoke_certificate(db.session(), certificate, reason=reason, by=officer)

    assert (caught.value.field, caught.value.code) == ("reason", "required")
    assert certificate.status is CertificateStatus.VALID


def test_revocation_marks_the_certificate_and_deletes_nothing(institution, worker, make_certificate,
                                                               officer, db):
    certificate = make_certificate(worker, institution)

    revoke_certificate(db.session(), certificate, reason="  材料造假 ", by=officer)
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(Certificate, certificate.id)
    assert stored.status is CertificateStatus.REVOKED
    assert stored.revoked_at is not None and stored.revocation_reason == "材料造假"
    assert certificate_count(db) == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert (event.actor_id, event.entity_id) == (officer.id, certificate.number)
    assert event.before["status"] == "valid" and event.after["status"] == "revoked"


def test_revoking_twice_is_a_conflict(institution, worker, make_certificate, officer, db):
    certificate = make_certificate(worker, institution)
    revoke_certificate(db.session(), certificate, reason="材料造假", by=officer)
    db.session.commit()
    first_revoked_at = certificate.revoked_at

    with pytest.raises(Conflict) as caught:
        revoke_certificate(db.session(), certificate, reason="再次撤销", by=officer)

    assert caught.value.code == "already_revoked"
    assert certificate.revoked_at == first_revoked_at and certificate.revocation_reason == "材料造假"


# ------------------------------------------------------------------ progression

def test_progression_shows_the_highest_valid_level_per_occupation(institution, worker, make_certificate, db):
    make_certificate(worker, institution, level="junior", issued_on=date(2015, 1, 1))
    make_certificate(worker, institution, level="senior", issued_on=date(2019, 1, 1))
    make_certificate(worker, institution, level="intermediate", issued_on=date(2021, 1, 1))  # later, lower
    make_certificate(worker, institution, occupation="6-18-01-02", level="junior", issued_on=date(2020, 1, 1))

    progress = {p.occupation.code: p for p in progression(db.session(), worker)}

    assert progress["6-18-01-01"].current_level == "senior"
    assert progress["6-18-01-01"].reached_on == date(2019, 1, 1)
    assert [c.level for c in progress["6-18-01-01"].certificates] == ["junior", "senior", "intermediate"]
    assert progress["6-18-01-02"].current_level == "junior"
    assert [p.occupation.code for p in progression(db.session(), worker)] == ["6-18-01-01", "6-18-01-02"]


def test_a_revoked_certificate_does_not_count_towards_progression(
        institution, worker, make_certificate, officer, db):
    make_certificate(worker, institution, level="junior", issued_on=date(2015, 1, 1))
    senior = make_certificate(worker, institution, level="senior", issued_on=date(2019, 1, 1))
    revoke_certificate(db.session(), senior, reason="材料造假", by=officer)
    db.session.commit()

    [entry] = progression(db.session(), worker)

    assert entry.current_level == "junior"
    assert len(entry.certificates) == 2  # still on the timeline, just not counted


def test_progression_of_a_worker_without_certificates_is_empty(worker, make_worker, institution,
                                                               make_certificate, db):
    make_certificate(make_worker(), institution)  # someone else's

    assert progression(db.session(), worker) == []
