"""The columns of each import kind: the template's Chinese headers, accepted aliases, and where they are.

Headers are matched loosely, because people retype them: full-width characters, stray spaces, a trailing
"*" or "（必填）", and English names (or our snake_case keys) are all accepted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TypedDict

from ladder.i18n import Text

from ..errors import ImportRejected
from ..models import ImportKind
from ..spreadsheets import Row

HEADER_SEARCH_ROWS = 10  # a title line or two above the header is tolerated


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's header (Chinese)
    english: str
    required: bool
    note: Text  # shown on the template's instructions sheet
    example: str = ""
    aliases: tuple[str, ...] = ()
    as_text: bool = False  # the template formats it as Text so Excel keeps every digit


def _column(key: str, header: str, english: str, *, required: bool, zh: str, en: str, example: str = "",
            aliases: tuple[str, ...] = (), as_text: bool = False) -> Column:
    return Column(key, header, english, required, Text(zh, en), example, aliases, as_text)


_ID = _column("national_id", "身份证号", "National ID number", required=True, example="11010519491231002X",
              zh="18 位居民身份证号（旧版 15 位亦可）；请保持“文本”格式",
              en="18-character national ID number (old 15-digit ones too); keep the column formatted as Text",
              aliases=("身份证号码", "公民身份号码", "证件号码"), as_text=True)
_NAME = _column("name", "姓名", "Name", required=False, example="张三",
                zh="选填；填写时须与登记信息一致，用于核对身份证号",
                en="Optional; when given it must match the registered name, as a check on the ID number")
_OCCUPATION = _column("occupation_code", "职业编码", "Occupation code", required=True, example="6-18-01-01",
                      zh="2022 年版职业分类大典编码，如 6-18-01-01（车工）",
                      en="2022 classification code, e.g. 6-18-01-01 (车工)", aliases=("职业代码",),
                      as_text=True)
class _Note(TypedDict):
    zh: str
    en: str


_SCORE: _Note = {"zh": "0–100，最多两位小数", "en": "0–100, at most two decimals"}


def _diploma(examples: bool) -> tuple[Column, ...]:
    """A diploma: on a work-history row, or the candidate's own on an appraisal result (its major: the
    result's occupation)."""
    example = ("技工学校", "中级工班", "2022-07-01", "否") if examples else ("", "", "", "")
    return (
        _column("school_type", "学校类型", "School type", required=False, example=example[0],
                zh="技工学校、高级技工学校、技师学院、中等职业学校、高等职业学校、大专、本科 或 硕士研究生；本行不记学历则留空",
                en="technical school, senior technical school, technician college, secondary vocational school, "
                   "higher vocational college, junior college, bachelor or master; empty when the row records no diploma",
                aliases=("学校类别", "毕业学校类型")),
        _column("stream", "班级类型", "Stream", required=False, example=example[1],
                zh="技工院校的 中级工班、高级工班 或 预备技师班；其他学校留空",
                en="for technical schools: intermediate, senior or preparatory technician class; else empty",
                aliases=("班级", "培养层次")),
        _column("graduated_on", "毕业日期", "Graduation date", required=False, example=example[2],
                zh="如 2022-07-01；在校应届毕业生可留空", en="e.g. 2022-07-01; may stay empty for a current-year student",
                aliases=("毕业时间",)),
        _column("current_graduate", "应届毕业生", "Current-year student", required=False, example=example[3],
                zh="是 或 否：在校应届毕业生（尚未取得毕业证书）填“是”",
                en="yes or no: yes for a current-year student who has no diploma yet", aliases=("是否应届", "应届")),
    )


_EMPLOYER = _column("employer_name", "工作单位", "Employer", required=False, example="苏州精工机械有限公司",
                    zh="选填；与本系统中的机构名称完全相同时自动关联该机构",
                    en="Optional; linked to the institution of the registry with exactly this name",
                    aliases=("单位名称", "用人单位", "工作单位名称"))

