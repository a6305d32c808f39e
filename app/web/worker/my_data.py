"""Everything held about me (PIPL art. 45): the worker downloads it as JSON or reads and prints it as a page,
and decides whether they appear on public pages. Each download is audited; the page shows who looked at the
record (credentials.services.access_log)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf

from credentials import CredentialsError
from credentials.clock import china_today
from credentials.models import Base, Role
from credentials.queries.my_data import everything_held
from credentials.queries.my_data_titles import LEVEL_COLUMNS, column_label, table_title, value_label
from credentials.services.access_log import record_export
from credentials.services.consent import set_public_consent
from credentials.services.inbox import MESSAGES, render

from ...access import allow
from ...auth import current_actor
from ...extensions import db
from ...i18n import error_text, is_english, level_name, localized
from ...lookups import vault
from .blueprint import bp

# Ids that the `names` part of the export turns into words, by the table they point at.
NAMED = ("cities", "institutions", "occupations", "users", "programmes")
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


class ConsentForm(FlaskForm):
    consent = HiddenField(validators=[AnyOf(("yes", "no"))])


@dataclass(frozen=True)
class Section:
    table: str
    title: str
    other_title: str  # the title in the other language: the printout is read by people of either
    rows: list[list[tuple[str, str]]]  # each record: (label, value) pairs


def _named_targets(table: str) -> dict[str, str]:
    """column -> the table its ids point at, for columns whose ids `names` explains."""
    found = Base.metadata.tables.get(table)
    if found is None:
        return {}
    return {column.name: fk.column.table.name for column in found.columns for fk in column.foreign_keys
            if fk.column.table.name in NAMED}


def _person(value: dict[str, Any]) -> str:
    organisation = localized(value["organisation"])
    return f"{value['name']} · {organisation}" if value.get("name") else organisation


def _level(code: str) -> str:
    try:
        return level_name(code)
    except (KeyError, ValueError):  # a code of another framework, or none: as stored
        return code


def _shown(value: object, target: str | None, names: dict[str, dict[str, Any]], column: str = "") -> str:
    """A stored value as a reader sees it: ids named, levels and a few vocabularies in words, moments short."""
    if value is None or value == "":
        return "—"
    if target is not None:
        named = names.get(target, {}).get(str(value))
        if named is not None:
            return _person(named) if target == "users" else str(named)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        if column in LEVEL_COLUMNS:
            return _level(value)
        worded = value_label(column, value)
        if worded is not None:
            return localized(worded)
        if MOMENT.match(value):
            return moment(value)
    return str(value)


def _message_text(row: dict[str, Any]) -> str:
    if row.get("code") not in MESSAGES:
        return _shown(row.get("params"), None, {})
    subject, body = render(SimpleNamespace(code=row["code"], params=row.get("params")),  # type: ignore[arg-type]
                           "en" if is_english() else "zh")
    return f"{subject}：{body}" if body else subject


def _rows(table: str, rows: list[dict[str, Any]], names: dict[str, dict[str, Any]]) -> list[list[tuple[str, str]]]:
    targets = _named_targets(table)
    shown = []
    for row in rows:
        pairs = [(localized(column_label(column)), _shown(value, targets.get(column), names, column))
                 for column, value in row.items() if not (table == "inbox_messages" and column == "params")]
        if table == "inbox_messages":
            pairs.append((_("内容"), _message_text(row)))
        shown.append(pairs)
    return shown


def sections(export: dict[str, Any]) -> list[Section]:
    lang, other = ("en", "zh") if is_english() else ("zh", "en")
    found = []
    for table, part in export["records"].items():
        title = table_title(table)
        found.append(Section(table, title.get(lang), title.get(other), _rows(table, part["rows"], export["names"])))
    return found


def identity_rows(export: dict[str, Any]) -> list[tuple[str, str]]:
    identity = dict(export["identity"])
    targets = _named_targets("workers")
    rows = [(_("身份证号"), identity.pop("national_id"))]
    rows += [(localized(column_label(column)), _shown(value, targets.get(column), export["names"], column))
             for column, value in identity.items()]
    return rows


def moment(iso: str | None) -> str:
    """2024-07-01 10:20 from the export's ISO moments (already China time)."""
    return iso[:16].replace("T", " ") if iso else ""


def changes(event: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, before, after) of an audit event, for every field that differs."""
    before, after = event.get("before") or {}, event.get("after") or {}
    keys = [key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
    return [(key, _shown(before.get(key), None, {}, key) if key in before else "",
             _shown(after.get(key), None, {}, key)) for key in keys]


def _export(form: str) -> dict[str, Any]:
    """The export for the signed-in worker, its download noted on the audit trail (and committed) first."""
    user = current_actor()
    session = db.session()
    record_export(session, worker=user.worker, by=user, form=form)
    session.commit()
    # The vault reveals the full ID number: passed here, where the worker asks for their own data, only.
    return everything_held(session, user.worker, vault=vault())


@bp.get("/my-data")
@allow(Role.WORKER)
def my_data():
    export = _export("page")
    return render_template("worker/my_data.html", export=export, identity=identity_rows(export),
                           sections=sections(export), form=ConsentForm(formdata=None),
                           person=_person, moment=moment, changes=changes)


@bp.get("/my-data.json")
@allow(Role.WORKER)
def my_data_json():
    export = _export("json")
    body = json.dumps(export, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="my-data-{china_today().isoformat()}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/my-data/consent")
@allow(Role.WORKER)
def consent():
    user = current_actor()
    form = ConsentForm()
    if not form.validate_on_submit():
        flash(_("请重新选择是否公开展示"), "error")
        return redirect(url_for("worker.my_data", _anchor="consent"))
    agreed = form.consent.data == "yes"
    try:
        set_public_consent(db.session(), user.worker, agreed, by=user)
    except CredentialsError as error:  # unchanged (a second click, an old page): say so, nothing written
        db.session.rollback()
        flash(error_text(error), "error")
    else:
        db.session.commit()
        flash(_("已同意在公开页面展示") if agreed else _("已撤回同意，不在公开页面展示"), "success")
    return redirect(url_for("worker.my_data", _anchor="consent"))
