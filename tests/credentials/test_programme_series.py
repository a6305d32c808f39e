"""The programmes' indicator series: what each programme, person and grant contributes, and the same totals from the
set-based recount (the form `credentials.services.tally_series` keeps and checks every series in)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials.services.programme_series import PROGRAMME_SERIES, PROGRAMME_SOURCES
from credentials.services.programmes import (
    add_programme_member,
    create_programme,
    record_programme_funding,
    remove_programme_member,
    update_programme,
)

TODAY = date(2026, 6, 1)


def per_row(session) -> dict[tuple, Decimal]:
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    for source in PROGRAMME_SOURCES:
        ids = list(session.scalars(select(source.model.id)))
        for facts in source.load(session, ids, False):
            for count in source.count(facts):
                totals[(count.series, count.city_code, count.month, count.key)] += count.value
    return {key: value for key, value in totals.items() if value}


def set_based(session) -> dict[tuple, Decimal]:
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    for source in PROGRAMME_SOURCES:
        for statement in source.recount(session):
            for series, city_code, month, key, value in session.execute(statement):
                month = date.fromisoformat(month) if isinstance(month, str) else month
                totals[(series, city_code, month, key)] += Decimal(str(value)).quantize(Decimal("0.01"))
    return dict(totals)


@pytest.fixture
def registry(make_user, make_worker, make_institution, make_certificate):
    session = db.session()
    school = make_institution("苏州技师学院")
    city, ministry = make_user("bureau_officer", scope="city", region="3205"), make_user("bureau_officer", scope="ministry")
    master, apprentice, recipient = make_worker("李秀英"), make_worker("周杰"), make_worker("吴霞")
    make_certificate(master, school, level="senior_technician", issued_on=date(2020, 12, 1))
    studio = create_programme(session, kind="masters_studio", name="李秀英技能大师工作室", tier="city", city_code="3205",
                              recognised_on=date(2021, 3, 15), by=city, today=TODAY)
    add_programme_member(session, studio, worker=master, role="master", started_on=date(2021, 3, 15), by=city, today=TODAY)
    add_programme_member(session, studio, worker=apprentice, role="apprentice", started_on=date(2022, 9, 1), by=city,
                         today=TODAY)
    record_programme_funding(session, studio, amount="100000", source="city_finance", granted_on=date(2021, 5, 20),
                             by=city, today=TODAY)
    record_programme_funding(session, studio, amount="20000.50", source="enterprise_fund",
                             granted_on=date(2021, 5, 28), by=city,
                             today=TODAY)
    base = create_programme(session, kind="training_base", name="国家级高技能人才培训示范基地", tier="national",
                            city_code="3205", recognised_on=date(2013, 6, 1), institution=school, by=ministry,
                            today=TODAY)
    record_programme_funding(session, base, amount="5000000", source="central_finance",
                             granted_on=date(2013, 8, 1), by=ministry,
                             today=TODAY)
    allowance = create_programme(session, kind="special_allowance", name="2014 年苏州市政府特殊津贴", tier="city",
                                 city_code="3205", recognised_on=date(2014, 12, 1), by=city, today=TODAY)
    add_programme_member(session, allowance, worker=recipient, role="recipient", started_on=date(2014, 12, 1), by=city,
                         today=TODAY)
    db.session.commit()
    return {"studio": studio, "base": base, "city": city, "ministry": ministry}


def test_each_programme_person_and_grant_counts_in_the_programmes_city_and_month(registry):
    counts = per_row(db.session())
    assert counts == {
        ("programmes.count", "3205", date(2021, 3, 1), "masters_studio:city"): 1,
        ("programmes.count", "3205", date(2013, 6, 1), "training_base:national"): 1,
        ("programmes.count", "3205", date(2014, 12, 1), "special_allowance:city"): 1,
        ("programmes.people", "3205", date(2021, 3, 1), "masters_studio:master"): 1,
        ("programmes.people", "3205", date(2022, 9, 1), "masters_studio:apprentice"): 1,
        ("programmes.people", "3205", date(2014, 12, 1), "special_allowance:recipient"): 1,
        ("programmes.funding", "3205", date(2021, 5, 1), "masters_studio:city"): Decimal("120000.50"),
        ("programmes.funding", "3205", date(2013, 8, 1), "training_base:national"): Decimal("5000000"),
        ("programmes.funding_source", "3205", date(2021, 5, 1), "city_finance"): Decimal("100000"),
        ("programmes.funding_source", "3205", date(2021, 5, 1), "enterprise_fund"): Decimal("20000.50"),
        ("programmes.funding_source", "3205", date(2013, 8, 1), "central_finance"): Decimal("5000000"),
    }
    assert {key[0] for key in counts} == PROGRAMME_SERIES


def test_the_set_based_recount_agrees_with_the_per_row_rule(registry):
    assert set_based(db.session()) == per_row(db.session())


def test_a_redated_programme_counts_in_its_new_month_and_a_removed_person_no_longer_counts(registry):
    session, studio = db.session(), registry["studio"]
    update_programme(session, studio, name=studio.name, tier="city", city_code="3205", recognised_on=date(2021, 4, 1),
                     by=registry["city"], today=TODAY)
    remove_programme_member(session, next(m for m in studio.members if m.role.value == "apprentice"),
                            by=registry["city"])
    db.session.commit()
    counts = per_row(session)
    assert counts[("programmes.count", "3205", date(2021, 4, 1), "masters_studio:city")] == 1
    assert ("programmes.count", "3205", date(2021, 3, 1), "masters_studio:city") not in counts
    assert ("programmes.people", "3205", date(2022, 9, 1), "masters_studio:apprentice") not in counts
    assert set_based(session) == counts
    # the links name what a programme's change must recount: its people and its grants
    linked = {source.table_name: [link.model.__tablename__ for link in source.links] for source in PROGRAMME_SOURCES}
    assert linked == {"programmes": [], "programme_members": ["programmes"], "programme_fundings": ["programmes"]}


# ---- the indicators over these series (credentials.queries.indicators, read from the kept tallies) ---------------

def _values(region: str, start: date, end: date) -> dict[str, Decimal | None]:
    from credentials.queries.indicators import Region, indicator_values

    codes = ("training_bases", "masters_studios", "technician_cohorts", "technician_trainees",
             "special_allowance_recipients", "programme_funding")
    return {v.code: v.value for v in indicator_values(db.session(), region=Region.of(region), start=start, end=end,
                                                      codes=codes)}


def test_the_programme_indicators_count_each_kind_in_its_city_and_month(registry, make_worker, make_institution):
    everything = _values("3205", date(2013, 1, 1), date(2026, 12, 31))
    assert everything == {"training_bases": 1, "masters_studios": 1, "technician_cohorts": 0, "technician_trainees": 0,
                          "special_allowance_recipients": 1, "programme_funding": Decimal("5120000.50")}
    assert _values("32", date(2013, 1, 1), date(2026, 12, 31)) == everything == _values("", date(2013, 1, 1),
                                                                                         date(2026, 12, 31))
    assert set(_values("3202", date(2013, 1, 1), date(2026, 12, 31)).values()) == {0}  # another city: nothing
    implementation = _values("3205", date(2013, 5, 1), date(2014, 9, 30))  # the campaign's second phase
    assert implementation["training_bases"] == 1 and implementation["programme_funding"] == Decimal("5000000")
    assert implementation["special_allowance_recipients"] == 0  # granted in the evaluation phase (2014-12)
    assert _values("3205", date(2014, 10, 1), date(2014, 12, 31))["special_allowance_recipients"] == 1


def test_a_cohort_and_its_trainees_count_and_a_deleted_entry_does_not(registry, make_worker, make_institution):
    from credentials.services.reference import find_occupation

    session, city = db.session(), registry["city"]
    school = make_institution("苏州高级技工学校")
    cohort = create_programme(session, kind="technician_cohort", name="2014 年技师培训项目", tier="city", city_code="3205",
                              recognised_on=date(2014, 3, 1), institution=school, target_level="technician",
                              occupation=find_occupation(session, "6-18-01-01"), by=city, today=TODAY)
    trainees = [make_worker(name) for name in ("甲一", "乙二")]
    entries = [add_programme_member(session, cohort, worker=w, role="trainee", started_on=date(2014, 3, 1), by=city,
                                    today=TODAY) for w in trainees]
    db.session.commit()
    remove_programme_member(session, entries[1], by=city)
    db.session.commit()
    values = _values("3205", date(2014, 1, 1), date(2014, 12, 31))
    assert (values["technician_cohorts"], values["technician_trainees"]) == (1, 1)


def test_the_breakdowns_name_their_keys(registry):
    from credentials.queries.indicators import Region, indicator_breakdown, key_labels

    session, region = db.session(), Region.of("3205")
    by_tier = indicator_breakdown(session, "masters_studios", region, date(2013, 1, 1), date(2026, 12, 31))
    assert by_tier == [("masters_studio:city", 1)]
    by_source = dict(indicator_breakdown(session, "programme_funding", region, date(2013, 1, 1), date(2026, 12, 31),
                                         by="source"))
    assert by_source == {"central_finance": Decimal("5000000"), "city_finance": Decimal("100000"),
                         "enterprise_fund": Decimal("20000.50")}
    assert key_labels(session, "programme", ["masters_studio:city"])["masters_studio:city"].zh == "市级技能大师工作室"
    assert key_labels(session, "funding_source", ["central_finance"])["central_finance"].en == "central finance"


def test_a_provincial_programme_that_moves_city_takes_its_people_and_funding_along(make_user, make_worker):
    session = db.session()
    province = make_user("bureau_officer", scope="province", region="32")
    batch = create_programme(session, kind="special_allowance", name="2014 年江苏省政府特殊津贴", tier="provincial",
                             city_code="3205", recognised_on=date(2014, 12, 1), by=province, today=TODAY)
    add_programme_member(session, batch, worker=make_worker("吴霞"), role="recipient", started_on=date(2014, 12, 1),
                         by=province, today=TODAY)
    record_programme_funding(session, batch, amount="10000", source="provincial_finance", granted_on=date(2014, 12, 5),
                             by=province, today=TODAY)
    db.session.commit()
    update_programme(session, batch, name=batch.name, tier="provincial", city_code="3202",
                     recognised_on=batch.recognised_on, by=province, today=TODAY)
    db.session.commit()
    period = (date(2014, 1, 1), date(2014, 12, 31))
    assert set(_values("3205", *period).values()) == {0}
    moved = _values("3202", *period)
    assert (moved["special_allowance_recipients"], moved["programme_funding"]) == (1, Decimal("10000"))
