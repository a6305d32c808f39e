"""Command-line tools: create-user, seed-demo, synth, reference load."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from credentials.demo.seed import (
    ADMINS,
    DEMO_PASSWORD,
    OFFICERS,
    STAFF,
    WORKERS,
    demo_national_id,
)
from credentials.models import (
    AuditEvent,
    BureauScope,
    Certificate,
    City,
    Institution,
    Occupation,
    Province,
    Role,
    User,
    Worker,
)
from credentials.services.accounts import authenticate
from tests.conftest import PASSWORD, _empty_tables


def count(db, model) -> int:
    db.session.rollback()  # a fresh look at what the command committed
    return db.session.scalar(select(func.count()).select_from(model))


def invoke(runner, *args):
    return runner.invoke(args=[str(a) for a in args])


def create_user(runner, role, username, *extra, password=PASSWORD):
    return invoke(runner, "create-user", "--role", role, "--username", username, "--password", password,
                  *extra)


# ------------------------------------------------------------------ create-user

@pytest.mark.parametrize(("role", "extra", "scope", "region"), [
    ("admin", (), None, None),
    ("bureau_officer", ("--city", "3205"), BureauScope.CITY, "3205"),
    ("bureau_officer", ("--province", "32"), BureauScope.PROVINCE, "32"),
    ("bureau_officer", ("--ministry",), BureauScope.MINISTRY, None),
])
def test_create_user_for_admins_and_officers(db, runner, role, extra, scope, region):
    result = create_user(runner, role, "someone", *extra)

    assert result.exit_code == 0, result.output
    assert "created user" in result.output
    user = db.session.scalar(select(User).where(User.username == "someone"))
    assert (user.role, user.bureau_scope, user.region_code) == (Role(role), scope, region)


def test_create_user_for_institution_staff(db, runner, make_institution):
    institution = make_institution()

    result = create_user(runner, "institution_staff", "teacher", "--institution", institution.id)

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.institution_id).where(User.username == "teacher")) == institution.id


def test_created_user_can_sign_in_with_the_given_password(db, runner, vault):
    create_user(runner, "admin", "root")
    db.session.rollback()

    assert authenticate(db.session(), vault, "root", PASSWORD).username == "root"


@pytest.mark.parametrize(("role", "extra", "message"), [
    ("institution_staff", (), "needs an institution"),
    ("bureau_officer", (), "needs a valid city code"),
    ("bureau_officer", ("--city", "9999"), "needs a valid city code"),
    ("bureau_officer", ("--province", "3205"), "needs a valid province code"),
    ("admin", ("--city", "3205"), "only bureau officers have a scope"),
    ("admin", ("--ministry",), "only bureau officers have a scope"),
])
def test_create_user_with_a_wrong_binding_fails_with_a_clear_message(db, runner, role, extra, message):
    result = create_user(runner, role, "someone", *extra)

    assert result.exit_code != 0
    assert message in result.output
    assert count(db, User) == 0


def test_create_user_binding_admin_to_an_institution_fails(db, runner, make_institution):
    result = create_user(runner, "admin", "someone", "--institution", make_institution().id)

    assert result.exit_code != 0 and "only institution staff" in result.output


@pytest.mark.parametrize(("extra", "message"), [
    (("--institution", "999999"), "no institution 999999"),
    (("--city", "3205", "--ministry"), "only one of"),
])
def test_create_user_with_bad_options_is_a_usage_error(db, runner, extra, message):
    result = create_user(runner, "bureau_officer", "someone", *extra)

    assert result.exit_code == 2
    assert message in result.output


def test_create_user_refuses_a_weak_password(db, runner):
    result = create_user(runner, "admin", "root", password="short")  # noqa: S106

    assert result.exit_code != 0 and "at least 12 characters" in result.output
    assert count(db, User) == 0


def test_create_user_cannot_make_a_worker_account(runner):
    result = create_user(runner, "worker", "someone")

    assert result.exit_code == 2 and "worker" in result.output


# ------------------------------------------------------------------ seed-demo

DEMO_TABLES = (User, Worker, Certificate, Institution, AuditEvent)


def test_seed_demo_is_idempotent(db, runner):
    first = invoke(runner, "seed-demo")
    counts = {model: count(db, model) for model in DEMO_TABLES}

    second = invoke(runner, "seed-demo")

    assert first.exit_code == 0 and "demo data loaded" in first.output
    assert second.exit_code == 0 and "already present" in second.output
    assert {model: count(db, model) for model in DEMO_TABLES} == counts
    assert counts[Worker] == len(WORKERS) and counts[User] == len(ADMINS) + len(OFFICERS) + len(STAFF) + len(WORKERS)


def test_every_demo_login_can_sign_in(db, runner, vault):
    invoke(runner, "seed-demo")
    db.session.rollback()
    logins = [username for username, *_ in ADMINS + OFFICERS] + [username for username, *_ in STAFF]
    logins += [demo_national_id(spec.birth, spec.sequence) for spec in WORKERS]

    for login in logins:
        user = authenticate(db.session(), vault, login, DEMO_PASSWORD)
        assert user.is_active, login


# ------------------------------------------------------------------ synth

def synthesized(db) -> list[tuple[str, str]]:
    db.session.rollback()
    return [tuple(row) for row in db.session.execute(select(Worker.id_hash, Worker.name).order_by(Worker.id))]


def test_synth_creates_exactly_the_requested_workers(db, runner):
    result = invoke(runner, "synth", "--workers", 500, "--seed", 3)

    assert result.exit_code == 0, result.output
    assert "synthesized 500 workers" in result.output
    assert count(db, Worker) == 500
    assert count(db, Certificate) > 0


def test_synth_is_deterministic_for_a_seed(db, runner):
    invoke(runner, "synth", "--workers", 500, "--seed", 3)
    first = synthesized(db)
    db.session.remove()
    _empty_tables()  # a fresh database

    invoke(runner, "synth", "--workers", 500, "--seed", 3)
    again = synthesized(db)
    invoke(runner, "synth", "--workers", 500, "--seed", 4)
    other = synthesized(db)[500:]

    assert again == first
    assert len({h for h, _ in first}) == 500  # 500 different people
    assert not {h for h, _ in other} & {h for h, _ in first}
    assert [n for _, n in other] != [n for _, n in first]


def test_synth_refuses_a_seed_already_used(db, runner):
    assert invoke(runner, "synth", "--workers", 100, "--seed", 3).exit_code == 0

    result = invoke(runner, "synth", "--workers", 100, "--seed", 3)

    assert result.exit_code != 0
    assert "seed 3 was already used" in result.output
    assert count(db, Worker) == 100


# ------------------------------------------------------------------ reference load

def test_reference_load_is_idempotent(db, runner):
    before = {model: count(db, model) for model in (Province, City, Occupation)}

    result = invoke(runner, "reference", "load")

    assert result.exit_code == 0, result.output
    assert "provinces +0, cities +0, occupations +0, campaign cities 100" in result.output
    assert {model: count(db, model) for model in (Province, City, Occupation)} == before
    assert before[Occupation] == 1639
    assert db.session.scalar(select(func.count()).select_from(City).where(City.is_campaign_city)) == 100
