"""Hostile input as tests: Hypothesis properties over what users type, upload and post.

Profiles: `ci` (the default: no deadline, for a shared 2-core machine; no example database, so nothing is
written into the checkout) and `dev` (keeps failing examples in .hypothesis/ to replay them first). Choose with
HYPOTHESIS_PROFILE=dev. Each test sets its own max_examples so that the directory runs in about a minute.

Properties over pure functions never start the app: the database fixture is only set up for a test that asks for
the app (directly or through `client`)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from app.extensions import db as _db
from tests.conftest import _empty_tables

settings.register_profile(
    "ci", deadline=None, database=None, print_blob=True,
    # the app and its database are set up once per test, not per example: each property leaves no rows behind
    # or is cleaned after the test like any other
    suppress_health_check=(HealthCheck.function_scoped_fixture, HealthCheck.too_slow))
settings.register_profile("dev", parent=settings.get_profile("ci"), database=settings.get_profile("default").database)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def db(request):
    """The suite's database fixture, for the properties that use the app; None for the pure ones."""
    if "app" not in request.fixturenames:
        yield None
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        yield _db
        _db.session.remove()
        _empty_tables()
