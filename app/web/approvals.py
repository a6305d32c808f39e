"""What the approval pages of every audience share: scoped look-ups (another's record is 404), evidence
downloads served safely, the inbox page, a pager for lists built in Python, and template helpers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import quote

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from credentials.labels import ACTION_NAMES, STAGE_NAMES, STATE_NAMES
from credentials.models import (
    Evidence,
    EvidenceBlob,
    PromotionKind,
    PromotionRequest,
    ProposalState,
    ResultOutcome,
    Role,
)
from credentials.queries.scopes import promotion_scope
from credentials.services.inbox import inbox_of, mark_read, render, unread_count
from credentials.uploads import MAX_EVIDENCE_BYTES, clean_filename
from ladder.competitions import medals, tiers
from ladder.frameworks import vocabulary
from ladder.i18n import Text

from ..auth import current_actor
from ..extensions import db
from ..i18n import is_english, localized
from .pages import page_args, paginate

KIND_NAMES = {PromotionKind.EXCEPTIONAL.value: vocabulary("promotion_routes")["exceptional"],
              PromotionKind.LEVEL_SKIPPING.value: vocabulary("promotion_routes")["skip"],
              "competition": vocabulary("promotion_routes")["competition"]}
PROPOSAL_NAMES = {ProposalState.PROPOSED: Text("待确认", "awaiting confirmation"),
                  ProposalState.CONFIRMED: Text("已确认", "confirmed"), ProposalState.REJECTED: Text("未确认", "not confirmed")}
OUTCOME_NAMES = {ResultOutcome.PROPOSED: Text("已生成晋升建议", "promotion proposed"),
                 ResultOutcome.NO_PROMOTION: Text("奖励办法不晋升等级", "no level under the rule"),
                 ResultOutcome.LIMIT_REACHED: Text("已达每年竞赛晋升上限", "yearly limit reached"),
                 ResultOutcome.NOT_IN_PLAN: Text("未纳入政府竞赛计划", "not in the government plan"),
                 ResultOutcome.NO_RULE: Text("无适用的奖励办法", "no reward rule applies")}


def register_helpers(bp: Blueprint) -> None:
    """Jinja globals (not a context processor: macros imported without context see globals only)."""
    bp.record_once(lambda state: state.app.jinja_env.globals.update(approval_helpers()))


def approval_helpers() -> dict:
    return {"state_names": STATE_NAMES, "stage_names": STAGE_NAMES,
            "action_names": ACTION_NAMES, "kind_names": KIND_NAMES, "proposal_names": PROPOSAL_NAMES,
            "outcome_names": OUTCOME_NAMES, "vocabulary_text": vocabulary_text, "medal_text": medal_text,
            "tier_text": tier_text}


def vocabulary_text(group: str, code: str) -> str:
    found = vocabulary(group).get(code)
    return localized(found) if found else code


def medal_text(code: str | None) -> str:

    return localized(medals()[code]) if code in medals() else (code or "")


def tier_text(code: str) -> str:

    return localized(tiers()[code]) if code in tiers() else code




def evidence_download(evidence_id: int) -> Response:
    """Only to those who may see the request; always an attachment, never rendered (SECURITY.md trap 5)."""
    evidence = db.session.scalar(select(Evidence).join(PromotionRequest).where(
        Evidence.id == evidence_id, promotion_scope(current_actor())))
    if evidence is None:
        abort(404)
    content = db.session.scalar(select(EvidenceBlob.content).where(EvidenceBlob.evidence_id == evidence.id))
    return evidence_attachment(evidence.id, evidence.original_name, evidence.content_type, content)


def evidence_attachment(evidence_id: int, original_name: str, content_type: str, content: bytes | None) -> Response:
    """An evidence file as a download that no browser renders: attachment, nosniff, sandbox CSP."""
    name = clean_filename(original_name) or "evidence"
    extension = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    response = Response(content, mimetype=content_type)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"evidence-{evidence_id}{extension}\"; filename*=UTF-8''{quote(name)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


def uploaded_files(field) -> list[tuple[str, bytes]]:
    """(name, bytes) of each file chosen; reading stops one byte past the limit so the domain can say why."""
    files = []
    for storage in field.data or []:
        if storage and getattr(storage, "filename", ""):
            files.append((storage.filename, storage.read(MAX_EVIDENCE_BYTES + 1)))
    return files


@dataclass
class ListPage:
    """The `pager` macro's interface over a list built in Python (the work queue merges two queries)."""

    items: list
    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, items: list) -> ListPage:
        page, per_page = page_args()
        start = (page - 1) * per_page
        return cls(items[start:start + per_page], page, per_page, len(items))

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


# ---- inbox ----------------------------------------------------------------------------------------------

LINKS = {
    Role.WORKER: {"promotion_request": ("worker.promotion", "request_id"),
                  "competition_promotion": ("worker.home", None),
                  "application": ("worker.application", "application_id"),
                  "appraisal_result": ("worker.applications", None), "certificate": ("worker.home", None),
                  "correction_request": ("worker.correction", "correction_id")},
    Role.INSTITUTION_STAFF: {"promotion_request": ("institution.nomination", "request_id"),
                             "correction_request": ("institution.correction_request", "correction_id"),
                             "application": ("institution.application", "application_id"),
                             "competition": ("institution.competitions", None),
                             "competition_promotion": ("institution.competitions", None)},
    Role.BUREAU_OFFICER: {"promotion_request": ("bureau.promotion", "request_id"),
                          "correction_request": ("bureau.correction_request", "correction_id"),
                          "competition_promotion": ("bureau.proposal", "proposal_id"),
                          "competition": ("bureau.competition", "competition_id")},
}


def message_link(message) -> str | None:
    target = LINKS.get(current_actor().role, {}).get(message.entity_type or "")
    if target is None:
        return None
    endpoint, argument = target
    return url_for(endpoint, **({argument: message.entity_id} if argument else {}))


def inbox_page(read_endpoint: str):
    user = current_actor()
    page = paginate(inbox_of(user))
    lang = "en" if is_english() else "zh"
    rows = [(message, *render(message, lang), message_link(message)) for message in page.items]
    return render_template("_inbox_page.html", page=page, rows=rows, unread=unread_count(db.session(), user),
                           read_endpoint=read_endpoint, endpoint=request.endpoint)


def inbox_mark_read(endpoint: str):
    mark_read(db.session(), current_actor())
    db.session.commit()
    return redirect(url_for(endpoint))


def inbox_title() -> str:
    return _("消息")
