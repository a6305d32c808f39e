"""Competitions: registry, plan inclusion, results (entered and imported), proposals and their confirmation,
the yearly limit, honours and allowances, and the WorldSkills candidate pool."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extensions import db
from credentials import Conflict, Duplicate, Forbidden, ValidationFailed
from credentials.models import (
    AllowancePeriod,
    CertificateRoute,
    CompetitionPromotion,
    InboxMessage,
    InstitutionKind,
    PlanState,
    ProposalState,
    ResultOutcome,
    User,
)
from credentials.queries.approvals import work_queue, worldskills_pool
from credentials.services.competition_promotions import (
    confirm_competition_promotion,
    reject_competition_promotion,
)
from credentials.services.competitions import (
    apply_for_plan,
    decide_plan,
    import_results,
    record_result,
    register_competition,
)
from credentials.services.recognition import record_allowance, record_honour
from credentials.services.reference import find_occupation
from tests.conftest import national_id, numbered

TURNER = "6-18-01-01"


@pytest.fixture
def people(make_user, make_institution, make_worker, make_certificate):
    school = make_institution("苏州技师学院")
    enterprise = make_institution("天津精工", kind=InstitutionKind.ENTERPRISE, city_code="1201")
    senior = make_worker("王建国", employer=school)
    make_certificate(senior, school, level="senior", issued_on=date(2018, 1, 1))
    tianjin = [make_worker(numbered("天津", n), city_code="1201", area="120101", birth=date(2007, 3, n + 1), employer=enterprise)
               for n in range(3)]
    for worker in tianjin:
        make_certificate(worker, school, level="junior", issued_on=date(2022, 1, 1))
    return {
        "school": school, "enterprise": enterprise, "senior": senior, "tianjin": tianjin,
        "ministry": make_user("bureau_officer", scope="ministry"),
        "city": make_user("bureau_officer", scope="city", region="3205"),
        "province": make_user("bureau_officer", scope="province", region="32"),
        "tj_city": make_user("bureau_officer", scope="city", region="1201"),
        "tj_city_2": make_user("bureau_officer", scope="city", region="1201"),
        "tj_staff": make_user("institution_staff", institution=enterprise),
        "worker_user": make_user("worker", worker=senior),
    }


def competition(by, *, tier="national_skills", name="第二届全国技能大赛", ends_on=date(2023, 9, 20), **extra):
    session = db.session()
    found = register_competition(session, name=name, tier=tier, occupation=find_occupation(session, TURNER),
                                 starts_on=ends_on.replace(day=1), ends_on=ends_on, organizer="人力资源社会保障部",
                                 by=by, **extra)
    db.session.commit()
    return found


def test_a_medal_at_the_national_skills_competition_proposes_technician(people):
    contest = competition(people["ministry"])

    result = record_result(db.session(), contest, worker=people["senior"], medal="excellence", by=people["ministry"])

    assert result.outcome is ResultOutcome.PROPOSED
    proposal = result.proposal
    assert (proposal.current_level, proposal.target_level, proposal.policy_id) == (
        "senior", "technician", "national-skills-2020")
    assert "优胜奖及以上" in proposal.rule_zh


def test_the_province_confirms_technician_and_the_certificate_links_to_the_result(people):
    contest = competition(people["ministry"])
    proposal = record_result(db.session(), contest, worker=people["senior"], medal="excellence",
                             by=people["ministry"]).proposal

    with pytest.raises(Forbidden):
        confirm_competition_promotion(db.session(), proposal, issuer=people["school"], by=people["city"])
    certificate = confirm_competition_promotion(db.session(), proposal, issuer=people["school"], by=people["province"])

    assert proposal.state is ProposalState.CONFIRMED and proposal.decided_by_id == people["province"].id
    assert certificate.route is CertificateRoute.COMPETITION and certificate.level == "technician"
    assert certificate.competition_promotion_id == proposal.id
    codes = db.session.scalars(select(InboxMessage.code).where(InboxMessage.user_id == people["worker_user"].id)
                               .order_by(InboxMessage.id)).all()
    assert codes == ["competition_promotion.proposed", "competition_promotion.confirmed"]


def test_whoever_entered_the_result_does_not_confirm_it(people):
    contest = competition(people["tj_city"], tier="city", name="天津市车工大赛", ends_on=date(2024, 5, 10))
    proposal = record_result(db.session(), contest, worker=people["tianjin"][0], rank=1,
                             by=people["tj_city"]).proposal
    assert proposal.target_level == "senior"  # below Technician: the city confirms

    with pytest.raises(Forbidden) as refused:
        confirm_competition_promotion(db.session(), proposal, issuer=people["school"], by=people["tj_city"])
    assert refused.value.code == "own_nomination"
    items, counts = work_queue(db.session(), people["tj_city_2"])
    assert [(i.kind, i.id) for i in items] == [("competition", proposal.id)] and counts["competition"] == 1


def test_a_refusal_needs_a_reason_and_a_decided_proposal_stays_decided(people):
    contest = competition(people["ministry"])
    proposal = record_result(db.session(), contest, worker=people["senior"], medal="gold",
                             by=people["ministry"]).proposal

    with pytest.raises(ValidationFailed):
        reject_competition_promotion(db.session(), proposal, reason="", by=people["province"])
    reject_competition_promotion(db.session(), proposal, reason="参赛资格存疑", by=people["province"])
    with pytest.raises(Conflict) as refused:
        confirm_competition_promotion(db.session(), proposal, issuer=people["school"], by=people["province"])
    assert refused.value.code == "already_decided"


def test_a_stale_confirmation_is_refused_as_already_decided(people, make_user):
    contest = competition(people["ministry"])
    proposal = record_result(db.session(), contest, worker=people["senior"], medal="gold",
                             by=people["ministry"]).proposal
    db.session.commit()
    stale = db.session.get(CompetitionPromotion, proposal.id)
    with Session(db.engine) as other:
        reject_competition_promotion(other, other.get(CompetitionPromotion, proposal.id), reason="资格存疑",
                                     by=other.get(User, people["province"].id))
        other.commit()

    with pytest.raises(Conflict) as refused:
        confirm_competition_promotion(db.session(), stale, issuer=people["school"],
                                      by=make_user("bureau_officer", scope="province", region="32"))
    assert refused.value.code == "already_decided"


def test_tianjin_allows_one_competition_promotion_per_worker_per_year(people):
    worker = people["tianjin"][0]
    first = competition(people["tj_city"], tier="city", name="天津市车工大赛", ends_on=date(2024, 5, 10))
    second = competition(people["tj_city"], tier="city", name="天津市青年技能赛", ends_on=date(2024, 10, 10))

    one = record_result(db.session(), first, worker=worker, rank=2, by=people["tj_city"])
    two = record_result(db.session(), second, worker=worker, rank=1, by=people["tj_city"])

    assert one.outcome is ResultOutcome.PROPOSED and one.proposal.target_level == "senior"
    assert two.outcome is ResultOutcome.LIMIT_REACHED and two.proposal is None


def test_an_enterprise_contest_promotes_nobody_until_the_bureau_includes_it(people):
    contest = competition(people["tj_staff"], tier="enterprise", name="天津精工技术比武", entrants=10,
                          ends_on=date(2024, 6, 1))
    assert contest.plan_state is PlanState.NOT_APPLIED and contest.city_code == "1201"
    results = [record_result(db.session(), contest, worker=w, rank=n + 1, by=people["tj_staff"])
               for n, w in enumerate(people["tianjin"])]
    assert {r.outcome for r in results} == {ResultOutcome.NOT_IN_PLAN}

    apply_for_plan(db.session(), contest, by=people["tj_staff"])
    with pytest.raises(ValidationFailed):
        decide_plan(db.session(), contest, include=True, reason=" ", by=people["tj_city"])
    with pytest.raises(Forbidden):
        decide_plan(db.session(), contest, include=True, reason="符合条件", by=people["ministry"])
    decide_plan(db.session(), contest, include=True, reason="赛制规范，纳入计划", by=people["tj_city"])

    assert contest.plan_state is PlanState.INCLUDED and contest.plan_reason == "赛制规范，纳入计划"
    assert [r.outcome for r in results] == [ResultOutcome.PROPOSED] * 3  # top 30% of 10 entrants: ranks 1-3
    assert {r.proposal.target_level for r in results} == {"intermediate"}
    with pytest.raises(Conflict):
        decide_plan(db.session(), contest, include=False, reason="重复", by=people["tj_city_2"])


def test_institutions_register_only_enterprise_contests_and_officers_only_in_their_region(people):
    with pytest.raises(ValidationFailed) as refused:
        competition(people["tj_staff"], tier="city")
    assert refused.value.field == "tier"
    with pytest.raises(ValidationFailed) as refused:
        competition(people["city"], tier="city", city_code="1201")
    assert refused.value.field == "city_code"


@pytest.mark.parametrize(("changes", "field"), [
    ({"tier": "olympics"}, "tier"),
    ({"name": " "}, "name"),
    ({"policy_id": "tianjin-competitions"}, "policy_id"),  # Tianjin's policy has no national_skills tier
    ({"paper_level": "wizard"}, "paper_level"),
])
def test_registration_input_is_checked_field_by_field(people, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        competition(people["ministry"], **changes)
    assert refused.value.field == field


def test_results_wait_for_the_end_of_the_competition_and_come_once_per_worker(people):
    future = competition(people["ministry"], ends_on=date(2099, 1, 1))
    with pytest.raises(ValidationFailed):
        record_result(db.session(), future, worker=people["senior"], rank=1, by=people["ministry"])
    contest = competition(people["ministry"], name="另一届")
    record_result(db.session(), contest, worker=people["senior"], rank=9, by=people["ministry"])
    with pytest.raises(Duplicate):
        record_result(db.session(), contest, worker=people["senior"], rank=1, by=people["ministry"])


def _csv(rows: list[str]) -> bytes:
    return ("身份证号,名次,奖项\n" + "\n".join(rows) + "\n").encode("gb18030")


def test_an_import_with_one_bad_row_writes_nothing_and_names_the_row(people, vault):
    contest = competition(people["ministry"])
    good = vault.reveal(people["senior"].id_ciphertext)

    report = import_results(db.session(), vault, contest, content=_csv([f"{good},1,金牌", f"{national_id()},2,银牌",
                                                                        f"{good},x,铜牌"]), by=people["ministry"])

    assert report.created == []
    assert [(e["row"], e["column"]) for e in report.errors] == [(3, "身份证号"), (4, "名次")]
    assert contest.results == []


def test_a_clean_import_records_every_row(people, vault):
    contest = competition(people["ministry"])
    ids = [vault.reveal(w.id_ciphertext) for w in people["tianjin"]]

    report = import_results(db.session(), vault, contest,
                            content=_csv([f"{ids[0]},1,金牌", f"{ids[1]},8,优胜奖", f"{ids[2]},30,"]),
                            by=people["ministry"])

    assert report.errors == [] and len(report.created) == 3
    assert [r.medal for r in report.created] == ["gold", "excellence", None]


def test_honours_and_allowances_are_recorded_by_the_region_or_the_employer(people):
    honour = record_honour(db.session(), worker=people["senior"], title="city_technical_expert", year=2023,
                           awarding_body="苏州市人民政府", by=people["city"])
    allowance = record_allowance(db.session(), worker=people["senior"], kind="skill_post", amount="800",
                                 period=AllowancePeriod.MONTHLY, payer="苏州技师学院", starts_on=date(2024, 1, 1),
                                 by=people["city"])

    assert (honour.title, honour.year) == ("city_technical_expert", 2023)
    assert str(allowance.amount) == "800.00"
    with pytest.raises(Forbidden):
        record_honour(db.session(), worker=people["senior"], title="city_technical_expert", year=2024,
                      awarding_body="x", by=people["tj_city"])
    with pytest.raises(Duplicate):
        record_honour(db.session(), worker=people["senior"], title="city_technical_expert", year=2023,
                      awarding_body="x", by=people["province"])
    with pytest.raises(ValidationFailed) as refused:
        record_allowance(db.session(), worker=people["senior"], kind="skill_post", amount="-5",
                         period=AllowancePeriod.MONTHLY, payer="x", starts_on=date(2024, 1, 1), by=people["city"])
    assert refused.value.field == "amount"


def test_young_workers_with_strong_results_form_the_worldskills_pool(people):
    contest = competition(people["ministry"])
    young, old = people["tianjin"][0], people["senior"]
    record_result(db.session(), contest, worker=young, rank=4, by=people["ministry"])
    record_result(db.session(), contest, worker=old, rank=1, by=people["ministry"])

    edition, statement = worldskills_pool(people["tj_city"], on=date(2026, 11, 25))

    assert edition.number == 49
    assert [row.Worker.name for row in db.session.execute(statement)] == [numbered("天津", 0)]  # 21 in 2028; the other 38
