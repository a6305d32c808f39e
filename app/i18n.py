"""Chinese first, English complete: locale choice, and texts for domain errors and levels."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request
from flask_babel import get_locale

from credentials import CredentialsError
from credentials.clock import china_date
from credentials.services.overtaken import reason_text
from ladder.frameworks import get_level, level_rank
from ladder.i18n import Text, localize

from .config import ROOT
from .extensions import babel

LANG_COOKIE = "lang"


def select_locale() -> str:
    """`?lang=`, then the language cookie; API clients may also say it with Accept-Language. Chinese by
    default: pages do not follow the browser's language, since the service is Chinese first."""
    choice = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if choice is None and request.path.startswith("/api/"):
        choice = request.accept_languages.best_match(("zh", "en"))
    return choice if choice in ("zh", "en") else "zh"


def locale_code() -> str:
    return str(get_locale() or "zh")


def is_english() -> bool:
    return locale_code().startswith("en")


def error_text(error: CredentialsError) -> str:
    return error.message(locale_code())


def localized(value: Text | tuple[str, str] | list[str] | dict[str, str] | None) -> str:
    """The one way a bilingual text (a `ladder.i18n.Text`, or a stored form of one) reaches a reader: in
    the page's language."""
    return localize(value, "en" if is_english() else "zh")


def stored_reason(reason: str | None) -> str:
    """A stored free-text reason in the page's language: the system's bilingual ones (`reason_text`) in one
    language, a person's own words as typed."""
    text = reason_text(reason or "")
    return localized(text) if isinstance(text, Text) else text


def level_name(code: str | None, framework: str = "skill-2022") -> str:
    if not code:
        return ""
    level = get_level(code, framework)
    return level.name_en if is_english() else level.name_zh


def format_date(value: date | datetime | None, style: str = "short") -> str:
    """2024-07-01 everywhere; `long` gives 2024年7月1日 in Chinese."""
    if value is None:
        return ""
    if isinstance(value, datetime):  # a stored moment (UTC; naive = UTC): the day it was in China
        value = china_date(value)
    if style == "long" and not is_english():
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def init_app(app: Flask) -> None:

    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(ROOT / "app" / "translations"))
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.globals.update(level_name=level_name, level_rank=level_rank, is_english=is_english,
                                 locale_code=locale_code, localized=localized, stored_reason=stored_reason,
                                 error_text=error_text)
