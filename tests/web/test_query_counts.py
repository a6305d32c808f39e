"""The main pages cost the same SQL statements however much they show: each page is opened once with a small
registry (3 of everything it lists), then again after the registry has grown (12 of everything), and the two
counts must be equal. A page whose count grows with its rows loads something per row (an N+1): the failure lists
both sets of statements so the repeated one stands out."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from app.extensions import db
from credentials.errors import ValidationFailed
from credentials.models import Certificate, Occupation
from credentials.services.campaigns import PhaseSpec, create_campaign, set_campaign_cities
from credentials.services.consent import set_public_consent
from credentials.services.institutions import accredit
from credentials.services.recognition import record_honour
from tests.conftest import numbered
from tests.promotion_fixtures import bring_to

CAMPAIGN = "skills-count-2013"
SMALL, LARGE = 3, 12  # 12: four times the rows, with a world that builds in seconds


class World:
    """A Suzhou enterprise that issues certificates and nominates its workers, a worker holding many certificates,
    and a campaign in Suzhou; `grow_to(n)` adds workers (each certified, nominated, consenting and honoured) and
    certificates until there are n of each."""

    def __init__(self, cast, make_worker, make_certificate, make_user):
        self.cast, self.make_worker, self.make_certificate = cast, make_worker, make_certificate
        session = db.session()
        self.occupations = []  # the lathe (accredited already), then occupations assessed at the junior level
        for occupation in session.scalars(select(Occupation).where(Occupation.edition == 2022,
                                                                   Occupation.code.like("6-%"))
                                          .order_by(Occupation.code)):
            if len(self.occupations) == LARGE:
                break
            if occupation.code != "6-18-01-01":
                try:
                    with session.begin_nested():
                        accredit(session, cast.employer, occupation, max_level="junior",
                                 valid_from=date(2000, 1, 1), by=None)
                except ValidationFailed:
                    continue  # an occupation without the junior level
            self.occupations.append(occupation)
        campaign = create_campaign(
            session, code=CAMPAIGN, name_zh="计数专项活动", name_en="Counting campaign", by=None,
            starts_on=date(2013, 2, 1), ends_on=date(2014, 12, 31),
            phases=[PhaseSpec("launch", "启动", "Launch", date(2013, 2, 1), date(2014, 12, 31))])
        set_campaign_cities(session, campaign, ["3205"], by=None)
        db.session.commit()
        self.holder = cast.worker  # 王建国: three certificates from the cast, more added by grow_to
        self.holder_account = cast["worker"]
        self.auditor = make_user("admin", duty="audit")
        self.workers: list = []
        self.make_user = make_user

    def grow_to(self, n: int) -> None:
        session = db.session()
        nominator_worker = self.cast.worker
        while len(self.workers) < n:
            i = len(self.workers)
            worker = self.make_worker(numbered("计数", i), employer=self.cast.employer)
            self.make_certificate(worker, self.cast.employer, level="senior", issued_on=date(2013, 3, 1))
            self.cast.worker = worker
            bring_to(self.cast, "submitted@city")
            account = self.make_user("worker", worker=worker)
            set_public_consent(session, worker, True, by=account)
            record_honour(session, worker=worker, title="city_technical_expert", year=2020,
                          awarding_body="苏州市人民政府", by=self.cast["city_officer"])
            db.session.commit()
            self.workers.append(worker)
        self.cast.worker = nominator_worker
        held = session.scalar(select(db.func.count()).select_from(Certificate)
                              .where(Certificate.worker_id == self.holder.id))
        for occupation in self.occupations[held - 3:n]:
            if occupation.code != "6-18-01-01":
                self.make_certificate(self.holder, self.cast.employer, level="junior", occupation=occupation.code,
                                      issued_on=date(2013, 5, 1))

    def certificate_number(self) -> str:
        return db.session.scalar(select(Certificate.number).where(Certificate.worker_id == self.holder.id)
                                 .order_by(Certificate.id))


@pytest.fixture
def world(cast, make_worker, make_certificate, make_user):
    return World(cast, make_worker, make_certificate, make_user)


def statements_of(client, method: str, path: str, **kwargs) -> list[str]:
    """The statements one request runs (after a first, uncounted one: signing in and session bookkeeping)."""
    client.open(path, method=method, **kwargs)
    statements: list[str] = []

    def note(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(" ".join(statement.split())[:160])

    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = client.open(path, method=method, **kwargs)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    return statements


# page -> (who opens it, how): the main pages of each role, with what each lists growing with the world
PAGES = {
    "worker home": ("worker", "GET", "/worker/"),
    "worker ladder": ("worker", "GET", "/worker/ladder"),
    "worker certificate": ("worker", "GET", "/worker/certificates/{number}"),
    "institution workers": ("staff", "GET", "/institution/workers"),
    "institution certificates": ("staff", "GET", "/institution/certificates"),
    "bureau queue": ("city", "GET", "/bureau/queue"),
    "bureau certificates": ("city", "GET", "/bureau/certificates"),
    "campaign city dashboard": ("city", "GET", f"/bureau/campaigns/{CAMPAIGN}/cities/3205"),
    "campaign national dashboard": ("ministry", "GET", f"/bureau/campaigns/{CAMPAIGN}/"),
    "campaign plan": ("city", "GET", f"/bureau/campaigns/{CAMPAIGN}/cities/3205/plan"),
    "audit": ("auditor", "GET", "/admin/audit"),
    "verify page": (None, "POST", "/verify"),
    "verify API": (None, "POST", "/api/v1/verify"),
    "talents": (None, "GET", "/talents/3205"),
}


def test_every_main_page_costs_the_same_statements_with_four_times_the_rows(app, login, world):
    """One world for every page (building it is the slow part): all pages counted small, then all counted large."""
    accounts = {"worker": world.holder_account, "staff": world.cast["nominator"], "city": world.cast["city_officer"],
                "ministry": world.cast["ministry"], "auditor": world.auditor}
    clients = {who: app.test_client() for who in (*accounts, None)}
    for who, account in accounts.items():
        login(clients[who], account)

    def count(page: str) -> list[str]:
        who, method, template = PAGES[page]
        number = world.certificate_number()
        path = template.format(number=number)
        body = {"number": number, "name": world.holder.name}
        kwargs = {"json": body} if path.startswith("/api/") else {"data": body} if method == "POST" else {}
        return statements_of(clients[who], method, path, **kwargs)

    world.grow_to(SMALL)
    few = {page: count(page) for page in PAGES}
    world.grow_to(LARGE)
    many = {page: count(page) for page in PAGES}

    grown = [page for page in PAGES if len(many[page]) != len(few[page])]
    assert not grown, "\n".join(
        line for page in grown
        for line in (f"== {page}: {len(few[page])} statements with {SMALL} of each, {len(many[page])} with {LARGE}",
                     *few[page], "-- then:", *many[page]))
