"""Who may do what to which record: every object-level permission predicate, pure (no queries).

The route-level gate lives in `app/access.py`; what each role may *see* is `credentials.queries.scopes`.

Decisions belong to the bureaus of the worker's region, stage by stage (ladder.review): a city officer
decides the city stage of their city, a province officer the province stage of their province. The
ministry sees every request but decides none: DOMAIN §3 names the city bureau (first review) and the
provincial department (核准) as approvers, and no text we hold gives the ministry single cases.
Maker ≠ checker: nobody decides a request they nominated, nor about a worker their institution employs.
"""

from __future__ import annotations

from .errors import Forbidden
from .labels import STAGE_NAMES
from .models import (
    AdminDuty,
    BureauScope,
    Certificate,
    Competition,
    CompetitionRule,
    ProgrammeTier,
    PromotionRequest,
    ReviewStage,
    Role,
    User,
    Worker,
)
from .models.record_corrections import CorrectionRequest
from .models.sharing import ShareLink
from .models.training import TrainingRecord


def can_reveal_national_id(user: User) -> bool:
    """Full ID numbers are shown only to admins and to the worker themself; every reveal is audited."""
    return user.role is Role.ADMIN


def can_register_workers(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.INSTITUTION_STAFF)


def is_observer(user: User) -> bool:
    """The ministry's officers see the whole country and decide nothing in single cases (README, DOMAIN §3):
    no revocation, no decision, nothing written on a worker's record."""
    return user.role is Role.BUREAU_OFFICER and user.bureau_scope is BureauScope.MINISTRY


def can_revoke(user: User, certificate: Certificate) -> bool:
    """Revocation is a bureau decision, within the officer's city or province; the ministry only observes."""
    if user.role is not Role.BUREAU_OFFICER or is_observer(user):
        return False
    return covers_city(user, certificate.worker.city_code)


def covers_city(user: User, city_code: str) -> bool:
    """The officer's region includes this city (a city code's first two digits are its province)."""
    if user.role is not Role.BUREAU_OFFICER:
        return False
    if user.bureau_scope is BureauScope.MINISTRY:
        return True
    if user.bureau_scope is BureauScope.PROVINCE:
        return city_code[:2] == user.region_code
    return city_code == user.region_code


def officer_of_stage(user: User, stage: ReviewStage, city_code: str) -> bool:
    scope = {ReviewStage.CITY: BureauScope.CITY, ReviewStage.PROVINCE: BureauScope.PROVINCE}[stage]
    return user.bureau_scope is scope and covers_city(user, city_code)


def conflict_of_interest(user: User, request: PromotionRequest) -> Forbidden | None:
    if user.id == request.nominated_by_id:
        return Forbidden("own_nomination")
    employers = {request.worker.employer_id, request.institution_id} - {None}
    if user.institution_id is not None and user.institution_id in employers:
        return Forbidden("own_employee")
    return None


def decision_refusal(user: User, request: PromotionRequest) -> Forbidden | None:
    """Why `user` may not decide `request` at its current stage, or None when they may."""
    if user.role is not Role.BUREAU_OFFICER:
        return conflict_of_interest(user, request) or Forbidden("action")
    if user.bureau_scope is BureauScope.MINISTRY:
        return Forbidden("ministry_observes")
    if not covers_city(user, request.city_code):
        return Forbidden("action")
    conflict = conflict_of_interest(user, request)
    if conflict is not None:
        return conflict
    if not officer_of_stage(user, request.stage, request.city_code):
        return Forbidden("wrong_stage", stage=STAGE_NAMES[request.stage])
    return None


def is_nominating_side(user: User, request: PromotionRequest) -> bool:
    """The nominator, or a colleague at the nominating institution, speaks for the nomination."""
    if user.id == request.nominated_by_id:
        return True
    return request.institution_id is not None and user.institution_id == request.institution_id