KIND_COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.WORKERS: (
        _ID,
        _column("name", "姓名", "Name", required=True, example="张三", zh="与身份证一致", en="as on the ID card"),
        _column("city", "所在城市", "City", required=True, example="苏州市",
                zh="地级市名称或 4 位代码，如 苏州市 或 3205", en="city name or 4-digit code, e.g. 苏州市 or 3205",
                aliases=("城市", "城市代码", "所在城市代码", "所在地")),
        _EMPLOYER,
        _column("target_groups", "培训补贴对象类别", "Target groups", required=False,
                example="农村转移劳动力 2024-03-01",
                zh="选填，多个用“；”分隔；类别后可写其认定日期，如 农村转移劳动力 2024-03-01；未写日期的按“类别认定日期”",
                en="Optional, several separated by ；; each may be followed by the date it began, e.g. "
                   "农村转移劳动力 2024-03-01; those without one begin on the groups-since date",
                aliases=("补贴对象类别", "人员类别", "对象类别")),
        _column("groups_since", "类别认定日期", "Groups since", required=False, example="2024-03-01",
                zh="未单独写日期的类别自此日起", en="the day the target groups without a date of their own began",
                aliases=("认定日期",)),
    ),
    ImportKind.WORK_HISTORY: (
        _ID, _NAME,
        _column("occupation_code", "从事职业编码", "Occupation worked", required=False, example="6-18-01-01",
                zh="工作经历所在职业的编码，如 6-18-01-01；本行只记学历时留空",
                en="code of the occupation worked, e.g. 6-18-01-01; empty when the row records only a diploma",
                aliases=("职业编码", "职业代码"), as_text=True),
        _column("started_on", "工作开始日期", "Work start date", required=False, example="2020-03-01",
                zh="如 2020-03-01", en="e.g. 2020-03-01", aliases=("参加工作日期", "开始日期", "入职日期")),
        _column("ended_on", "工作结束日期", "Work end date", required=False,
                zh="留空表示仍在从事", en="empty while the work goes on", aliases=("结束日期", "离职日期")),
        _EMPLOYER,
        _column("related_to", "计入相关职业编码", "Counts towards (related occupation)", required=False,
                zh="选填：从事的是相关职业时，填它计入的职业编码", en="Optional: when the occupation worked is a "
                "related one, the code of the occupation it counts towards", aliases=("相关职业编码",), as_text=True),
        *_diploma(examples=True),
        _column("major_code", "所学专业职业编码", "Major (occupation code)", required=False, example="6-18-01-01",
                zh="所学专业对应的职业编码（与申报职业相同即“本专业”）",
                en="the occupation code the major corresponds to (the same as the occupation applied for: in the field)",
                aliases=("专业职业编码", "专业编码"), as_text=True),
        _column("school_name", "学校名称", "School", required=False, example="苏州技师学院",
                zh="选填", en="Optional", aliases=("毕业学校", "毕业院校")),
    ),
    ImportKind.APPRAISAL_RESULTS: (
        _ID, _NAME, _OCCUPATION,
        _column("level", "等级", "Level", required=True, example="初级工",
                zh="如 初级工、中级工、高级工、技师、高级技师，或 五级……一级",
                en="e.g. 初级工 … 高级技师, 五级 … 一级, or Junior Worker … Senior Technician",
                aliases=("申报等级", "鉴定等级", "职业等级")),
        _column("exam_date", "考试日期", "Exam date", required=True, example="2024-07-01",
                zh="如 2024-07-01，不能晚于今天；通过的，证书以此日期发放",
                en="e.g. 2024-07-01, not in the future; a pass is certified on this date",
                aliases=("考核日期", "鉴定日期", "评价日期")),
        _column("theory_score", "理论知识考试成绩", "Theory exam score", required=True, example="85",
                aliases=("理论成绩", "理论知识成绩"), **_SCORE),
        _column("practical_score", "操作技能考核成绩", "Practical assessment score", required=True,
                example="78",
                aliases=("操作成绩", "技能成绩", "实操成绩", "操作技能成绩"), **_SCORE),
        _column("review_score", "综合评审成绩", "Comprehensive review score", required=False,
                zh="技师、高级技师必填", en="required for Technician and Senior Technician",
                aliases=("综合评审", "评审成绩")),
        _column("certificate_number", "证书编号", "Certificate number", required=False,
                zh="选填；留空则按本机构编号规则自动生成",
                en="Optional; left empty, the next number of the institution's series is given",
                aliases=("证书号", "证书号码"), as_text=True),
        # Optional: a cohort's whole story in one file, recorded before the result's eligibility is judged.
        _column("work_started_on", "工作开始日期", "Work start date", required=False, example="",
                zh="选填：在本职业参加工作的日期；填写后先记入工作经历（至今），再判断申报条件",
                en="Optional: when the candidate began work in the occupation; recorded as an open work period "
                   "before eligibility is judged", aliases=("参加工作日期", "从业开始日期")),
        *_diploma(examples=False),
    ),
    ImportKind.TRAINING_RECORDS: (
        _ID, _NAME, _OCCUPATION,
        _column("target_level", "培训等级", "Target level", required=True, example="初级工",
                zh="如 初级工、中级工、高级工、技师、高级技师", en="e.g. 初级工 … 高级技师",
                aliases=("目标等级", "等级", "level")),
        _column("training_type", "培训类型", "Training type", required=True, example="就业技能培训",
                zh="就业技能培训、岗位技能提升培训 或 创业培训",
                en="employment skills training, on-the-job skills upgrading or entrepreneurship training"),
        _column("form", "培训形式", "Training form", required=False, example="订单式培训",
                zh="定向、定岗、订单式、新型学徒制 或 其他；留空为“其他”",
                en="directed, post-specific, order-based, new apprenticeship or other; empty means other"),
        _column("hours", "学时", "Training hours", required=True, example="120",
                zh="0–10000 的整数", en="a whole number 0–10000", aliases=("培训学时", "课时")),
        _column("started_on", "开班日期", "Start date", required=True, example="2024-03-01",
                zh="如 2024-03-01", en="e.g. 2024-03-01", aliases=("开始日期", "入学日期", "报名日期")),
        _column("completed_on", "结业日期", "Completion date", required=False, example="2024-06-28",
                zh="已结业必填；不能早于开班日期", en="required once completed; not before the start date",
                aliases=("完成日期",)),
        _column("outcome", "培训结果", "Outcome", required=False, example="已结业",
                zh="在训、已结业 或 中途退出；留空则有结业日期为“已结业”，否则为“在训”",
                en="enrolled, completed or dropped out; empty means completed when a completion date is "
                   "given, else enrolled",
                aliases=("培训状态", "结业情况")),
    ),
}


