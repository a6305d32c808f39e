"""The regular-route eligibility check as the services apply it (one rule for sittings, imports and direct entry)."""

from __future__ import annotations

from datetime import date

from ladder.eligibility import NoRegularRoute, evaluate
from ladder.history import WorkerHistory
from ladder.i18n import Text

from ..queries.progression import explain


def eligibility_problem(history: WorkerHistory, occupation_code: str, level: str, on: date) -> Text | None:
    """Why the worker may not sit `level` on `on` by the regular route (what is missing, from when); None if
    they may."""
    try:
        result = evaluate(history, occupation_code, level, on=on)
    except NoRegularRoute:
        return Text("该等级不能通过正常晋升取得", "This level is not reached by regular promotion")
    except LookupError:
        return Text(f"{on.isoformat()} 没有适用的申报条件",
                    f"No application conditions were in force on {on.isoformat()}")
    return None if result.eligible else explain(result)
