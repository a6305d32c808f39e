"""Shared fixtures for the promotion, competition and bureau-queue tests: a cast with every role, and helpers
that bring a nomination into any state through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

import pytest
from PIL import Image

from app.extensions import db
from credentials.models import (
    InstitutionKind,
    PromotionKind,
    PromotionRequest,
    PromotionState,
    User,
)
from credentials.services.promotions import attach_evidence, nominate_promotion, submit_promotion
from credentials.services.reference import find_occupation
from credentials.services.reviews import approve_promotion, return_promotion, review_promotion

OCCUPATION = "6-18-01-01"  # 车工


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


@dataclass
class Cast:
    employer: object
    other_institution: object
    worker: object
    users: dict[str, User]

    def __getitem__(self, role: str) -> User:
        return self.users[role]


@pytest.fixture
def cast(make_institution, make_worker, make_certificate, make_user) -> Cast:
    employer = make_institution("苏州精工", kind=InstitutionKind.ENTERPRISE)
    other = make_institution("无锡技师学院", city_code="3202")
    worker = make_worker("王建国", employer=employer)
    make_certificate(worker, employer, level="junior", issued_on=date(2010, 7, 1))
    make_certificate(worker, employer, level="intermediate", issued_on=date(2014, 7, 1))
    make_certificate(worker, employer, level="senior", issued_on=date(2019, 7, 1))
    users = {
        "nominator": make_user("institution_staff", institution=employer),
        "colleague": make_user("institution_staff", institution=employer),
        "other_staff": make_user("institution_staff", institution=other),
        "worker": make_user("worker", worker=worker),
        "city_officer": make_user("bureau_officer", scope="city", region="3205"),
        "other_city_officer": make_user("bureau_officer", scope="city", region="3201"),
        "province_officer": make_user("bureau_officer", scope="province", region="32"),
        "other_province_officer": make_user("bureau_officer", scope="province", region="33"),
        "ministry": make_user("bureau_officer", scope="ministry"),
        "admin": make_user("admin"),
    }
    return Cast(employer, other, worker, users)


def nominate(cast: Cast, *, kind=PromotionKind.EXCEPTIONAL, target="technician", by="nominator",
             evidence=True) -> PromotionRequest:
    session = db.session()
    request = nominate_promotion(
        session, worker=cast.worker, occupation=find_occupation(session, OCCUPATION), kind=kind,
        target_level=target, grounds=["unique_mastery", "apprentices_trained"],
        statement="十二年来攻克主轴精加工难题，带徒 8 名。", by=cast[by])
    if evidence:
        attach_evidence(session, request, filename="成果证明.png", content=png_bytes(), by=cast[by])
    db.session.commit()
    return request


# state name -> the steps that lead there from a fresh draft
PATHS = {
    "draft": [],
    "submitted@city": ["submit"],
    "under_review@city": ["submit", "city_review"],
    "returned@city": ["submit", "city_return"],
    "submitted@province": ["submit", "city_approve"],
    "under_review@province": ["submit", "city_approve", "province_review"],
    "returned@province": ["submit", "city_approve", "province_return"],
    "approved": ["submit", "city_approve", "province_approve"],
    "rejected": ["submit", "city_reject"],
    "withdrawn": ["withdraw"],
}


def bring_to(cast: Cast, state: str, **nominate_args) -> PromotionRequest:
    from credentials.services.promotions import withdraw_promotion
    from credentials.services.reviews import reject_promotion

    request = nominate(cast, **nominate_args)
    session = db.session()
    steps = {
        "submit": lambda: submit_promotion(session, request, by=cast["nominator"]),
        "withdraw": lambda: withdraw_promotion(session, request, by=cast["nominator"]),
        "city_review": lambda: review_promotion(session, request, by=cast["city_officer"]),
        "city_return": lambda: return_promotion(session, request, reason="缺少专利证书", by=cast["city_officer"]),
        "city_approve": lambda: approve_promotion(session, request, reason="材料齐全", by=cast["city_officer"]),
        "city_reject": lambda: reject_promotion(session, request, reason="业绩不足", by=cast["city_officer"]),
        "province_review": lambda: review_promotion(session, request, by=cast["province_officer"]),
        "province_return": lambda: return_promotion(session, request, reason="请补充带徒名单",
                                                    by=cast["province_officer"]),
        "province_approve": lambda: approve_promotion(session, request, reason="同意破格",
                                                      by=cast["province_officer"]),
    }
    for step in PATHS[state]:
        steps[step]()
    db.session.commit()
    return request


def state_of(request: PromotionRequest) -> str:
    if request.state in (PromotionState.APPROVED, PromotionState.REJECTED, PromotionState.WITHDRAWN):
        return request.state.value
    return f"{request.state.value}@{request.stage.value}" if request.state is not PromotionState.DRAFT else "draft"


__all__ = ["PATHS", "Cast", "bring_to", "cast", "nominate", "png_bytes", "state_of"]