def may_nominate(user: User, worker_city: str) -> bool:
    """Institution staff nominate (their scope is checked by query); city and province bureaus recommend
    workers of their region too (DOMAIN §3: 邯郸 recommends city competition winners to the province)."""
    if user.role is Role.INSTITUTION_STAFF:
        return True
    return (user.role is Role.BUREAU_OFFICER and user.bureau_scope is not BureauScope.MINISTRY
            and covers_city(user, worker_city))


def final_stage_officer(user: User, final_stage: str, city_code: str) -> bool:
    """Competition proposals are confirmed by the bureau whose stage decides that target finally."""
    return officer_of_stage(user, ReviewStage(final_stage), city_code)


def may_run(by: User, competition: Competition) -> bool:
    """Organizers enter results: the bureau of the place (the ministry for national ones), or the institution."""
    if by.role is Role.INSTITUTION_STAFF:
        return competition.organizer_institution_id == by.institution_id
    if by.role is not Role.BUREAU_OFFICER:
        return False
    if by.bureau_scope is BureauScope.MINISTRY:
        return True
    if competition.city_code:
        return covers_city(by, competition.city_code)
    return by.bureau_scope is BureauScope.PROVINCE and competition.province_code == by.region_code


def may_write_rules(by: User) -> bool:
    """City and province bureaus enter the reward rules of their own notices; the ministry only reads."""
    return by.role is Role.BUREAU_OFFICER and by.bureau_scope in (BureauScope.CITY, BureauScope.PROVINCE)


def may_edit_rule(by: User, rule: CompetitionRule) -> bool:
    """A rule is its author bureau's: a city's by that city's officers, a province's by that province's."""
    if not may_write_rules(by):
        return False
    if by.bureau_scope is BureauScope.CITY:
        return rule.city_code == by.region_code
    return rule.city_code is None and rule.province_code == by.region_code


def may_judge_again(by: User, competition: Competition) -> bool:
    """The bureau of the competition's place re-judges its results under a rule (the ministry only reads)."""
    return may_write_rules(by) and may_run(by, competition)


def runs_appraisal(user: User, institution_id: int) -> bool:
    """An institution's own staff run its sessions, review its applications and correct its results; an
    admin may too. Bureaus supervise (they see them, and revoke certificates), they do not enter results."""
    return user.role is Role.ADMIN or (user.role is Role.INSTITUTION_STAFF and user.institution_id == institution_id)


def may_apply_for(user: User, worker: Worker, institution_id: int) -> bool:
    """A worker applies for themself; an institution enters applications to itself for a worker; an admin."""
    if user.role is Role.WORKER:
        return user.worker_id == worker.id
    return runs_appraisal(user, institution_id)


def may_merge_workers(by: User, first: Worker, second: Worker) -> bool:
    """Two records of one person are merged (or judged two people) by a bureau whose region covers both: a
    pair across two cities is the province's. The ministry observes."""
    return (by.role is Role.BUREAU_OFFICER and not is_observer(by)
            and covers_city(by, first.city_code) and covers_city(by, second.city_code))


def may_record_recognition(by: User, worker: Worker) -> bool:
    if by.role is Role.BUREAU_OFFICER:
        return not is_observer(by) and covers_city(by, worker.city_code)
    return by.role is Role.INSTITUTION_STAFF and worker.employer_id == by.institution_id


# ---- a worker's facts: work periods, diplomas, apprenticeships, titles (credentials/services/worker_facts.py)

def may_record_facts(user: User, worker: Worker) -> bool:
    """Officials record facts that count at once: staff of an institution the worker belongs to (employer,
    registering, training or appraising institution: the worker scope checks that by query) and bureau officers
    of the worker's city or province. The ministry observes; admins keep accounts, not records."""
    if user.role is Role.INSTITUTION_STAFF:
        return True
    return (user.role is Role.BUREAU_OFFICER and user.bureau_scope is not BureauScope.MINISTRY
            and covers_city(user, worker.city_code))


def may_claim_facts(user: User, worker: Worker) -> bool:
    """The worker adds their own work, diplomas and titles: claims that count once an official attests them."""
    return user.role is Role.WORKER and user.worker_id == worker.id


