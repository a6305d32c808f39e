"""The worker's ladder picture and routes (phone first): where I stand, the next step with its date, the
bridges to professional titles, and the dated plan to any goal with its ranked alternatives.

Routes of the worker blueprint; imported at the end of worker.py.
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, Form, SelectChoice, SelectField
from wtforms.validators import Optional

from credentials import CredentialsError
from credentials.models import Occupation, Role
from credentials.queries.career import WorkerPlan, occupations_of, plan_worker_routes
from credentials.queries.history import history_of
from ladder.graph import graph_for, layout
from ladder.routes import DEFAULT_ALLOW, Route

from ... import career
from ...access import allow
from ...auth import current_actor
from ...career import MATCHING_TITLES, lang, node_name, template_helpers
from ...extensions import db
from ...i18n import error_text
from ...ladder_svg import Highlight, Texts, ladder_svg, legend
from ..forms import RequiredInput
from .blueprint import bp

SENIOR_ENGINEER = "title:engineering:associate_senior"  # the goal the select offers first (UX: 高级工程师)


class RouteForm(Form):
    """A GET form (nothing is written), so it carries no CSRF token."""

    to = SelectField(_l("目标"), validators=[RequiredInput()], default=SENIOR_ENGINEER)
    occupation = SelectField(_l("职业"), validators=[Optional()])
    exceptional = BooleanField(_l("包括破格、越级晋升（须经审批）"))
    competition = BooleanField(_l("包括竞赛晋升（须有竞赛成绩）"))


@bp.get("/ladder")
@allow(Role.WORKER)
def ladder():
    """My ladder: the position, the route to the next level up, and the bridges to titles."""
    occupation = request.args.get("occupation", "")[:16] or None
    try:
        plan = plan_worker_routes(db.session(), current_actor().worker, today=career.today(),
                                  occupation_code=occupation, with_bridges=True)
    except CredentialsError as error:  # nothing on record is not the reader's mistake; a bad ?occupation= is
        status = 200 if error.code == "no_occupation" else 422
        return render_template("worker/ladder.html", plan=None, problem=error_text(error)), status
    return render_template("worker/ladder.html", plan=plan, problem=None,
                           occupations=_occupation_names(plan.occupations), **_figure(plan, 1))


@bp.get("/routes")
@allow(Role.WORKER)
def routes():
    """Routes to a chosen goal: the dated plan, then the alternatives, each step explained."""
    g = graph_for(career.today())
    form = RouteForm(request.args)
    form.to.choices = _target_choices(g)
    plan, problem = None, None
    mine = occupations_of(history_of(db.session(), current_actor().worker_id))
    form.occupation.choices = [SelectChoice("", _("我的主要职业"))] + [
        SelectChoice(code, name) for code, name in _occupation_names(mine).items()]
    status = 200
    if request.args.get("to") is not None:
        if form.validate():
            plan, problem = _plan_from(form)
        status = 422 if form.errors or problem else 200
    context = _figure(plan, _chosen_route(plan)) if plan else {}
    return render_template("worker/routes.html", form=form, plan=plan, problem=problem, **context), status


def _chosen_route(plan: WorkerPlan | None) -> int:
    """Which ranked route to draw (?route=N, 1-based); out of range falls back to the best one."""
    chosen = request.args.get("route", "1")
    number = int(chosen) if chosen.isdigit() and len(chosen) < 3 else 1
    return number if plan and 1 <= number <= len(plan.routes) else 1


def _plan_from(form: RouteForm) -> tuple[WorkerPlan | None, str | None]:
    allowed = set(DEFAULT_ALLOW)
    if form.exceptional.data:
        allowed |= {"exceptional", "skip"}
    if form.competition.data:
        allowed.add("competition")
    try:
        plan = plan_worker_routes(db.session(), current_actor().worker, today=career.today(),
                                  target=form.to.data, allow=allowed,
                                  occupation_code=form.occupation.data or None)
        return plan, None
    except CredentialsError as error:
        field = getattr(form, error.field, None) if error.field else None
        if field is None:
            return None, error_text(error)
        field.errors = [*field.errors, error_text(error)]
        return None, None


def _figure(plan: WorkerPlan, chosen: int) -> dict:
    """The picture and its text alternative for a plan: the chosen route drawn, the legend beside it."""
    g = graph_for(plan.on)
    route: Route | None = plan.routes[chosen - 1] if plan.routes else None
    tracks = {g.nodes[n]["track"] for r in plan.routes for n in r.nodes}
    tracks |= {g.nodes[n]["track"] for n in (plan.position, plan.target) if n}
    tracks |= {MATCHING_TITLES, _skill_track(g)}
    texts = Texts(_("我的职业发展路线图"), _("技能等级与职称并列，当前位置和所选路线已标出；文字说明见图下。"),
                  now=_("当前"), goal=_("目标"))
    svg = ladder_svg(g, texts, lang=lang(), tracks=tracks,
                     highlight=Highlight.of(route, current=plan.position, target=plan.target))
    return {"svg": svg, "route": route, "chosen": chosen, "graph": g, "legend": legend(),
            **template_helpers()}


def _skill_track(g) -> str:
    return next(c["track"] for c in layout(g)["columns"] if not c["track"].startswith("title:"))


def _target_choices(g) -> list[SelectChoice]:
    columns = layout(g)["columns"]
    track_name = {c["track"]: c["name_en" if lang() == "en" else "name_zh"] for c in columns}
    order = {c["track"]: c["x"] for c in columns}
    nodes = sorted(g.nodes, key=lambda n: (order[g.nodes[n]["track"]], g.nodes[n]["rank"]))
    return [SelectChoice(node, node_name(g, node), optgroup=track_name[g.nodes[node]["track"]])
            for node in nodes]


def _occupation_names(codes) -> dict[str, str]:
    """code → "车工 6-18-01-01", in the order given."""
    names = dict(db.session.execute(
        select(Occupation.code, Occupation.name).where(Occupation.code.in_(codes))).all())
    return {code: f"{names.get(code, code)} {code}" for code in codes}
