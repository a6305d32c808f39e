"""The words of the access matrix (tests/web/access_matrix.py): the three answers, the groups of relations of
tests/web/access_world.py, and `answers()`, which writes one row."""

from __future__ import annotations

from tests.web.access_world import (
    AUDIT,
    CITY_1,
    CITY_2,
    MINISTRY,
    OWNER,
    PROVINCE_1,
    PROVINCE_2,
    RELATIONS,
    SECURITY,
    STAFF_1,
    STAFF_2,
    SYSTEM,
    WORKER_B,
)

ALLOWED, DENIED, NOT_FOUND = "allowed", "denied", "not found"
EVERYONE = RELATIONS
SIGNED_IN = RELATIONS[1:]  # all but the anonymous
WORKERS = (OWNER, WORKER_B)
STAFF = (STAFF_1, STAFF_2)
OFFICERS = (CITY_1, CITY_2, PROVINCE_1, PROVINCE_2, MINISTRY)
ADMINS = (SYSTEM, SECURITY, AUDIT)


def answers(*, allowed: tuple[str, ...] = (), not_found: tuple[str, ...] = ()) -> dict[str, str]:
    """Each relation's answer: those named are allowed or not found, everyone else is denied."""
    return {r: ALLOWED if r in allowed else NOT_FOUND if r in not_found else DENIED for r in RELATIONS}
