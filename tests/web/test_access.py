"""The access matrix: every registered route, every role. A route missing here, or reachable by a role
it should not be, fails — so a new route needs a conscious access decision."""

from __future__ import annotations

import pytest

from app.access import rule_for

ANON, WORKER, STAFF, OFFICER, ADMIN = "anonymous", "worker", "institution_staff", "bureau_officer", "admin"
EVERYONE = {ANON, WORKER, STAFF, OFFICER, ADMIN}
SIGNED_IN = EVERYONE - {ANON}

# endpoint -> roles that may reach it
EXPECTED = {
    "static": EVERYONE,
    "public.index": EVERYONE,
    "public.switch_language": EVERYONE,
    "pickers.occupations": SIGNED_IN,
    "activation.activate": EVERYONE,
    "activation.issue_code": {STAFF},
    "pickers.cities": SIGNED_IN,
    "pickers.workers": {STAFF, OFFICER, ADMIN},  # by name only, within the caller's scope
    "pickers.institutions": {STAFF, OFFICER, ADMIN},
    "public.healthz": EVERYONE,
    "public.readyz": EVERYONE,
    "auth.login": EVERYONE,
    "auth.logout": SIGNED_IN,
    "worker.home": {WORKER},
    "worker.certificate": {WORKER},
    "institution.home": {STAFF},
    "institution.workers": {STAFF},
    "institution.search_workers": {STAFF},
    "institution.workers_export": {STAFF},
    "institution.certificates_export": {STAFF},
    "bureau.certificates_export": {OFFICER},
    "institution.certificates": {STAFF},
    "institution.imports": {STAFF},
    "institution.imports_export": {STAFF},
    "institution.import_template": {STAFF},
    "institution.new_import": {STAFF},
    "institution.import_job": {STAFF},
    "institution.import_status": {STAFF},
    "institution.import_report": {STAFF},
    "institution.commit_job": {STAFF},
    "bureau.home": {OFFICER},
    "bureau.certificates": {OFFICER},
    "admin.home": {ADMIN},
    "admin.lift_waits": {ADMIN},
    "admin.new_user": {ADMIN},
    "admin.new_institution": {ADMIN},
    "admin.institution": {ADMIN},
    "api-docs.openapi_json": EVERYONE,
    "api_docs_page.docs": EVERYONE,
    "api_auth.create_token": EVERYONE,
    "api_auth.delete_token": SIGNED_IN,
    "api_workers.list_workers": SIGNED_IN,
    "api_workers.create_worker": {STAFF, ADMIN},
    "api_workers.get_worker": SIGNED_IN,
    "api_certificates.list_certificates": SIGNED_IN,
    "api_certificates.create_certificate": {ADMIN},  # historic entry only (issue 14 item 4)
    "api_certificates.get_certificate": SIGNED_IN,
    "api_imports.list_imports": {STAFF},
    "api_imports.create_job": {STAFF},
    "api_imports.get_import": {STAFF},
    "api_imports.commit_job": {STAFF},
    "api_institutions.list_institutions": SIGNED_IN,
    "api_institutions.get_institution": SIGNED_IN,
    "api_reference.levels": SIGNED_IN,
    "api_reference.occupations": SIGNED_IN,
    "api_reference.cities": SIGNED_IN,
    "verify.check": EVERYONE,
    "verify.check_file": EVERYONE,
    "credentials.did_document": EVERYONE,
    "credentials.status_list": EVERYONE,
    "credentials.download": SIGNED_IN,
    "api_credentials.get_credential": SIGNED_IN,
    "api_verify.verify_by_query": EVERYONE,
    "api_verify.verify_by_body": EVERYONE,
    # training records, appraisal results, revocation, history (issue 3 part A)
    "institution.results": {STAFF},
    "institution.results_export": {STAFF},
    "institution.training": {STAFF},
    "institution.training_export": {STAFF},
    "institution.search_records": {STAFF},
    "bureau.certificate": {OFFICER},
    "bureau.revoke": {OFFICER},
    # one person entered twice (issue 10 item 2): bureaus find, merge or dismiss pairs of their region
    "bureau.duplicates": {OFFICER},
    "bureau.duplicates_export": {OFFICER},
    "bureau.duplicate": {OFFICER},
    "bureau.merge": {OFFICER},
    "bureau.dismiss": {OFFICER},
    # oversight of institutions (issue 9 item 7): bureaus see their region's flags; city and province review them
    "bureau.oversight": {OFFICER},
    "bureau.oversight_export": {OFFICER},
    "bureau.oversight_flags": {OFFICER},
    "bureau.oversight_flags_export": {OFFICER},
    "bureau.oversight_review": {OFFICER},
    # reporting upward (issue 9 item 8)
    "bureau.reports": {OFFICER},
    "bureau.build_report": {OFFICER},
    "bureau.report_download": {OFFICER},
    "api_certificates.revoke": {OFFICER},
    "api_history.worker_history": SIGNED_IN,
    # the talent ladder graph (issue 5): the ladder is public knowledge, a worker's plan is not
    "ladder.explained": EVERYONE,
    "worker.ladder": {WORKER},
    "worker.routes": {WORKER},
    "bureau.ladder": {OFFICER},
    "bureau.ladder_export": {OFFICER},
    "api_ladder.graph": EVERYONE,
    "api_ladder.routes": EVERYONE,
    "api_ladder.worker_routes": SIGNED_IN,
    # approvals: nominations, decisions, competitions, honours, inbox, audit trail (issue 4)
    "bureau.queue": {OFFICER},
    "bureau.queue_export": {OFFICER},
    "bureau.promotion": {OFFICER},
    "bureau.decide": {OFFICER},
    "bureau.proposal": {OFFICER},
    "bureau.decide_proposal": {OFFICER},
    "bureau.evidence": {OFFICER},
    "bureau.audit": {OFFICER},
    "bureau.inbox": {OFFICER},
    "bureau.inbox_read": {OFFICER},
    "bureau.competitions": {OFFICER},
    "bureau.competitions_export": {OFFICER},
    "bureau.competition": {OFFICER},
    "bureau.competition_plan": {OFFICER},
    "bureau.competition_result": {OFFICER},
    "bureau.competition_import": {OFFICER},
    "bureau.competition_results_export": {OFFICER},
    "institution.competitions_export": {STAFF},
    "institution.competition_results_export": {STAFF},
    "bureau.worldskills": {OFFICER},
    "bureau.worldskills_export": {OFFICER},
    "bureau.recognition": {OFFICER},
    "institution.nominations": {STAFF},
    "institution.nominations_export": {STAFF},
    "institution.new_nomination": {STAFF},
    "institution.find_nominee": {STAFF},
    "institution.nomination": {STAFF},
    "institution.nomination_evidence": {STAFF},
    "institution.nomination_action": {STAFF},
    "institution.evidence": {STAFF},
    "institution.inbox": {STAFF},
    "institution.inbox_read": {STAFF},
    "institution.competitions": {STAFF},
    "institution.competition_apply": {STAFF},
    "institution.competition_result": {STAFF},
    "worker.inbox": {WORKER},
    "worker.inbox_read": {WORKER},
    "worker.promotion": {WORKER},
    "api_promotions.list_promotions": SIGNED_IN,
    "api_promotions.get_promotion": SIGNED_IN,
    "api_promotions.create_promotion": {STAFF, OFFICER},
    "api_promotions.add_evidence": {STAFF, OFFICER},
    "api_promotions.transition": {STAFF, OFFICER},
    "api_competitions.list_competitions": {STAFF, OFFICER, ADMIN},
    "api_competitions.get_competition": {STAFF, OFFICER, ADMIN},
    "api_competitions.create_competition": {STAFF, OFFICER},
    "api_competitions.plan": {STAFF, OFFICER},
    "api_competitions.add_result": {STAFF, OFFICER},
    "api_competitions.list_proposals": SIGNED_IN,
    "api_competitions.decide_proposal": {OFFICER},
    # competition reward rules a bureau sets, plan applications in the queue (issue 14 items 6 and 7)
    "bureau.competition_rules": {OFFICER},
    "bureau.competition_rules_export": {OFFICER},
    "bureau.new_competition_rule": {OFFICER},
    "bureau.competition_rule": {OFFICER},
    "bureau.edit_competition_rule": {OFFICER},
    "bureau.competition_judge_again": {OFFICER},
    "api_competition_rules.list_rules": {OFFICER, ADMIN},
    "api_competition_rules.get_rule": {OFFICER, ADMIN},
    "api_competition_rules.create": {OFFICER},
    "api_competition_rules.preview": {OFFICER},
    "api_competition_rules.revise": {OFFICER},
    "api_competitions.reevaluate": {OFFICER},
    # the appraisal road: applications, sessions, results and their corrections, historic entry (issue 14 3-5)
    "institution.applications": {STAFF},
    "institution.applications_export": {STAFF},
    "institution.new_application": {STAFF},
    "institution.application": {STAFF},
    "institution.review_application": {STAFF},
    "institution.seat": {STAFF},
    "institution.sessions": {STAFF},
    "institution.sessions_export": {STAFF},
    "institution.session": {STAFF},
    "institution.session_result": {STAFF},
    "institution.close_session": {STAFF},
    "institution.result": {STAFF},
    # corrections a worker asks for (issue 10 item 1): the worker files, the responsible party answers
    "worker.corrections": {WORKER},
    "worker.new_correction": {WORKER},
    "worker.correction": {WORKER},
    "worker.withdraw_correction_request": {WORKER},
    "worker.correction_evidence": {WORKER},
    "institution.correction_requests": {STAFF},
    "institution.correction_requests_export": {STAFF},
    "institution.correction_request": {STAFF},
    "institution.correction_accept": {STAFF},
    "institution.correction_refuse": {STAFF},
    "institution.correction_evidence": {STAFF},
    "bureau.correction_requests": {OFFICER},
    "bureau.correction_requests_export": {OFFICER},
    "bureau.correction_request": {OFFICER},
    "bureau.correction_accept": {OFFICER},
    "bureau.correction_refuse": {OFFICER},
    "bureau.correction_evidence": {OFFICER},
    "institution.correct": {STAFF},
    "institution.void": {STAFF},
    "institution.complete": {STAFF},
    "worker.applications": {WORKER},
    "worker.new_application": {WORKER},
    "worker.application": {WORKER},
    "admin.historic_certificate": {ADMIN},
    "api_applications.list_applications": SIGNED_IN,
    "api_applications.create_application": {WORKER, STAFF},
    "api_applications.get_application": SIGNED_IN,
    "api_applications.review": {STAFF},
    "api_applications.seat": {STAFF},
    "api_sessions.list_sessions": {STAFF, OFFICER, ADMIN},
    "api_sessions.create_session": {STAFF},
    "api_sessions.get_session": {STAFF, OFFICER, ADMIN},
    "api_sessions.create_session_result": {STAFF},
    "api_results.create_result": {STAFF},
    "api_results.get_result": SIGNED_IN,
    "api_results.correct": {STAFF},
    "api_results.void": {STAFF},
    "api_results.complete": {STAFF},
    # a worker's facts: work periods, diplomas, apprenticeships, titles (issue 14 items 1-2)
    "institution.worker": {STAFF},
    "institution.add_fact": {STAFF},
    "institution.correct_fact": {STAFF},
    "institution.attest": {STAFF},
    "institution.withdraw": {STAFF},
    "worker.my_history": {WORKER},
    "worker.claim_fact": {WORKER},
    "worker.withdraw_claim": {WORKER},
    # share links for chosen certificates (issue 10 item 3): the worker makes them, anyone holding one opens it
    "worker.shares": {WORKER},
    "worker.new_share": {WORKER},
    "worker.share": {WORKER},
    "worker.withdraw_share": {WORKER},
    # everything held about me, and consent to public pages (issue 10 items 4 and 5): the worker's own only
    "worker.my_data": {WORKER},
    "worker.my_data_json": {WORKER},
    "worker.consent": {WORKER},
    "shared.view": EVERYONE,
    "shared.credential": EVERYONE,
    # accounts and the audit trail (issue 12): everyone changes their own password, the admin runs the rest
    "account.password": SIGNED_IN,
    "admin.users": {ADMIN},
    "admin.users_export": {ADMIN},
    "admin.user": {ADMIN},
    "admin.disable": {ADMIN},
    "admin.enable": {ADMIN},
    "admin.reset": {ADMIN},
    "admin.audit": {ADMIN},
    "admin.audit_export": {ADMIN},
    # the campaign dashboards (issue 9 item 4): an officer reads their own region and what lies within it; admins read all
    "bureau.campaign_dashboard": {OFFICER, ADMIN},
    "bureau.campaign_national": {OFFICER, ADMIN},
    "bureau.campaign_province": {OFFICER, ADMIN},
    "bureau.campaign_city": {OFFICER, ADMIN},
    "bureau.campaign_table": {OFFICER, ADMIN},
    # the programmes registry (issue 9 item 6): bureaus of the region see them, the tier's bureau keeps them
    "bureau.programmes": {OFFICER},
    "bureau.programmes_export": {OFFICER},
    "bureau.new_programme": {OFFICER},
    "bureau.programme": {OFFICER},
    "bureau.edit_programme": {OFFICER},
    "bureau.programme_members_export": {OFFICER},
    "bureau.add_member": {OFFICER},
    "bureau.end_member": {OFFICER},
    "bureau.remove_member": {OFFICER},
    "bureau.add_result": {OFFICER},
    "bureau.add_funding": {OFFICER},
    # the campaign's records (issue 9 item 1): the ministry creates campaigns and chooses cities (another officer
    # gets 404 on /new, 403 on a write), a city enters its own plan, funds and targets, its region reads them
    "bureau.campaigns": {OFFICER},
    "bureau.new_campaign": {OFFICER},
    "bureau.campaign_cities": {OFFICER},
    "bureau.campaign_plans_export": {OFFICER},
    "bureau.city_plan_page": {OFFICER},
    "bureau.save_city_plan": {OFFICER},
    "bureau.save_city_targets": {OFFICER},
    "bureau.save_city_funding": {OFFICER},
    # the campaign evaluation (issue 9 item 5): read like the dashboards (officers of the region, admins); the
    # province of the city and the ministry comment
    "bureau.campaign_evaluation": {OFFICER, ADMIN},
    "bureau.campaign_evaluation_export": {OFFICER, ADMIN},
    "bureau.city_evaluation": {OFFICER, ADMIN},
    "bureau.city_evaluation_export": {OFFICER, ADMIN},
    "bureau.comment_on_evaluation": {OFFICER},
    # the campaign through the API (bureaus' own systems), scoped by region; the public talent pages (consented only)
    "api_campaigns.list_campaigns": {OFFICER, ADMIN},
    "api_campaigns.get_campaign": {OFFICER, ADMIN},
    "api_campaigns.campaign_indicators": {OFFICER, ADMIN},
    "api_campaign_evaluation.campaign_evaluation": {OFFICER, ADMIN},
    "talents.index": EVERYONE,
    "talents.city": EVERYONE,
    **{f"api_worker_facts.list_{kind}": SIGNED_IN
       for kind in ("work_periods", "diplomas", "titles", "apprenticeships")},
    **{f"api_worker_facts.{verb}_{kind}": {WORKER, STAFF, OFFICER}
       for verb in ("add", "correct", "withdraw") for kind in ("work_periods", "diplomas", "titles")},
    **{f"api_worker_facts.{verb}_apprenticeships": {STAFF, OFFICER} for verb in ("add", "correct", "withdraw")},
    **{f"api_worker_facts.attest_{kind}": {STAFF, OFFICER} for kind in ("work_periods", "diplomas", "titles")},
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        values[name] = 1 if "Integer" in converter else ("x.css" if name == "filename" else "x")
    return rule.build(values, append_unknown=False)[1]


def test_every_route_has_a_declared_rule_and_an_expectation(app):
    endpoints = {rule.endpoint for rule, _ in _routes(app)}
    with app.test_request_context():
        undeclared = sorted(e for e in endpoints if rule_for(app, e) is None)
    assert not undeclared, f"routes without an access rule: {undeclared}"
    assert endpoints == set(EXPECTED), (
        f"add to EXPECTED: {sorted(endpoints - set(EXPECTED))}; stale: {sorted(set(EXPECTED) - endpoints)}"
    )


@pytest.fixture
def clients(app, make_user, login, api_token):
    """One page client and one API header set per role."""
    users = {role: make_user(role) for role in (WORKER, STAFF, OFFICER, ADMIN)}
    pages, headers = {ANON: app.test_client()}, {ANON: {}}
    for role, user in users.items():
        pages[role] = app.test_client()
        login(pages[role], user)
        headers[role] = api_token(user)
    return pages, headers


def _denied(response, is_api: bool) -> bool:
    if is_api:
        return response.status_code in (401, 403)
    if response.status_code == 302:
        return "/login" in response.headers["Location"]
    return response.status_code in (401, 403)


def test_no_route_is_reachable_without_the_right_role(app, clients):
    pages, headers = clients
    failures = []
    for rule, method in _routes(app):
        if rule.endpoint in ("auth.logout", "api_auth.delete_token"):
            continue  # they end the session under test; covered in test_auth
        url = _url(rule)
        is_api = url.startswith("/api/") and rule.endpoint not in ("api-docs.openapi_json", "api_docs_page.docs")
        for role in sorted(EVERYONE):
            response = pages[role].open(url, method=method, headers=headers[role] if is_api else {},
                                        json={} if method in ("POST", "PUT", "PATCH") and is_api else None)
            allowed = role in EXPECTED[rule.endpoint]
            if allowed == _denied(response, is_api):
                failures.append(f"{method} {url} as {role}: {response.status_code} (allowed={allowed})")
            if response.status_code >= 500:
                failures.append(f"{method} {url} as {role}: server error {response.status_code}")
    assert not failures, "\n".join(failures)


def test_signed_in_routes_deny_by_default_when_a_view_forgets_its_rule(app):
    """A view registered without @allow/@public is refused, not served."""
    from flask import Flask

    probe = Flask("probe")
    probe.config.update(app.config)
    from app.access import gate

    probe.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    probe.before_request(gate)
    probe.extensions = app.extensions
    with probe.test_client() as client:
        assert client.get("/forgotten").status_code == 403
