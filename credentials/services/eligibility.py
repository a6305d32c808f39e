"""The regular-route eligibility check as the services apply it (one rule for sittings, imports and direct entry)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ladder.eligibility import NoRegularRoute, evaluate
from ladder.history import WorkerHistory
from ladder.i18n import Text

from ..queries.progression import explain


@dataclass(frozen=True)
class Standing:
    """The engine's verdict in words: the clause met ("meets …"), or what is missing and from when."""

    eligible: bool
    explanation: Text
    rules: str | None = None  # the ladder rule set applied
    clause: str | None = None  # the clause met (None when not eligible)
    eligible_from: date | None = None


def standing(history: WorkerHistory, occupation_code: str, level: str, on: date) -> Standing:
    """May the worker sit `level` on `on` by the regular route: which clause they meet, or what is missing."""
    try:
        result = evaluate(history, occupation_code, level, on=on)
    except NoRegularRoute:
        return Standing(False, Text("该等级不能通过正常晋升取得", "This level is not reached by regular promotion"))
    except LookupError:
        return Standing(False, Text(f"{on.isoformat()} 没有适用的申报条件",
                                    f"No application conditions were in force on {on.isoformat()}"))
    return Standing(result.eligible, explain(result), result.rules, result.matched_clause, result.eligible_from)


def eligibility_problem(history: WorkerHistory, occupation_code: str, level: str, on: date) -> Text | None:
    """Why the worker may not sit `level` on `on` by the regular route (what is missing, from when); None if
    they may."""
    verdict = standing(history, occupation_code, level, on)
    return None if verdict.eligible else verdict.explanation