def normalise_header(text: object) -> str:
    """Compare headers ignoring width, case, spaces, punctuation and required-marks like * or （必填）."""
    folded = unicodedata.normalize("NFKC", str(text or "")).lower()
    folded = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]", "", folded)
    return re.sub(r"[\W_]+", "", folded)


def _aliases(kind: ImportKind) -> dict[str, Column]:
    names: dict[str, Column] = {}
    for column in KIND_COLUMNS[kind]:
        for name in (column.header, column.english, column.key, *column.aliases):
            names.setdefault(normalise_header(name), column)
    return names


@dataclass(frozen=True)
class Layout:
    """Where each known column sits in the file, and the header row."""

    header_row: int
    positions: dict[str, int]  # column key -> index in the row
    headers: dict[str, str]  # column key -> header as the file spells it

    def header(self, key: str) -> str:
        return self.headers.get(key, key)


def locate(kind: ImportKind, rows: list[Row]) -> Layout:
    """Find the header row among the first rows and map it; a missing required column rejects the file."""
    aliases = _aliases(kind)
    best: tuple[int, int, tuple[object, ...]] | None = None
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matched = sum(1 for cell in cells if normalise_header(cell) in aliases)
        if matched and (best is None or matched > best[0]):
            best = (matched, index, cells)
    if best is None:
        raise ImportRejected("no_header", field="file")
    _, index, cells = best
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for position, cell in enumerate(cells):
        column = aliases.get(normalise_header(cell))
        if column is None:
            continue
        if column.key in positions:
            raise ImportRejected("duplicate_column", field="file", column=str(cell).strip())
        positions[column.key] = position
        headers[column.key] = " ".join(str(cell).split())
    missing = [c for c in KIND_COLUMNS[kind] if c.required and c.key not in positions]
    if missing:
        raise ImportRejected("missing_column", field="file",
                             columns=("、".join(c.header for c in missing),
                                      ", ".join(f"{c.header} ({c.english})" for c in missing)))
    for column in KIND_COLUMNS[kind]:
        headers.setdefault(column.key, column.header)
    return Layout(header_row=rows[index][0], positions=positions, headers=headers)


def data_rows(layout: Layout, rows: list[Row]) -> list[Row]:
    return [row for row in rows if row[0] > layout.header_row]
