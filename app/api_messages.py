"""The API's own words in the reader's language: problem titles, and marshmallow's field messages.

marshmallow speaks English; its messages are few and regular, so they are matched here and given in
Chinese (the default locale) — `Accept-Language: en` or `?lang=en` keeps the English.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from .i18n import is_english

TITLES = {
    400: _l("请求无效"), 401: _l("需要登录"), 403: _l("无权访问"), 404: _l("未找到"), 405: _l("不支持该请求方法"),
    409: _l("与现有记录冲突"), 413: _l("请求过大"), 415: _l("不支持的内容类型"), 422: _l("输入有误"),
    429: _l("请求过于频繁"), 500: _l("服务器内部错误"), 503: _l("服务暂不可用"),
}

_FIELD_MESSAGES = [
    (r"Missing data for required field\.", "必填字段缺失。"),
    (r"Field may not be null\.", "该字段不能为空值。"),
    (r"Unknown field\.", "未知字段。"),
    (r"Not a valid integer\.", "不是有效的整数。"),
    (r"Not a valid number\.", "不是有效的数字。"),
    (r"Not a valid string\.", "不是有效的字符串。"),
    (r"Not a valid boolean\.", "不是有效的布尔值。"),
    (r"Not a valid date\.", "不是有效的日期（应为 YYYY-MM-DD）。"),
    (r"Not a valid datetime\.", "不是有效的日期时间。"),
    (r"Not a valid list\.", "不是有效的列表。"),
    (r"Invalid input type\.", "输入类型无效。"),
    (r"String does not match expected pattern\.", "格式不正确。"),
    (r"Must be one of: (?P<choices>.+)\.", "必须是以下之一：{choices}。"),
    (r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.",
     "必须在 {min} 到 {max} 之间。"),
    (r"Must be greater than or equal to (?P<min>\S+)\.", "不能小于 {min}。"),
    (r"Must be less than or equal to (?P<max>\S+)\.", "不能大于 {max}。"),
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.", "长度必须在 {min} 到 {max} 之间。"),
    (r"Longer than maximum length (?P<max>\d+)\.", "长度不能超过 {max}。"),
    (r"Shorter than minimum length (?P<min>\d+)\.", "长度不能少于 {min}。"),
    (r"Must be (?P<enum>.+)\.", "必须是 {enum}。"),
]
_COMPILED = [(re.compile(f"^{pattern}$"), zh) for pattern, zh in _FIELD_MESSAGES]


def localise_field_messages(messages: object) -> object:
    """Field messages (possibly nested, as marshmallow returns them) in the reader's language."""
    if is_english():
        return messages
    if isinstance(messages, dict):
        return {key: localise_field_messages(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [localise_field_messages(value) for value in messages]
    if isinstance(messages, str):
        for pattern, zh in _COMPILED:
            found = pattern.match(messages)
            if found:
                return zh.format(**found.groupdict())
    return messages


def title_for(status: int, fallback: str) -> str:
    return str(TITLES[status]) if status in TITLES else fallback
