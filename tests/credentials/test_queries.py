"""Read scoping: every account sees only the workers and certificates it may see."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from credentials.models import Institution
from credentials.queries.registry import certificates_for, level_counts, workers_for
from credentials.queries.scopes import institution_scope


@pytest.fixture
def world(make_institution, make_worker, make_certificate):
    """Two Suzhou institutions, workers in Suzhou (3205), Nanjing (3201) and Shenzhen (4403).

    - employed_a: employed by A, certificate from B
    - holder_a:   no employer, certificate from A
    - nanjing:    no employer, certificate from A
    - shenzhen:   employed by B, certificate from B
    - loner:      Suzhou, nothing
    """
    a, b = make_institution("甲学院"), make_institution("乙中心")
    w = SimpleNamespace(
        employed_a=make_worker("甲员工", employer=a),
        holder_a=make_worker("甲持证"),
        nanjing=make_worker("宁人", city_code="3201", area="320102"),
        shenzhen=make_worker("深人", city_code="4403", area="440305", employer=b),
        loner=make_worker("独行"),
    )
    c = SimpleNamespace(
        employed_a_by_b=make_certificate(w.employed_a, b),
        holder_a_by_a=make_certificate(w.holder_a, a, level="intermediate"),
        nanjing_by_a=make_certificate(w.nanjing, a, level="senior"),
        shenzhen_by_b=make_certificate(w.shenzhen, b),
    )
    return SimpleNamespace(a=a, b=b, w=w, c=c)


def seen_workers(db, user, **kwargs) -> set[str]:
    return {worker.name for worker in db.session.scalars(workers_for(user, **kwargs))}


def seen_certificates(db, user, **kwargs) -> set[str]:
    return {c.number for c in db.session.scalars(certificates_for(user, **kwargs))}


def numbers(*certificates) -> set[str]:
    return {c.number for c in certificates}


def test_worker_sees_only_themself_and_their_certificates(db, world, make_user):
    user = make_user("worker", worker=world.w.holder_a)

    assert seen_workers(db, user) == {"甲持证"}
    assert seen_certificates(db, user) == numbers(world.c.holder_a_by_a)


def test_staff_see_workers_they_employ_or_certified(db, world, make_user):
    staff_a = make_user("institution_staff", institution=world.a)
    staff_b = make_user("institution_staff", institution=world.b)

    assert seen_workers(db, staff_a) == {"甲员工", "甲持证", "宁人"}
    assert seen_workers(db, staff_b) == {"甲员工", "深人"}


def test_staff_see_only_their_own_institutions_certificates(db, world, make_user):
    staff_a = make_user("institution_staff", institution=world.a)

    assert seen_certificates(db, staff_a) == numbers(world.c.holder_a_by_a, world.c.nanjing_by_a)
    # even for a worker they employ, another body's certificate stays hidden
    assert seen_certificates(db, staff_a, worker_id=world.w.employed_a.id) == set()


def test_staff_see_only_their_own_institution(db, world, make_user):
    staff_a = make_user("institution_staff", institution=world.a)

    assert set(db.session.scalars(select(Institution.name).where(institution_scope(staff_a)))) == {"甲学院"}


@pytest.mark.parametrize(("scope", "region", "expected"), [
    ("city", "3205", {"甲员工", "甲持证", "独行"}),
    ("city", "3201", {"宁人"}),
    ("city", "4403", {"深人"}),
    ("province", "32", {"甲员工", "甲持证", "独行", "宁人"}),
    ("province", "44", {"深人"}),
    ("ministry", None, {"甲员工", "甲持证", "独行", "宁人", "深人"}),
])
def test_bureau_officers_see_workers_of_their_region(db, world, make_user, scope, region, expected):
    officer = make_user("bureau_officer", scope=scope, region=region)

    assert seen_workers(db, officer) == expected


@pytest.mark.parametrize(("scope", "region", "expected"), [
    ("city", "3205", ("employed_a_by_b", "holder_a_by_a")),
    ("city", "3201", ("nanjing_by_a",)),
    ("province", "32", ("employed_a_by_b", "holder_a_by_a", "nanjing_by_a")),
    ("ministry", None, ("employed_a_by_b", "holder_a_by_a", "nanjing_by_a", "shenzhen_by_b")),
])
def test_bureau_officers_see_certificates_of_workers_in_their_region(db, world, make_user,
                                                                    scope, region, expected):
    officer = make_user("bureau_officer", scope=scope, region=region)

    assert seen_certificates(db, officer) == numbers(*(getattr(world.c, name) for name in expected))


def test_level_counts_follow_the_officers_region(db, world, make_user):
    suzhou = make_user("bureau_officer", scope="city", region="3205")
    jiangsu = make_user("bureau_officer", scope="province", region="32")

    def counts(user, **kwargs):
        return dict(db.session.execute(level_counts(user, **kwargs)).all())

    assert counts(suzhou) == {"junior": 1, "intermediate": 1}
    assert counts(jiangsu) == {"junior": 1, "intermediate": 1, "senior": 1}
    assert counts(jiangsu, city_code="3201") == {"senior": 1}


def test_admin_sees_everything(db, world, make_user):
    admin = make_user("admin")

    assert len(seen_workers(db, admin)) == 5
    assert len(seen_certificates(db, admin)) == 4


def test_search_stays_inside_the_scope(db, world, make_user, vault):
    staff_b = make_user("institution_staff", institution=world.b)

    assert seen_workers(db, staff_b, search="人") == {"深人"}  # 宁人 matches the name but is out of scope
    assert seen_workers(db, staff_b, id_hash=world.w.nanjing.id_hash) == set()
    assert seen_workers(db, staff_b, id_hash=world.w.shenzhen.id_hash) == {"深人"}
    assert seen_certificates(db, staff_b, search="甲员") == numbers(world.c.employed_a_by_b)


def test_name_search_treats_wildcards_literally(db, world, make_user):
    admin = make_user("admin")

    assert seen_workers(db, admin, search="%") == set()
    assert seen_workers(db, admin, search="_") == set()
