"""What every audience's pages share: pagination and the form-write helper (commit or show the error)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask, before_render_template, current_app, flash, g, request
from flask_wtf import FlaskForm
from jinja2 import Template

from credentials import CredentialsError

from ..extensions import db
from ..i18n import error_text


def page_args() -> tuple[int, int]:
    """Page number and size from the query string, bounded."""
    page = request.args.get("page", "1")
    size = request.args.get("per_page", str(current_app.config["PAGE_SIZE"]))
    page_number = int(page) if page.isdigit() and 0 < len(page) < 7 else 1
    page_size = int(size) if size.isdigit() and len(size) < 5 else current_app.config["PAGE_SIZE"]
    return page_number, max(1, min(page_size, current_app.config["MAX_PAGE_SIZE"]))


def paginate(statement):
    page, per_page = page_args()
    return db.paginate(statement, page=page, per_page=per_page, error_out=False, count=True)


def apply_field_error(form, error) -> bool:
    """Show a domain error next to its field when the form has that field; else the caller flashes."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        return False
    field.errors = [*field.errors, error_text(error)]
    return True


def commit_or_show(form, write):
    """Run a form's domain write: commit it and return its result; or, when the domain refuses, roll back,
    show the error beside its field (a flash when no field fits) and return None."""
    try:
        result = write()
    except CredentialsError as error:
        db.session.rollback()
        if not apply_field_error(form, error):
            flash(error_text(error), "error")
        g.form_refused = True
        return None
    db.session.commit()
    return result


def form_status(form) -> int:
    """422 when the form (or the domain behind it) refused the input, else 200."""
    return 422 if form.errors or g.get("form_refused") else 200


@dataclass(frozen=True)
class RefusedField:
    field_id: str
    label: str
    message: str


def error_summary(context: Mapping[str, object]) -> list[RefusedField]:
    """Every field error of every form a page renders, in form order: what the summary at the top lists
    (UX: after a refused form, focus moves to a summary of its errors, each linking to its field)."""
    refused = []
    for value in context.values():
        if isinstance(value, FlaskForm) and value.errors:
            for field in value:
                for message in field.errors if isinstance(field.errors, list) else []:
                    refused.append(RefusedField(field.id, str(field.label.text), str(message)))
    return refused


def _add_error_summary(sender: Flask, template: Template, context: dict[str, object], **_extra: object) -> None:
    context.setdefault("error_summary", error_summary(context))


def init_app(app: Flask) -> None:
    before_render_template.connect(_add_error_summary, app)
