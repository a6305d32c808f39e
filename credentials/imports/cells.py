"""Turn raw cell values (text from CSV; text, numbers or dates from XLSX) into typed values.

Each parser returns the value or raises CellProblem, whose error carries the bilingual message. What the
cell says is checked here (its shape); whether it breaks a rule is the services' and ladder's business.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from ladder.frameworks import appraised_levels
from ladder.i18n import Text

from ..errors import CredentialsError, ImportRejected
from ..identity import mask_national_id
from ..spreadsheets import Formula

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")  # a midnight time part is tolerated
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EXPONENT = re.compile(r"\d(?:\.\d+)?e\+?\d+", re.IGNORECASE)
_OCCUPATION = re.compile(r"\d-\d{2}-\d{2}-\d{2}")
_DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "−": "-"})
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, allowing for Excel's 1900 leap-year bug
_LATEST_SERIAL = 2_958_465  # 9999-12-31


class CellProblem(Exception):
    def __init__(self, error: CredentialsError, shown: str | None = None) -> None:
        super().__init__(error.code)
        self.error = error
        self.shown = shown  # what to show as the offending value, when not the cell itself


def fold(value: object) -> str:
    """Text of a cell with full-width characters folded and surrounding spaces dropped."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def shown_value(value: object, *, masked: bool = False) -> str:
    """The value as the report shows it: national IDs masked, long text cut."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if not (value.hour or value.minute or value.second) else value
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    if masked:
        return mask_national_id(text) if len("".join(text.split())) >= 14 else "*" * len(text)
    return text if len(text) <= 60 else text[:57] + "…"


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def national_id_text(value: object) -> str:
    """The ID as text; a number means Excel already dropped its last digits (3.20505E+17)."""
    if isinstance(value, float) or (isinstance(value, int) and len(str(value)) not in (15, 18)):
        raise CellProblem(ImportRejected("id_as_number"))
    text = "".join(str(value).split())
    if _EXPONENT.fullmatch(text):
        raise CellProblem(ImportRejected("id_as_number"))
    return text


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value <= _LATEST_SERIAL and float(value).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellProblem(ImportRejected("not_a_date"))
    text = fold(value)
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match is None and text.isdigit() and 3 <= len(text) <= 7:
        return parse_date(int(text))  # an Excel serial exported as text
    if match is None:
        raise CellProblem(ImportRejected("not_a_date"))
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellProblem(ImportRejected("not_a_date")) from None


def parse_score(value: object) -> Decimal:
    """A score with at most two decimals (the column is NUMERIC(5, 2)); range is the pass rule's business."""
    if isinstance(value, bool):
        raise CellProblem(ImportRejected("not_a_number"))
    if isinstance(value, float):
        rounded = round(value, 2)
        if abs(value - rounded) > 1e-9:
            raise CellProblem(ImportRejected("too_many_decimals"))
        return Decimal(repr(rounded)).quantize(Decimal("0.01"))
    try:
        number = Decimal(fold(value))
    except InvalidOperation:
        raise CellProblem(ImportRejected("not_a_number")) from None
    if not number.is_finite():
        raise CellProblem(ImportRejected("not_a_number"))
    if abs(number) >= 1000:
        return number  # out of range anyway: the pass rule says so
    if number != number.quantize(Decimal("0.01")):
        raise CellProblem(ImportRejected("too_many_decimals"))
    return number.quantize(Decimal("0.01"))


def parse_whole(value: object) -> int:
    if isinstance(value, bool):
        raise CellProblem(ImportRejected("not_a_whole_number"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellProblem(ImportRejected("not_a_whole_number"))
    text = fold(value)
    if re.fullmatch(r"[+-]?\d{1,15}(?:\.0*)?", text):
        return int(text.split(".")[0])
    if re.fullmatch(r"[+-]?\d+\.\d+", text):
        raise CellProblem(ImportRejected("not_a_whole_number"))
    raise CellProblem(ImportRejected("not_a_number"))


def parse_occupation_code(value: object) -> str:
    text = "".join(fold(value).translate(_DASHES).split())
    if not _OCCUPATION.fullmatch(text):
        raise CellProblem(ImportRejected("bad_occupation_code"))
    return text


def level_names() -> dict[str, str]:
    """Every way a level is written (初级工, 五级, 5级, 初级工（五级）, Junior Worker …) -> its code."""
    names: dict[str, str] = {}
    zh_digits = "零一二三四五"
    for level in appraised_levels():
        digit = level.nat_digit
        assert digit is not None  # every appraised level carries its national digit
        grade = f"{zh_digits[digit]}级"
        for name in (level.code, level.short_zh, level.name_zh, level.short_en, level.name_en, grade,
                     f"{digit}级", f"level{digit}", f"{grade}/{level.short_zh}", f"{level.short_zh}/{grade}"):
            names[choice_key(name)] = level.code
        if level.short_zh.endswith("工"):
            names.setdefault(choice_key(level.short_zh[:-1]), level.code)  # 初级, 中级, 高级
    return names


def choice_key(text: str) -> str:
    """How a choice is looked up: width-folded, lower-case, without spaces, brackets or underscores."""
    return re.sub(r"[\s()（）_]+", "", unicodedata.normalize("NFKC", text)).lower()


def parse_level(value: object, names: dict[str, str]) -> str:
    code = names.get(choice_key(str(value)))
    if code is None:
        choices = ("初级工、中级工、高级工、技师、高级技师",
                   "Junior Worker … Senior Technician, or 五级 … 一级")
        raise CellProblem(ImportRejected("unknown_value", what=Text("等级", "level"), choices=choices))
    return code


def parse_choice(value: object, choices: dict[str, str], what: tuple[str, str],
                 listed: tuple[str, str]) -> str:
    code = choices.get(choice_key(str(value)))
    if code is None:
        raise CellProblem(ImportRejected("unknown_value", what=what, choices=listed))
    return code


def formula_problem(value: Formula) -> CellProblem:
    error = ImportRejected("formula_cell", cell=value.cell, formula=shown_value(value.text))
    return CellProblem(error, value.text)
