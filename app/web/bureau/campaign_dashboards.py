"""The campaign dashboards (issue 9 item 4): a city page (its targets against what the registry counts), a province
page (its cities side by side) and the national page (provinces and cities side by side), each with the trend by
month across the phases, the level mix and the routes, filtered by phase or months, occupation and level; every
table downloads as CSV or XLSX and every chart has its numbers in the table beside it (static/js/campaign-charts.js
draws them from a JSON island). `/bureau/campaign` takes an officer to their own region's page of the current
campaign. Another region's page, or a campaign the officer's region takes no part in, is not found (404).
Routes join `bureau.bp`; what the pages show is built in `campaign_tables`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from credentials.errors import ValidationFailed
from credentials.models import City, Province, Role, User
from credentials.permissions import may_read_region
from credentials.queries.campaigns import campaign_for, city_plan, visible_campaigns
from credentials.queries.indicators import INDICATORS, Region, indicator_values
from credentials.queries.scopes import officer_region

from ...access import allow
from ...auth import current_actor
from ...exports import csv_response, xlsx_response
from ...extensions import db, read_session
from .blueprint import bp
from .campaign_filters import level_codes, read_filters
from .campaign_tables import (
    BUILDERS,
    TABLES_OF,
    Figure,
    Scope,
    Table,
    figures,
    indicators_table,
    province_names,
    short_line,
    targets_table,
    unit_label,
)

GLANCE = ("certificates_issued", "new_high_skilled", "trainees", "high_skilled_share")  # the bureau home's card
# The figures shown first (with any the city set a target for); the others are one click away, under "more".
HEADLINE = ("trainees", "appraisal_sittings", "pass_rate", "certificates_issued", "new_high_skilled",
            "high_skilled_workforce", "high_skilled_share", "exceptional_promotions", "competition_promotions")
FORMATS = ("csv", "xlsx")
READERS = (Role.BUREAU_OFFICER, Role.ADMIN)


def dashboard_url(code: str, region: str, **args: str) -> str:
    """The campaign's dashboard of a region ("" the nation, a province, a city)."""
    if len(region) == 4:
        return url_for("bureau.campaign_city", code=code, city_code=region, **args)
    if len(region) == 2:
        return url_for("bureau.campaign_province", code=code, province_code=region, **args)
    return url_for("bureau.campaign_national", code=code, **args)


@bp.get("/campaign")
@allow(*READERS)
def campaign_dashboard():
    """The current campaign (the latest the officer's region takes part in), at the officer's own region."""
    user = current_actor()
    campaigns = visible_campaigns(db.session(), user)
    if not campaigns:
        flash(_("您所在的地区没有参加专项活动。"), "info")
        return redirect(url_for("admin.home" if user.role is Role.ADMIN else "bureau.home"))
    return redirect(dashboard_url(campaigns[0].code, officer_region(user)))


def _scope(code: str, region_code: str) -> Scope:
    """The dashboard the request asks for, or 404 when the officer may not read it."""
    user, session = current_actor(), read_session()
    try:
        region = Region.of(region_code)
    except ValidationFailed:
        abort(404)
    if not may_read_region(user, region.code):
        abort(404)
    view = campaign_for(session, user, code)
    if view is None:
        abort(404)
    filters = read_filters(session, view.campaign, request.args)
    if region.kind == "city":
        city = session.get(City, region.code)
        if city is None or not any(c.city_code == region.code for c in view.cities):
            abort(404)
        return Scope(view, region, city.full_name, filters, plan=city_plan(session, user, code, region.code))
    if region.kind == "province":
        province = session.get(Province, region.code)
        if province is None:
            abort(404)
        return Scope(view, region, province.name, filters, province_names={province.code: province.name})
    return Scope(view, region, _("全国"), filters, province_names=province_names(session))


def _page(scope: Scope) -> str:
    session = read_session()
    found = figures(session, scope)
    tables: dict[str, Table] = {}
    for key in TABLES_OF[scope.region.kind]:
        if key == "indicators":
            continue  # shown as the headline figures; its download is the same list
        tables[key] = targets_table(session, scope, found) if key == "targets" else BUILDERS[key](session, scope)
    first = [f for f in found if f.indicator.code in HEADLINE or f.target is not None]
    return render_template(
        "bureau/campaign/dash_page.html", scope=scope, campaign=scope.campaign.campaign, filters=scope.filters,
        tables=tables, figures=first, more_figures=[f for f in found if f not in first], covered=_covered(found),
        breadcrumbs=_breadcrumbs(scope), indicators=INDICATORS, levels=level_codes(), short_line=short_line,
        unit_label=unit_label, number=number, table_url=table_url,
        evaluation_url=_city_page("bureau.city_evaluation", scope),
        ranking_url=url_for("bureau.campaign_evaluation", code=scope.code),
        plan_url=_city_page("bureau.city_plan_page", scope))


