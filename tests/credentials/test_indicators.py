"""Every campaign indicator, checked on a small registry built by hand through the real services, with the
edge cases its description promises: twice certified in a phase, a revoked certificate, a worker who moved
city, a competition promotion, a training across two phases, a voided sitting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.extensions import db
from credentials import ValidationFailed
from credentials.models import CertificateRoute, InstitutionKind, TargetGroup
from credentials.queries.indicators import (
    INDICATORS,
    Region,
    indicator_breakdown,
    indicator_by_city,
    indicator_by_month,
    indicator_values,
    key_labels,
)
from credentials.services.certificates import revoke_certificate
from credentials.services.competition_promotions import confirm_competition_promotion
from credentials.services.competitions import apply_for_plan, decide_plan, record_result, register_competition
from credentials.services.corrections import void_result
from credentials.services.training import void_training
from tests.campaign_fixtures import CAMPAIGN, IMPLEMENTATION, JIANGSU, LAUNCH, NATION, SUZHOU, WUXI, lathe

D = Decimal


def breakdown(code, region=SUZHOU, period=CAMPAIGN, by=None):
    return dict(indicator_breakdown(db.session(), code, region, *period, by=by))


def test_every_indicator_has_a_bilingual_name_description_and_unit():
    for indicator in INDICATORS:
        assert indicator.name.zh and indicator.name.en and indicator.unit.label.en
        assert len(indicator.description.zh) > 20 and len(indicator.description.en) > 40
    assert len({i.code for i in INDICATORS}) == len(INDICATORS) >= 14


# ---- training --------------------------------------------------------------------------------------------

def test_trainees_count_each_enrolment_in_its_start_month_and_the_institutions_city(registry):
    local = registry.worker("李本地", groups=(TargetGroup.RURAL_MIGRANT, TargetGroup.VETERAN))
    moved_in = registry.worker("王外地", city_code="3202")  # lives in Wuxi, trains in Suzhou
    registry.training(local, date(2013, 4, 10), completed_on=date(2013, 8, 30))  # launch -> implementation
    registry.training(moved_in, date(2013, 6, 1), training_type="on_the_job_upgrading", form="post_specific")
    registry.training(local, date(2013, 7, 1), at=registry.wuxi, level="intermediate")

    assert registry.values(SUZHOU, LAUNCH)["trainees"] == 1  # counted in the phase it started
    assert registry.values(SUZHOU, IMPLEMENTATION)["trainees"] == 1
    assert registry.values(WUXI)["trainees"] == 1  # the Wuxi college's, whoever trained there
    assert registry.values(JIANGSU)["trainees"] == 3 == registry.values(NATION)["trainees"]
    assert breakdown("trainees", JIANGSU, by="type") == {"employment_skills": 2, "on_the_job_upgrading": 1}
    assert breakdown("trainees", by="form") == {"order_based": 1, "post_specific": 1}
    # a worker in two target groups counts once in each; one in none under "none"
    assert breakdown("trainees", by="group") == {"rural_migrant": 1, "veteran": 1, "none": 1}


def test_a_target_group_counts_only_if_held_on_the_first_day_and_a_voided_training_counts_nowhere(registry):
    late = registry.worker("赵后来", groups=(TargetGroup.COLLEGE_GRADUATE,), groups_from=date(2013, 9, 1))
    before = registry.training(late, date(2013, 6, 1))
    registry.training(late, date(2013, 10, 1), level="intermediate")
    assert breakdown("trainees", by="group") == {"none": 1, "college_graduate": 1}

    void_training(db.session(), before, reason="录入错误：实际未参加", by=registry.clerk)
    db.session.commit()
    assert registry.values()["trainees"] == 1 and breakdown("trainees", by="group") == {"college_graduate": 1}


def test_subsidies_paid_count_the_decided_amount_in_the_month_of_completion(registry):
    migrant = registry.worker("孙务工", groups=(TargetGroup.RURAL_MIGRANT,))
    employee = registry.worker("周职工", groups=(TargetGroup.EMPLOYEE,))
    paid = registry.training(migrant, date(2020, 3, 2), completed_on=date(2020, 6, 15))
    registry.training(migrant, date(2020, 7, 1), level="intermediate")  # still enrolled: nothing paid yet
    registry.training(employee, date(2020, 3, 2), training_type="on_the_job_upgrading", completed_on=date(2020, 5, 1))

    assert paid.subsidy_eligible and paid.subsidy_amount == D(800)  # Suzhou's schedule
    assert registry.values(SUZHOU, (date(2020, 6, 1), date(2020, 6, 30)))["training_subsidies"] == D(800)
    assert registry.values(SUZHOU, (date(2020, 1, 1), date(2020, 5, 31)))["training_subsidies"] == 0
    # the skills-upgrading subsidy is claimed on the certificate, later: not counted as paid
    assert breakdown("training_subsidies", period=(date(2020, 1, 1), date(2020, 12, 31))) == {"employment_skills": 800}


# ---- appraisal ------------------------------------------------------------------------------------------

def test_sittings_passes_and_pass_rate_leave_a_voided_sitting_out(registry):
    candidate = registry.worker("钱考生", worked_since=date(2005, 1, 1))
    other = registry.worker("吴考生", worked_since=date(2005, 1, 1))
    registry.sitting(candidate, date(2013, 3, 5), passed=False)
    registry.sitting(candidate, date(2013, 6, 5), passed=True)
    wrong = registry.sitting(other, date(2013, 6, 5), passed=True)
    registry.sitting(other, date(2013, 7, 5), passed=False, at=registry.wuxi)

    found = registry.values()
    assert (found["appraisal_sittings"], found["appraisal_passes"], found["pass_rate"]) == (3, 2, D("66.67"))

    void_result(db.session(), wrong, reason="替考，成绩作废", by=registry.clerk)
    db.session.commit()
    found = registry.values()
    assert (found["appraisal_sittings"], found["appraisal_passes"], found["pass_rate"]) == (2, 1, D("50.00"))
    assert found["certificates_issued"] == 1  # its certificate was revoked with it
    assert registry.values(JIANGSU)["appraisal_sittings"] == 3
    assert breakdown("pass_rate", JIANGSU) == {"junior": D("33.33")}


def test_a_pass_rate_without_sittings_is_not_computed(registry):
    assert registry.values()["pass_rate"] is None
    value = indicator_values(db.session(), region=SUZHOU, start=date(2013, 2, 1), end=date(2013, 2, 1),
                             codes=["pass_rate"])[0]
    assert (value.value, value.numerator, value.denominator) == (None, 0, 0)


# ---- certificates ---------------------------------------------------------------------------------------

def test_a_worker_certified_twice_in_one_phase_counts_twice(registry):
    worker = registry.worker()
    registry.certificate(worker, "junior", date(2013, 5, 20))
    registry.certificate(worker, "intermediate", date(2014, 8, 1))

    assert registry.values(SUZHOU, IMPLEMENTATION)["certificates_issued"] == 2
    assert breakdown("certificates_issued", by="level") == {"junior": 1, "intermediate": 1}
    assert list(breakdown("certificates_issued", by="level")) == ["junior", "intermediate"]  # by rank
    assert breakdown("certificates_issued", by="occupation") == {"6-18-01-01": 2}
    assert registry.values()["certified_workforce"] == 1  # one person, at their highest level
    assert breakdown("certified_workforce") == {"intermediate": 1}


def test_a_revoked_certificate_is_taken_out_of_its_issue_month(registry):
    worker = registry.worker()
    registry.certificate(worker, "senior", date(2013, 3, 1))
    wrong = registry.certificate(worker, "technician", date(2014, 6, 1))
    june = (date(2014, 6, 1), date(2014, 6, 30))
    assert registry.values(SUZHOU, june)["new_high_skilled"] == 1
    assert breakdown("high_skilled_workforce") == {"technician": 1}

    revoke_certificate(db.session(), wrong, reason="材料造假", by=registry.city)
    db.session.commit()

    assert registry.values(SUZHOU, june)["certificates_issued"] == 0
    assert registry.values()["new_high_skilled"] == 1  # the senior certificate of 2013 stays
    assert breakdown("high_skilled_workforce") == {"senior": 1}  # placed by the certificate left


def test_a_historic_paper_certificate_counts_at_its_issue_date(registry, make_user):
    from credentials.services.historic import enter_historic_certificate
    from tests.promotion_fixtures import png_bytes

    worker = registry.worker()
    enter_historic_certificate(db.session(), worker=worker, occupation=lathe(), level="senior", issued_on=date(2013, 9, 9),
                               institution=registry.suzhou, number=None, evidence=[("scan.png", png_bytes())],
                               by=make_user("admin"), today=date(2024, 1, 1))
    db.session.commit()
    assert registry.values(SUZHOU, (date(2013, 9, 1), date(2013, 9, 30)))["certificates_issued"] == 1


def test_new_high_skilled_counts_senior_and_above(registry):
    worker = registry.worker()
    for level, on in (("intermediate", date(2013, 3, 1)), ("senior", date(2013, 9, 1)),
                      ("technician", date(2014, 9, 1))):
        registry.certificate(worker, level, on)

    assert registry.values()["new_high_skilled"] == 2
    assert breakdown("new_high_skilled") == {"senior": 1, "technician": 1}


def test_the_workforce_follows_a_worker_who_moved_while_flows_stay_where_they_happened(registry):
    mover = registry.worker("郑迁移")
    stayer = registry.worker("冯留守")
    registry.certificate(mover, "technician", date(2013, 6, 1))
    registry.certificate(stayer, "junior", date(2013, 6, 1))
    assert registry.values()["high_skilled_share"] == D(50)

    mover.city_code = "3202"  # the worker now lives and works in Wuxi
    db.session.commit()

    suzhou, wuxi = registry.values(), registry.values(WUXI)
    assert suzhou["certificates_issued"] == 2 and wuxi["certificates_issued"] == 0  # issued in Suzhou
    assert (suzhou["high_skilled_workforce"], wuxi["high_skilled_workforce"]) == (0, 1)
    assert (suzhou["high_skilled_share"], wuxi["high_skilled_share"]) == (0, 100)
    assert registry.values(JIANGSU)["certified_workforce"] == 2
    stock = indicator_values(db.session(), region=SUZHOU, start=date(2013, 1, 1), end=date(2013, 1, 1),
                             codes=["high_skilled_workforce"])[0]
    assert stock.covered_start is None and stock.covered_end is None  # as of now, whatever the period


# ---- promotions -----------------------------------------------------------------------------------------

def test_exceptional_promotions_count_certificates_earned_by_approval(registry):
    worker = registry.worker()
    registry.certificate(worker, "senior", date(2013, 3, 1))
    registry.certificate(worker, "senior_technician", date(2014, 3, 1), route=CertificateRoute.EXCEPTIONAL)

    found = registry.values()
    assert (found["exceptional_promotions"], found["competition_promotions"]) == (1, 0)
    assert breakdown("certificates_issued", by="route") == {"regular": 1, "exceptional": 1}


def test_a_competition_promotion_counts_where_and_when_its_certificate_is_issued(registry):
    champion = registry.worker("陈冠军", city_code="3202")
    registry.certificate(champion, "senior", date(2018, 1, 1))
    contest = register_competition(db.session(), name="第二届全国技能大赛", tier="national_skills", occupation=lathe(),
                                   starts_on=date(2023, 9, 16), ends_on=date(2023, 9, 19), organizer="人社部",
                                   by=registry.ministry)
    proposal = record_result(db.session(), contest, worker=champion, medal="excellence", by=registry.ministry).proposal
    confirm_competition_promotion(db.session(), proposal, issuer=registry.suzhou, by=registry.province,
                                  today=date(2023, 11, 5))
    db.session.commit()

    year = (date(2023, 1, 1), date(2023, 12, 31))
    assert registry.values(SUZHOU, year)["competition_promotions"] == 1  # the Suzhou college issued it
    assert registry.values(WUXI, year)["competition_promotions"] == 0
    assert registry.values(SUZHOU, (date(2023, 11, 1), date(2023, 11, 30)))["new_high_skilled"] == 1
    assert registry.values(NATION, year)["competitions_held"] == 1  # a national one: the nation's alone
    assert breakdown("certified_workforce", WUXI) == {"technician": 1}


# ---- competitions ---------------------------------------------------------------------------------------

def test_competitions_held_count_in_their_city_province_or_only_the_nation(registry):
    common = {"occupation": lathe(), "organizer": "人社部门"}
    register_competition(db.session(), name="苏州市车工大赛", tier="city", starts_on=date(2013, 5, 8),
                         ends_on=date(2013, 5, 9), by=registry.city, **common)
    register_competition(db.session(), name="江苏省车工大赛", tier="provincial_class_1", starts_on=date(2013, 6, 8),
                         ends_on=date(2013, 6, 9), by=registry.province, **common)
    register_competition(db.session(), name="全国车工大赛", tier="national_class_1", starts_on=date(2013, 7, 8),
                         ends_on=date(2013, 7, 9), by=registry.ministry, **common)
    db.session.commit()

    assert registry.values()["competitions_held"] == 1
    assert registry.values(JIANGSU)["competitions_held"] == 2
    assert registry.values(NATION)["competitions_held"] == 3
    assert breakdown("competitions_held", NATION) == {"city": 1, "national_class_1": 1, "provincial_class_1": 1}
    # the ranking lists real cities only: the province's own competition is in its total, not a city's
    assert indicator_by_city(db.session(), "competitions_held", JIANGSU, *CAMPAIGN) == [("3205", 1)]


def test_competitions_in_plan_count_enterprise_contests_the_bureau_included(registry, make_institution, make_user):
    enterprise = make_institution("苏州精工", kind=InstitutionKind.ENTERPRISE)
    staff = make_user("institution_staff", institution=enterprise)
    contests = [register_competition(db.session(), name=name, tier="enterprise", occupation=lathe(), organizer="苏州精工",
                                     starts_on=date(2013, 10, 8), ends_on=date(2013, 10, 9), by=staff)
                for name in ("精工杯车工比武", "精工杯钳工比武", "精工杯焊工比武")]
    for contest in contests[:2]:
        apply_for_plan(db.session(), contest, by=staff)
    decide_plan(db.session(), contests[0], include=True, reason="赛制规范", by=registry.city)
    decide_plan(db.session(), contests[1], include=False, reason="缺少评分细则", by=registry.city)
    db.session.commit()

    found = registry.values()
    assert (found["competitions_held"], found["competitions_in_plan"]) == (3, 1)


# ---- the reading API ------------------------------------------------------------------------------------

def test_periods_are_whole_months_and_trends_have_every_month(registry):
    worker = registry.worker()
    registry.certificate(worker, "junior", date(2013, 3, 31))

    value = indicator_values(db.session(), region=SUZHOU, start=date(2013, 3, 15), end=date(2013, 4, 2),
                             codes=["certificates_issued"])[0]
    assert (value.value, value.covered_start, value.covered_end) == (1, date(2013, 3, 1), date(2013, 4, 30))
    assert indicator_by_month(db.session(), "certificates_issued", JIANGSU, date(2013, 2, 10), date(2013, 4, 1)) == [
        (date(2013, 2, 1), 0), (date(2013, 3, 1), 1), (date(2013, 4, 1), 0)]
    with pytest.raises(ValueError):
        indicator_by_month(db.session(), "certified_workforce", SUZHOU, *CAMPAIGN)


def test_regions_are_checked_and_cities_rank_best_first(registry):
    for city_code, count in (("3205", 1), ("3202", 2)):
        for _ in range(count):
            registry.certificate(registry.worker(city_code=city_code), "junior", date(2013, 6, 1),
                                 at=registry.suzhou if city_code == "3205" else registry.wuxi)
    assert indicator_by_city(db.session(), "certificates_issued", NATION, *CAMPAIGN) == [("3202", 2), ("3205", 1)]
    for bad in ("3", "320", "32050", "３２"):
        with pytest.raises(ValidationFailed):
            Region.of(bad)
    with pytest.raises(ValidationFailed):
        indicator_by_city(db.session(), "certificates_issued", SUZHOU, *CAMPAIGN)
    with pytest.raises(ValidationFailed):
        indicator_values(db.session(), region=SUZHOU, start=date(2014, 1, 1), end=date(2013, 1, 1))


def test_breakdown_keys_have_display_names(registry):
    assert key_labels(db.session(), "level", ["senior"])["senior"].zh == "高级工（三级）"
    assert key_labels(db.session(), "target_group", ["none"])["none"].en == "no target group"
    assert key_labels(db.session(), "occupation", ["6-18-01-01"])["6-18-01-01"].zh == "车工"
    assert key_labels(db.session(), "tier", ["city"])["city"].zh == "市级竞赛"
