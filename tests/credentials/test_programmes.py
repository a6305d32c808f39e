"""The programmes registry: who keeps which tier, the master's level on the day named, the roles each kind takes,
dates and overlaps, results and funding, the scopes that decide who sees what, and the worker's own list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from credentials import Conflict, Forbidden, ValidationFailed
from credentials.models import (
    AuditEvent,
    Certificate,
    CertificateKind,
    CertificateRoute,
    FundingSource,
    InstitutionKind,
    MemberRole,
    ProgrammeKind,
    ProgrammeMember,
    ProgrammeTier,
    ResultKind,
)
from credentials.queries.programmes import highest_level_on, programmes_for, programmes_of_worker
from credentials.services.certificates import revoke_certificate
from credentials.services.programmes import (
    add_programme_member,
    create_programme,
    end_programme_membership,
    record_programme_funding,
    record_programme_result,
    remove_programme_member,
    update_programme,
)
from credentials.services.reference import find_occupation

TODAY = date(2026, 6, 1)
TURNER = "6-18-01-01"


@pytest.fixture
def cast(make_user, make_institution, make_worker, make_certificate):
    school = make_institution("苏州技师学院")
    master = make_worker("李秀英")
    make_certificate(master, school, level="technician", issued_on=date(2015, 11, 1))
    make_certificate(master, school, level="senior_technician", issued_on=date(2020, 12, 1))
    return {
        "school": school, "master": master, "apprentice": make_worker("周杰"),
        "technician": _with_level(make_worker("黄磊"), make_certificate, school, "technician"),
        "wuxi_worker": make_worker("钱无锡", city_code="3202", area="320205"),
        "city": make_user("bureau_officer", scope="city", region="3205"),
        "wuxi": make_user("bureau_officer", scope="city", region="3202"),
        "province": make_user("bureau_officer", scope="province", region="32"),
        "zhejiang": make_user("bureau_officer", scope="province", region="33"),
        "ministry": make_user("bureau_officer", scope="ministry"),
        "staff": make_user("institution_staff", institution=school),
        "admin": make_user("admin"),
    }


def _with_level(worker, make_certificate, school, level):
    make_certificate(worker, school, level=level, issued_on=date(2014, 3, 1))
    return worker


def studio(by, *, tier="city", city_code="3205", name="李秀英技能大师工作室", recognised_on=date(2021, 3, 1), **extra):
    found = create_programme(db.session(), kind="masters_studio", name=name, tier=tier, city_code=city_code,
                             recognised_on=recognised_on, by=by, today=TODAY, **extra)
    db.session.commit()
    return found


def member(programme, worker, by, role="apprentice", started_on=date(2021, 3, 1), **extra):
    found = add_programme_member(db.session(), programme, worker=worker, role=role, started_on=started_on, by=by,
                                 today=TODAY, **extra)
    db.session.commit()
    return found


def refusal(error) -> tuple[str | None, str]:
    return error.value.field, error.value.message("en")


# ---- who keeps which tier ----------------------------------------------------------------------------------

def test_a_city_bureau_registers_its_city_tier_programme_and_the_trail_records_it(cast):
    found = studio(cast["city"])
    assert (found.kind, found.tier, found.city_code) == (ProgrammeKind.MASTERS_STUDIO, ProgrammeTier.CITY, "3205")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "programme.created"))
    assert event.entity_id == str(found.id) and event.after["name"] == "李秀英技能大师工作室"


@pytest.mark.parametrize(("who", "tier", "city", "field"), [
    ("city", "provincial", "3205", "tier"),  # a provincial programme is the province's
    ("city", "national", "3205", "tier"),
    ("province", "city", "3205", "tier"),  # a city programme is the city's
    ("ministry", "provincial", "3205", "tier"),
    ("wuxi", "city", "3205", "city_code"),  # another city
    ("zhejiang", "provincial", "3205", "city_code"),  # a city of another province
])
def test_each_tier_is_kept_by_its_own_bureau_and_a_refusal_names_the_field(cast, who, tier, city, field):
    with pytest.raises(ValidationFailed) as error:
        studio(cast[who], tier=tier, city_code=city)
    assert error.value.field == field


@pytest.mark.parametrize(("who", "tier"), [("province", "provincial"), ("ministry", "national"), ("city", "city")])
def test_the_bureau_of_the_tier_registers_it(cast, who, tier):
    assert studio(cast[who], tier=tier).tier is ProgrammeTier(tier)


@pytest.mark.parametrize("who", ["staff", "admin"])
def test_nobody_but_a_bureau_registers_programmes(cast, who):
    with pytest.raises(Forbidden):
        studio(cast[who])


def test_only_the_keeper_revises_a_programme_and_the_kind_stays(cast):
    found = studio(cast["province"], tier="provincial")
    with pytest.raises(Forbidden):
        update_programme(db.session(), found, name="改名", tier="provincial", city_code="3205",
                         recognised_on=found.recognised_on, by=cast["city"], today=TODAY)
    update_programme(db.session(), found, name="江苏省李秀英技能大师工作室", tier="provincial", city_code="3205",
                     recognised_on=found.recognised_on, batch="第三批", by=cast["province"], today=TODAY)
    db.session.commit()
    assert (found.name, found.batch, found.kind) == ("江苏省李秀英技能大师工作室", "第三批", ProgrammeKind.MASTERS_STUDIO)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "programme.updated"))
    assert event.before["batch"] is None and event.after["batch"] == "第三批"


def test_fields_are_checked_one_by_one(cast):
    session, city = db.session(), cast["city"]
    cases = [
        ({"kind": "lab"}, "kind"),
        ({"name": "  "}, "name"),
        ({"city_code": "9999"}, "city_code"),
        ({"recognised_on": date(2026, 7, 1)}, "recognised_on"),  # after today
        ({"ends_on": date(2020, 1, 1)}, "ends_on"),  # before it began
        ({"kind": "training_base"}, "institution"),  # a base is held at an institution
        ({"kind": "technician_cohort", "institution": cast["school"]}, "occupation_code"),
        ({"kind": "technician_cohort", "institution": cast["school"], "occupation": find_occupation(session, TURNER),
          "target_level": "junior"}, "target_level"),
    ]
    for change, field in cases:
        values = {"kind": "masters_studio", "name": "工作室", "tier": "city", "city_code": "3205",
                  "recognised_on": date(2021, 3, 1), **change}
        with pytest.raises(ValidationFailed) as error:
            create_programme(session, by=city, today=TODAY, **values)
        assert error.value.field == field, change
        session.rollback()


def test_the_host_institution_must_be_in_the_programmes_city(cast, make_institution):
    elsewhere = make_institution("无锡技师学院", city_code="3202")
    with pytest.raises(ValidationFailed) as error:
        create_programme(db.session(), kind="training_base", name="基地", tier="city", city_code="3205",
                         recognised_on=date(2020, 1, 1), institution=elsewhere, by=cast["city"], today=TODAY)
    assert error.value.field == "institution"


def test_a_technician_cohort_keeps_its_occupation_and_target_level(cast):
    cohort = create_programme(db.session(), kind="technician_cohort", name="2024 年技师培训项目（车工）", tier="city",
                              city_code="3205", recognised_on=date(2024, 3, 1), institution=cast["school"],
                              occupation=find_occupation(db.session(), TURNER), target_level="technician",
                              by=cast["city"], today=TODAY)
    assert (cohort.target_level, cohort.occupation.code, cohort.year) == ("technician", TURNER, 2024)
    studio_target = create_programme(db.session(), kind="masters_studio", name="工作室", tier="city", city_code="3205",
                                     recognised_on=date(2024, 3, 1), target_level="technician", by=cast["city"],
                                     today=TODAY)
    assert studio_target.target_level is None  # only a cohort aims at a level


# ---- the master and the people -------------------------------------------------------------------------------

def test_a_master_holding_senior_technician_on_the_day_named_is_accepted(cast):
    found = studio(cast["city"])
    named = member(found, cast["master"], cast["city"], role="master", started_on=date(2021, 3, 1))
    assert named.role is MemberRole.MASTER


def test_a_master_named_before_reaching_senior_technician_is_refused_with_the_reason(cast):
    found = studio(cast["city"], recognised_on=date(2020, 6, 1))
    with pytest.raises(ValidationFailed) as error:
        member(found, cast["master"], cast["city"], role="master", started_on=date(2020, 11, 30))
    field, message = refusal(error)
    assert field == "worker"
    assert "Senior Technician" in message and "2020-11-30" in message and "Technician" in message
    assert "技师" in error.value.message("zh")


def test_a_worker_below_senior_technician_or_without_a_level_cannot_be_master(cast):
    found = studio(cast["city"])
    for worker in (cast["technician"], cast["apprentice"]):
        with pytest.raises(ValidationFailed) as error:
            member(found, worker, cast["city"], role="master")
        assert error.value.field == "worker"
        db.session.rollback()


def test_a_revoked_certificate_does_not_make_a_master(cast):
    certificate = db.session.scalar(select(Certificate).where(Certificate.worker_id == cast["master"].id,
                                                              Certificate.level == "senior_technician"))
    revoke_certificate(db.session(), certificate, reason="材料造假", by=cast["city"])
    db.session.commit()
    with pytest.raises(ValidationFailed):
        member(studio(cast["city"]), cast["master"], cast["city"], role="master")


def test_the_eight_level_ranks_above_senior_technician_make_a_master(cast):
    worker, school = cast["apprentice"], cast["school"]
    db.session.add(Certificate(number="PT-2023-0001", number_scheme="local", kind=CertificateKind.SKILL_LEVEL,
                               worker_id=worker.id, occupation_id=find_occupation(db.session(), TURNER).id,
                               framework="skill-2022", level="principal_technician", issued_on=date(2023, 5, 1),
                               institution_id=school.id, route=CertificateRoute.REGULAR))
    db.session.commit()
    assert highest_level_on(db.session(), worker.id, date(2023, 5, 1)).level_code == "principal_technician"
    assert highest_level_on(db.session(), worker.id, date(2023, 4, 30)) is None
    assert member(studio(cast["city"]), worker, cast["city"], role="master", started_on=date(2023, 6, 1))


def test_a_studio_has_one_master_at_a_time(cast, make_certificate):
    successor = cast["technician"]
    make_certificate(successor, cast["school"], level="senior_technician", issued_on=date(2022, 1, 1))
    found = studio(cast["city"])
    first = member(found, cast["master"], cast["city"], role="master")
    with pytest.raises(ValidationFailed) as error:
        member(found, successor, cast["city"], role="master", started_on=date(2024, 1, 1))
    assert error.value.field == "started_on"
    db.session.rollback()
    end_programme_membership(db.session(), first, ended_on=date(2023, 12, 31), by=cast["city"], today=TODAY)
    db.session.commit()
    assert member(found, successor, cast["city"], role="master", started_on=date(2024, 1, 1)).ended_on is None


def test_each_kind_takes_only_its_own_roles(cast):
    found = studio(cast["city"])
    with pytest.raises(ValidationFailed) as error:
        member(found, cast["apprentice"], cast["city"], role="trainee")
    assert error.value.field == "role" and "apprentice" in error.value.message("en")
    db.session.rollback()
    with pytest.raises(ValidationFailed) as error:
        member(found, cast["apprentice"], cast["city"], role="teacher")
    assert error.value.field == "role"


def test_the_same_worker_is_not_entered_twice_for_one_period(cast):
    found = studio(cast["city"])
    member(found, cast["apprentice"], cast["city"], started_on=date(2022, 1, 1), ended_on=date(2023, 12, 31))
    with pytest.raises(ValidationFailed) as error:
        member(found, cast["apprentice"], cast["city"], started_on=date(2023, 6, 1))
    assert error.value.field == "started_on"
    db.session.rollback()
    assert member(found, cast["apprentice"], cast["city"], started_on=date(2024, 1, 1))  # came back later


def test_people_are_named_among_the_keepers_own_workers_and_dates_are_checked(cast):
    found = studio(cast["city"])
    with pytest.raises(ValidationFailed) as error:
        member(found, cast["wuxi_worker"], cast["city"])
    assert error.value.field == "worker"
    db.session.rollback()
    for dates, field in (({"started_on": date(2026, 7, 1)}, "started_on"),
                         ({"ended_on": date(2020, 1, 1)}, "ended_on")):
        with pytest.raises(ValidationFailed) as error:
            member(found, cast["apprentice"], cast["city"], **dates)
        assert error.value.field == field
        db.session.rollback()
    provincial = studio(cast["province"], tier="provincial")
    assert member(provincial, cast["wuxi_worker"], cast["province"])  # the province covers Wuxi


def test_a_merged_record_is_not_named(cast):
    cast["apprentice"].merged_into_id = cast["master"].id
    db.session.commit()
    with pytest.raises(Conflict):
        member(studio(cast["city"]), cast["apprentice"], cast["city"])


def test_ending_and_removing_a_member_are_audited(cast):
    found = studio(cast["city"])
    kept = member(found, cast["apprentice"], cast["city"])
    end_programme_membership(db.session(), kept, ended_on=date(2024, 6, 30), by=cast["city"], today=TODAY)
    db.session.commit()
    with pytest.raises(ValidationFailed):
        end_programme_membership(db.session(), kept, ended_on=date(2024, 7, 1), by=cast["city"], today=TODAY)
    db.session.rollback()
    mistaken = member(found, cast["technician"], cast["city"])
    with pytest.raises(Forbidden):
        remove_programme_member(db.session(), mistaken, by=cast["province"])
    db.session.rollback()
    remove_programme_member(db.session(), mistaken, by=cast["city"])
    db.session.commit()
    assert [m.worker_id for m in found.members] == [cast["apprentice"].id]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "programme").order_by(AuditEvent.id)).all()
    assert actions == ["programme.created", "programme.member_added", "programme.member_ended",
                       "programme.member_added", "programme.member_removed"]
    removed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "programme.member_removed"))
    assert removed.before["worker"] == "黄*" and removed.before["worker_id"] == cast["technician"].id


# ---- results and funding ------------------------------------------------------------------------------------

def test_a_studio_records_dated_results(cast):
    found = studio(cast["city"])
    record_programme_result(db.session(), found, kind="patent", achieved_on=date(2023, 4, 1),
                            summary="一种薄壁件车削夹具（ZL 2023 2 0123456.7）", by=cast["city"], today=TODAY)
    record_programme_result(db.session(), found, kind=ResultKind.PROBLEM_SOLVED, achieved_on=date(2024, 9, 1),
                            summary="解决主轴精车变形难题", by=cast["city"], today=TODAY)
    db.session.commit()
    assert [r.kind for r in found.results] == [ResultKind.PROBLEM_SOLVED, ResultKind.PATENT]  # newest first
    for bad, field in (({"summary": " "}, "summary"), ({"achieved_on": date(2020, 1, 1)}, "achieved_on"),
                       ({"achieved_on": date(2027, 1, 1)}, "achieved_on"), ({"kind": "medal"}, "kind")):
        values = {"kind": "patent", "achieved_on": date(2024, 1, 1), "summary": "专利", **bad}
        with pytest.raises(ValidationFailed) as error:
            record_programme_result(db.session(), found, by=cast["city"], today=TODAY, **values)
        assert error.value.field == field


def test_a_special_allowance_batch_records_no_results(cast):
    batch = create_programme(db.session(), kind="special_allowance", name="2024 年苏州市政府特殊津贴", tier="city",
                             city_code="3205", recognised_on=date(2024, 12, 1), batch="2024", by=cast["city"],
                             today=TODAY)
    with pytest.raises(ValidationFailed):
        record_programme_result(db.session(), batch, kind="patent", achieved_on=date(2025, 1, 1), summary="x",
                                by=cast["city"], today=TODAY)
    assert add_programme_member(db.session(), batch, worker=cast["master"], role="recipient",
                                started_on=date(2024, 12, 1), by=cast["city"], today=TODAY).role is MemberRole.RECIPIENT


def test_funding_is_added_up_and_checked(cast):
    found = studio(cast["city"])
    record_programme_funding(db.session(), found, amount="100000", source=FundingSource.CITY_FINANCE,
                             granted_on=date(2021, 5, 1),
                             by=cast["city"], today=TODAY)
    record_programme_funding(db.session(), found, amount=Decimal("50000.50"), source="enterprise_fund",
                             granted_on=date(2022, 3, 1),
                             note="苏州精工", by=cast["city"], today=TODAY)
    db.session.commit()
    assert found.funding_total == Decimal("150000.50")
    for bad, field in (({"amount": "0"}, "amount"), ({"amount": "abc"}, "amount"), ({"amount": "NaN"}, "amount"),
                       ({"amount": "2000000000"}, "amount"), ({"granted_on": date(2026, 6, 2)}, "granted_on"),
                       ({"granted_on": date(1900, 1, 1)}, "granted_on"),
                       ({"source": "lottery"}, "source")):
        values = {"amount": "1000", "source": "city_finance", "granted_on": date(2022, 1, 1), **bad}
        with pytest.raises(ValidationFailed) as error:
            record_programme_funding(db.session(), found, by=cast["city"], today=TODAY, **values)
        assert error.value.field == field, bad
    with pytest.raises(Forbidden):
        record_programme_funding(db.session(), found, amount="1", source="city_finance", granted_on=date(2022, 1, 1),
                                 by=cast["ministry"], today=TODAY)


# ---- who sees what --------------------------------------------------------------------------------------------

def test_a_city_sees_its_own_the_province_its_cities_the_ministry_all(cast):
    suzhou = studio(cast["city"])
    national = studio(cast["ministry"], tier="national", name="国家级工作室")
    wuxi = studio(cast["wuxi"], city_code="3202", name="无锡工作室")
    seen = {who: set(db.session.scalars(programmes_for(cast[who]))) for who in
            ("city", "wuxi", "province", "zhejiang", "ministry", "staff", "admin")}
    assert seen["city"] == {suzhou, national}  # a national studio in Suzhou is Suzhou's to see
    assert seen["wuxi"] == {wuxi}
    assert seen["province"] == seen["ministry"] == seen["admin"] == {suzhou, national, wuxi}
    assert seen["zhejiang"] == seen["staff"] == set()
    assert set(db.session.scalars(programmes_for(cast["province"], city_code="3202"))) == {wuxi}
    assert set(db.session.scalars(programmes_for(cast["province"], tier="national"))) == {national}
    assert set(db.session.scalars(programmes_for(cast["province"], kind="technician_cohort"))) == set()
    assert len(db.session.scalars(programmes_for(cast["province"], kind="nonsense")).all()) == 3


def test_a_worker_sees_their_own_programmes(cast, make_user):
    found = studio(cast["city"])
    member(found, cast["master"], cast["city"], role="master")
    member(found, cast["apprentice"], cast["city"])
    studio(cast["city"], name="另一个工作室")
    mine = programmes_of_worker(db.session(), cast["apprentice"].id)
    assert [(m.programme.name, m.role) for m in mine] == [("李秀英技能大师工作室", MemberRole.APPRENTICE)]
    user = make_user("worker", worker=cast["apprentice"])
    assert db.session.scalars(programmes_for(user)).all() == [found]
    assert db.session.scalar(select(ProgrammeMember.id).where(ProgrammeMember.worker_id == cast["wuxi_worker"].id)) is None


def test_a_cohort_and_a_base_hold_their_people_at_an_institution(cast, make_institution):
    enterprise = make_institution("苏州精工", kind=InstitutionKind.ENTERPRISE)
    base = create_programme(db.session(), kind="training_base", name="苏州精工高技能人才培训基地", tier="city",
                            city_code="3205", recognised_on=date(2019, 1, 1), institution=enterprise, by=cast["city"],
                            today=TODAY)
    with pytest.raises(ValidationFailed) as error:
        add_programme_member(db.session(), base, worker=cast["apprentice"], role="trainee",
                             started_on=date(2020, 1, 1), by=cast["city"], today=TODAY)
    assert error.value.field == "role"
