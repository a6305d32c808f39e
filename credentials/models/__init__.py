"""Typed SQLAlchemy models of the registry, one aggregate per module."""

from .accounts import ApiToken, BureauScope, LoginSession, Role, User
from .audit import AuditEvent
from .base import Base, utcnow
from .certificates import Certificate, CertificateKind, CertificateRoute, CertificateStatus
from .imports import ImportFile, ImportJob, ImportKind, ImportStatus
from .institutions import Accreditation, Institution, InstitutionKind
from .keys import IssuerKey
from .people import Gender, TargetGroup, Worker, WorkerTargetGroup
from .reference import City, Occupation, Province
from .training import (
    AppraisalResult,
    Diploma,
    TrainingForm,
    TrainingOutcome,
    TrainingRecord,
    TrainingType,
    WorkPeriod,
)

__all__ = [
    "AppraisalResult", "Diploma", "ImportFile", "ImportJob", "ImportKind", "ImportStatus", "TrainingForm",
    "TrainingOutcome", "TrainingRecord", "TrainingType", "WorkPeriod",
    "Accreditation", "ApiToken", "AuditEvent", "Base", "BureauScope", "Certificate", "CertificateKind",
    "CertificateRoute", "CertificateStatus", "City", "Gender", "Institution", "InstitutionKind", "IssuerKey",
    "LoginSession", "Occupation", "Province", "Role", "TargetGroup", "User", "Worker",
    "WorkerTargetGroup", "utcnow",
]
