"""The campaign's records for bureaus (issue 9 item 1): the campaigns an officer sees; the ministry creates a later
campaign and chooses its cities; each campaign city's bureau enters its implementation plan record, its funds by
channel and its targets per indicator and phase, which the province and the ministry read (another region's city
is not found); the plans and targets of the officer's region as XLSX. The dashboards, at /bureau/campaigns/<code>/,
are another module's. Routes join `bureau.bp`."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from credentials import CredentialsError
from credentials.models import BureauScope, Campaign, CampaignCity, City, FundingChannel, Province, Role
from credentials.models.reference import city_display_name
from credentials.permissions import may_edit_city_plan, may_manage_campaigns
from credentials.queries.campaigns import (
    CampaignView,
    CityPlanView,
    campaign_city_for,
    campaign_for,
    city_plan,
    visible_campaigns,
)
from credentials.queries.indicators import INDICATORS
from credentials.queries.reference import city_named
from credentials.queries.scopes import officer_region
from credentials.services.campaigns import (
    create_campaign,
    set_campaign_cities,
    set_city_funding,
    set_city_target,
    update_city_plan,
)
from ladder.i18n import Text

from ...access import allow
from ...auth import current_actor
from ...exports import xlsx_sheets_response
from ...extensions import db
from ...i18n import error_text, localized
from ..pages import commit_or_show, form_status
from .blueprint import bp
from .campaign_dashboards import dashboard_url
from .campaign_forms import (
    CHANNEL_NAMES,
    DEFAULT_PHASES,
    WHOLE,
    CampaignForm,
    Cell,
    CitiesForm,
    DocumentRow,
    GridForm,
    PhaseRow,
    PlanForm,
    RowsField,
    column_totals,
    document_line,
    funding_rows,
    grid_form,
    grid_rows,
    phase_columns,
    plan_form_data,
    stored_funding,
    stored_targets,
    target_rows,
)


def _province_names() -> dict[str, str]:
    return {code: name for code, name in db.session.execute(select(Province.code, Province.name))}


def _dashboard_path(code: str, region: str | None = None) -> str:
    """The dashboard of a region in the campaign (None: the officer's own)."""
    return dashboard_url(code, officer_region(current_actor()) if region is None else region)


# ---- the campaigns -------------------------------------------------------------------------------------------

@bp.get("/campaigns/")
@allow(Role.BUREAU_OFFICER)
def campaigns():
    session, user = db.session(), current_actor()
    views = [view for summary in visible_campaigns(session, user)
             if (view := campaign_for(session, user, summary.code)) is not None]
    own_city = user.region_code if user.bureau_scope is BureauScope.CITY else None
    return render_template("bureau/campaign/campaigns.html", views=views, own_city=own_city,
                           may_manage=may_manage_campaigns(user), dashboard_path=_dashboard_path)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@allow(Role.BUREAU_OFFICER)
def new_campaign():
    user = current_actor()
    if not may_manage_campaigns(user):
        abort(404)  # only the ministry has this page: a city or province never creates a campaign
    form = CampaignForm() if request.method == "POST" else CampaignForm(data={"phases": list(DEFAULT_PHASES)})
    if request.method == "POST" and not _row_action(form.phases) and form.validate_on_submit():
        campaign = commit_or_show(form, lambda: create_campaign(
            db.session(), code=form.code.data, name_zh=form.name_zh.data, name_en=form.name_en.data,
            starts_on=form.starts_on.data, ends_on=form.ends_on.data, phases=form.phase_specs(), by=user))
        if campaign is not None:
            flash(_("已建立专项活动“%(name)s”，请选择参与城市", name=localized(Text(campaign.name_zh, campaign.name_en))),
                  "success")
            return redirect(url_for("bureau.campaign_cities", code=campaign.code))
    return render_template("bureau/campaign/campaign_new.html", form=form,
                           phase_template=PhaseRow(formdata=None, prefix="phases-__index__-")), form_status(form)


def _row_action(rows: RowsField) -> bool:
    """The add-a-row and drop-this-row buttons of a repeatable list, for a page without JavaScript: change the
    rows as typed and save nothing (True), or say it was no such button (False)."""
    if request.form.get("add-row") == rows.name:
        rows.add()
        g.rows_changed = True
        return True
    dropped = request.form.get("drop-row", "")
    if dropped.startswith(rows.name + "-") and rows.drop(dropped):
        g.rows_changed = True
        return True
    return False


# ---- the campaign's cities -----------------------------------------------------------------------------------

def _view_or_404(code: str) -> CampaignView:
    view = campaign_for(db.session(), current_actor(), code)
    if view is None:
        abort(404)
    return view


@bp.route("/campaigns/<code>/cities", methods=["GET", "POST"])
@allow(Role.BUREAU_OFFICER)
def campaign_cities(code: str):
    """Every officer who sees the campaign lists its cities of the region, each with its plan; the ministry
    chooses them: the boxes of the cities that stay ticked, plus those named in the picker."""
    view, user = _view_or_404(code), current_actor()
    manage = may_manage_campaigns(user)
    if request.method == "POST" and not manage:
        abort(403)
    current = [city.city_code for city in view.cities]
    form = CitiesForm() if request.method == "POST" else CitiesForm(data={"cities": current})
    if request.method == "POST" and form.validate_on_submit():
        chosen = _chosen_cities(form)
        campaign = db.session.scalar(select(Campaign).where(Campaign.code == code))
        if chosen is not None and campaign is not None:
            done = commit_or_show(form, lambda: set_campaign_cities(db.session(), campaign, chosen, by=user))
            if done is not None:
                flash(_("已保存参与城市：共 %(count)s 个", count=len(done)), "success")
                return redirect(url_for("bureau.campaign_cities", code=code))
    return render_template("bureau/campaign/campaign_cities.html", view=view, form=form if manage else None,
                           rows=_city_rows(view, (form.cities.data or []) if manage else current),
                           own_city=user.region_code if user.bureau_scope is BureauScope.CITY else None,
                           dashboard_path=_dashboard_path), form_status(form)


def _chosen_cities(form: CitiesForm) -> list[str] | None:
    """The ticked codes and those the picker names; None (and an error beside the picker) when it names a city
    the registry does not know."""
    codes = [code for code in form.cities.data or [] if code]
    unknown = []
    for term in form.added_terms():
        city = city_named(db.session(), term)
        if city is None:
            unknown.append(term)
        else:
            codes.append(city.code)
    if unknown:
        form.add.errors = [*form.add.errors, _("未找到城市：%(names)s（请从列表中选择）", names="、".join(unknown))]
        return None
    return list(dict.fromkeys(codes))


def _city_rows(view: CampaignView, ticked: list[str]) -> list[dict[str, Any]]:
    """The cities to list: those taking part, and (the ministry's form shown again) those it ticked or added."""
    provinces = _province_names()
    taking_part = {city.city_code: city for city in view.cities}
    extra = [code for code in dict.fromkeys(ticked) if code not in taking_part]
    found = {city.code: city for city in db.session.scalars(select(City).where(City.code.in_(extra)))} if extra else {}
    rows = []
    for code in sorted({*taking_part, *found}):
        part = taking_part.get(code)
        city_name = part.city_name if part else found[code].name
        province_code = part.province_code if part else found[code].province_code
        province = provinces.get(province_code, province_code)
        rows.append({"code": code, "name": city_display_name(city_name, province), "province": province,
                     "taking_part": part is not None, "has_plan": bool(part and part.has_plan),
                     "targets": part.targets if part else 0, "ticked": code in ticked})
    return rows


# ---- a city's plan, funds and targets ------------------------------------------------------------------------

def _plan_or_404(code: str, city_code: str) -> CityPlanView:
    found = city_plan(db.session(), current_actor(), code, city_code)
    if found is None:
        abort(404)
    return found


def _targets_form(view: CityPlanView, *, posted: bool = False) -> GridForm:
    return grid_form("target", target_rows(), phase_columns(view), stored_targets(view),
                     formdata=request.form if posted else None)


def _funding_form(view: CityPlanView, *, posted: bool = False) -> GridForm:
    return grid_form("funding", funding_rows(), phase_columns(view), stored_funding(view),
                     formdata=request.form if posted else None)


def _plan_page(view: CityPlanView, *, status: int = 200, **forms: Any):
    """The city's page; `forms` holds a refused (or row-changed) form to show again as typed."""
    user = current_actor()
    editable = may_edit_city_plan(user, view.city_code)
    plan_form = forms.get("plan_form") or (PlanForm(formdata=None, data=plan_form_data(
        view.leadership_group, view.lead_department, view.policy_documents)) if editable else None)
    targets_form = forms.get("targets_form") or (_targets_form(view) if editable else None)
    funding_form = forms.get("funding_form") or (_funding_form(view) if editable else None)
    columns = phase_columns(view)
    funding = stored_funding(view)
    city = db.session.get(City, view.city_code)
    return render_template(
        "bureau/campaign/plan_city.html", view=view, editable=editable, plan_form=plan_form,
        targets_form=targets_form, funding_form=funding_form, city_name=city.full_name if city else view.city_name,
        columns=[column for _phase, column in columns],
        target_rows=grid_rows("target", targets_form, target_rows(), columns, stored_targets(view)),
        funding_rows=grid_rows("funding", funding_form, funding_rows(), columns, funding),
        funding_total={"label": _("合计"), "cells": column_totals(funding, columns)} if funding else None,
        document_template=DocumentRow(formdata=None, prefix="policy_documents-__index__-"),
        dashboard_path=_dashboard_path, may_manage=may_manage_campaigns(user)), status


def _editor_or_403(view: CityPlanView) -> CampaignCity:
    """The city's row to write to, for its own bureau; the province and the ministry only read it (403)."""
    if not may_edit_city_plan(current_actor(), view.city_code):
        abort(403)
    found = campaign_city_for(db.session(), current_actor(), view.campaign.code, view.city_code)
    if found is None:
        abort(404)
    return found


@bp.get("/campaigns/<code>/cities/<city_code>/plan")
@allow(Role.BUREAU_OFFICER)
def city_plan_page(code: str, city_code: str):
    return _plan_page(_plan_or_404(code, city_code))


@bp.post("/campaigns/<code>/cities/<city_code>/plan")
@allow(Role.BUREAU_OFFICER)
def save_city_plan(code: str, city_code: str):
    view = _plan_or_404(code, city_code)
    campaign_city = _editor_or_403(view)
    form = PlanForm()
    if _row_action(form.policy_documents):
        return _plan_page(view, plan_form=form)
    if form.validate_on_submit() and commit_or_show(form, lambda: update_city_plan(
            db.session(), campaign_city, leadership_group=form.leadership_group.data or "",
            lead_department=form.lead_department.data or "", policy_documents=form.documents(),
            by=current_actor())) is not None:
        flash(_("已保存实施方案"), "success")
        return redirect(url_for("bureau.city_plan_page", code=code, city_code=city_code, _anchor="plan"))
    return _plan_page(_plan_or_404(code, city_code), status=422, plan_form=form)


def _save_grid(form: GridForm, stored: dict[Cell, Decimal],
               write: Callable[[str, str | None, Decimal | None], object]) -> int | None:
    """Write every cell that differs from what is stored (an emptied cell removes the entry): the number of
    entries changed, committed; or None, nothing kept, each refusal beside its cell."""
    if not form.validate_on_submit():
        return None
    changed, refused = 0, False
    for row, phase, value, field in form.entered():
        if value == stored.get((row, phase)):
            continue
        try:
            write(row, phase, value)
        except CredentialsError as error:
            field.errors = [*field.errors, error_text(error)]
            refused = True
        changed += 1
    if refused:
        db.session.rollback()
        g.form_refused = True
        return None
    db.session.commit()
    return changed


def _saved(code: str, city_code: str, changed: int, anchor: str):
    flash(_("已保存 %(count)s 项改动", count=changed) if changed else _("没有改动"), "success" if changed else "info")
    return redirect(url_for("bureau.city_plan_page", code=code, city_code=city_code, _anchor=anchor))


@bp.post("/campaigns/<code>/cities/<city_code>/targets")
@allow(Role.BUREAU_OFFICER)
def save_city_targets(code: str, city_code: str):
    view = _plan_or_404(code, city_code)
    campaign_city = _editor_or_403(view)
    form = _targets_form(view, posted=True)
    changed = _save_grid(form, stored_targets(view),
                         lambda indicator, phase, value: set_city_target(
                             db.session(), campaign_city, indicator_code=indicator, phase_code=phase, target=value,
                             by=current_actor()))
    if changed is None:
        return _plan_page(_plan_or_404(code, city_code), status=422, targets_form=form)
    return _saved(code, city_code, changed, "targets")


@bp.post("/campaigns/<code>/cities/<city_code>/funding")
@allow(Role.BUREAU_OFFICER)
def save_city_funding(code: str, city_code: str):
    view = _plan_or_404(code, city_code)
    campaign_city = _editor_or_403(view)
    form = _funding_form(view, posted=True)
    changed = _save_grid(form, stored_funding(view),
                         lambda channel, phase, value: set_city_funding(
                             db.session(), campaign_city, channel=channel, phase_code=phase, amount=value,
                             by=current_actor()))
    if changed is None:
        return _plan_page(_plan_or_404(code, city_code), status=422, funding_form=form)
    return _saved(code, city_code, changed, "funding")


# ---- the region's plans and targets as XLSX ------------------------------------------------------------------

@bp.get("/campaigns/<code>/plans.xlsx")
@allow(Role.BUREAU_OFFICER)
def campaign_plans_export(code: str):
    """One row per target (city x indicator x phase), per funding entry (city x channel x phase) and per plan
    record, of the campaign's cities the officer sees."""
    view, session, user = _view_or_404(code), db.session(), current_actor()
    provinces = _province_names()
    phase_order = [phase.code for phase in view.campaign.phases]
    phase_names = {phase.code: localized(phase.name) for phase in view.campaign.phases}
    indicators = {indicator.code: indicator for indicator in INDICATORS}
    indicator_order, channel_order = list(indicators), list(FundingChannel)

    def phase(code: str | None) -> tuple[int, str]:
        if code is None:
            return len(phase_order), localized(WHOLE)
        return (phase_order.index(code), phase_names[code]) if code in phase_names else (-1, code)

    targets: list[list[object]] = []
    funding: list[list[object]] = []
    plans: list[list[object]] = []
    for city in view.cities:
        plan = city_plan(session, user, code, city.city_code)
        if plan is None:
            continue
        province = provinces.get(city.province_code, city.province_code)
        place = [province, city.city_code, city_display_name(city.city_name, province)]
        for t in sorted(plan.targets, key=lambda t: (_position(indicator_order, t.indicator_code),
                                                     phase(t.phase_code)[0])):
            indicator = indicators.get(t.indicator_code)
            targets.append([*place, t.indicator_code, localized(indicator.name) if indicator else "",
                            localized(indicator.unit.label) if indicator else "", t.phase_code or "",
                            phase(t.phase_code)[1], t.target])
        for f in sorted(plan.funding, key=lambda f: (channel_order.index(f.channel), phase(f.phase_code)[0])):
            funding.append([*place, localized(CHANNEL_NAMES[f.channel]), f.phase_code or "", phase(f.phase_code)[1],
                            f.amount])
        plans.append([*place, plan.lead_department, plan.leadership_group,
                      "；".join(document_line(d) for d in plan.policy_documents), plan.updated_at])
    place_headers = [_("省份"), _("城市代码"), _("城市")]
    return xlsx_sheets_response(f"{localized(view.campaign.name)}-{_('实施方案和目标')}.xlsx", [
        (_("目标"), [*place_headers, _("指标代码"), _("指标"), _("单位"), _("阶段代码"), _("阶段"), _("目标值")], targets),
        (_("资金"), [*place_headers, _("资金渠道"), _("阶段代码"), _("阶段"), _("金额（元）")], funding),
        (_("实施方案"), [*place_headers, _("牵头部门"), _("工作领导小组"), _("政策文件"), _("更新时间")], plans),
    ])


def _position(order: list[str], code: str) -> int:
    return order.index(code) if code in order else len(order)
