"""Certificate number schemes (DOMAIN §6.2, §6.3): parse, check against the record, format.

Schemes: `legacy16` (old 职业资格证书, 16 digits), `skill_level22` (职业技能等级证书 since 2020: Y|S + 21
digits), `special_tech22` (特级技师: 2 letters + 20 digits; layout unconfirmed, so only recognised),
and `unknown`: a wholly different shape (Shanghai 13-digit, local R… schemes) → flag for review, never
reject. `impossible`: what no scheme can produce — bad characters or length, and a number shaped like a
national scheme but breaking it (DOMAIN §6.3): one character too many or too few for the scheme it imitates
(15 or 17 digits; one letter and 20 or 22 digits), a letter other than Y/S before 21 digits, a level digit
outside 1–5. `ParsedNumber.imitates` names the scheme and `explanation` says why, in both languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ladder.i18n import Text

from .clock import china_today
from .identity import PROVINCE_CODES

__all__ = [
    "SCHEMES", "ParsedNumber", "normalize_certificate_number", "parse_certificate_number",
    "check_consistency", "format_skill_level22", "format_legacy16", "expand_year",
]

SCHEMES = ("legacy16", "skill_level22", "special_tech22", "unknown")
MIN_LENGTH, MAX_LENGTH = 8, 32
LEGACY_BODY_TYPES = {
    "0": "鉴定(指导)中心", "1": "国家职业技能鉴定所", "2": "地方鉴定站", "3": "行业特有工种鉴定站",
    "4": "工人考核委员会/企业内鉴定单位",
}
SKILL_BODY_TYPES = {"Y": "用人单位", "S": "社会培训评价组织"}

_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)} | {c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)}
_FULL_WIDTH |= {c: c - 0xFEE0 - 32 for c in range(0xFF41, 0xFF5B)}  # full-width a-z → A-Z
_LEGACY16 = re.compile(r"(\d{2})(\d{2})(\d{2})(\d)(\d{3})(\d)(\d{5})")
_SKILL22 = re.compile(r"([YS])(\d{4})(\d{2})(\d{6})(\d{2})(\d)(\d{6})")
_SPECIAL22 = re.compile(r"([A-Z]{2})(\d{20})")
_LEGACY_NEAR = re.compile(r"\d{15}|\d{17}")  # one digit short of or past the 16-digit scheme
_SKILL_NEAR = re.compile(r"[A-Z]\d{20,22}")  # one letter and about 21 digits: the 22-character scheme
_SCHEME_NAMES = {
    "legacy16": Text("16 位职业资格证书编号", "the 16-digit vocational qualification certificate number"),
    "skill_level22": Text("22 位职业技能等级证书编号", "the 22-character skill level certificate number"),
}
_UNKNOWN_HINTS = (
    (re.compile(r"\d{13}"), "possibly_shanghai13"),  # query with "000" prefixed (DOMAIN §6.2)
    (re.compile(r"R[GSCX][NW]\d{17}"), "possibly_local_r_scheme"),
    (re.compile(r"R\d{8}"), "possibly_supervisor_card"),
)


@dataclass(frozen=True)
class ParsedNumber:
    raw: str
    number: str  # normalised: no whitespace, ASCII, upper case
    scheme: str  # one of SCHEMES
    impossible: bool = False
    # why impossible ("charset", "length", "one_too_few", "one_too_many", "body_type_letter", "level_digit")
    # or a hint for an unknown scheme
    reason: str | None = None
    year: int | None = None
    level_digit: int | None = None  # 5 初级 … 1 高级技师
    province_code: str | None = None  # legacy16: province or industry code (e.g. 72 烟草)
    prefecture_code: str | None = None  # legacy16 only
    body_type: str | None = None  # legacy16 "0".."4"; skill_level22 "Y"/"S"; special_tech22 its 2 letters
    body_code: str | None = None  # legacy16: 8-digit 鉴定机构 code; skill_level22: 4 digits (0000 = 省)
    body_serial: str | None = None  # legacy16: 3 digits
    site_serial: str | None = None  # skill_level22: 6 digits
    serial: int | None = None
    problems: tuple[str, ...] = ()  # shape recognised but a field out of range
    imitates: str | None = None  # impossible: the national scheme whose shape it has but breaks

    @property
    def explanation(self) -> Text | None:
        """Why the number is impossible, in words; None when it is not."""
        if not self.impossible:
            return None
        return _explain(self)

    @property
    def needs_review(self) -> bool:
        return self.impossible or self.scheme in ("unknown", "special_tech22") or bool(self.problems)

    @property
    def valid(self) -> bool:
        """Recognised scheme with every field in range (special_tech22 cannot be checked field by field)."""
        return self.scheme in ("legacy16", "skill_level22") and not self.problems and not self.impossible


def _explain(parsed: ParsedNumber) -> Text:
    scheme = _SCHEME_NAMES.get(parsed.imitates or "")
    size = len(parsed.number)
    if parsed.reason == "charset":
        return Text("只能包含数字和大写字母", "may hold only digits and capital letters")
    if scheme is None or parsed.reason == "length":
        return Text("长度不可能属于任何全国编码规则", "its length fits no national numbering scheme")
    if parsed.reason in ("one_too_few", "one_too_many"):
        zh_more, en_more = ("少", "one character too few") if parsed.reason == "one_too_few" else (
            "多", "one character too many")
        return Text(f"共 {size} 位，比{scheme.zh}{zh_more}一位", f"{size} characters: {en_more} for {scheme.en}")
    if parsed.reason == "body_type_letter":
        return Text(f"{scheme.zh}的首字母只能是 Y（用人单位）或 S（社会培训评价组织），不能是 {parsed.number[0]}",
                    f"{scheme.en} starts with Y (employer) or S (social training and evaluation organisation), "
                    f"not {parsed.number[0]}")
    digit = parsed.number[10] if parsed.imitates == "legacy16" else parsed.number[15]
    return Text(f"{scheme.zh}的等级位只能是 1–5，不能是 {digit}",
                f"the level digit of {scheme.en} is 1–5, not {digit}")


def _impossible(raw: str, number: str, reason: str, imitates: str | None = None) -> ParsedNumber:
    return ParsedNumber(raw, number, "unknown", impossible=True, reason=reason, imitates=imitates)


def _near_miss(raw: str, number: str) -> ParsedNumber | None:
    """A number shaped like a national scheme but breaking it (DOMAIN §6.3), else None."""
    if _LEGACY_NEAR.fullmatch(number):
        return _impossible(raw, number, "one_too_few" if len(number) < 16 else "one_too_many", "legacy16")
    if _SKILL_NEAR.fullmatch(number):
        if len(number) != 22:
            return _impossible(raw, number, "one_too_few" if len(number) < 22 else "one_too_many",
                               "skill_level22")
        if number[0] not in SKILL_BODY_TYPES:
            return _impossible(raw, number, "body_type_letter", "skill_level22")
        if not 1 <= int(number[15]) <= 5:
            return _impossible(raw, number, "level_digit", "skill_level22")
    if _LEGACY16.fullmatch(number) and not 1 <= int(number[10]) <= 5:
        return _impossible(raw, number, "level_digit", "legacy16")
    return None


def expand_year(yy: int) -> int:
    """Two-digit year: 00–69 → 20xx, 70–99 → 19xx."""
    if not 0 <= yy <= 99:
        raise ValueError("two-digit year must be 0..99")
    return 2000 + yy if yy < 70 else 1900 + yy


def normalize_certificate_number(raw: str) -> str:
    if not isinstance(raw, str):
        raise TypeError("certificate number must be a str")
    text = "".join(raw.split()).translate(_FULL_WIDTH)
    return text.upper() if text.isascii() else text  # str.upper("ß") == "SS": never upper-case non-ASCII


def _year_problems(year: int, today: date | None) -> list[str]:
    return ["year_in_future"] if year > (today or china_today()).year else []


def parse_certificate_number(raw: str, *, today: date | None = None) -> ParsedNumber:
    number = normalize_certificate_number(raw)
    if not re.fullmatch(r"[0-9A-Z]*", number):
        return _impossible(raw, number, "charset")
    if not MIN_LENGTH <= len(number) <= MAX_LENGTH:
        return _impossible(raw, number, "length")
    if near_miss := _near_miss(raw, number):
        return near_miss

    if m := _LEGACY16.fullmatch(number):
        yy, prov, pref, btype, bserial, level, serial = m.groups()
        year = expand_year(int(yy))
        problems = _year_problems(year, today)
        if btype not in LEGACY_BODY_TYPES:
            problems.append("body_type_out_of_range")
        if int(serial) == 0:
            problems.append("serial_out_of_range")
        return ParsedNumber(
            raw, number, "legacy16", year=year, level_digit=int(level), province_code=prov,
            prefecture_code=pref, body_type=btype, body_code=number[2:10], body_serial=bserial,
            serial=int(serial), problems=tuple(problems),
        )

    if m := _SKILL22.fullmatch(number):
        btype, bcode, prov, site, yy, level, serial = m.groups()
        year = expand_year(int(yy))
        problems = _year_problems(year, today)
        if prov not in PROVINCE_CODES:
            problems.append("province_unknown")
        if int(serial) == 0:
            problems.append("serial_out_of_range")
        return ParsedNumber(
            raw, number, "skill_level22", year=year, level_digit=int(level), province_code=prov,
            body_type=btype, body_code=bcode, site_serial=site, serial=int(serial), problems=tuple(problems),
        )

    if m := _SPECIAL22.fullmatch(number):
        # "2 letters + 20 digits, the same 7 parts": the parts cannot add up to 20 digits as the 22-char
        # scheme's do, and the letters are unknown (DOMAIN §6.3, §9.4), so no field is read.
        return ParsedNumber(raw, number, "special_tech22", reason="layout_unconfirmed", body_type=m.group(1))

    hint = next((h for pattern, h in _UNKNOWN_HINTS if pattern.fullmatch(number)), "unrecognised")
    return ParsedNumber(raw, number, "unknown", reason=hint)


def check_consistency(parsed: ParsedNumber, *, level_digit: int | None, issue_year: int | None) -> list[str]:
    """Codes for where the number contradicts the record.

    Codes: "number_impossible", "level_mismatch", "year_mismatch".
    A field the scheme does not carry (unknown, special_tech22) is not checked: such numbers are flagged by
    `parsed.needs_review` instead. Pass None for a record field that is not known yet.
    """
    if parsed.impossible:
        return ["number_impossible"]
    codes = []
    if level_digit is not None and parsed.level_digit is not None and parsed.level_digit != level_digit:
        codes.append("level_mismatch")
    if issue_year is not None and parsed.year is not None and parsed.year != issue_year:
        codes.append("year_mismatch")
    return codes


def _digits(value: int | str, width: int, name: str) -> str:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be {width} digits")
    if isinstance(value, int):
        if not 0 <= value < 10**width:
            raise ValueError(f"{name} must be {width} digits, got {value}")
        return str(value).zfill(width)
    if isinstance(value, str) and len(value) == width and value.isascii() and value.isdigit():
        return value
    raise ValueError(f"{name} must be exactly {width} digits, got {value!r}")


def _int_in(value: int, low: int, high: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer in {low}..{high}, got {value!r}")
    return value


def format_skill_level22(
    body_type: str, body_code: str, province_code: str, site_serial: str, year: int, level_digit: int,
    serial: int,
) -> str:
    """A 22-character 职业技能等级证书 number, e.g. Y + 0001 + 23 + 000001 + 24 + 4 + 000001."""
    if body_type not in SKILL_BODY_TYPES:
        raise ValueError(f"body_type must be 'Y' (用人单位) or 'S' (社会培训评价组织), got {body_type!r}")
    code = _digits(body_code, 4, "body_code")
    prov = _digits(province_code, 2, "province_code")
    if prov not in PROVINCE_CODES:
        raise ValueError(f"province_code {prov!r} is not a GB/T 2260 province code")
    site = _digits(site_serial, 6, "site_serial")
    _int_in(year, 2000, 2069, "year")
    _int_in(level_digit, 1, 5, "level_digit")
    _int_in(serial, 1, 999_999, "serial")
    return f"{body_type}{code}{prov}{site}{year % 100:02d}{level_digit}{serial:06d}"


def format_legacy16(
    year: int, province_code: str, prefecture_code: str, body_type_digit: int | str, body_serial: int | str,
    level_digit: int, serial: int,
) -> str:
    """A 16-digit 职业资格证书 number; province_code may be an industry code (e.g. 72)."""
    _int_in(year, 1970, 2069, "year")
    prov = _digits(province_code, 2, "province_code")
    pref = _digits(prefecture_code, 2, "prefecture_code")
    btype = _digits(body_type_digit, 1, "body_type_digit")
    if btype not in LEGACY_BODY_TYPES:
        raise ValueError(f"body_type_digit must be 0..4, got {btype}")
    bserial = _digits(body_serial, 3, "body_serial")
    _int_in(level_digit, 1, 5, "level_digit")
    _int_in(serial, 1, 99_999, "serial")
    return f"{year % 100:02d}{prov}{pref}{btype}{bserial}{level_digit}{serial:05d}"
