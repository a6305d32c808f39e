"""Every page a worker has, opened on a 375-pixel phone: nothing scrolls sideways and every control is big enough
to tap.

The pages come from the app's own routes, so a worker page added later is walked without anyone listing it here; a
page that needs an argument takes it from `sample_arguments`, and the first test fails for one that has none.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from credentials.demo.seed import DEMO_PASSWORD, DEMO_WORKER_ID
from credentials.models import (
    Application,
    Certificate,
    CorrectionRequest,
    Institution,
    Occupation,
    PromotionRequest,
    ShareLink,
    User,
)

from .conftest import page_width, sign_in

SHOTS = Path(os.environ.get("E2E_SHOTS", "/tmp/shots/phone-pages"))
MIN_TAP = 32  # px: a finger's target on a 375-px screen (WCAG 2.5.8 asks 24; we keep the controls bigger)


def worker_pages() -> list:
    """The worker blueprint's GET routes that answer with a page (downloads end in a file suffix)."""
    return sorted(
        (rule for rule in current_app.url_map.iter_rules()
         if rule.endpoint.startswith("worker.") and "GET" in rule.methods
         and not rule.rule.rsplit("/", 1)[-1].endswith((".json", ".jwt", ".xlsx", ".csv", ".pdf", ".svg", ".png"))
         and not rule.endpoint.endswith("_evidence")),  # an evidence file is only ever an attachment
        key=lambda rule: rule.rule,
    )


def sample_arguments(worker_user: User) -> dict[str, object]:
    """One real value for each argument a worker page takes, from the demo worker's own records."""
    session = db.session()
    worker = worker_user.worker
    values: dict[str, object] = {
        "number": session.scalars(select(Certificate.number).where(Certificate.worker_id == worker.id)).first(),
        "request_id": session.scalars(select(PromotionRequest.id).where(PromotionRequest.worker_id == worker.id)).first(),
        "application_id": session.scalars(select(Application.id).where(Application.worker_id == worker.id)).first(),
        "correction_id": session.scalars(select(CorrectionRequest.id)
                                         .where(CorrectionRequest.worker_id == worker.id)).first(),
        "share_id": session.scalars(select(ShareLink.id).where(ShareLink.worker_id == worker.id)).first(),
    }
    return {name: value for name, value in values.items() if value is not None}


def an_application_of(worker_user: User) -> None:
    """The demo seeds no application: the worker applies for the next level, as on their own form."""
    from credentials.services.applications import submit_application

    session = db.session()
    lathe = session.scalar(select(Occupation).where(Occupation.code == "6-18-01-01"))
    college = session.scalar(select(Institution).where(Institution.name.like("%鉴定中心%")))
    submit_application(session, worker=worker_user.worker, occupation=lathe, level="technician",
                       institution=college, by=worker_user)
    session.commit()


def a_correction_of(worker_user: User) -> None:
    """The demo seeds no correction request: the worker reports their name, as on their own form."""
    from credentials.services.record_corrections import file_correction

    file_correction(db.session(), worker=worker_user.worker, subject_kind="identity_name", subject_id=None,
                    field="name", proposed_value="王建华", explanation="身份证上的名字是王建华", by=worker_user)
    db.session.commit()


def a_share_of(worker_user: User) -> None:
    """The demo seeds no share link: the worker shares their certificates for a week, as on their own form."""
    from credentials.services.sharing import create_share

    session = db.session()
    mine = session.scalars(select(Certificate).where(Certificate.worker_id == worker_user.worker_id)).all()
    create_share(session, worker_user.worker, mine[:2], days=7, label="面试", by=worker_user,
                 vault=current_app.extensions["vault"])
    session.commit()


def small_controls(page) -> list[str]:
    """Buttons, fields and button-like links in the page's main part that are less than MIN_TAP high."""
    return page.evaluate(
        """min => [...document.querySelectorAll(
                'main button, main input:not([type=hidden]), main select, main textarea, main .button')]
            .filter(e => e.offsetParent !== null)
            .filter(e => !['checkbox', 'radio'].includes(e.type))
            .filter(e => e.getBoundingClientRect().height < min)
            .map(e => (e.name || e.textContent || e.tagName).trim().slice(0, 40))""", MIN_TAP)


@pytest.fixture
def demo_worker(demo):
    worker_user = db.session.scalar(select(User).where(User.worker.has()).order_by(User.id))
    an_application_of(worker_user)
    a_correction_of(worker_user)
    a_share_of(worker_user)
    return worker_user


def test_every_worker_page_with_an_argument_has_a_sample(app, demo_worker):
    samples = sample_arguments(demo_worker)
    missing = {rule.rule: sorted(rule.arguments - samples.keys()) for rule in worker_pages()
               if rule.arguments - samples.keys()}
    assert missing == {}, "give these pages a sample in sample_arguments"


def test_every_worker_page_fits_a_phone(phone, live_server, demo_worker):
    samples = sample_arguments(demo_worker)
    sign_in(phone, live_server, DEMO_WORKER_ID, DEMO_PASSWORD)
    phone.wait_for_url(f"{live_server}/worker/")
    SHOTS.mkdir(parents=True, exist_ok=True)

    too_wide, too_small, visited = {}, {}, []
    for rule in worker_pages():
        if rule.arguments - samples.keys():
            continue  # the test above names it
        path = rule.build({name: samples[name] for name in rule.arguments}, append_unknown=False)[1]
        response = phone.goto(f"{live_server}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        visited.append(path)
        phone.screenshot(path=str(SHOTS / f"{rule.endpoint}.png"), full_page=True)
        if page_width(phone) > 375:
            too_wide[path] = page_width(phone)
        if small := small_controls(phone):
            too_small[path] = small

    assert len(visited) >= 8, visited
    assert too_wide == {}, "these pages scroll sideways on a 375-px phone"
    assert too_small == {}, f"these controls are under {MIN_TAP}px high"
