"""The whole audit trail for the audit administrator alone (等保 level 3, security audit; 三员分立: the security
administrator who grants rights neither reads nor exports it, and the auditor changes nothing): filtered by
action prefix, entity, actor and China dates; newest first, fifty a page, paged by keyset; exported to XLSX up to
a cap, and the export is itself a line of the trail."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional, ValidationError

from credentials.clock import china_now
from credentials.identity import mask_name
from credentials.models import AdminDuty, AuditEvent, Role, User
from credentials.queries.audit_log import AuditFilter, audit_page, audit_trail
from credentials.services.audit import record

from ..access import allow
from ..auth import current_actor
from ..exports import stream, xlsx_response
from ..extensions import db
from .admin_blueprint import bp

EXPORT_CAP = 50_000  # one download; a longer trail is narrowed by date first (the message says so)
SHOWN = 160  # characters of a before/after snapshot shown in a row before it folds
CELL = 32_000  # an XLSX cell holds at most 32,767 characters


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search: nothing changes

    action = StringField(_l("操作（开头）"), validators=[Optional(), Length(max=64)],
                         description=_l("例如 account. 或 auth.sign_in"))
    entity_type = StringField(_l("对象类型"), validators=[Optional(), Length(max=32)], description=_l("例如 user"))
    entity_id = StringField(_l("对象编号"), validators=[Optional(), Length(max=64)])
    actor = StringField(_l("操作者账号"), validators=[Optional(), Length(max=64)])
    since = DateField(_l("起始日期（北京时间）"), validators=[Optional()])
    until = DateField(_l("截止日期（北京时间）"), validators=[Optional()])

    def validate_until(self, field: DateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_("截止日期不能早于起始日期"))


def _number(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) <= 12 else None


def _filters() -> tuple[AuditFilterForm, AuditFilter]:
    """The form as typed (errors shown beside their fields) and the filter made of its valid parts."""
    form = AuditFilterForm(request.args)
    form.validate()

    def valid(field: Any) -> Any:
        return None if field.errors else field.data

    def text(field: Any) -> str:
        return (valid(field) or "").strip()

    return form, AuditFilter(action_prefix=text(form.action), entity_type=text(form.entity_type),
                             entity_id=text(form.entity_id), actor_account=text(form.actor),
                             actor_id=_number("actor_id"), since=valid(form.since), until=valid(form.until))


def moment(event: AuditEvent) -> str:
    return china_now(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S")


def actor_name(user: User | None) -> str:
    if user is None:
        return _("系统或未登录者")
    if user.role is Role.WORKER:
        return mask_name(user.display_name)
    return f"{user.display_name}（{user.username}）"


def snapshot(value: dict[str, Any] | None) -> str:
    """A before/after snapshot on one line (they hold masked values only: credentials.services.audit.record)."""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


@bp.get("/audit")
@allow(Role.ADMIN, duty=AdminDuty.AUDIT)
def audit():
    form, filters = _filters()
    page = audit_page(db.session(), filters, before=_number("before"), after=_number("after"))
    kept = {key: value for key, value in request.args.items() if key not in ("before", "after") and value}
    return render_template("admin/audit.html", form=form, page=page, kept=kept, actor_name=actor_name,
                           snapshot=snapshot, moment=moment, shown=SHOWN, cap=EXPORT_CAP,
                           actor_id=filters.actor_id), 200


@bp.get("/audit.xlsx")
@allow(Role.ADMIN, duty=AdminDuty.AUDIT)
def audit_export():
    """At most EXPORT_CAP rows; a larger set is refused with a message (never cut short silently). The rows are
    fixed at the newest one the count saw, and the export is recorded with its filters."""
    _form, filters = _filters()
    statement = audit_trail(filters)
    bounded = statement.order_by(None).with_only_columns(AuditEvent.id).limit(EXPORT_CAP + 1).subquery()
    count = db.session.scalar(select(func.count()).select_from(bounded)) or 0
    if count > EXPORT_CAP:
        flash(_("筛选出的审计记录超过 %(cap)s 条，未导出。请缩小日期范围或加上其他条件后再导出。",
                cap=f"{EXPORT_CAP:,}"), "error")
        return redirect(url_for("admin.audit", **request.args))
    newest = db.session.scalar(statement.with_only_columns(AuditEvent.id).limit(1)) or 0
    record(db.session(), actor=current_actor(), action="audit.exported", entity_type="audit_trail",
           entity_id=newest, after={"filters": filters.as_dict(), "rows": count})
    actors: dict[int, User | None] = {}

    def who(actor_id: int | None) -> tuple[str, str]:
        if actor_id is None:
            return "", actor_name(None)
        if actor_id not in actors:
            actors[actor_id] = db.session.get(User, actor_id)
        user = actors[actor_id]
        return ((user.username or "") if user is not None else ""), actor_name(user)

    headers = [_("编号"), _("时间（北京时间）"), _("操作者账号"), _("操作者"), _("操作"), _("对象类型"), _("对象编号"),
               _("变更前"), _("变更后"), _("哈希")]
    rows = ((e.id, e.occurred_at, *who(e.actor_id), e.action, e.entity_type, e.entity_id,
             snapshot(e.before)[:CELL], snapshot(e.after)[:CELL], e.hash)
            for e in stream(statement.where(AuditEvent.id <= newest)))
    return xlsx_response(_("审计记录") + ".xlsx", headers, rows)
