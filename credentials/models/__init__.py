"""Typed SQLAlchemy models of the registry, one aggregate per module."""

from .accounts import AdminDuty, ApiToken, BureauScope, LoginSession, LoginThrottle, Role, User, WorkerActivation
from .applications import (
    Application,
    ApplicationRoute,
    ApplicationState,
    AppraisalSession,
    CorrectionKind,
    ResultCorrection,
    SessionState,
)
from .audit import AuditEvent
from .base import Base, utcnow
from .campaigns import (
    Campaign,
    CampaignCity,
    CampaignPhase,
    CityFunding,
    CityPlan,
    CityTarget,
    FundingChannel,
    PhaseCode,
)
from .census import CensusSnapshot
from .certificates import Certificate, CertificateEvidence, CertificateKind, CertificateRoute, CertificateStatus
from .competition_rules import CompetitionRule
from .competitions import Competition, CompetitionPromotion, CompetitionResult, PlanState, ProposalState, ResultOutcome
from .evaluations import CommentLevel, EvaluationComment
from .imports import ImportFile, ImportJob, ImportKind, ImportStatus
from .inbox import InboxMessage
from .institutions import Accreditation, Institution, InstitutionKind
from .keys import IssuerKey
from .merges import DismissedDuplicate, DuplicateKind, WorkerMerge
from .oversight import FlagKind, FlagReview, ReviewOutcome
from .people import Gender, TargetGroup, Worker, WorkerTargetGroup
from .programmes import (
    FundingSource,
    MemberRole,
    Programme,
    ProgrammeFunding,
    ProgrammeKind,
    ProgrammeMember,
    ProgrammeResult,
    ProgrammeTier,
    ResultKind,
)
from .promotions import (
    Evidence,
    EvidenceBlob,
    PromotionDecision,
    PromotionKind,
    PromotionRequest,
    PromotionState,
    ReviewStage,
)
from .recognition import Allowance, AllowancePeriod, Honour
from .record_corrections import (
    CorrectionEvidence,
    CorrectionEvidenceBlob,
    CorrectionRequest,
    CorrectionState,
    CorrectionSubject,
    RecordAmendment,
    SupersededCredential,
)
from .reference import City, Occupation, Province
from .reporting import PackageKind, RegionKind, ReportedCertificate, ReportPackage, RowChange
from .second_factor import RecoveryCode, SecondFactor
from .sharing import ShareLink, ShareLinkCertificate
from .tallies import Tally, WorkerStanding
from .training import (
    AppraisalResult,
    SittingOutcome,
    TrainingForm,
    TrainingOutcome,
    TrainingRecord,
    TrainingType,
)
from .worker_facts import Apprenticeship, Attestation, Diploma, FactState, ProfessionalTitle, WorkPeriod

__all__ = [
    "Apprenticeship", "Attestation", "FactState", "ProfessionalTitle",
    "Application", "ApplicationRoute", "ApplicationState", "AppraisalSession", "CertificateEvidence",
    "CorrectionKind", "ResultCorrection", "SessionState", "SittingOutcome",
    "Allowance", "AllowancePeriod", "Competition", "CompetitionPromotion", "CompetitionResult", "CompetitionRule", "Evidence",
    "EvidenceBlob", "Honour", "InboxMessage", "PlanState", "PromotionDecision", "PromotionKind",
    "PromotionRequest", "PromotionState", "ProposalState", "ResultOutcome", "ReviewStage",
    "AppraisalResult", "Diploma", "ImportFile", "ImportJob", "ImportKind", "ImportStatus", "TrainingForm",
    "TrainingOutcome", "TrainingRecord", "TrainingType", "WorkPeriod",
    "Accreditation", "AdminDuty", "ApiToken", "AuditEvent", "Base", "BureauScope", "Certificate", "CertificateKind",
    "CertificateRoute", "CertificateStatus", "City", "Gender", "Institution", "InstitutionKind", "IssuerKey",
    "LoginSession", "LoginThrottle", "WorkerActivation", "Occupation", "Province", "Role", "TargetGroup", "User", "Worker",
    "WorkerTargetGroup", "utcnow",
    "CorrectionEvidence", "CorrectionEvidenceBlob", "CorrectionRequest", "CorrectionState", "CorrectionSubject",
    "RecordAmendment", "SupersededCredential",
    "ShareLink", "ShareLinkCertificate",
    "RecoveryCode", "SecondFactor",
    "DismissedDuplicate", "DuplicateKind", "WorkerMerge",
    "FlagKind", "FlagReview", "ReviewOutcome",
    "PackageKind", "RegionKind", "ReportedCertificate", "ReportPackage", "RowChange",
    "FundingSource", "MemberRole", "Programme", "ProgrammeFunding", "ProgrammeKind", "ProgrammeMember",
    "ProgrammeResult", "ProgrammeTier", "ResultKind",
    "Campaign", "CampaignCity", "CampaignPhase", "CityFunding", "CityPlan", "CityTarget", "FundingChannel",
    "PhaseCode", "Tally", "WorkerStanding",
    "CommentLevel", "EvaluationComment",
    "CensusSnapshot",
]
