"""Demo approvals for Suzhou: a nomination waiting at the city stage, one waiting at the province, a national
competition with results (one proposal waiting for the province, a young worker in the WorldSkills pool),
an honour and an allowance, and a city masters' studio (李秀英, 高级技师, with 周杰 as her apprentice). Run by
`seed_demo` after the workers exist."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AllowancePeriod, Institution, Occupation, PromotionKind, User, Worker
from ..services.competitions import record_result, register_competition
from ..services.programmes import (
    add_programme_member,
    create_programme,
    record_programme_funding,
    record_programme_result,
)
from ..services.promotions import attach_evidence, nominate_promotion, submit_promotion
from ..services.recognition import record_allowance, record_honour
from ..services.reference import find_occupation
from ..services.reviews import approve_promotion
from ..vault import PersonalDataVault


def _evidence_png(caption: str) -> bytes:
    """A small scanned-looking page; real uploads are re-encoded the same way."""
    image = Image.new("RGB", (320, 200), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 310, 190), outline=(180, 30, 30), width=3)
    draw.text((24, 90), caption, fill=(40, 40, 40))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _occupation(session: Session, code: str) -> Occupation:
    occupation = find_occupation(session, code)
    if occupation is None:
        raise LookupError(f"occupation {code} is not in the reference data")
    return occupation


def seed_promotions(session: Session, vault: PersonalDataVault) -> None:
    """The demo's people must exist already (credentials.demo.seed_demo calls this last); `vault` is taken
    like seed_demo takes it, for records that need an ID number."""
    users = {u.username: u for u in session.scalars(select(User).where(User.username.is_not(None)))}
    workers = {w.name: w for w in session.scalars(select(Worker))}
    employer_staff, city, province, ministry = (users["jinggong"], users["suzhou-hrss"], users["jiangsu-hrss"],
                                               users["mohrss"])

    waiting_city = nominate_promotion(
        session, worker=workers["王建国"], occupation=_occupation(session, "6-18-01-01"),
        kind=PromotionKind.EXCEPTIONAL, target_level="technician",
        grounds=["unique_mastery", "key_problem_solved"],
        statement="攻克航空发动机轴类零件精车变形难题，加工精度稳定在 0.002 毫米，年节约返工成本 60 余万元；"
                  "带徒 6 名，其中 2 名取得高级工证书。", by=employer_staff)
    attach_evidence(session, waiting_city, filename="技术攻关成果鉴定.png", content=_evidence_png("Result appraisal"),
                    by=employer_staff)
    submit_promotion(session, waiting_city, by=employer_staff)

    waiting_province = nominate_promotion(
        session, worker=workers["陈静"], occupation=_occupation(session, "4-10-01-05"),
        kind=PromotionKind.LEVEL_SKIPPING, target_level="technician", grounds=["apprentices_trained", "patent"],
        statement="获实用新型专利 2 项；承担企业内训 300 余学时，带徒 11 名。", by=employer_staff)
    attach_evidence(session, waiting_province, filename="专利证书.png", content=_evidence_png("Patent"),
                    by=employer_staff)
    submit_promotion(session, waiting_province, by=employer_staff)
    approve_promotion(session, waiting_province, reason="业绩材料真实，专利与带徒情况经核实，同意报省。", by=city)

    contest = register_competition(
        session, name="第二届全国技能大赛（数控车项目）", tier="national_skills",
        occupation=_occupation(session, "6-31-07-03"), starts_on=date(2023, 9, 16), ends_on=date(2023, 9, 19),
        organizer="人力资源社会保障部", entrants=36, by=ministry)
    record_result(session, contest, worker=workers["刘洋"], rank=4, medal="excellence", by=ministry)
    record_result(session, contest, worker=workers["周杰"], rank=21, by=ministry)  # no reward at this rank

    record_honour(session, worker=workers["李秀英"], title="provincial_technical_expert", year=2022,
                  awarding_body="江苏省人民政府", by=province)
    record_allowance(session, worker=workers["李秀英"], kind="skill_post", amount="600",
                     period=AllowancePeriod.MONTHLY, payer="苏州精工机械有限公司", starts_on=date(2021, 1, 1),
                     by=employer_staff)
    _seed_studio(session, city, workers)


def _seed_studio(session: Session, city: User, workers: dict[str, Worker]) -> None:
    """李秀英 (焊工, 高级技师 since 2020-12-01) leads a city masters' studio at her employer; 周杰 learns there."""
    employer = session.scalar(select(Institution).where(Institution.name == "苏州精工机械有限公司"))
    studio = create_programme(
        session, kind="masters_studio", name="李秀英技能大师工作室", tier="city", city_code=city.region_code or "3205",
        recognised_on=date(2022, 6, 1), institution=employer, occupation=_occupation(session, "6-18-02-04"),
        batch="第二批", description="焊接工艺攻关与技能传承：薄板不锈钢焊接变形控制、焊工带徒。", by=city)
    add_programme_member(session, studio, worker=workers["李秀英"], role="master", started_on=date(2022, 6, 1), by=city)
    add_programme_member(session, studio, worker=workers["周杰"], role="apprentice", started_on=date(2026, 2, 1), by=city)
    record_programme_result(session, studio, kind="process_improvement", achieved_on=date(2023, 5, 10),
                            summary="薄板不锈钢焊接变形控制工艺改进，返修率由 8% 降至 2%", by=city)
    record_programme_funding(session, studio, amount="100000", source="city_finance",
                             granted_on=date(2022, 7, 15), by=city)
