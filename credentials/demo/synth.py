"""Deterministic bulk generation of workers and certificates for benchmarks (`flask synth`).

Set-based: rows are built in memory and written with executemany in batches; one audit event
records the run. The same seed always yields the same people; a seed can be used once per database.
The batches bypass the ORM, so the indicator tallies are rebuilt at the end of the run.
"""

from __future__ import annotations

import csv
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ladder.frameworks import get_level
from ladder.i18n import Text

from ..clock import china_today
from ..errors import ValidationFailed
from ..identity import mask_national_id
from ..models import (
    Accreditation,
    Certificate,
    City,
    Institution,
    InstitutionKind,
    Occupation,
    Worker,
)
from ..services.audit import record
from ..services.census_refresh import refresh_all
from ..services.certificates import number_series
from ..services.tallies import rebuild_tallies
from ..vault import PersonalDataVault
from .seed import demo_national_id

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕玉兰红梅文斌俊杰晓东子豪欣怡雨涵浩然梓轩佳怡宇航"
OCCUPATIONS = ("6-18-01-01", "6-18-01-02", "6-18-02-04", "6-20-01-01", "6-31-01-03", "6-31-07-03",
               "4-03-02-01", "4-10-01-05", "4-10-01-06", "4-12-01-01", "6-29-01-01", "4-01-06-01")
LADDER = ("junior", "intermediate", "senior", "technician", "senior_technician")
BIRTH_DAYS = 14_600  # 40 years of birth dates


@dataclass(frozen=True)
class SynthResult:
    workers: int
    certificates: int
    seconds: float


def synthesize(
    session: Session, vault: PersonalDataVault, *, workers: int, seed: int, batch: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> SynthResult:
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by design
    areas = _campaign_areas(session)
    institutions = _institutions(session, seed, sorted({a[:4] for a in areas}))
    occupations = {o.code: o.id for o in session.scalars(select(Occupation).where(Occupation.code.in_(OCCUPATIONS)))}
    next_worker_id = (session.scalar(select(func.max(Worker.id))) or 0) + 1
    serials: Counter[str] = Counter()
    made_workers = made_certificates = 0
    while made_workers < workers:
        size = min(batch, workers - made_workers)
        worker_rows, certificate_rows = [], []
        for offset in range(size):
            index = made_workers + offset
            worker_id = next_worker_id + index
            area = areas[index % len(areas)]
            slot = index // len(areas)
            birth = date(1962, 1, 1) + timedelta(days=slot % BIRTH_DAYS)
            sequence = (slot // BIRTH_DAYS + seed * 37) % 900  # 900+ belongs to the demo
            sealed = vault.seal(demo_national_id(birth, sequence, area))
            worker_rows.append({
                "id": worker_id, "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
                "id_hash": sealed.hash, "id_ciphertext": sealed.ciphertext, "id_masked": mask_national_id(sealed.parsed.number),
                "birth_date": birth, "gender": sealed.parsed.gender, "city_code": area[:4],
                "employer_id": None, "employer_name": None,
            })
            certificate_rows.extend(_certificates(rng, worker_id, birth, institutions[area[:4]], occupations, serials))
        session.execute(Worker.__table__.insert(), worker_rows)
        if certificate_rows:
            session.execute(Certificate.__table__.insert(), certificate_rows)
        made_workers += size
        made_certificates += len(certificate_rows)
        session.commit()  # benchmark data: a batch at a time keeps memory flat
        if progress:
            progress(made_workers)
    _resync_sequences(session)
    rebuild_tallies(session)  # the batches above bypass the session's tally keeping: count everything once
    refresh_all(session, china_today())  # the bureau ladder census, as the daily `flask campaign census` keeps it
    record(session, actor=None, action="synth.generated", entity_type="dataset", entity_id=f"seed-{seed}",
           after={"workers": made_workers, "certificates": made_certificates})
    session.commit()
    # Planner statistics for what was just loaded, as after any bulk load: autovacuum would get there in its own
    # time, and until then PostgreSQL plans the fresh tables as tiny (a hash join over every occupation).
    session.execute(text("ANALYZE"))
    session.commit()
    return SynthResult(made_workers, made_certificates, time.perf_counter() - started)


def _certificates(rng: random.Random, worker_id: int, birth: date, institution: Institution, occupations: dict[str, int],
                  serials: Counter[str]) -> list[dict[str, object]]:
    held = rng.choices(range(6), weights=(30, 30, 20, 12, 6, 2))[0]
    occupation_code = rng.choice(OCCUPATIONS)
    issued = birth.replace(day=1) + timedelta(days=365 * 19 + rng.randrange(0, 365 * 3))
    rows = []
    for level_code in LADDER[:held]:
        if issued > date(2026, 1, 1):
            break
        digit = get_level(level_code).nat_digit
        assert digit is not None  # the ladder's five appraised levels
        series = number_series(institution, digit, issued)
        serials[series.prefix] += 1
        rows.append({
            "number": series.number(serials[series.prefix]), "number_scheme": series.scheme, "needs_review": False,
            "kind": "qualification" if series.scheme == "legacy16" else "skill_level",
            "worker_id": worker_id, "occupation_id": occupations[occupation_code], "framework": "skill-2022",
            "level": level_code, "issued_on": issued, "institution_id": institution.id, "route": "regular",
            "status": "valid",
        })
        issued += timedelta(days=365 * rng.choice((3, 4, 5)) + rng.randrange(0, 200))
    return rows


def _campaign_areas(session: Session) -> list[str]:
    campaign = set(session.scalars(select(City.code).where(City.is_campaign_city)))
    text_data = resources.files("credentials").joinpath("data", "divisions-areas.csv").read_text("utf-8")
    return sorted(row["code"] for row in csv.DictReader(text_data.splitlines()) if row["cityCode"] in campaign)


def _institutions(session: Session, seed: int, city_codes: list[str]) -> dict[str, Institution]:
    names = {code: f"合成数据评价中心 {code}-{seed}" for code in city_codes}
    if session.scalar(select(Institution.id).where(Institution.name.in_(names.values())).limit(1)):
        raise ValidationFailed("binding", field="seed", reason=Text(f"种子 {seed} 已生成过数据", f"seed {seed} was already used"))
    created = {}
    for code, name in names.items():
        institution = Institution(name=name, kind=InstitutionKind.APPRAISAL_BODY, city_code=code)
        session.add(institution)
        created[code] = institution
    session.flush()
    occupation_ids = session.scalars(select(Occupation.id).where(Occupation.code.in_(OCCUPATIONS))).all()
    session.execute(Accreditation.__table__.insert(), [
        {"institution_id": inst.id, "occupation_id": occ, "max_level": "senior_technician",
         "valid_from": date(2000, 1, 1), "valid_until": None}
        for inst in created.values() for occ in occupation_ids
    ])
    return created


def _resync_sequences(session: Session) -> None:
    """Explicit ids bypass PostgreSQL's sequences: move them past the new rows."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("workers", "certificates"):
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names  # nosec B608
                             f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
