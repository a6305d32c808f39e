"""Shared fixtures for the bulk-import tests: an accredited institution, its clerk, registered workers with
work history (so that they may sit Junior Worker), and helpers to build files and run a job synchronously."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.extensions import db
from credentials.imports.jobs import create_import, run_import
from credentials.models import ImportJob, WorkPeriod
from credentials.services.reference import find_occupation
from tests.conftest import national_id

TODAY = date(2025, 1, 15)
OCCUPATION = "6-18-01-01"  # 车工
RESULT_HEADERS = ["身份证号", "姓名", "职业编码", "等级", "考试日期", "理论知识考试成绩", "操作技能考核成绩",
                  "综合评审成绩", "证书编号"]
TRAINING_HEADERS = ["身份证号", "姓名", "职业编码", "培训等级", "培训类型", "培训形式", "学时", "开班日期",
                    "结业日期", "培训结果"]


@dataclass
class Setting:
    institution: object
    staff: object
    workers: list  # (worker, national ID) pairs; all worked in 6-18-01-01 since 2015
    vault: object

    def id_of(self, index: int) -> str:
        return self.workers[index][1]

    def result(self, index: int = 0, *, level="初级工", exam="2024-07-01", theory="85", practical="78",
               review="", number="", name=None, national=None, occupation=OCCUPATION) -> list[str]:
        worker, number_id = self.workers[index]
        return [national or number_id, worker.name if name is None else name, occupation, level, exam, theory,
                practical, review, number]

    def training(self, index: int = 0, *, level="初级工", kind="就业技能培训", form="订单式培训", hours="120",
                 start="2024-03-01", end="2024-06-28", outcome="结业") -> list[str]:
        worker, number_id = self.workers[index]
        return [number_id, worker.name, OCCUPATION, level, kind, form, hours, start, end, outcome]

    def run(self, rows, *, kind="appraisal_results", dry_run=False, encoding="utf-8", data=None, headers=None,
            filename="成绩.csv", today=TODAY) -> ImportJob:
        headers = headers or (RESULT_HEADERS if kind == "appraisal_results" else TRAINING_HEADERS)
        job = create_import(db.session(), kind=kind, institution=self.institution,
                            file_bytes=csv_bytes(headers, *rows, encoding=encoding) if data is None else data,
                            filename=filename, dry_run=dry_run, by=self.staff, vault=self.vault)
        db.session.commit()
        return run_import(db.session(), job.id, vault=self.vault, today=today)


def csv_bytes(*rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(*rows, edit=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if edit:
        edit(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def problems(job: ImportJob, severity: str = "error") -> list[tuple]:
    return [(p["row"], p["column"], p["message_zh"]) for p in job.errors if p["severity"] == severity]


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def setting(app, make_institution, make_user, make_worker, vault) -> Setting:
    institution = make_institution(name="苏州测试技师学院",
                                   scope=((OCCUPATION, "senior"), ("4-10-01-05", "intermediate")))
    staff = make_user("institution_staff", institution=institution)
    occupation = find_occupation(db.session(), OCCUPATION)
    workers = []
    for index, name in enumerate(("王小明", "李秀英", "张伟", "欧阳锋")):
        number = national_id(date(1985 + index, 3, 8))
        worker = make_worker(name=name, id_number=number)
        db.session.add(WorkPeriod(worker_id=worker.id, occupation=occupation, started_on=date(2015, 1, 1)))
        workers.append((worker, number))
    db.session.commit()
    return Setting(institution, staff, workers, vault)