def may_attest(user: User, worker: Worker, *, employer_id: int | None = None) -> bool:
    """Who confirms a worker's claim: a work period's employer, when the employer is in the registry (its staff
    only); otherwise any institution that may record the worker's facts (it holds the paper proof); a bureau
    officer of the region always."""
    if not may_record_facts(user, worker):
        return False
    return user.role is not Role.INSTITUTION_STAFF or employer_id is None or user.institution_id == employer_id


def may_change_fact(user: User, worker: Worker, *, attested: bool, attested_by_institution_id: int | None,
                    employer_id: int | None = None) -> bool:
    """Who corrects or withdraws a fact: the worker their own claims not yet attested; an institution the facts
    it attested, and the claims it may attest; a bureau officer of the region any."""
    if not attested:
        return may_claim_facts(user, worker) or may_attest(user, worker, employer_id=employer_id)
    if user.role is Role.INSTITUTION_STAFF:
        return attested_by_institution_id is not None and attested_by_institution_id == user.institution_id
    return user.role is Role.BUREAU_OFFICER and may_record_facts(user, worker)


def decides_own_data(user: User, worker: Worker) -> bool:
    """Consent to public pages and the download of everything held (PIPL arts. 29 and 45) are the worker's own
    acts: nobody decides or downloads them on the worker's behalf, not even an administrator."""
    return user.role is Role.WORKER and user.worker_id == worker.id


def may_share(user: User, worker: Worker) -> bool:
    """Only the worker shares their own certificates: a link shows them to whoever holds it, which is the
    holder's choice to make (nobody shares a worker's record on their behalf)."""
    return user.role is Role.WORKER and user.worker_id == worker.id


def may_withdraw_share(user: User, link: ShareLink) -> bool:
    """The worker who made a share link may withdraw it; nobody else may, nor see it."""
    return user.role is Role.WORKER and user.worker_id == link.worker_id


# ---- corrections a worker asks for (credentials/services/record_corrections.py) and what they change

def may_answer_correction(user: User, request: CorrectionRequest) -> bool:
    """The party responsible for the record answers: the institution that wrote it (its own staff), else the
    bureau of the worker's city (an officer whose region covers it; the ministry observes)."""
    if request.responsible_institution_id is not None:
        return user.role is Role.INSTITUTION_STAFF and user.institution_id == request.responsible_institution_id
    return user.role is Role.BUREAU_OFFICER and not is_observer(user) and covers_city(user, request.city_code)


def may_amend_training(user: User, training: TrainingRecord) -> bool:
    """A training record is its institution's: its own staff (or an admin) correct or void it."""
    return runs_appraisal(user, training.institution_id)


def may_correct_identity(user: User, worker: Worker) -> bool:
    """The name a worker is registered under is corrected by a bureau of the worker's region, which sees the
    identity papers; the ministry observes."""
    return user.role is Role.BUREAU_OFFICER and not is_observer(user) and covers_city(user, worker.city_code)


def may_correct_certificate(user: User, certificate: Certificate) -> bool:
    """What a certificate says is the bureau's to correct, as its revocation is."""
    return can_revoke(user, certificate)


# ---- accounts (credentials/services/accounts.py: disable, enable, reset a password)

def may_manage_accounts(by: User) -> bool:
    """Accounts are the security administrator's (三员分立): an active one creates, disables, enables and resets
    them and changes an administrator's duty; the system and audit administrators do none of it."""
    return by.role is Role.ADMIN and by.admin_duty is AdminDuty.SECURITY and by.is_active


# ---- reporting upward (credentials/services/reporting.py: packages of certificate records for the nation)

def may_report_for(user: User, region_code: str) -> bool:
    """A city bureau reports its city, a province bureau its province or one of its cities (谁发证、谁负责); the
    ministry receives the data through the national exchange and builds no package."""
    if user.role is not Role.BUREAU_OFFICER or is_observer(user) or user.region_code is None:
        return False
    if user.bureau_scope is BureauScope.PROVINCE:
        return region_code == user.region_code or (len(region_code) == 4 and region_code[:2] == user.region_code)
    return region_code == user.region_code


