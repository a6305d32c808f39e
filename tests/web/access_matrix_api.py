"""The access matrix's rows for the JSON API under /api/v1 and its documentation (see tests/web/access_matrix.py)."""

from __future__ import annotations

from tests.web.access_answers import (
    CITY_1,
    CITY_2,
    EVERYONE,
    MINISTRY,
    OFFICERS,
    OWNER,
    PROVINCE_1,
    PROVINCE_2,
    SIGNED_IN,
    STAFF,
    STAFF_1,
    STAFF_2,
    SYSTEM,
    WORKER_B,
    WORKERS,
    answers,
)

API_MATRIX: dict[tuple[str, str], dict[str, str]] = {
    # api-docs
    ("api-docs.openapi_json", "GET"): answers(allowed=EVERYONE),
    # api_applications
    ("api_applications.create_application", "POST"): answers(allowed=(*WORKERS, *STAFF)),
    ("api_applications.get_application", "GET"): answers(allowed=(OWNER, STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(WORKER_B, STAFF_2, CITY_2, PROVINCE_2)),
    ("api_applications.list_applications", "GET"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF, SYSTEM)),
    ("api_applications.review", "POST"): answers(allowed=STAFF),
    ("api_applications.seat", "POST"): answers(allowed=STAFF),
    # api_auth
    ("api_auth.create_token", "POST"): answers(allowed=EVERYONE),
    ("api_auth.delete_token", "DELETE"): answers(allowed=SIGNED_IN),
    # api_campaign_evaluation
    ("api_campaign_evaluation.campaign_evaluation", "GET"): answers(allowed=(*OFFICERS, SYSTEM)),
    # api_campaigns
    ("api_campaigns.campaign_indicators", "GET"): answers(allowed=(MINISTRY, SYSTEM), not_found=(CITY_1, CITY_2, PROVINCE_1, PROVINCE_2)),
    ("api_campaigns.get_campaign", "GET"): answers(allowed=(*OFFICERS, SYSTEM)),
    ("api_campaigns.list_campaigns", "GET"): answers(allowed=(*OFFICERS, SYSTEM)),
    # api_certificates
    ("api_certificates.create_certificate", "POST"): answers(allowed=(SYSTEM,)),
    ("api_certificates.get_certificate", "GET"): answers(allowed=(OWNER, STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(WORKER_B, STAFF_2, CITY_2, PROVINCE_2)),
    ("api_certificates.list_certificates", "GET"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF, SYSTEM)),
    ("api_certificates.revoke", "POST"): answers(allowed=OFFICERS),
    # api_competition_rules
    ("api_competition_rules.create", "POST"): answers(allowed=OFFICERS),
    ("api_competition_rules.get_rule", "GET"): answers(allowed=(CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(CITY_2, PROVINCE_2)),
    ("api_competition_rules.list_rules", "GET"): answers(allowed=(*OFFICERS, SYSTEM)),
    ("api_competition_rules.preview", "POST"): answers(allowed=OFFICERS),
    ("api_competition_rules.revise", "POST"): answers(allowed=OFFICERS),
    # api_competitions
    ("api_competitions.add_result", "POST"): answers(allowed=(*OFFICERS, *STAFF)),
    ("api_competitions.create_competition", "POST"): answers(allowed=(*OFFICERS, *STAFF)),
    ("api_competitions.decide_proposal", "POST"): answers(allowed=OFFICERS),
    ("api_competitions.get_competition", "GET"): answers(allowed=(CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(*STAFF, CITY_2, PROVINCE_2)),
    ("api_competitions.list_competitions", "GET"): answers(allowed=(*OFFICERS, *STAFF, SYSTEM)),
    ("api_competitions.list_proposals", "GET"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF, SYSTEM)),
    ("api_competitions.plan", "POST"): answers(allowed=(*OFFICERS, *STAFF)),
    ("api_competitions.reevaluate", "POST"): answers(allowed=(CITY_1, PROVINCE_1), not_found=(CITY_2, PROVINCE_2)),
    # api_credentials
    ("api_credentials.get_credential", "GET"): answers(allowed=(OWNER, STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(WORKER_B, STAFF_2, CITY_2, PROVINCE_2)),
    # api_docs_page
    ("api_docs_page.docs", "GET"): answers(allowed=EVERYONE),
    # api_history
    ("api_history.worker_history", "GET"): answers(allowed=(OWNER, STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(WORKER_B, STAFF_2, CITY_2, PROVINCE_2)),
    # api_imports
    ("api_imports.commit_job", "POST"): answers(allowed=(STAFF_1,), not_found=(STAFF_2,)),
    ("api_imports.create_job", "POST"): answers(allowed=STAFF),
    ("api_imports.get_import", "GET"): answers(allowed=(STAFF_1,), not_found=(STAFF_2,)),
    ("api_imports.list_imports", "GET"): answers(allowed=STAFF),
    # api_institutions
    ("api_institutions.get_institution", "GET"): answers(allowed=(*WORKERS, STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(STAFF_2, CITY_2, PROVINCE_2)),
    ("api_institutions.list_institutions", "GET"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF, SYSTEM)),
    # api_ladder
    ("api_ladder.graph", "GET"): answers(allowed=EVERYONE),
    ("api_ladder.routes", "GET"): answers(allowed=EVERYONE),
    ("api_ladder.worker_routes", "GET"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF, SYSTEM)),
    # api_promotions
    ("api_promotions.add_evidence", "POST"): answers(allowed=(*OFFICERS, *STAFF)),
    ("api_promotions.create_promotion", "POST"): answers(allowed=(*OFFICERS, *STAFF)),
    ("api_promotions.get_promotion", "GET"): answers(allowed=(OWNER, STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(WORKER_B, STAFF_2, CITY_2, PROVINCE_2)),
    ("api_promotions.list_promotions", "GET"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF, SYSTEM)),
    ("api_promotions.transition", "POST"): answers(allowed=(*OFFICERS, *STAFF)),
    # api_reference
    ("api_reference.cities", "GET"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF, SYSTEM)),
    ("api_reference.levels", "GET"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF, SYSTEM)),
    ("api_reference.occupations", "GET"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF, SYSTEM)),
    # api_results
    ("api_results.complete", "POST"): answers(allowed=STAFF),
    ("api_results.correct", "POST"): answers(allowed=STAFF),
    ("api_results.create_result", "POST"): answers(allowed=STAFF),
    ("api_results.get_result", "GET"): answers(allowed=(OWNER, STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(WORKER_B, STAFF_2, CITY_2, PROVINCE_2)),
    ("api_results.void", "POST"): answers(allowed=STAFF),
    # api_sessions
    ("api_sessions.create_session_result", "POST"): answers(allowed=STAFF),
    ("api_sessions.create_session", "POST"): answers(allowed=STAFF),
    ("api_sessions.get_session", "GET"): answers(allowed=(STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(STAFF_2, CITY_2, PROVINCE_2)),
    ("api_sessions.list_sessions", "GET"): answers(allowed=(*OFFICERS, *STAFF, SYSTEM)),
    # api_verify
    ("api_verify.verify_by_body", "POST"): answers(allowed=EVERYONE),
    ("api_verify.verify_by_link", "GET"): answers(allowed=EVERYONE),
    # api_worker_facts
    ("api_worker_facts.add_apprenticeships", "POST"): answers(allowed=(*OFFICERS, *STAFF)),
    ("api_worker_facts.add_diplomas", "POST"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF)),
    ("api_worker_facts.add_titles", "POST"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF)),
    ("api_worker_facts.add_work_periods", "POST"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF)),
    ("api_worker_facts.attest_diplomas", "POST"): answers(allowed=(STAFF_1, CITY_1, PROVINCE_1, MINISTRY), not_found=(STAFF_2, CITY_2, PROVINCE_2)),
    ("api_worker_facts.attest_titles", "POST"): answers(allowed=(STAFF_1, CITY_1, PROVINCE_1, MINISTRY), not_found=(STAFF_2, CITY_2, PROVINCE_2)),
    ("api_worker_facts.attest_work_periods", "POST"): answers(allowed=(STAFF_1, CITY_1, PROVINCE_1, MINISTRY), not_found=(STAFF_2, CITY_2, PROVINCE_2)),
    ("api_worker_facts.correct_apprenticeships", "POST"): answers(allowed=(*OFFICERS, *STAFF)),
    ("api_worker_facts.correct_diplomas", "POST"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF)),
    ("api_worker_facts.correct_titles", "POST"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF)),
    ("api_worker_facts.correct_work_periods", "POST"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF)),
    ("api_worker_facts.list_apprenticeships", "GET"): answers(allowed=(OWNER, STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(WORKER_B, STAFF_2, CITY_2, PROVINCE_2)),
    ("api_worker_facts.list_diplomas", "GET"): answers(allowed=(OWNER, STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(WORKER_B, STAFF_2, CITY_2, PROVINCE_2)),
    ("api_worker_facts.list_titles", "GET"): answers(allowed=(OWNER, STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(WORKER_B, STAFF_2, CITY_2, PROVINCE_2)),
    ("api_worker_facts.list_work_periods", "GET"): answers(allowed=(OWNER, STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(WORKER_B, STAFF_2, CITY_2, PROVINCE_2)),
    ("api_worker_facts.withdraw_apprenticeships", "POST"): answers(allowed=(*OFFICERS, *STAFF)),
    ("api_worker_facts.withdraw_diplomas", "POST"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF)),
    ("api_worker_facts.withdraw_titles", "POST"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF)),
    ("api_worker_facts.withdraw_work_periods", "POST"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF)),
    # api_workers
    ("api_workers.create_worker", "POST"): answers(allowed=(*STAFF, SYSTEM)),
    ("api_workers.get_worker", "GET"): answers(allowed=(OWNER, STAFF_1, CITY_1, PROVINCE_1, MINISTRY, SYSTEM), not_found=(WORKER_B, STAFF_2, CITY_2, PROVINCE_2)),
    ("api_workers.list_workers", "GET"): answers(allowed=(*OFFICERS, *WORKERS, *STAFF, SYSTEM)),
}
