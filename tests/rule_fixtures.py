"""Shared fixtures for the competition-rule tests: the bureaus of Suzhou, Wuxi, Jiangsu, Zhejiang and the
ministry, an enterprise of Suzhou with two clerks, a school that may issue, Suzhou workers at each level, and
helpers to draft a rule and register a contest through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from app.extensions import db
from credentials.models import InstitutionKind, User
from credentials.services.competition_rules import RewardDraft, RuleDraft, create_rule
from credentials.services.competitions import register_competition
from credentials.services.reference import find_occupation
from ladder.i18n import Text

TURNER = "6-18-01-01"
EXPERT = Text("苏州市技术能手", "Suzhou Technical Expert")
ROWS = (RewardDraft(rank_from=1, rank_to=1, effect="set_or_up:technician", titles=(EXPERT,)),
        RewardDraft(rank_from=2, rank_to=5, effect="up:1 cap:technician"),
        RewardDraft(rank_from=6, effect="set:intermediate"))


def draft(**changes) -> RuleDraft:
    """Suzhou's notice: 1st → Technician (Technicians one up) and a title; 2-5 → one up, at most Technician;
    6th and below → Intermediate."""
    values = {"name_zh": "苏州市职业技能竞赛奖励办法", "name_en": "Suzhou skills competition rewards",
              "document_number": "苏人社发〔2024〕12号", "issued_on": date(2024, 3, 1), "valid_from": date(2024, 1, 1),
              "tiers": ("city", "enterprise"), "rewards": ROWS}
    values.update(changes)
    return RuleDraft(**values)


@dataclass
class World:
    enterprise: object
    school: object
    workers: dict[str, object]  # by the level they hold: junior, intermediate, senior, technician, none
    users: dict[str, User]

    def __getitem__(self, name: str) -> User:
        return self.users[name]

    def rule(self, by: str = "city", **changes):
        found = create_rule(db.session(), draft(**changes), by=self.users[by])
        db.session.commit()
        return found

    def contest(self, by: str = "city", *, tier: str = "city", ends_on: date = date(2024, 6, 1), name: str | None = None,
                **extra):
        session = db.session()
        found = register_competition(
            session, name=name or f"苏州市车工大赛{ends_on.isoformat()}", tier=tier,
            occupation=find_occupation(session, TURNER), starts_on=ends_on.replace(day=1), ends_on=ends_on,
            organizer="苏州市人力资源和社会保障局", by=self.users[by], **extra)
        db.session.commit()
        return found


@pytest.fixture
def world(make_institution, make_worker, make_certificate, make_user) -> World:
    enterprise = make_institution("苏州精工机械有限公司", kind=InstitutionKind.ENTERPRISE)
    school = make_institution("苏州技师学院")
    workers = {"none": make_worker("赵无证", employer=enterprise)}
    for held, name in (("junior", "钱初级"), ("intermediate", "孙中级"), ("senior", "李高级"), ("technician", "周技师")):
        worker = make_worker(name, employer=enterprise)
        make_certificate(worker, school, level=held, issued_on=date(2020, 7, 1))
        workers[held] = worker
    users = {
        "city": make_user("bureau_officer", scope="city", region="3205"),
        "city2": make_user("bureau_officer", scope="city", region="3205"),
        "other_city": make_user("bureau_officer", scope="city", region="3202"),
        "province": make_user("bureau_officer", scope="province", region="32"),
        "province2": make_user("bureau_officer", scope="province", region="32"),
        "other_province": make_user("bureau_officer", scope="province", region="33"),
        "ministry": make_user("bureau_officer", scope="ministry"),
        "admin": make_user("admin"),
        "staff": make_user("institution_staff", institution=enterprise),
        "staff2": make_user("institution_staff", institution=enterprise),
        "worker": make_user("worker", worker=workers["junior"]),
    }
    return World(enterprise, school, workers, users)


__all__ = ["EXPERT", "ROWS", "TURNER", "World", "draft", "world"]