def _city_page(endpoint: str, scope: Scope) -> str | None:
    """The city's page of another part of the campaign (its evaluation, its plan); none above a city."""
    return url_for(endpoint, code=scope.code, city_code=scope.region.code) if scope.region.kind == "city" else None


@bp.get("/campaigns/<code>/")
@allow(*READERS)
def campaign_national(code: str):
    return _page(_scope(code, ""))


@bp.get("/campaigns/<code>/provinces/<province_code>")
@allow(*READERS)
def campaign_province(code: str, province_code: str):
    if len(province_code) != 2:
        abort(404)
    return _page(_scope(code, province_code))


@bp.get("/campaigns/<code>/cities/<city_code>")
@allow(*READERS)
def campaign_city(code: str, city_code: str):
    if len(city_code) != 4:
        abort(404)
    return _page(_scope(code, city_code))


@bp.get("/campaigns/<code>/tables/<table>.<fmt>")
@allow(*READERS)
def campaign_table(code: str, table: str, fmt: str) -> Response:
    """One table of a dashboard (`region` and the page's filters in the query string), as CSV or XLSX; audited."""
    if fmt not in FORMATS or table not in BUILDERS:
        abort(404)
    scope = _scope(code, request.args.get("region", ""))
    if table not in TABLES_OF[scope.region.kind]:
        abort(404)
    session = read_session()
    built = indicators_table(session, scope) if table == "indicators" else BUILDERS[table](session, scope)
    first, last = scope.filters.months
    name = f"{scope.region_name}_{built.title}_{first:%Y-%m}_{last:%Y-%m}"
    if fmt == "csv":
        return csv_response(name + ".csv", built.headers, built.rows)
    return xlsx_response(name + ".xlsx", built.headers, built.rows)


def table_url(scope: Scope, key: str, fmt: str) -> str:
    return url_for("bureau.campaign_table", code=scope.code, table=key, fmt=fmt, region=scope.region.code or None,
                   **scope.filters.args())


def number(value: object) -> str:
    """A figure as the page shows it: thousands separated, whole numbers without decimals, "—" for no value."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):  # as precise as the indicator gave it: 66.67 %, 33.3 % of a target, 1,234.50 yuan
        return f"{int(value):,}" if value == value.to_integral_value() else f"{value:,}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _covered(found: list[Figure]) -> tuple[date, date] | None:
    """The months the figures read, as the indicators report them (stocks are "now" and say so separately)."""
    return next(((f.value.covered_start, f.value.covered_end) for f in found
                 if f.value.covered_start and f.value.covered_end), None)


def _breadcrumbs(scope: Scope) -> list[tuple[str, str | None]]:
    """Nation › province › city, each linked where the officer may read it (the page itself unlinked)."""
    user, code, args = current_actor(), scope.region.code, scope.filters.args()
    chain = {"nation": [""], "province": ["", code], "city": ["", code[:2], code]}[scope.region.kind]
    crumbs: list[tuple[str, str | None]] = []
    for region in chain:
        if region == code:
            crumbs.append((scope.region_name, None))
        else:
            crumbs.append((_province_name(region) if region else _("全国"),
                           dashboard_url(scope.code, region, **args) if may_read_region(user, region) else None))
    return crumbs


def _province_name(code: str) -> str:
    province = read_session().get(Province, code)
    return province.name if province else code


def campaign_glance(user: User) -> dict[str, object] | None:
    """The bureau home's card: the current campaign's headline figures for the officer's own region, whole campaign."""
    session = read_session()
    campaigns = visible_campaigns(session, user)
    if not campaigns:
        return None
    campaign, region = campaigns[0], Region.of(officer_region(user))
    values = indicator_values(session, region=region, start=campaign.starts_on, end=campaign.ends_on, codes=GLANCE)
    return {"campaign": campaign, "values": values, "url": url_for("bureau.campaign_dashboard"), "number": number,
            "unit_label": unit_label}
