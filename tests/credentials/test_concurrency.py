"""Two officers deciding the same request at the same moment produce exactly one decision; the other is told
it was already decided. Real parallel transactions on PostgreSQL; a stale-version check on both databases."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.extensions import db
from credentials import Conflict
from credentials.models import PromotionDecision, PromotionRequest, User
from credentials.services.reviews import approve_promotion, reject_promotion
from tests.promotion_fixtures import bring_to, state_of

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith(("postgres://", "postgresql"))


@pytest.fixture
def second_city_officer(make_user):
    return make_user("bureau_officer", scope="city", region="3205")


def test_a_decision_on_a_stale_copy_is_refused_as_already_decided(cast, second_city_officer):
    request = bring_to(cast, "under_review@city")
    stale = db.session.get(PromotionRequest, request.id)  # officer 2 opened the page ...
    with Session(db.engine) as other:  # ... while officer 1 decided in their own transaction
        approve_promotion(other, other.get(PromotionRequest, request.id), reason="材料齐全",
                          by=other.get(User, cast["city_officer"].id))
        other.commit()

    with pytest.raises(Conflict) as refused:
        reject_promotion(db.session(), stale, reason="业绩不足", by=second_city_officer)

    assert refused.value.code == "already_decided" and "待审核" in refused.value.message("zh")
    db.session.rollback()
    assert state_of(db.session.get(PromotionRequest, request.id)) == "submitted@province"
    assert _decisions(request.id, ("forwarded", "rejected")) == 1


def _decisions(request_id: int, actions: tuple[str, ...]) -> int:
    return db.session.scalar(select(func.count()).select_from(PromotionDecision).where(
        PromotionDecision.request_id == request_id, PromotionDecision.action.in_(actions)))


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="TEST_DATABASE_URL not set: needs real parallel transactions")
@pytest.mark.parametrize("round_", range(5))
def test_two_officers_deciding_at_once_produce_exactly_one_decision(cast, second_city_officer, round_):
    request_id = bring_to(cast, "under_review@city").id
    engine = db.engine
    officers = [cast["city_officer"].id, second_city_officer.id]
    barrier = threading.Barrier(2, timeout=20)
    outcomes: list[str] = []

    def decide(officer_id: int, approve: bool) -> None:
        with Session(engine) as session:
            mine = session.get(PromotionRequest, request_id)
            officer = session.get(User, officer_id)
            mine.worker, mine.occupation  # noqa: B018 - load before the race, as a page would have
            barrier.wait()
            try:
                if approve:
                    approve_promotion(session, mine, reason="同意", by=officer)
                else:
                    reject_promotion(session, mine, reason="不同意", by=officer)
                session.commit()
                outcomes.append("decided")
            except Conflict as conflict:
                session.rollback()
                outcomes.append(conflict.code)

    threads = [threading.Thread(target=decide, args=(officers[0], True)),
               threading.Thread(target=decide, args=(officers[1], False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["already_decided", "decided"]
    db.session.expire_all()
    assert _decisions(request_id, ("forwarded", "rejected")) == 1
    assert db.session.get(PromotionRequest, request_id).version == 4  # nominated 1, submit 2, review 3, decide 4
