"""The bureau officer's work queue and decision pages (UX "Bureau officer" 1, 2 and 5): what waits in the
region oldest first, a request beside the worker's whole history, the rule, earlier decisions and the
evidence; approve / reject / return with a reason and a confirmation, then the next item. Joins `bureau.bp`."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from credentials import Conflict, CredentialsError
from credentials.clock import china_today
from credentials.labels import STATE_NAMES
from credentials.models import Institution, Role
from credentials.permissions import decision_refusal
from credentials.queries.approvals import recognition_of, work_queue
from credentials.queries.progression import progression
from credentials.queries.scopes import institution_scope
from credentials.services.access_log import record_view
from credentials.services.competition_promotions import (
    confirm_competition_promotion,
    final_stage,
    reject_competition_promotion,
)
from credentials.services.institutions import is_accredited
from credentials.services.promotions import local_clauses, relied_rules
from credentials.services.reviews import DECISIONS, review_promotion
from ladder.i18n import Text
from ladder.review import review_rule, stages_for

from ...access import allow
from ...auth import current_actor
from ...exports import xlsx_response
from ...extensions import db
from ...i18n import error_text, level_name, localized
from ...lookups import proposal_or_404, request_or_404
from ..approval_forms import DecisionForm, ProposalForm, TakeUpForm
from ..approvals import (
    KIND_NAMES,
    ListPage,
    evidence_download,
    inbox_mark_read,
    inbox_page,
)
from ..forms import options
from ..pages import apply_field_error, page_args
from .blueprint import bp

QUEUE_KINDS = ("exceptional", "level_skipping", "competition", "plan")
# the queue's kinds by name: nominations and proposals, and enterprise contests applying for the plan
QUEUE_KIND_NAMES = {**KIND_NAMES, "plan": Text("纳入竞赛计划申请", "application for the competition plan")}


def _queue_filters() -> tuple[str | None, str | None]:
    kind = request.args.get("kind")
    occupation = request.args.get("occupation", "").strip()[:10] or None
    return (kind if kind in QUEUE_KINDS else None), occupation


@bp.get("/queue")
@allow(Role.BUREAU_OFFICER)
def queue():
    kind, occupation = _queue_filters()
    number, size = page_args()
    items, counts = work_queue(db.session(), current_actor(), kind=kind, occupation_code=occupation,
                               limit=number * size)
    total = counts[kind] if kind else sum(counts.values())
    page = ListPage(items[(number - 1) * size:number * size], number, size, total)
    return render_template("bureau/queue.html", page=page, counts=counts, kind=kind,
                           occupation=occupation or "", kinds=QUEUE_KINDS, kind_names=QUEUE_KIND_NAMES,
                           item_url=item_url)


@bp.get("/queue.xlsx")
@allow(Role.BUREAU_OFFICER)
def queue_export():
    kind, occupation = _queue_filters()
    items, _counts = work_queue(db.session(), current_actor(), kind=kind, occupation_code=occupation)
    headers = [_("类别"), _("编号"), _("姓名"), _("身份证号"), _("职业"), _("现有等级"), _("申报等级"), _("阶段"),
               _("等待天数")]
    rows = ([localized(QUEUE_KIND_NAMES[i.kind]), i.id, i.worker.name if i.worker else i.title,
             i.worker.id_masked if i.worker else "", i.occupation_name, level_name(i.current_level),
             level_name(i.target_level), i.stage, i.age_days()] for i in items)
    return xlsx_response(_("待办审批.xlsx"), headers, rows)


def _next_url(done_kind: str, done_id: int) -> str:
    items, _counts = work_queue(db.session(), current_actor(), limit=2)
    group = {"competition": "competition", "plan": "plan"}  # the other kinds are all promotion requests
    following = next((i for i in items if (group.get(i.kind, "request"), i.id)
                      != (group.get(done_kind, "request"), done_id)), None)
    if following is None:
        return url_for("bureau.queue")
    return item_url(following)


def item_url(item) -> str:
    """Where a queue item is decided."""
    if item.kind == "competition":
        return url_for("bureau.proposal", proposal_id=item.id)
    if item.kind == "plan":
        return url_for("bureau.competition", competition_id=item.id, _anchor="plan")
    return url_for("bureau.promotion", request_id=item.id)


# ---- a nomination ----------------------------------------------------------------------------------------

def _promotion_page(found, form: DecisionForm, status: int = 200):
    session = db.session()
    user = current_actor()
    on = china_today()
    rules = relied_rules(found.target_level, found.kind, on=on, city_code=found.city_code)
    return render_template(
        "bureau/promotion.html", req=found, form=form, take_up=TakeUpForm(version=found.version),
        refusal=decision_refusal(user, found), progress=progression(session, found.worker),
        recognition=recognition_of(session, found.worker_id), relied=rules.get(found.rule_id),
        national=[text for key, text in rules.items() if key.startswith("cn-")],
        clauses=[clause for _, clause in local_clauses(found.target_level, found.city_code, on=on)],
        review=review_rule(on),
        stages=stages_for(found.target_level, on=on)), status


@bp.get("/promotions/<int:request_id>")
@allow(Role.BUREAU_OFFICER)
def promotion(request_id: int):
    found = request_or_404(request_id)
    record_view(db.session(), viewer=current_actor(), worker=found.worker, where="bureau.promotion")
    db.session.commit()  # the page shows the worker's whole history: the worker may ask who looked
    return _promotion_page(found, DecisionForm(version=found.version))


@bp.post("/promotions/<int:request_id>/decision")
@allow(Role.BUREAU_OFFICER)
def decide(request_id: int):
    found = request_or_404(request_id)
    action = request.form.get("action")
    form = DecisionForm() if action in DECISIONS else TakeUpForm()
    if action not in (*DECISIONS, "review") or not form.validate_on_submit():
        return _promotion_page(found, form if isinstance(form, DecisionForm) else DecisionForm(), 422)
    try:
        if form.version.data != str(found.version):  # the page was out of date when the officer decided
            raise Conflict("already_decided", state=_state_pair(found))
        if action == "review":
            review_promotion(db.session(), found, by=current_actor())
        else:
            DECISIONS[action](db.session(), found, reason=form.reason.data, by=current_actor())
    except Conflict as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for("bureau.promotion", request_id=request_id)), 303
    except CredentialsError as error:
        db.session.rollback()
        if not apply_field_error(form, error):
            flash(error_text(error), "error")
        return _promotion_page(request_or_404(request_id), form, error.status)
    db.session.commit()
    if action == "review":
        flash(_("已受理，请审核后作出决定"), "success")
        return redirect(url_for("bureau.promotion", request_id=request_id))
    flash(_("已记录决定：%(state)s", state=localized(_state_pair(found))), "success")
    return redirect(_next_url(found.kind.value, found.id))


def _state_pair(found):

    return STATE_NAMES[found.state]


@bp.get("/evidence/<int:evidence_id>")
@allow(Role.BUREAU_OFFICER)
def evidence(evidence_id: int):
    return evidence_download(evidence_id)


# ---- a competition proposal ------------------------------------------------------------------------------

def _issuers(proposal) -> list[Institution]:
    """Institutions of the officer's region accredited for the occupation at the target level today."""
    session = db.session()
    candidates = session.scalars(select(Institution).where(institution_scope(current_actor()))
                                 .order_by(Institution.name).limit(500))
    return [i for i in candidates if is_accredited(session, i, proposal.occupation, proposal.target_level,
                                                   china_today())]


