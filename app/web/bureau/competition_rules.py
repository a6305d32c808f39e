"""Competition reward rules for bureaus (issue 14 item 6): a city or province bureau enters the rule its own
competition notice sets, previews what it would give the results already entered in the region's matching
competitions, saves it (a rule results were judged under gets a new version instead of changing), and judges
a competition's waiting results again under it. Other officers of the region read; the ministry reads all.
Joins `bureau.bp`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from credentials import Conflict, CredentialsError
from credentials.identity import mask_name
from credentials.models import CompetitionRule, Role
from credentials.permissions import covers_city, may_edit_rule, may_write_rules
from credentials.queries.competition_rules import (
    BUREAU_TIERS,
    competitions_naming,
    competitions_waiting,
    proposals_under,
    reward_text,
    rule_in_use,
    rule_name,
    rules_for,
    versions_of,
)
from credentials.services.competition_rules import create_rule, preview_rule, revise_rule
from ladder.competitions import tiers

from ...access import allow
from ...auth import current_actor
from ...exports import xlsx_response
from ...extensions import db
from ...i18n import error_text, localized
from ...lookups import competition_rule_or_404
from ..pages import paginate
from .blueprint import bp
from .rule_forms import RuleForm, rule_form_data


def _tier_codes() -> tuple[str, ...]:
    user = current_actor()
    return BUREAU_TIERS.get(user.bureau_scope, ()) if user.bureau_scope else ()


def _writer_or_403() -> None:
    if not may_write_rules(current_actor()):
        abort(403)  # the ministry reads every rule and writes none


def _refused(form: RuleForm, error: CredentialsError) -> None:
    db.session.rollback()
    field = form.field_for(error.field) if error.field else None
    if field is None or field is form.rewards:
        flash(error_text(error), "error")
    else:
        field.errors = [*field.errors, error_text(error)]


def _form_page(form: RuleForm, *, rule: CompetitionRule | None = None, preview=None, status: int = 200):
    return render_template("bureau/competition_rule_form.html", form=form, rule=rule, preview=preview,
                           reward_text=reward_text, rule_name=rule_name, shown_name=_shown_name,
                           used=rule is not None and _used(rule)), status


def _shown_name(worker) -> str:
    """Workers of the officer's region by name; others (a contest may have entrants from elsewhere) masked."""
    return worker.name if covers_city(current_actor(), worker.city_code) else mask_name(worker.name)


def _used(rule: CompetitionRule) -> bool:
    return rule_in_use(db.session(), rule)


def _submit(form: RuleForm, *, rule: CompetitionRule | None):
    """Preview (nothing saved) or save, by the button pressed; errors stay beside their fields."""
    if not form.validate_on_submit():
        return _form_page(form, rule=rule, status=422)
    session, user = db.session(), current_actor()
    try:
        if request.form.get("action") == "preview":
            preview = preview_rule(session, form.draft(), by=user, replacing=rule)
            db.session.rollback()
            return _form_page(form, rule=rule, preview=preview)
        saved = create_rule(session, form.draft(), by=user) if rule is None else revise_rule(
            session, rule, form.draft(), by=user)
    except Conflict as error:  # another officer revised the rule first: show the newest version
        db.session.rollback()
        flash(error_text(error), "error")
        assert rule is not None  # only a revision conflicts
        return redirect(url_for("bureau.competition_rule", rule_id=versions_of(db.session(), rule)[0].id)), 303
    except CredentialsError as error:
        _refused(form, error)
        return _form_page(form, rule=rule, status=error.status)
    db.session.commit()
    if rule is not None and saved.id != rule.id:
        flash(_("原办法已被使用，已保存为第 %(version)s 版；原版本保留，继续说明按其作出的建议。",
                version=saved.version), "success")
    else:
        flash(_("已保存奖励办法“%(name)s”", name=localized(rule_name(saved))), "success")
    return redirect(url_for("bureau.competition_rule", rule_id=saved.id))


@bp.get("/competition-rules")
@allow(Role.BUREAU_OFFICER)
def competition_rules():
    page = paginate(rules_for(current_actor()))
    return render_template("bureau/competition_rules.html", page=page, rule_name=rule_name,
                           may_write=may_write_rules(current_actor()))


@bp.get("/competition-rules.xlsx")
@allow(Role.BUREAU_OFFICER)
def competition_rules_export():
    found = db.session.scalars(rules_for(current_actor(), current_only=False).limit(50_000))
    headers = [_("编号"), _("奖励办法名称"), _("版本"), _("文号"), _("发文日期"), _("生效日期"), _("失效日期"),
               _("地区"), _("适用的竞赛级别"), _("每人每年上限"), _("奖励内容"), _("状态")]
    rows = ([r.id, localized(rule_name(r)), r.version, r.document_number, r.issued_on, r.valid_from, r.valid_to,
             r.city_code or r.province_code, "、".join(_tier(t) for t in r.tiers), r.max_promotions_per_year,
             "\n".join(localized(reward_text(row)) for row in r.rewards),
             _("现行") if r.is_current else _("已有新版本")] for r in found)
    return xlsx_response(_("竞赛奖励办法.xlsx"), headers, rows)


def _tier(code: str) -> str:
    return localized(tiers()[code]) if code in tiers() else code


@bp.route("/competition-rules/new", methods=["GET", "POST"])
@allow(Role.BUREAU_OFFICER)
def new_competition_rule():
    _writer_or_403()
    form = RuleForm(tier_codes=_tier_codes())
    if request.method == "GET":
        return _form_page(form)
    return _submit(form, rule=None)


@bp.get("/competition-rules/<int:rule_id>")
@allow(Role.BUREAU_OFFICER)
def competition_rule(rule_id: int):
    rule = competition_rule_or_404(rule_id)
    session = db.session()
    proposals = session.scalars(proposals_under(rule).limit(200)).all()
    # the next step once a rule is saved: the competitions whose ranks waited for one
    waiting = session.scalars(competitions_waiting(rule, current_actor()).limit(200)).all() if rule.is_current else []
    return render_template(
        "bureau/competition_rule.html", rule=rule, versions=versions_of(session, rule), proposals=proposals,
        competitions=session.scalars(competitions_naming(rule).limit(200)).all(), reward_text=reward_text,
        waiting=waiting, rule_name=rule_name, may_edit=may_edit_rule(current_actor(), rule) and rule.is_current,
        used=_used(rule))


@bp.route("/competition-rules/<int:rule_id>/edit", methods=["GET", "POST"])
@allow(Role.BUREAU_OFFICER)
def edit_competition_rule(rule_id: int):
    rule = competition_rule_or_404(rule_id)
    if not may_edit_rule(current_actor(), rule):
        abort(403)
    if not rule.is_current:
        flash(_("这是旧版本，请在最新版本上修改"), "error")
        return redirect(url_for("bureau.competition_rule", rule_id=versions_of(db.session(), rule)[0].id))
    if request.method == "GET":
        return _form_page(RuleForm(tier_codes=_tier_codes(), data=rule_form_data(rule)), rule=rule)
    return _submit(RuleForm(tier_codes=_tier_codes()), rule=rule)