# ---- the programmes registry (credentials/services/programmes.py)

_KEEPER_OF_TIER = {ProgrammeTier.CITY: BureauScope.CITY, ProgrammeTier.PROVINCIAL: BureauScope.PROVINCE,
                   ProgrammeTier.NATIONAL: BureauScope.MINISTRY}


def may_keep_programme(user: User, tier: ProgrammeTier, city_code: str) -> bool:
    """A programme is kept by the bureau of its tier: a city-tier one by that city's officers, a provincial one by
    the officers of the city's province, a national one by the ministry (national programmes are the ministry's
    own acts, unlike single cases, which it only observes)."""
    return (user.role is Role.BUREAU_OFFICER and user.bureau_scope is _KEEPER_OF_TIER[ProgrammeTier(tier)]
            and covers_city(user, city_code))


def may_name_programme_member(user: User, tier: ProgrammeTier, city_code: str, worker: Worker) -> bool:
    """Its keeper names the programme's people among the workers of the keeper's own region."""
    return may_keep_programme(user, tier, city_code) and covers_city(user, worker.city_code)


# ---- oversight of institutions (credentials/services/oversight.py: marking a flag reviewed)

def may_review_flag(user: User, city_codes: tuple[str, ...]) -> bool:
    """A city or province bureau reviews the flags of its region's institutions (`city_codes`: their cities); the
    ministry observes them."""
    return (user.role is Role.BUREAU_OFFICER and not is_observer(user) and user.region_code is not None
            and any(covers_city(user, city) for city in city_codes))


# ---- the campaign (credentials/services/campaigns.py, queries/campaigns.py, queries/indicators.py)

def may_manage_campaigns(user: User) -> bool:
    """The ministry creates a campaign and chooses its cities (plan 一: 在全国选择一批城市) — a national act, not a
    single case, so not barred by the ministry's observer role."""
    return user.role is Role.BUREAU_OFFICER and user.bureau_scope is BureauScope.MINISTRY


def may_edit_city_plan(user: User, city_code: str) -> bool:
    """A campaign city's own bureau enters its plan, funds and targets; the province and the ministry read them."""
    return user.role is Role.BUREAU_OFFICER and user.bureau_scope is BureauScope.CITY and user.region_code == city_code


def may_read_region(user: User, region_code: str) -> bool:
    """Indicators and campaign records of a region ("" the nation, 2 digits a province, 4 a city): a bureau officer
    their own region and what lies within it (the ministry everything), an admin everything."""
    if user.role is Role.ADMIN or (user.role is Role.BUREAU_OFFICER and user.bureau_scope is BureauScope.MINISTRY):
        return True
    if user.role is not Role.BUREAU_OFFICER or not region_code or user.region_code is None:
        return False
    if user.bureau_scope is BureauScope.PROVINCE:
        return region_code[:2] == user.region_code
    return region_code == user.region_code


def may_comment_on_evaluation(user: User, city_code: str) -> bool:
    """The province's and the ministry's comments on a campaign city's performance evaluation (plan 五, 第三阶段):
    an officer of the city's province, or the ministry. The ministry's observer role (`is_observer`) keeps it out of
    single cases — a worker's request, a certificate — because those belong to the bureaus of the worker's region;
    judging how a city performed in the national campaign is no single case but the oversight the ministry keeps
    (the plan has the ministry evaluate the cities), so the ministry comments. The city does not comment on its own
    evaluation (it is the one evaluated), and an admin keeps the system, not the campaign."""
    if user.role is not Role.BUREAU_OFFICER:
        return False
    if user.bureau_scope is BureauScope.MINISTRY:
        return True
    return user.bureau_scope is BureauScope.PROVINCE and user.region_code == city_code[:2]
