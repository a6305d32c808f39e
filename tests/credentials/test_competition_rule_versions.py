"""Versions of a bureau rule: an unused rule changes in place; a used one gets a new version that judges from
then on while the old one keeps explaining what was decided under it; two revisions at once make one version;
a competition naming a rule follows its newest version while that still covers the competition."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.extensions import db
from credentials import Conflict
from credentials.models import AuditEvent, CompetitionRule, ResultOutcome, User
from credentials.queries.competition_rules import versions_of
from credentials.services.competition_promotions import policy_of_proposal
from credentials.services.competition_rules import RewardDraft, revise_rule
from credentials.services.competitions import apply_for_plan, decide_plan, record_result
from tests.rule_fixtures import draft

TODAY = date(2025, 1, 15)


def test_an_unused_rule_changes_in_place(world):
    rule = world.rule()

    same = revise_rule(db.session(), rule, draft(name_zh="苏州市竞赛奖励办法（修订）"), by=world["city2"], today=TODAY)

    assert (same.id, same.version, same.name_zh) == (rule.id, 1, "苏州市竞赛奖励办法（修订）")
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity_type == "competition_rule")
                             .order_by(AuditEvent.id.desc()).limit(1)) == "competition_rule.updated"


def test_a_used_rule_gets_a_new_version_and_the_old_one_keeps_explaining_its_proposals(world):
    rule = world.rule()
    contest = world.contest(rule=rule)
    old = record_result(db.session(), contest, worker=world.workers["junior"], rank=3, by=world["city"])
    db.session.commit()

    newer = revise_rule(db.session(), rule, draft(rewards=(RewardDraft(rank_from=1, rank_to=5, effect="up:2"),)),
                        by=world["city2"], today=TODAY)
    db.session.commit()
    later = record_result(db.session(), contest, worker=world.workers["none"], rank=4, by=world["city"])

    assert (newer.version, newer.replaces_id, rule.is_current) == (2, rule.id, False)
    assert [v.id for v in versions_of(db.session(), rule)] == [newer.id, rule.id]
    assert old.proposal.rule_id == rule.id and policy_of_proposal(old.proposal).rewards[1].ranks == (2, 5)
    assert (later.rule_id, later.proposal.target_level) == (newer.id, "intermediate")  # none → two up
    with pytest.raises(Conflict) as refused:
        revise_rule(db.session(), rule, draft(), by=world["city"], today=TODAY)
    assert refused.value.code == "rule_superseded"


def test_two_officers_revising_one_used_rule_at_once_make_one_version(world):
    rule = world.rule()
    record_result(db.session(), world.contest(), worker=world.workers["junior"], rank=3, by=world["city"])
    db.session.commit()
    stale = db.session.get(CompetitionRule, rule.id)
    with Session(db.engine) as other:
        revise_rule(other, other.get(CompetitionRule, rule.id), draft(), by=other.get(User, world["city2"].id),
                    today=TODAY)
        other.commit()

    with pytest.raises(Conflict):
        revise_rule(db.session(), stale, draft(), by=world["city"], today=TODAY)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CompetitionRule)) == 2


def test_a_competition_whose_named_rule_no_longer_covers_its_tier_falls_back_to_the_usual_order(world):
    rule = world.rule()
    contest = world.contest("staff", tier="enterprise", name="精工杯车工比武", rule=rule)
    apply_for_plan(db.session(), contest, by=world["staff"])
    decide_plan(db.session(), contest, include=True, reason="赛制规范", by=world["city"])
    record_result(db.session(), contest, worker=world.workers["junior"], rank=2, by=world["staff"])
    db.session.commit()
    revise_rule(db.session(), rule, draft(tiers=("city",)), by=world["city"], today=TODAY)

    later = record_result(db.session(), contest, worker=world.workers["none"], rank=2, by=world["staff"])

    assert later.outcome is ResultOutcome.NO_RULE and later.rule_id is None  # no rule covers enterprise now
