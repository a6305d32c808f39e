"""The access matrix, opened for real (issue 12, control 2): every route and method (pages and API) × every relation
(anonymous, the worker, another worker, staff of this and another institution, officers of this and another city
and province, the ministry, each administrator duty), in one small world (tests/web/access_world.py), against the
expected answer written down in tests/web/access_matrix.py. A route without its row fails; a 5xx fails; a denial
(403) to a signed-in relation must be in the audit trail.

One test opens the whole matrix: the world is built once (the database is emptied after every test), and the
failures are listed together, one line a cell."""

from __future__ import annotations

from sqlalchemy import select

from credentials.models import AuditEvent
from tests.web.access_matrix import ALLOWED, DENIED, MATRIX, NOT_FOUND
from tests.web.access_world import ANON, RELATIONS, build_world

# Opened last: they end the session they are opened with (signing in afresh ends the session in the cookie).
SESSION_ENDERS = ("api_auth.delete_token", "auth.logout", "auth.login")
# Writes that an empty body does not refuse but turns into "none": choosing no campaign cities drops city 1's plan.
EMPTYING_WRITES = ("bureau.campaign_cities",)
DOCS = ("api-docs.openapi_json", "api_docs_page.docs")
WRITES = ("POST", "PUT", "PATCH", "DELETE")
FACT_KINDS = ("work_periods", "diplomas", "titles", "apprenticeships")  # as the API's paths name them


def routes(app) -> list[tuple[str, str, object]]:
    """(endpoint, method, rule) for every route: reads first, then writes, then what ends a session, so that a
    write that goes through (with an empty body, few do) cannot change what a read answers."""
    found = [(rule.endpoint, method, rule) for rule in app.url_map.iter_rules()
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(found, key=lambda r: (SESSION_ENDERS.index(r[0]) + 1 if r[0] in SESSION_ENDERS else 0,
                                        r[1] in WRITES, r[0] in EMPTYING_WRITES, r[0], r[1]))


def url_of(rule, ids: dict) -> str:
    """Every argument filled from worker A's, institution 1's or city 1's objects."""
    bureau = rule.endpoint.startswith("bureau.")
    segment = next((kind for kind in FACT_KINDS if f"/{kind}/" in rule.rule), None)
    worker = rule.endpoint.startswith("worker.")  # the worker withdraws their own claim (a title they entered)
    kind = "title" if worker else "work_period"
    values = {
        "kind": "training_records" if "imports" in rule.rule else kind, "fmt": "csv", "table": "indicators",
        "filename": "css/accounts.css", "list_number": 1, "package_id": 1, "action": "correct",
        "entity_type": "certificate", "entity_id": ids["number"], "first_id": ids["worker_id"],
        "second_id": ids["worker_id"] + 1,
        "fact_id": ids[segment] if segment else ids["claimed_title" if worker else "work_periods"],
        "correction_id": ids["bureau_correction_id" if bureau else "correction_id"],
        "evidence_id": (ids["bureau_correction_evidence_id" if bureau else "correction_evidence_id"]
                        if "/corrections/" in rule.rule else ids["evidence_id"]),
    }
    return rule.build({name: values[name] if name in values else ids[name] for name in rule.arguments},
                      append_unknown=False)[1]


def answer(response) -> str:
    code = response.status_code
    if code >= 500:
        return f"server error {code}"
    if code in (401, 403) or (code == 302 and "/login?next=" in response.headers.get("Location", "")):
        return DENIED
    return NOT_FOUND if code == 404 else ALLOWED


def test_every_route_has_a_row_in_the_matrix(app):
    have = {(endpoint, method) for endpoint, method, _ in routes(app)}
    missing, stale = sorted(have - set(MATRIX)), sorted(set(MATRIX) - have)
    assert not missing, f"routes without a row in tests/web/access_matrix.py: {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"
    assert all(set(expected) == set(RELATIONS) for expected in MATRIX.values())


def test_every_route_answers_every_relation_as_the_matrix_says(app, db, login, api_token, make_institution,
                                                               make_worker, make_certificate, make_user, vault,
                                                               capsys):
    world = build_world(make_institution, make_worker, make_certificate, make_user, vault)
    pages, headers = {ANON: app.test_client()}, {ANON: {}}
    for relation, user in world.users.items():
        pages[relation] = app.test_client()
        login(pages[relation], user)
        headers[relation] = api_token(user)
    api = app.test_client()
    failures, denials, cells = [], set(), 0
    for endpoint, method, rule in routes(app):  # (an endpoint with two URLs, as the DID document, is opened at both)
        url = url_of(rule, world.ids)
        is_api = url.startswith("/api/") and endpoint not in DOCS
        expected = MATRIX.get((endpoint, method))
        for relation in RELATIONS:
            if is_api:
                response = api.open(url, method=method, headers=headers[relation],
                                    json={} if method in WRITES else None)
            else:
                response = pages[relation].open(url, method=method, data={} if method in WRITES else None)
            response.close()  # an export streams from an open transaction until closed
            cells += 1
            got = answer(response)
            if response.status_code == 403 and relation != ANON:
                denials.add((world.users[relation].id, endpoint[:64]))
            if expected is None or got != expected[relation]:
                want = expected[relation] if expected else "a row in the matrix"
                failures.append(f"{method} {url} ({endpoint}) as {relation}: {got} ({response.status_code}), "
                                f"expected {want}")
    db.session.remove()
    audited = {(actor, route) for actor, route in db.session.execute(
        select(AuditEvent.actor_id, AuditEvent.entity_id).where(AuditEvent.action == "access.denied"))}
    unaudited = sorted(denials - audited)
    opened = routes(app)
    with capsys.disabled():
        print(f"\naccess matrix: {cells} cells checked ({len(opened)} routes and methods × {len(RELATIONS)} "
              f"relations), {len(denials)} denials to signed-in relations, each in the audit trail")
    assert cells == len(opened) * len(RELATIONS)
    assert not failures, f"{len(failures)} cells differ:\n" + "\n".join(failures)
    assert not unaudited, f"denials missing from the audit trail (user id, route): {unaudited}"
