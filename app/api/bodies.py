"""Request bodies of the JSON API, read strictly before any view sees them.

webargs reads bodies with the standard library's `json.loads`, which (a) lets a duplicated key win
silently ({"reason": "x", "reason": "y"}), (b) accepts NaN and Infinity, which are not JSON, and (c) raises a
plain ValueError, not a JSON error, for an integer of more than 4,300 digits — a 500; (d) turns an escaped lone
surrogate ("\\ud800") into a string no database can store — a 500 again. And a `text/plain`
body was answered 422 "field missing" instead of 415. Every body is checked here first: refused bodies get
a problem document (400 or 415) and the view never runs.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, request
from flask_babel import gettext as _

from ..errors import problem

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
ACCEPTED = ("application/json", "multipart/form-data")  # multipart: file uploads (imports, evidence)
MAX_INT_DIGITS = 30  # far beyond any id, count or score the registry stores


class RefusedBody(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated:
        raise RefusedBody(f"duplicate keys: {', '.join(duplicated)}")
    return dict(pairs)


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise RefusedBody(f"a number with more than {MAX_INT_DIGITS} digits")
    return int(text)


def _no_constants(name: str) -> float:
    raise RefusedBody(f"{name} is not JSON")


def _check_text(value: Any) -> None:
    """Every string (keys included) must be real Unicode text: a lone surrogate cannot be encoded as UTF-8."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise RefusedBody("text with a lone surrogate (\\ud800-\\udfff)") from None


def strict_loads(data: bytes | str) -> Any:
    """Standard JSON only: unique keys, no NaN/Infinity, integers of sensible length, real Unicode text."""
    loaded = json.loads(data, object_pairs_hook=_no_duplicates, parse_int=_bounded_int,
                        parse_constant=_no_constants)
    _check_text(loaded)
    return loaded


def check_body() -> Response | None:
    if not request.path.startswith("/api/") or request.method not in BODY_METHODS:
        return None
    if not request.content_length and not request.get_data(cache=True):
        return None
    if request.mimetype not in ACCEPTED and not request.mimetype.endswith("+json"):
        return problem(415, _("不支持的请求格式"),
                       _("请以 application/json 发送请求正文（收到 %(type)s）", type=request.mimetype or "-"))
    if request.mimetype == "multipart/form-data":
        return None
    try:
        strict_loads(request.get_data(cache=True))
    except RefusedBody as refused:
        return problem(400, _("请求无效"), _("请求正文不是规范的 JSON：%(reason)s", reason=str(refused)))
    except (ValueError, RecursionError):
        return problem(400, _("请求无效"), _("请求正文不是有效的 JSON"))
    return None


def init_app(app: Flask) -> None:
    app.before_request(check_body)
