"""The campaign cities' skilled talents, for anyone (plan 四(四), 舆论宣传): /talents/ lists the campaign cities with
how many people each page shows, searchable by name; /talents/<city> shows the city's masters' studios, honours
and competition medals.

Only people who agreed to public pages appear, by masked name, with nothing else that identifies them (why no
employer: credentials.queries.talents). No login; rate-limited per client like the verification page (its limit
value, its own bucket, TALENTS_RATE_LIMIT to change it). Not cached by anyone (the app-wide `no-store`): a
withdrawal of consent must show on the very next visit, and an officer browsing the page gets the header with
their own name, which no shared cache may hand to the next visitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from credentials.queries.programmes import TIER_NAMES
from credentials.queries.talents import CityTalents, city_talents, talent_cities
from ladder.competitions import medals, tiers
from ladder.frameworks import vocabulary

from ..access import public
from ..extensions import db, limiter
from ..i18n import level_name, localized

bp = Blueprint("talents", __name__, url_prefix="/talents")
SEARCH_MAX = 32


def _rate() -> str:
    return str(current_app.config.get("TALENTS_RATE_LIMIT") or current_app.config["VERIFY_RATE_LIMIT"])


talents_rate_limit = limiter.shared_limit(_rate, scope="talents")


@dataclass(frozen=True)
class Line:
    """One entry as a page lists it: what, who (masked), and the details beside them, already in the page's language."""

    title: str
    name: str
    details: tuple[str, ...]
    mark: str = ""  # set off in a chip: a studio's tier, a medal


@bp.get("/")
@public
@talents_rate_limit
def index():
    search = request.args.get("q", "").strip()[:SEARCH_MAX]
    cities = talent_cities(db.session(), search)
    provinces = [(province, list(rows)) for province, rows in groupby(cities, key=lambda c: c.province_name)]
    return render_template("public/talents.html", search=search, provinces=provinces,
                           cities=len(cities), people=sum(c.people for c in cities))


@bp.get("/<city_code>")
@public
@talents_rate_limit
def city(city_code: str):
    found = city_talents(db.session(), city_code) if city_code.isascii() and city_code.isdigit() else None
    if found is None:
        abort(404)
    return render_template("public/talents_city.html", city=found, studios=studio_lines(found),
                           honours=honour_lines(found), medals=medal_lines(found))


def studio_lines(found: CityTalents) -> list[Line]:
    return [Line(s.name, s.master, tuple(filter(None, (
        s.occupation, _("带徒 %(count)s 人", count=s.apprentices), _("%(year)s 年命名", year=s.recognised_on.year)))),
        localized(TIER_NAMES[s.tier])) for s in found.studios]


def honour_lines(found: CityTalents) -> list[Line]:
    names = vocabulary("honours")
    return [Line(localized(names[h.title]) if h.title in names else h.title, h.name, tuple(filter(None, (
        _("%(year)s 年", year=h.year), h.awarding_body, h.occupation,
        level_name(h.level, h.framework) if h.level and h.framework else "")))) for h in found.honours]


def medal_lines(found: CityTalents) -> list[Line]:
    names, tier_names = medals(), tiers()
    return [Line(m.competition, m.name, (
        _("%(year)s 年", year=m.year), localized(tier_names[m.tier]) if m.tier in tier_names else m.tier),
        localized(names[m.medal]) if m.medal in names else m.medal) for m in found.medals]

