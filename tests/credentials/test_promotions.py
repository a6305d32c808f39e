"""Exceptional and level-skipping nominations: every transition from every state by every role, the rules
behind a nomination, the decisions' reasons and history, inbox messages, and the certificate that follows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from credentials import Conflict, CredentialsError, Forbidden, ValidationFailed
from credentials.models import (
    InboxMessage,
    PromotionDecision,
    PromotionKind,
    PromotionRequest,
    PromotionState,
)
from credentials.permissions import conflict_of_interest
from credentials.services.inbox import render
from credentials.services.promotions import (
    nominate_promotion,
    resubmit_promotion,
    submit_promotion,
    withdraw_promotion,
)
from credentials.services.reference import find_occupation
from credentials.services.reviews import (
    approve_promotion,
    reject_promotion,
    return_promotion,
    review_promotion,
)
from tests.promotion_fixtures import OCCUPATION, PATHS, bring_to, nominate, state_of

ROLES = ["nominator", "colleague", "other_staff", "worker", "city_officer", "other_city_officer",
         "province_officer", "other_province_officer", "ministry", "admin"]
NOMINATING = {"nominator", "colleague"}
OPEN_AT_CITY = ("submitted@city", "under_review@city")
OPEN_AT_PROVINCE = ("submitted@province", "under_review@province")
PENDING = ("draft", "returned@city", "returned@province", *OPEN_AT_CITY, *OPEN_AT_PROVINCE)


def _allowed() -> dict[tuple[str, str], tuple[set[str], str]]:
    """(state, action) -> (who may, the state it leads to). Everything not listed is refused."""
    table = {("draft", "submit"): (NOMINATING, "submitted@city"),
             ("returned@city", "resubmit"): (NOMINATING, "submitted@city"),
             ("returned@province", "resubmit"): (NOMINATING, "submitted@province"),
             ("submitted@city", "review"): ({"city_officer"}, "under_review@city"),
             ("submitted@province", "review"): ({"province_officer"}, "under_review@province")}
    for state in PENDING:
        table[(state, "withdraw")] = (NOMINATING, "withdrawn")
    for state in OPEN_AT_CITY:
        table[(state, "approve")] = ({"city_officer"}, "submitted@province")  # technician: the province decides
        table[(state, "reject")] = ({"city_officer"}, "rejected")
        table[(state, "return")] = ({"city_officer"}, "returned@city")
    for state in OPEN_AT_PROVINCE:
        table[(state, "approve")] = ({"province_officer"}, "approved")
        table[(state, "reject")] = ({"province_officer"}, "rejected")
        table[(state, "return")] = ({"province_officer"}, "returned@province")
    return table


ALLOWED = _allowed()
ACTIONS = {
    "submit": lambda s, r, u: submit_promotion(s, r, by=u),
    "resubmit": lambda s, r, u: resubmit_promotion(s, r, by=u),
    "withdraw": lambda s, r, u: withdraw_promotion(s, r, by=u),
    "review": lambda s, r, u: review_promotion(s, r, by=u),
    "approve": lambda s, r, u: approve_promotion(s, r, reason="符合条件", by=u),
    "reject": lambda s, r, u: reject_promotion(s, r, reason="不符合条件", by=u),
    "return": lambda s, r, u: return_promotion(s, r, reason="请补充材料", by=u),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("state", list(PATHS))
def test_every_role_may_do_exactly_what_the_state_machine_allows(cast, state, action):
    request = bring_to(cast, state)
    who, leads_to = ALLOWED.get((state, action), (set(), None))
    session = db.session()
    failures = []
    for role in ROLES:
        decisions_before = session.scalar(select(func.count()).select_from(PromotionDecision))
        savepoint = session.begin_nested()
        fresh = session.get(PromotionRequest, request.id)
        try:
            ACTIONS[action](session, fresh, cast[role])
        except (Forbidden, Conflict) as refused:
            if role in who:
                failures.append(f"{role}: refused ({refused.code}) but should lead to {leads_to}")
        else:
            if role not in who:
                failures.append(f"{role}: was allowed to {action} in {state}")
            elif state_of(fresh) != leads_to:
                failures.append(f"{role}: led to {state_of(fresh)}, expected {leads_to}")
        savepoint.rollback()
        session.expire_all()
        assert session.scalar(select(func.count()).select_from(PromotionDecision)) == decisions_before
    assert not failures, "\n".join(failures)
    assert state_of(session.get(PromotionRequest, request.id)) == state  # every attempt was rolled back


def test_a_stranger_to_the_region_learns_nothing_about_the_state(cast):
    request = bring_to(cast, "approved")

    with pytest.raises(Forbidden):
        approve_promotion(db.session(), request, reason="x", by=cast["other_city_officer"])


def test_the_ministry_sees_but_does_not_decide(cast):
    request = bring_to(cast, "submitted@city")

    with pytest.raises(Forbidden) as refused:
        approve_promotion(db.session(), request, reason="同意", by=cast["ministry"])
    assert refused.value.code == "ministry_observes"


def test_an_officer_never_decides_a_request_they_nominated(cast):
    request = nominate(cast, by="city_officer")  # a bureau may recommend, e.g. a city competition winner
    submit_promotion(db.session(), request, by=cast["city_officer"])

    with pytest.raises(Forbidden) as refused:
        approve_promotion(db.session(), request, reason="同意", by=cast["city_officer"])
    assert refused.value.code == "own_nomination"


def test_staff_have_a_conflict_of_interest_about_their_own_employees(cast):
    request = nominate(cast)

    assert conflict_of_interest(cast["colleague"], request).code == "own_employee"
    assert conflict_of_interest(cast["other_staff"], request) is None


def test_the_province_officer_is_told_the_request_is_still_at_the_city_stage(cast):
    request = bring_to(cast, "submitted@city")

    with pytest.raises(Forbidden) as refused:
        approve_promotion(db.session(), request, reason="同意", by=cast["province_officer"])
    assert refused.value.code == "wrong_stage" and "市级初审" in refused.value.message("zh")


@pytest.mark.parametrize("decide", [approve_promotion, reject_promotion, return_promotion])
def test_every_decision_needs_a_reason(cast, decide):
    request = bring_to(cast, "submitted@city")

    with pytest.raises(ValidationFailed) as refused:
        decide(db.session(), request, reason="  ", by=cast["city_officer"])
    assert refused.value.field == "reason"


def test_approval_at_the_last_stage_opens_the_appraisal_for_twelve_months(cast):
    request = bring_to(cast, "submitted@province")

    approve_promotion(db.session(), request, reason="同意破格", by=cast["province_officer"], today=date(2026, 3, 1))

    assert request.state is PromotionState.APPROVED
    assert request.approval_valid_until == date(2027, 3, 1)
    assert request.decided_by_id == cast["province_officer"].id


def test_a_target_below_technician_is_decided_by_the_city_alone(cast, make_worker, make_certificate):
    worker = make_worker("李想", employer=cast.employer)
    make_certificate(worker, cast.employer, level="junior", issued_on=date(2015, 1, 1))
    session = db.session()
    # No national limit opens Senior Worker to these routes today: the nomination is refused with the reason.
    with pytest.raises(ValidationFailed) as refused:
        nominate_promotion(session, worker=worker, occupation=find_occupation(session, OCCUPATION),
                           kind=PromotionKind.LEVEL_SKIPPING, target_level="senior", grounds=["patent"],
                           statement="专利", by=cast["nominator"])
    assert refused.value.field == "target_level" and "仅适用于技师、高级技师" in refused.value.message("zh")


def test_the_full_history_keeps_each_decision_with_its_reason_and_stage(cast):
    request = bring_to(cast, "approved")

    history = [(d.action, d.stage.value, d.to_state.value, d.reason) for d in request.decisions]

    assert history == [
        ("nominated", "city", "draft", None),
        ("submitted", "city", "submitted", None),
        ("forwarded", "city", "submitted", "材料齐全"),
        ("approved", "province", "approved", "同意破格"),
    ]


def test_a_returned_request_goes_back_to_the_stage_that_returned_it(cast):
    request = bring_to(cast, "returned@province")

    resubmit_promotion(db.session(), request, by=cast["nominator"])

    assert state_of(request) == "submitted@province"


def test_worker_and_nominator_get_a_message_on_every_status_change(cast):
    request = bring_to(cast, "approved")
    worker_user, nominator = cast["worker"], cast["nominator"]

    codes = {user: [m.code for m in db.session.scalars(
        select(InboxMessage).where(InboxMessage.user_id == user.id).order_by(InboxMessage.id))]
        for user in (worker_user, nominator)}

    expected = ["promotion.submitted", "promotion.forwarded", "promotion.approved"]
    assert codes[worker_user] == expected and codes[nominator] == expected
    last = db.session.scalars(select(InboxMessage).where(InboxMessage.user_id == worker_user.id)
                              .order_by(InboxMessage.id.desc())).first()
    subject, body = render(last, "zh")
    assert subject == "申请已批准" and request.approval_valid_until.isoformat() in body and "同意破格" in body
    assert "王*国" in body and "王建国" not in body
    assert render(last, "en")[0] == "Request approved"


@pytest.mark.parametrize(("target", "kind", "message"), [
    ("senior_technician", PromotionKind.EXCEPTIONAL, None),  # senior → senior technician skips one: allowed
    ("technician", PromotionKind.LEVEL_SKIPPING, "越级晋升须跨过至少一个等级"),
    ("senior", PromotionKind.EXCEPTIONAL, "须高于现有等级"),
])
def test_the_target_must_fit_the_national_limits(cast, target, kind, message):
    session = db.session()
    nominate_it = lambda: nominate_promotion(  # noqa: E731
        session, worker=cast.worker, occupation=find_occupation(session, OCCUPATION), kind=kind,
        target_level=target, grounds=["patent"], statement="发明专利两项", by=cast["nominator"])
    if message is None:
        assert nominate_it().state is PromotionState.DRAFT
        return
    with pytest.raises(ValidationFailed) as refused:
        nominate_it()
    assert refused.value.field == "target_level" and message in refused.value.message("zh")


@pytest.mark.parametrize(("changes", "field"), [
    ({"grounds": []}, "grounds"),
    ({"grounds": ["bribery"]}, "grounds"),
    ({"statement": " "}, "statement"),
    ({"rule_id": "no-such-rule"}, "rule_id"),
])
def test_nomination_input_is_checked_field_by_field(cast, changes, field):
    session = db.session()
    args = dict(worker=cast.worker, occupation=find_occupation(session, OCCUPATION), kind=PromotionKind.EXCEPTIONAL,
                target_level="technician", grounds=["patent"], statement="发明专利", by=cast["nominator"])

    with pytest.raises(ValidationFailed) as refused:
        nominate_promotion(session, **{**args, **changes})
    assert refused.value.field == field


def test_a_relied_upon_local_clause_is_kept_with_the_request(cast, monkeypatch):
    """A local policy binds the workers of its own city (or province) only."""
    import dataclasses

    from credentials.services import promotions
    from ladder.exceptional import exceptional_policies

    here = [dataclasses.replace(policy, jurisdiction=cast.worker.city_code) for policy in exceptional_policies()]
    monkeypatch.setattr(promotions, "exceptional_policies", lambda **_kwargs: here)
    session = db.session()
    request = nominate_promotion(session, worker=cast.worker, occupation=find_occupation(session, OCCUPATION),
                                 kind=PromotionKind.EXCEPTIONAL, target_level="technician", grounds=["patent"],
                                 statement="发明专利", rule_id="city-2017.technician.c", by=cast["nominator"])

    assert request.rule_id == "city-2017.technician.c"


def test_another_jurisdictions_clause_cannot_be_relied_upon(cast):
    """The shipped local clauses belong to an unnamed city (their source names none), not to this worker's."""
    session = db.session()
    with pytest.raises(ValidationFailed) as refused:
        nominate_promotion(session, worker=cast.worker, occupation=find_occupation(session, OCCUPATION),
                           kind=PromotionKind.EXCEPTIONAL, target_level="technician", grounds=["patent"],
                           statement="发明专利", rule_id="city-2017.technician.c", by=cast["nominator"])
    assert (refused.value.field, refused.value.code) == ("rule_id", "unknown_choice")


