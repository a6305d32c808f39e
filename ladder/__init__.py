"""The rules of Talent Ladder: skill frameworks, title series, eligibility, competition rewards, the career
graph and route planning. Pure Python over plain values and the data files in ``ladder/data``; it imports
neither Flask, SQLAlchemy, nor the sibling packages."""

from ladder.competitions import CompetitionPolicy, CompetitionPromotion, default_policy, promotion_for
from ladder.eligibility import Eligibility, Missing, NoRegularRoute, evaluate, next_regular_target, rules_for
from ladder.exceptional import ExceptionalCheck, check_exceptional_target, exceptional_clauses, max_skip
from ladder.frameworks import (
    Framework,
    LadderDataError,
    Level,
    TitleGrade,
    TitleSeries,
    UnknownFramework,
    UnknownLevel,
    UnknownTitle,
    all_frameworks,
    appraised_levels,
    framework_for,
    get_framework,
    get_level,
    get_title_series,
    level_by_digit,
    next_level,
)
from ladder.graph import GraphIntegrityError, build_graph, check_integrity, graph_for, layout, to_json
from ladder.history import Diploma, HeldLevel, TrainingRecord, WorkerHistory, WorkPeriod
from ladder.i18n import Text
from ladder.routes import DEFAULT_ALLOW, Route, Step, plan_for_worker, plan_routes
from ladder.timeline import add_years

__all__ = [
    "DEFAULT_ALLOW", "CompetitionPolicy", "CompetitionPromotion", "Diploma", "Eligibility",
    "ExceptionalCheck", "Framework", "GraphIntegrityError", "HeldLevel", "LadderDataError", "Level",
    "Missing",
    "NoRegularRoute", "Route", "Step", "Text", "TitleGrade", "TitleSeries", "TrainingRecord",
    "UnknownFramework", "UnknownLevel", "UnknownTitle", "WorkPeriod", "WorkerHistory", "add_years",
    "all_frameworks", "appraised_levels", "build_graph", "check_exceptional_target", "check_integrity",
    "default_policy", "evaluate", "exceptional_clauses", "framework_for", "get_framework", "get_level",
    "get_title_series", "graph_for", "layout", "level_by_digit", "max_skip", "next_level",
    "next_regular_target", "plan_for_worker", "plan_routes", "promotion_for", "rules_for", "to_json",
]
