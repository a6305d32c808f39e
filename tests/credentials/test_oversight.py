"""Oversight of institutions: each flag kind built by hand, the records behind it, its edge cases, the region that
sees it, and a review that hides it until its records change."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from credentials import Conflict, Forbidden, ValidationFailed
from credentials.models import AuditEvent, FlagKind, InstitutionKind, PromotionKind, PromotionState, SittingOutcome
from credentials.queries.oversight import oversight
from credentials.queries.oversight_flags import RecordRef
from credentials.queries.oversight_records import record_rows
from credentials.services.institutions import accredit
from credentials.services.oversight import mark_reviewed
from ladder.oversight import oversight_policies
from tests.oversight_records import YEAR, lathe, nominate, revoke_on, sit, sittings

NOTE = "已约谈机构负责人，系两次补证"


@pytest.fixture
def officer(make_user):
    return make_user("bureau_officer", scope="city", region="3205")


@pytest.fixture
def college(make_institution):
    return make_institution("苏州技师学院")  # accredited for the lathe up to senior technician since 2000


@pytest.fixture
def holder(make_worker):
    return make_worker("王小明")


def flags(db, user, kind: FlagKind, year: int = YEAR):
    return oversight(db.session(), user, year).of_kind(kind)


def certificates(*found) -> tuple[RecordRef, ...]:
    return tuple(sorted(RecordRef("certificate", c.id) for c in found))


# ---- the quota of exceptional and level-skipping nominations -------------------------------------------------

def test_nominations_over_the_quota_of_the_institution_kind_are_flagged_with_each_request(
        db, officer, college, holder, make_user):
    clerk = make_user("institution_staff", institution=college)
    sent = [nominate(holder, college, clerk, kind=PromotionKind.LEVEL_SKIPPING if i % 2 else PromotionKind.EXCEPTIONAL)
            for i in range(7)]  # a technician college's quota is 6 a year

    [flag] = flags(db, officer, FlagKind.NOMINATION_QUOTA)

    assert flag.key == f"nomination_quota:{college.id}:{YEAR}"
    assert (flag.facts.exceptional, flag.facts.level_skipping, flag.facts.quota) == (4, 3, 6)
    assert flag.records == tuple(sorted(RecordRef("nomination", r.id) for r in sent))


def test_drafts_never_sent_and_other_years_do_not_count_towards_the_quota(db, officer, college, holder, make_user):
    clerk = make_user("institution_staff", institution=college)
    for _ in range(6):
        nominate(holder, college, clerk)
    nominate(holder, college, clerk, state=PromotionState.DRAFT)
    nominate(holder, college, clerk, created=datetime(YEAR - 1, 12, 31, 15, 59, tzinfo=UTC))  # 23:59 in China

    result = oversight(db.session(), officer, YEAR)

    assert result.of_kind(FlagKind.NOMINATION_QUOTA) == []
    [line] = result.lines
    assert (line.nominations, line.quota) == (6, 6)


def test_a_nomination_made_after_midnight_in_china_counts_for_the_new_year(db, officer, college, holder, make_user):
    clerk = make_user("institution_staff", institution=college)
    for _ in range(6):
        nominate(holder, college, clerk)
    nominate(holder, college, clerk, created=datetime(YEAR - 1, 12, 31, 16, 0, tzinfo=UTC))  # 00:00 on 1 January

    assert len(flags(db, officer, FlagKind.NOMINATION_QUOTA)) == 1


# ---- pass rates against the region's ------------------------------------------------------------------------

def test_a_pass_rate_far_above_the_regions_is_flagged_with_its_sittings(db, officer, college, holder, make_institution):
    other = make_institution("苏州工业园区培训中心")
    counted = sittings(holder, college, passes=30, voided=5)  # 100 %: voided sittings are no sittings
    sittings(holder, other, passes=10, fails=30, start=date(YEAR, 3, 1))  # 25 %: the region 40/70

    result = oversight(db.session(), officer, YEAR)
    [flag] = result.of_kind(FlagKind.PASS_RATE)

    assert flag.institution_ids == (college.id,)
    assert (flag.facts.passes, flag.facts.sittings, flag.facts.region_passes, flag.facts.region_sittings) == (30, 30, 40, 70)
    assert flag.records == tuple(sorted(RecordRef("sitting", r.id) for r in counted[:30]))
    assert round(result.region_rate, 1) == 57.1


def test_too_few_sittings_raise_no_pass_rate_flag(db, officer, college, holder, make_institution):
    sittings(holder, college, passes=29)
    sittings(holder, make_institution(), passes=0, fails=40, start=date(YEAR, 3, 1))

    assert flags(db, officer, FlagKind.PASS_RATE) == []


def test_incomplete_sittings_are_not_yet_decided_and_not_counted(db, officer, college, holder):
    sittings(holder, college, passes=3, fails=1)
    sit(holder, college, on=date(YEAR, 6, 1), outcome=SittingOutcome.INCOMPLETE)

    [line] = oversight(db.session(), officer, YEAR).lines
    assert (line.passes, line.sittings) == (3, 4)


# ---- certificates issued just before an accreditation lapses -------------------------------------------------

@pytest.fixture
def lapsing(db, make_institution):
    """An evaluation body accredited for the lathe up to senior until 2024-06-30, then no more."""
    body = make_institution("苏州某评价机构", kind=InstitutionKind.APPRAISAL_BODY, scope=())
    accredit(db.session(), body, lathe(), max_level="senior", valid_from=date(2020, 1, 1),
             valid_until=date(YEAR, 6, 30), by=None)
    db.session.commit()
    return body


def test_certificates_issued_in_the_last_days_before_a_lapse_are_flagged(db, officer, lapsing, make_worker,
                                                                          make_certificate):
    late = [make_certificate(make_worker(name), lapsing, level="senior", issued_on=on)
            for name, on in (("李一", date(YEAR, 6, 30)), ("李二", date(YEAR, 6, 1)))]
    make_certificate(make_worker("李三"), lapsing, level="senior", issued_on=date(YEAR, 5, 31))  # 30 days before
    revoke_on(make_certificate(make_worker("李四"), lapsing, issued_on=date(YEAR, 6, 20)), datetime(YEAR, 8, 1, tzinfo=UTC))

    [flag] = flags(db, officer, FlagKind.BEFORE_LAPSE)

    assert flag.records == certificates(*late)
    assert (flag.facts.valid_until, flag.facts.window_days, flag.facts.max_level) == (date(YEAR, 6, 30), 30, "senior")


def test_an_accreditation_renewed_without_a_gap_has_not_lapsed(db, officer, lapsing, holder, make_certificate):
    make_certificate(holder, lapsing, level="senior", issued_on=date(YEAR, 6, 25))
    accredit(db.session(), lapsing, lathe(), max_level="senior", valid_from=date(YEAR, 7, 1), by=None)
    db.session.commit()

    assert flags(db, officer, FlagKind.BEFORE_LAPSE) == []


def test_a_renewal_that_no_longer_covers_the_level_leaves_it_lapsed(db, officer, lapsing, holder, make_certificate):
    issued = make_certificate(holder, lapsing, level="senior", issued_on=date(YEAR, 6, 25))
    accredit(db.session(), lapsing, lathe(), max_level="intermediate", valid_from=date(YEAR, 7, 1), by=None)
    db.session.commit()

    [flag] = flags(db, officer, FlagKind.BEFORE_LAPSE)
    assert flag.records == certificates(issued)


# ---- 一人多证: several valid certificates of one occupation and level ---------------------------------------

def test_one_person_with_two_certificates_of_one_occupation_and_level_is_flagged(db, officer, college, holder,
                                                                                  make_institution, make_certificate):
    other = make_institution("南京技师学院", city_code="3201")  # outside the region, still named in the records
    first = make_certificate(holder, other, level="intermediate", issued_on=date(2021, 5, 1))
    second = make_certificate(holder, college, level="intermediate", issued_on=date(YEAR, 5, 1))

    [flag] = flags(db, officer, FlagKind.MULTI_CERTIFICATE)

    assert flag.key == f"multi_certificate:{holder.id}:{lathe().id}:intermediate"
    assert flag.records == certificates(first, second)
    assert flag.institution_ids == (college.id,)  # only the region's institutions are counted on its lines


def test_a_revoked_certificate_does_not_make_a_second_one(db, officer, college, holder, make_certificate):
    revoke_on(make_certificate(holder, college, level="intermediate", issued_on=date(2021, 5, 1)),
              datetime(2022, 1, 1, tzinfo=UTC))
    make_certificate(holder, college, level="intermediate", issued_on=date(YEAR, 5, 1))

    assert flags(db, officer, FlagKind.MULTI_CERTIFICATE) == []


def test_a_second_certificate_of_another_level_is_no_flag(db, officer, college, holder, make_certificate):
    make_certificate(holder, college, level="intermediate", issued_on=date(2021, 5, 1))
    make_certificate(holder, college, level="senior", issued_on=date(YEAR, 5, 1))

    assert flags(db, officer, FlagKind.MULTI_CERTIFICATE) == []


def test_the_flag_belongs_to_the_year_the_latest_certificate_was_issued(db, officer, college, holder, make_certificate):
    make_certificate(holder, college, level="intermediate", issued_on=date(2021, 5, 1))
    make_certificate(holder, college, level="intermediate", issued_on=date(YEAR, 5, 1))

    assert flags(db, officer, FlagKind.MULTI_CERTIFICATE, year=2021) == []
    assert len(flags(db, officer, FlagKind.MULTI_CERTIFICATE, year=YEAR)) == 1


# ---- 重复考证: sitting a level already held ------------------------------------------------------------------

@pytest.fixture
def held(college, holder, make_certificate):
    return make_certificate(holder, college, level="intermediate", issued_on=date(2021, 5, 1))


def test_a_sitting_at_a_level_already_held_is_flagged_with_the_certificate_held(db, officer, college, holder, held):
    again = sit(holder, college, on=date(YEAR, 5, 10), outcome=SittingOutcome.FAILED)

    [flag] = flags(db, officer, FlagKind.REPEAT_SITTING)

    assert flag.key == f"repeat_sitting:{again.id}"
    assert flag.records == tuple(sorted((RecordRef("sitting", again.id), RecordRef("certificate", held.id))))
    assert flag.facts.exam_date == date(YEAR, 5, 10)


@pytest.mark.parametrize(("level", "outcome"), [("senior", SittingOutcome.PASSED), ("intermediate", SittingOutcome.VOIDED)])
def test_a_sitting_at_the_next_level_or_a_voided_one_is_no_flag(db, officer, college, holder, held, level, outcome):
    sit(holder, college, on=date(YEAR, 5, 10), level=level, outcome=outcome)

    assert flags(db, officer, FlagKind.REPEAT_SITTING) == []


def test_the_sitting_that_earned_the_certificate_is_not_a_repeat_of_it(db, officer, college, holder, make_certificate):
    earned = make_certificate(holder, college, level="intermediate", issued_on=date(YEAR, 5, 10))
    sit(holder, college, on=date(YEAR, 5, 10), certificate=earned)

    assert flags(db, officer, FlagKind.REPEAT_SITTING) == []


def test_a_certificate_revoked_before_the_exam_was_no_longer_held_and_one_revoked_after_still_was(
        db, officer, college, holder, held):
    sit(holder, college, on=date(YEAR, 5, 10))
    revoke_on(held, datetime(YEAR, 8, 1, tzinfo=UTC))
    assert len(flags(db, officer, FlagKind.REPEAT_SITTING)) == 1

    revoke_on(held, datetime(YEAR, 3, 1, tzinfo=UTC))
    assert flags(db, officer, FlagKind.REPEAT_SITTING) == []


# ---- the region, the records, the review ----------------------------------------------------------------------

def test_another_citys_bureau_sees_none_of_it_and_the_province_sees_it(db, college, holder, held, make_user):
    sit(holder, college, on=date(YEAR, 5, 10))
    nanjing = make_user("bureau_officer", scope="city", region="3201")
    jiangsu = make_user("bureau_officer", scope="province", region="32")

    assert oversight(db.session(), nanjing, YEAR).flags == [] and oversight(db.session(), nanjing, YEAR).lines == []
    assert len(oversight(db.session(), jiangsu, YEAR).of_kind(FlagKind.REPEAT_SITTING)) == 1


def test_the_records_behind_a_flag_are_shown_masked(db, officer, college, holder, held):
    sit(holder, college, on=date(YEAR, 5, 10))
    [flag] = flags(db, officer, FlagKind.REPEAT_SITTING)

    rows = record_rows(db.session(), officer, flag.records)

    certificate = rows[RecordRef("certificate", held.id)]
    assert (certificate.worker_name, certificate.number, certificate.visible) == ("王*明", held.number, True)
    assert certificate.worker_id_masked == holder.id_masked and "王小明" not in repr(rows)


def test_a_review_hides_the_flag_until_its_records_change(db, officer, college, holder, make_certificate):
    make_certificate(holder, college, level="intermediate", issued_on=date(2021, 5, 1))
    make_certificate(holder, college, level="intermediate", issued_on=date(YEAR, 5, 1))
    [flag] = flags(db, officer, FlagKind.MULTI_CERTIFICATE)

    mark_reviewed(db.session(), flag, outcome="explained", note=NOTE, seen_digest=flag.digest, by=officer)
    db.session.commit()
    [seen] = flags(db, officer, FlagKind.MULTI_CERTIFICATE)
    assert seen.reviewed and seen.review.note == NOTE and oversight(db.session(), officer, YEAR).lines[0].open == {}

    make_certificate(holder, college, level="intermediate", issued_on=date(YEAR, 9, 1))
    [again] = flags(db, officer, FlagKind.MULTI_CERTIFICATE)
    assert not again.reviewed and again.earlier_review.note == NOTE and len(again.records) == 3


def test_a_review_is_audited_with_the_records_it_saw(db, officer, college, holder, held):
    sit(holder, college, on=date(YEAR, 5, 10))
    [flag] = flags(db, officer, FlagKind.REPEAT_SITTING)

    mark_reviewed(db.session(), flag, outcome="action_taken", note=NOTE, seen_digest=flag.digest, by=officer)

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "oversight.flag_reviewed"))
    assert event.entity_id == flag.key and event.actor_id == officer.id
    assert event.after["records"] == [str(ref) for ref in flag.records] and event.after["outcome"] == "action_taken"


def test_the_province_sees_its_citys_review(db, officer, college, holder, held, make_user):
    sit(holder, college, on=date(YEAR, 5, 10))
    [flag] = flags(db, officer, FlagKind.REPEAT_SITTING)
    mark_reviewed(db.session(), flag, outcome="explained", note=NOTE, seen_digest=flag.digest, by=officer)
    db.session.commit()

    [seen] = flags(db, make_user("bureau_officer", scope="province", region="32"), FlagKind.REPEAT_SITTING)
    assert seen.reviewed and seen.review.region_code == "3205"


@pytest.mark.parametrize(("changes", "error", "code"), [
    ({"note": "  "}, ValidationFailed, "required"),
    ({"note": "说" * 501}, ValidationFailed, "reason_too_long"),
    ({"outcome": "ignored"}, ValidationFailed, "unknown_choice"),
    ({"seen_digest": "0" * 64}, Conflict, "flag_changed"),
])
def test_a_review_needs_a_note_a_known_outcome_and_the_records_as_seen(db, officer, college, holder, held,
                                                                        changes, error, code):
    sit(holder, college, on=date(YEAR, 5, 10))
    [flag] = flags(db, officer, FlagKind.REPEAT_SITTING)
    given = {"outcome": "explained", "note": NOTE, "seen_digest": flag.digest, **changes}

    with pytest.raises(error) as refused:
        mark_reviewed(db.session(), flag, by=officer, **given)
    assert refused.value.code == code


def test_the_same_records_are_reviewed_once(db, officer, college, holder, held):
    sit(holder, college, on=date(YEAR, 5, 10))
    [flag] = flags(db, officer, FlagKind.REPEAT_SITTING)
    mark_reviewed(db.session(), flag, outcome="explained", note=NOTE, seen_digest=flag.digest, by=officer)

    with pytest.raises(Conflict) as refused:
        mark_reviewed(db.session(), flag, outcome="explained", note=NOTE, seen_digest=flag.digest, by=officer)
    assert refused.value.code == "flag_reviewed"


@pytest.mark.parametrize(("scope", "region", "code"), [("ministry", None, "ministry_observes"),
                                                        ("city", "3201", "action")])
def test_the_ministry_observes_and_another_city_may_not_review(db, officer, college, holder, held, make_user,
                                                                scope, region, code):
    sit(holder, college, on=date(YEAR, 5, 10))
    [flag] = flags(db, officer, FlagKind.REPEAT_SITTING)

    with pytest.raises(Forbidden) as refused:
        mark_reviewed(db.session(), flag, outcome="explained", note=NOTE, seen_digest=flag.digest,
                      by=make_user("bureau_officer", scope=scope, region=region))
    assert refused.value.code == code


def test_the_shipped_quotas_name_every_kind_of_institution():
    for policy in oversight_policies():
        assert set(policy.nomination_quota) == {kind.value for kind in InstitutionKind}