def test_the_rules_offered_carry_their_human_names_and_only_the_workers_jurisdictions():
    from credentials.models import PromotionKind as Kind
    from credentials.services.promotions import relied_rules

    suzhou = relied_rules("technician", Kind.EXCEPTIONAL, on=date(2024, 1, 1), city_code="3205")

    assert suzhou and all(not key.startswith("city-2017") for key in suzhou)
    assert all(text.zh and text.en and text.zh != key for key, text in suzhou.items())


def test_one_open_request_per_worker_and_occupation(cast):
    nominate(cast)

    with pytest.raises(CredentialsError) as refused:
        nominate(cast)
    assert refused.value.code == "open_promotion"


def test_a_worker_without_a_level_in_the_occupation_cannot_be_nominated(cast):
    session = db.session()
    with pytest.raises(ValidationFailed) as refused:
        nominate_promotion(session, worker=cast.worker, occupation=find_occupation(session, "6-18-01-02"),
                           kind=PromotionKind.EXCEPTIONAL, target_level="technician", grounds=["patent"],
                           statement="发明专利", by=cast["nominator"])
    assert refused.value.code == "no_current_level"


def test_staff_of_another_institution_cannot_nominate_a_worker_they_do_not_know(cast):
    session = db.session()
    with pytest.raises(ValidationFailed) as refused:
        nominate_promotion(session, worker=cast.worker, occupation=find_occupation(session, OCCUPATION),
                           kind=PromotionKind.EXCEPTIONAL, target_level="technician", grounds=["patent"],
                           statement="发明专利", by=cast["other_staff"])
    assert refused.value.field == "worker_id"


def test_submission_needs_evidence(cast):
    request = nominate(cast, evidence=False)

    with pytest.raises(ValidationFailed) as refused:
        submit_promotion(db.session(), request, by=cast["nominator"])
    assert refused.value.field == "evidence"
