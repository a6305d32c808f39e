"""An enterprise contest applying for the government plan waits in its city's work queue and is announced in
the inbox of that city's officers; the decision is announced to the applying institution's staff."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from credentials.models import InboxMessage, PlanState
from credentials.queries.approvals import work_queue
from credentials.services.competitions import apply_for_plan, decide_plan
from credentials.services.inbox import render


def messages(user, code=None) -> list[InboxMessage]:
    statement = select(InboxMessage).where(InboxMessage.user_id == user.id).order_by(InboxMessage.id)
    if code:
        statement = statement.where(InboxMessage.code == code)
    return list(db.session.scalars(statement))


def test_an_application_lands_in_the_citys_queue_and_inbox_only(world):
    contest = world.contest("staff", tier="enterprise", name="精工杯车工比武", ends_on=date(2024, 6, 1))

    apply_for_plan(db.session(), contest, by=world["staff"])
    db.session.commit()

    items, counts = work_queue(db.session(), world["city"])
    assert [(i.kind, i.id, i.title, i.worker, i.stage) for i in items] == [
        ("plan", contest.id, "精工杯车工比武", None, "city")]
    assert counts["plan"] == 1 and contest.plan_applied_at is not None
    for name in ("other_city", "province", "ministry"):
        assert work_queue(db.session(), world[name])[1]["plan"] == 0
    for name in ("city", "city2"):
        (message,) = messages(world[name], "competition.plan_applied")
        assert (message.entity_type, message.entity_id) == ("competition", contest.id)
        subject, body = render(message, "zh")
        assert subject == "竞赛申请纳入政府竞赛计划"
        assert body.startswith("苏州精工机械有限公司申请将“精工杯车工比武”（企业技术比武，2024-06-01 至 2024-06-01）")
        assert render(message, "en")[1].startswith("苏州精工机械有限公司 applies to include “精工杯车工比武” "
                                                   "(workplace skills contest, 2024-06-01 to 2024-06-01)")
    for name in ("other_city", "province", "staff"):
        assert messages(world[name], "competition.plan_applied") == []


def test_the_queue_filters_plan_applications_by_kind_and_occupation(world):
    contest = world.contest("staff", tier="enterprise", name="精工杯车工比武")
    apply_for_plan(db.session(), contest, by=world["staff"])

    assert [i.kind for i in work_queue(db.session(), world["city"], kind="plan")[0]] == ["plan"]
    assert work_queue(db.session(), world["city"], kind="competition")[0] == []
    assert work_queue(db.session(), world["city"], occupation_code="6-18-01-02")[1]["plan"] == 0
    assert work_queue(db.session(), world["city"], occupation_code="6-18-01-01")[1]["plan"] == 1


def test_the_decision_reaches_every_clerk_of_the_institution_and_leaves_the_queue(world):
    contest = world.contest("staff", tier="enterprise", name="精工杯车工比武")
    apply_for_plan(db.session(), contest, by=world["staff"])

    decide_plan(db.session(), contest, include=False, reason="赛制不规范，缺少评分细则", by=world["city"])

    assert contest.plan_state is PlanState.REFUSED and work_queue(db.session(), world["city"])[1]["plan"] == 0
    for name in ("staff", "staff2"):
        (message,) = messages(world[name], "competition.refused")
        assert render(message, "zh")[1] == "“精工杯车工比武”未纳入政府竞赛计划。理由：赛制不规范，缺少评分细则"
    assert messages(world["worker"]) == []

    apply_for_plan(db.session(), contest, by=world["staff2"])  # refused contests may apply again
    assert work_queue(db.session(), world["city"])[1]["plan"] == 1
    decide_plan(db.session(), contest, include=True, reason="已补充评分细则", by=world["city2"])
    assert [m.code for m in messages(world["staff"])] == ["competition.refused", "competition.included"]
    assert len(messages(world["city"], "competition.plan_applied")) == 2
