"""The campaign cities' performance evaluation on a small campaign built by hand (tests/evaluation_records.py):
targets from the city plans, actuals from the tallies, scores and ranks among every campaign city, the date that
moves the numbers, what the report says it was computed from, and who comments."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from app.extensions import db
from credentials import Forbidden, NotFound, ValidationFailed
from credentials.models import AuditEvent, CommentLevel
from credentials.permissions import may_comment_on_evaluation
from credentials.queries.evaluation import evaluate_campaign, evaluate_city, rule_indicators
from credentials.queries.indicators import Region
from credentials.services.evaluations import add_comment
from ladder.campaign_scoring import Status, scoring_rules
from tests.evaluation_records import CODE, EARLY, END, build

D = Decimal
NATION, JIANGSU = Region.of(""), Region.of("32")


@pytest.fixture
def evaluated(registry, make_user):
    return build(registry, make_user)


def by_city(evaluation):
    return {row.city_code: row for row in evaluation.cities}


def test_targets_actuals_scores_and_ranks_of_every_campaign_city(evaluated):
    evaluation = evaluate_campaign(db.session(), CODE, as_of=END, within=NATION)
    cities = by_city(evaluation)

    assert [row.city_code for row in evaluation.cities] == ["3205", "3202", "3301", "3201"]  # ranked, then unscored
    assert (evaluation.city_count, evaluation.scored_count, evaluation.rule.id) == (4, 3, "skills-100-2013.v1")
    suzhou = cities["3205"]
    lines = {line.indicator.code: line.score for line in suzhou.lines}
    assert {code: (s.actual, s.target) for code, s in lines.items() if s.target} == {
        "trainees": (2, 2), "appraisal_sittings": (2, 2), "pass_rate": (D("50.00"), 80), "certificates_issued": (2, 2),
        "new_high_skilled": (1, 1)}
    assert (lines["pass_rate"].achievement, lines["pass_rate"].points) == (D("0.625"), D("8.33"))
    assert (lines["trainees"].effective_weight, lines["trainees"].points) == (D("26.67"), D("26.67"))
    assert lines["competitions_held"].status is Status.NO_TARGET and lines["competitions_held"].actual == 0
    assert (suzhou.score.total, suzhou.score.grade.name.zh, suzhou.rank, suzhou.targets) == (D("95.0"), "优秀", 1, 5)
    assert "4 项指标未设目标" in suzhou.score.notes[0].zh
    assert (cities["3202"].score.total, cities["3202"].rank) == (D("50.0"), 2)  # its phase target of 100 is not read
    assert (cities["3301"].score.total, cities["3301"].score.grade.code, cities["3301"].rank) == (D("0.0"), "fail", 3)
    assert (cities["3201"].score.total, cities["3201"].rank) == (None, None)
    assert "至少 3 项才评分" in cities["3201"].score.notes[0].zh


def test_the_as_of_date_moves_the_numbers_and_ties_share_a_rank(evaluated):
    cities = by_city(evaluate_campaign(db.session(), CODE, as_of=EARLY, within=NATION))

    suzhou = {line.indicator.code: line.score.actual for line in cities["3205"].lines}
    assert (suzhou["trainees"], suzhou["certificates_issued"], suzhou["new_high_skilled"]) == (1, 1, 0)
    assert cities["3205"].score.total == D("45.0") and cities["3205"].score.grade.code == "fail"
    assert (cities["3202"].score.total, cities["3202"].rank) == (D("0.0"), 2)
    assert (cities["3301"].score.total, cities["3301"].rank) == (D("0.0"), 2)


def test_a_region_sees_its_own_cities_ranked_among_all_the_campaigns(evaluated):
    evaluation = evaluate_campaign(db.session(), CODE, as_of=END, within=JIANGSU)

    assert [(row.city_code, row.rank) for row in evaluation.cities] == [("3205", 1), ("3202", 2), ("3201", None)]
    assert evaluation.city_count == 4
    hangzhou = evaluate_city(db.session(), CODE, "3301", as_of=END)
    assert (hangzhou.city.rank, hangzhou.evaluation.scored_count) == (3, 3)
    assert [row.city_code for row in hangzhou.evaluation.cities] == ["3301"]


def test_the_report_says_when_it_was_computed_from_which_tallies_and_under_which_rule(evaluated):
    computed = datetime(2025, 3, 1, 2, 30, tzinfo=UTC)  # 10:30 in China
    provenance = evaluate_campaign(db.session(), CODE, as_of=date(2014, 3, 15), within=NATION, now=computed).provenance

    assert (provenance.period_start, provenance.period_end) == (date(2013, 2, 1), date(2014, 3, 15))
    assert (provenance.covered_start, provenance.covered_end) == (date(2013, 2, 1), date(2014, 3, 31))  # whole months
    assert "于 2025-03-01 10:30（北京时间）计算" in provenance.statement.zh
    assert "截至 2014-03-15" in provenance.statement.zh and "2013-02-01 至 2014-03-31" in provenance.statement.zh
    assert "skills-100-2013.v1，2013-02-01 起施行" in provenance.statement.zh
    assert "Computed at 2025-03-01 10:30 China time" in provenance.statement.en
    after_the_end = evaluate_campaign(db.session(), CODE, as_of=date(2020, 1, 1), within=NATION).provenance
    assert (after_the_end.as_of, after_the_end.period_end) == (date(2020, 1, 1), END)


def test_a_date_before_the_campaign_or_in_the_future_and_an_unknown_campaign_or_city_are_refused(evaluated):
    with pytest.raises(ValidationFailed) as before:
        evaluate_campaign(db.session(), CODE, as_of=date(2013, 1, 31), within=NATION)
    assert before.value.field == "as_of"
    with pytest.raises(ValidationFailed):
        evaluate_campaign(db.session(), CODE, as_of=date(2014, 1, 2), within=NATION, today=date(2014, 1, 1))
    with pytest.raises(NotFound):
        evaluate_campaign(db.session(), "no-such-campaign", as_of=END, within=NATION)
    with pytest.raises(NotFound):
        evaluate_city(db.session(), CODE, "3203", as_of=END)  # 常州: not in this campaign


def test_actuals_take_one_statement_per_indicator_whatever_the_number_of_cities(evaluated):
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        evaluation = evaluate_campaign(db.session(), CODE, as_of=END, within=NATION)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    tally_reads = [s for s in statements if "tallies" in s]
    assert len(tally_reads) == len(evaluation.rule.indicators)
    assert len(statements) <= len(evaluation.rule.indicators) + 5  # campaign, its phases, cities, targets


def test_every_shipped_rule_names_indicators_counted_by_month():
    for rule in scoring_rules():
        assert [i.code for i in rule_indicators(rule)] == list(rule.codes)
        assert all(not indicator.is_stock for indicator in rule_indicators(rule))


# ---- comments --------------------------------------------------------------------------------------------------

def test_the_province_and_the_ministry_comment_and_the_report_lists_them_oldest_first(evaluated):
    suzhou = evaluated.city_row("3205")
    add_comment(db.session(), suzhou, text="  培训目标完成较好，\n合格率偏低，请加强考前培训。  ", by=evaluated.province)
    add_comment(db.session(), suzhou, text="同意省厅意见。", by=evaluated.ministry)
    db.session.commit()

    comments = evaluate_city(db.session(), CODE, "3205", as_of=END).comments
    assert [(c.level, c.text) for c in comments] == [
        (CommentLevel.PROVINCE, "培训目标完成较好，\n合格率偏低，请加强考前培训。"), (CommentLevel.MINISTRY, "同意省厅意见。")]
    assert comments[1].author == evaluated.ministry.display_name
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campaign.evaluation_commented")).all()
    assert [(e.entity_id, e.after["level"]) for e in audit] == [(str(suzhou.id), "province"), (str(suzhou.id), "ministry")]


def test_the_city_itself_another_province_and_an_institution_do_not_comment(evaluated, registry):
    suzhou = evaluated.city_row("3205")
    for outsider in (evaluated.city, evaluated.zhejiang, registry.clerk):
        assert not may_comment_on_evaluation(outsider, "3205")
        with pytest.raises(Forbidden):
            add_comment(db.session(), suzhou, text="意见", by=outsider)
    assert may_comment_on_evaluation(evaluated.ministry, "3205")  # the observer comments: oversight, no single case
    assert may_comment_on_evaluation(evaluated.province, "3205") and not may_comment_on_evaluation(evaluated.province, "3301")
    assert may_comment_on_evaluation(evaluated.zhejiang, "3301")


def test_a_comment_needs_text_fits_its_limit_and_waits_for_the_evaluation_phase(evaluated):
    suzhou = evaluated.city_row("3205")
    for text, field in (("   ", "text"), ("评" * 2001, "text")):
        with pytest.raises(ValidationFailed) as refused:
            add_comment(db.session(), suzhou, text=text, by=evaluated.province)
        assert refused.value.field == field
    with pytest.raises(ValidationFailed) as early:
        add_comment(db.session(), suzhou, text="进度尚可", by=evaluated.province, today=date(2014, 9, 30))
    assert "2014-10-01" in early.value.message("zh")
    assert add_comment(db.session(), suzhou, text="进度尚可", by=evaluated.province, today=date(2014, 10, 1)).id
