"""Page blueprints, one per audience: name == URL prefix == template folder."""

from __future__ import annotations

from flask import current_app, request

from credentials import PersonalDataVault

from ..extensions import db


def vault() -> PersonalDataVault:
    return current_app.extensions["vault"]


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
    from ..i18n import error_text

    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        return False
    field.errors = [*field.errors, error_text(error)]
    return True