def _proposal_page(found, form: ProposalForm, status: int = 200):
    session = db.session()
    form.issuer_id.choices = options((i.id, i.name) for i in _issuers(found))
    return render_template(
        "bureau/proposal.html", proposal=found, form=form, progress=progression(session, found.worker),
        recognition=recognition_of(session, found.worker_id), final_stage=final_stage(found)), status


@bp.get("/proposals/<int:proposal_id>")
@allow(Role.BUREAU_OFFICER)
def proposal(proposal_id: int):
    found = proposal_or_404(proposal_id)
    record_view(db.session(), viewer=current_actor(), worker=found.worker, where="bureau.proposal")
    db.session.commit()  # the page shows the worker's whole history: the worker may ask who looked
    return _proposal_page(found, ProposalForm(version=found.version))


@bp.post("/proposals/<int:proposal_id>/decision")
@allow(Role.BUREAU_OFFICER)
def decide_proposal(proposal_id: int):
    found = proposal_or_404(proposal_id)
    form = ProposalForm()
    form.issuer_id.choices = options((i.id, i.name) for i in _issuers(found))
    action = request.form.get("action")
    if action not in ("confirm", "reject") or not form.validate_on_submit():
        return _proposal_page(found, form, 422)
    session = db.session()
    try:
        if form.version.data != str(found.version):
            raise Conflict("already_decided", state=Text("已被他人处理", "decided"))
        if action == "confirm":
            issuer = session.get(Institution, int(form.issuer_id.data)) if form.issuer_id.data else None
            if issuer is None:
                form.issuer_id.errors = [_("请选择发证机构")]
                return _proposal_page(found, form, 422)
            certificate = confirm_competition_promotion(session, found, issuer=issuer, by=current_actor())
            message = _("已确认，证书 %(number)s 已发放", number=certificate.number)
        else:
            reject_competition_promotion(session, found, reason=form.reason.data, by=current_actor())
            message = _("已记录不予确认")
    except Conflict as error:
        db.session.rollback()
        flash(error_text(error), "error")
        return redirect(url_for("bureau.proposal", proposal_id=proposal_id)), 303
    except CredentialsError as error:
        db.session.rollback()
        if not apply_field_error(form, error):
            flash(error_text(error), "error")
        return _proposal_page(proposal_or_404(proposal_id), form, error.status)
    db.session.commit()
    flash(message, "success")
    return redirect(_next_url("competition", found.id))


# ---- inbox -----------------------------------------------------------------------------------------------

@bp.get("/inbox")
@allow(Role.BUREAU_OFFICER)
def inbox():
    return inbox_page("bureau.inbox_read")


@bp.post("/inbox/read")
@allow(Role.BUREAU_OFFICER)
def inbox_read():
    return inbox_mark_read("bureau.inbox")

